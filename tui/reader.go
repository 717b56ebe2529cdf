package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/cells"
	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/internal/render"
)

// readerMaxWidth is the widest the reader wraps text to: lines longer than
// about a hundred columns are hard to read.
const readerMaxWidth = 100

// readerModel is the article screen: a header, the rendered article in a
// viewport, and a footer with the scroll position.
type readerModel struct {
	e *entry
	// idx is the article's row in the visible list, for n and p.
	idx int
	vp  viewport.Model
	// want is the rendering the screen needs; shown the one in vp.
	want, shown renderKey
	plain       bool
	notice      string
	// count is a footnote number being typed before o.
	count string
	// full is the article with its body, once a rendering brought it; the
	// list's article may have been loaded without one.
	full *feed.Article
	// lines are the rendered lines in vp, which only keeps the scroll
	// position: the screen draws the lines in view itself.
	lines []string
}

// setLines puts rendered lines on screen.
func (r *readerModel) setLines(lines []string) {
	r.lines = lines
	r.vp.SetContentLines(lines)
}

// article returns the article on screen, with its body when it has been
// loaded.
func (r *readerModel) article() *feed.Article {
	if r.full != nil {
		return r.full
	}
	return r.e.a
}

// rendered is a finished rendering of the article it was made from, with
// its body: the list's article may have been loaded without one.
type rendered struct {
	render.Result
	article *feed.Article
}

// renderedMsg carries a finished rendering.
type renderedMsg struct {
	key renderKey
	r   rendered
	err error
}

// renderCmd renders an article in a command, never in Update, first
// loading its body when it came without one.
func renderCmd(ctx context.Context, a *feed.Article, body BodyFunc, k renderKey, deadline time.Duration, wrap int) tea.Cmd {
	return safeCmd(func() tea.Msg {
		if a.Body == nil && body != nil {
			full, err := body(ctx, a)
			if err != nil {
				return renderedMsg{key: k, err: err}
			}
			a = full
		}
		res, err := render.Lines(ctx, a, render.Options{
			Width: wrap, Style: k.style, BodyOnly: true,
			Deadline: deadline,
		})
		r := rendered{Result: res}
		if err == nil {
			r.Lines = render.HardWrap(r.Lines, max(wrap, render.MinWidth))
			r.article = a
		}
		return renderedMsg{key: k, r: r, err: err}
	})
}

// readerWidth is the width the reader wraps text to in a terminal w wide.
func readerWidth(w int) int {
	return max(min(w, readerMaxWidth), render.MinWidth)
}

// readerHeights returns the viewport height for a terminal h tall: the
// header takes three rows, the footer and help bar two.
func readerHeight(h int) int {
	return max(h-5, 1)
}

// open shows entry idx of the visible list in the reader, from the cache
// when it has the rendering, else through a render command.
func (m *model) open(idx int) tea.Cmd {
	if idx < 0 || idx >= len(m.visible) {
		return nil
	}
	e := m.visible[idx]
	m.list = m.list.moveTo(idx, m.visible, m.listHeight())
	r := m.reader
	if r.e != e {
		r.setLines(nil)
		r.vp.SetYOffset(0)
		r.shown = renderKey{}
		r.notice = ""
		r.full = nil
	}
	r.e, r.idx, r.count = e, idx, ""
	m.reader = r
	m.screen = screenReader
	m.focus = focusReader
	return m.ensureRendered()
}

// ensureRendered puts the current article's rendering for the current
// width and style in the viewport, or asks for it.
func (m *model) ensureRendered() tea.Cmd {
	r := &m.reader
	if r.e == nil {
		return nil
	}
	w := readerWidth(m.width)
	r.vp.SetWidth(w)
	r.vp.SetHeight(readerHeight(m.height))
	a, full := m.articleOf(r.e)
	k := renderKey{id: a.ID, width: w, style: m.glamourStyle(), full: full}
	r.want = k
	if r.shown == k {
		return nil
	}
	if res, ok := m.cache.get(k); ok {
		m.showRendering(k, res)
		return m.prefetch()
	}
	return renderCmd(m.ctx, a, m.opt.Body, k, m.opt.RenderDeadline, w)
}

// prefetch renders the next article of the list ahead, into the cache, so
// that n shows it at once.
func (m *model) prefetch() tea.Cmd {
	i := m.reader.idx + 1
	if i >= len(m.visible) {
		return nil
	}
	next, full := m.articleOf(m.visible[i])
	k := renderKey{id: next.ID, width: m.reader.want.width, style: m.reader.want.style, full: full}
	if _, ok := m.cache.peek(k); ok || m.rendering[k] {
		return nil
	}
	m.rendering[k] = true
	return renderCmd(m.ctx, next, m.opt.Body, k, m.opt.RenderDeadline, k.width)
}

// showRendering puts a rendering in the viewport, keeping the reading
// position in proportion when only the width changed.
func (m *model) showRendering(k renderKey, res rendered) {
	r := &m.reader
	sameArticle := r.shown.id == k.id && r.shown.id != ""
	pct := r.vp.ScrollPercent()
	atTop := r.vp.AtTop()
	r.setLines(res.Lines)
	r.shown = k
	r.full = res.article
	r.plain = res.Plain
	if res.Plain {
		r.notice = res.Notice
	}
	switch {
	case sameArticle && !atTop:
		total := r.vp.TotalLineCount() - r.vp.Height()
		r.vp.SetYOffset(int(pct*float64(max(total, 0)) + 0.5))
	default:
		r.vp.SetYOffset(0)
	}
}

// applyRendered takes a finished rendering: into the cache always, and on
// screen when it is still the one wanted, then prefetches the next.
func (m *model) applyRendered(msg renderedMsg) tea.Cmd {
	delete(m.rendering, msg.key)
	if msg.err != nil {
		if msg.key == m.reader.want {
			m.reader.notice = feed.SanitizeLine(msg.err.Error())
			m.reader.shown = msg.key
			m.reader.setLines([]string{"", "  " + m.st.errorText.Render(m.reader.notice)})
		}
		return nil
	}
	m.cache.put(msg.key, msg.r)
	if msg.key == m.reader.want && m.screen == screenReader {
		m.showRendering(msg.key, msg.r)
		return m.prefetch()
	}
	return nil
}

// updateReader handles a key on the article screen.
func (m *model) updateReader(msg tea.KeyPressMsg) tea.Cmd {
	r := &m.reader
	k := m.keys
	if key.Matches(msg, k.Digit) {
		if len(r.count) < 4 {
			r.count += msg.Text
		}
		return nil
	}
	count := r.count
	r.count = ""
	switch {
	case key.Matches(msg, k.Back):
		m.screen, m.focus = screenList, focusList
		m.notice = ""
	case key.Matches(msg, k.Down):
		r.vp.ScrollDown(1)
	case key.Matches(msg, k.Up):
		r.vp.ScrollUp(1)
	case key.Matches(msg, k.PageDown):
		r.vp.PageDown()
	case key.Matches(msg, k.PageUp):
		r.vp.PageUp()
	case key.Matches(msg, k.HalfDown):
		r.vp.HalfPageDown()
	case key.Matches(msg, k.HalfUp):
		r.vp.HalfPageUp()
	case key.Matches(msg, k.Top):
		r.vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		r.vp.GotoBottom()
	case key.Matches(msg, k.Next):
		if r.idx+1 < len(m.visible) {
			return m.open(r.idx + 1)
		}
		m.setNotice("This is the last article.", false)
	case key.Matches(msg, k.Prev):
		if r.idx > 0 {
			return m.open(r.idx - 1)
		}
		m.setNotice("This is the first article.", false)
	case key.Matches(msg, k.OpenLink):
		return m.openFootnote(count)
	case key.Matches(msg, k.Links):
		if len(linkItems(r.article())) == 0 {
			m.setNotice("This article has no links.", false)
			return nil
		}
		m.links = linksModel{}
		m.focus = focusLinks
	case key.Matches(msg, k.Pipe):
		return m.openPrompt()
	case key.Matches(msg, k.Full):
		return m.fetchFull()
	case key.Matches(msg, k.Errors):
		m.openErrors()
	}
	return nil
}

// articleOf returns the article an entry shows: its fetched web page when
// f brought one, else the article as loaded.
func (m *model) articleOf(e *entry) (a *feed.Article, full bool) {
	if fp, ok := m.fullPages[e.a.ID]; ok {
		return fp, true
	}
	return e.a, false
}

// fullPageMsg carries the article with its fetched web page, or why it
// could not be had.
type fullPageMsg struct {
	id  string
	a   *feed.Article
	err error
}

// fetchFull fetches the web page of the article on screen in a command,
// for articles that came as a summary.
func (m *model) fetchFull() tea.Cmd {
	a := m.reader.article()
	switch {
	case m.opt.FullPage == nil:
		m.setNotice("Full pages cannot be fetched here.", true)
		return nil
	case a.Link == "":
		m.setNotice("This article has no web page to fetch.", false)
		return nil
	case m.fullPages[a.ID] != nil:
		m.setNotice("This is the full page already.", false)
		return nil
	}
	m.setNotice("Fetching "+a.Link+" …", false)
	ctx, fetch := m.ctx, m.opt.FullPage
	return safeCmd(func() tea.Msg {
		full, err := fetch(ctx, a)
		return fullPageMsg{id: a.ID, a: full, err: err}
	})
}

// applyFullPage shows a fetched web page in place of the summary.
func (m *model) applyFullPage(msg fullPageMsg) tea.Cmd {
	if msg.err != nil {
		m.setNotice("Could not fetch the full page: "+feed.SanitizeLine(msg.err.Error()), true)
		return nil
	}
	m.fullPages[msg.id] = msg.a
	m.setNotice("Showing the full page.", false)
	if m.screen == screenReader && m.reader.e != nil && m.reader.e.a.ID == msg.id {
		return m.ensureRendered()
	}
	return nil
}

// openFootnote opens footnote count, or the article's own page when no
// number was typed.
func (m *model) openFootnote(count string) tea.Cmd {
	a := m.reader.article()
	if count == "" {
		if a.Link == "" {
			m.setNotice("This article has no web page of its own; l lists its links.", false)
			return nil
		}
		return m.openLink(a.Link)
	}
	n, _ := strconv.Atoi(count)
	if n < 1 || n > len(a.Refs) {
		if len(a.Refs) == 0 {
			m.setNotice(fmt.Sprintf("There is no footnote %d: this article has none.", n), true)
		} else {
			m.setNotice(fmt.Sprintf("There is no footnote %d: they go from 1 to %d.", n, len(a.Refs)), true)
		}
		return nil
	}
	return m.openLink(a.Refs[n-1].URL)
}

// openLink opens a URL with the opener, saying so in the footer.
func (m *model) openLink(u string) tea.Cmd {
	m.setNotice("Opening "+u+" …", false)
	return openURL(u, m.opt.Opener, m.getenv("BROWSER"))
}

// readerView renders the article screen.
func (m *model) readerView() string {
	st := &m.st
	r := &m.reader
	if r.e == nil {
		return ""
	}
	cw := readerWidth(m.width)
	padding := strings.Repeat(" ", max((m.width-cw)/2, 0))
	var b strings.Builder
	b.Grow(16 << 10)
	b.WriteString(m.readerHeader(cw, padding))

	// Body: only the lines on screen, as rendered; nothing is re-styled
	// or re-measured while scrolling.
	h := r.vp.Height()
	switch {
	case r.shown.id == "":
		b.WriteString(padding + st.dim.Render("  Rendering…"))
		b.WriteString(strings.Repeat("\n", h))
	default:
		off := r.vp.YOffset()
		end := min(off+h, len(r.lines))
		for i := off; i < end; i++ {
			b.WriteString(padding)
			b.WriteString(r.lines[i])
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat("\n", h-max(end-off, 0)))
	}

	// Footer: a notice or the footnote being typed on the left; position
	// in the list and scroll percentage on the right.
	left := ""
	switch {
	case m.focus == focusPrompt:
		left = m.prompt.View()
	case r.count != "":
		left = st.notice.Render("footnote " + r.count + " — press o to open it")
	case m.notice != "":
		if m.noticeErr {
			left = st.errorText.Render(m.notice)
		} else {
			left = st.notice.Render(m.notice)
		}
	case r.plain && r.notice != "":
		left = st.errorText.Render(r.notice)
	}
	pct := fmt.Sprintf("%.0f%%", r.vp.ScrollPercent()*100)
	right := st.percent.Render(humanize.Thousands(r.idx+1) + "/" + humanize.Thousands(len(m.visible)) + " · " + pct)
	b.WriteString(padding)
	if m.focus == focusPrompt {
		b.WriteString(cells.Fit(left, cw))
	} else {
		b.WriteString(cells.Spread(left, right, cw))
	}
	return b.String()
}

// headerKey says what the reader's header was drawn for.
type headerKey struct {
	e       *entry
	width   int
	dark    bool
	noColor bool
}

// readerHeader draws the title, the date, source and badges, and a rule,
// once per article and width: it does not change while scrolling.
func (m *model) readerHeader(cw int, padding string) string {
	k := headerKey{e: m.reader.e, width: m.width, dark: m.dark, noColor: m.noColor}
	if m.memo.headerKey == k {
		return m.memo.header
	}
	st := &m.st
	a := m.reader.e.a
	var b strings.Builder
	title := a.Title
	if title == "" {
		title = "Untitled"
	}
	b.WriteString(padding + "  " + st.readerHead.Render(cells.Truncate(title, cw-4)) + "\n")
	var meta []string
	if d := a.DisplayDate(); d != "" {
		meta = append(meta, d)
	}
	if a.Source != "" {
		meta = append(meta, a.Source)
	}
	metaText := st.dim.Render(cells.Truncate(strings.Join(meta, " · "), cw-4))
	if bw := cw - 4 - cells.Width(metaText) - 2; bw > 4 {
		if badges := m.badges(m.reader.e, bw, false); badges != "" {
			metaText += "  " + badges
		}
	}
	b.WriteString(padding + "  " + metaText + "\n")
	b.WriteString(padding + st.rule.Render(strings.Repeat("─", cw)) + "\n")
	m.memo.headerKey, m.memo.header = k, b.String()
	return m.memo.header
}
