package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
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
// viewport, a footer with the scroll position or the pipe prompt. It keeps
// the renderings it made, and the web pages f fetched.
type readerModel struct {
	*common
	e *entry
	// idx is the article's row in the visible list, for n and p.
	idx int
	// matchAt are the lines that hold a match of the filter, for ] and [.
	matchAt []int
	// visible is the list the list screen shows, which n, p and the
	// prefetch move through; active is true while the reader is the
	// screen. The root sets both before each message.
	visible []*entry
	active  bool

	vp viewport.Model
	// want is the rendering the screen needs; shown the one in vp.
	want, shown renderKey
	plain       bool
	notice      string
	// gone says the open article's file was removed.
	gone string
	// count is a footnote number being typed before o.
	count string
	// full is the article with its body, once a rendering brought it; the
	// list's article may have been loaded without one.
	full *feed.Article
	// lines are the rendered lines in vp, which only keeps the scroll
	// position: the screen draws the lines in view itself.
	lines []string

	// prompt is the pipe command line; pipeHist the commands run, which
	// ↑ and ↓ bring back.
	prompt   textinput.Model
	pipeHist *pipeHistory

	// cache keeps renderings by article, width and style; rendering holds
	// the renderings under way for the cache alone. fullPages are the
	// articles whose web page f fetched, by ID. They are shared by the
	// copies of the model; only Update writes them.
	cache     *renderCache
	rendering map[renderKey]bool
	fullPages map[string]*feed.Article

	// header is the header drawn by prepare for headerFor.
	header    string
	headerFor headerKey
}

// newReaderModel builds the article screen, empty.
func newReaderModel(c *common) readerModel {
	r := readerModel{
		common:    c,
		vp:        viewport.New(),
		cache:     newRenderCache(defaultCacheSize),
		rendering: make(map[renderKey]bool),
		fullPages: make(map[string]*feed.Article),
		pipeHist:  &pipeHistory{},
	}
	r.prompt = textinput.New()
	r.prompt.Prompt = "| "
	r.prompt.Placeholder = "command to pipe the article to, e.g. wc -w"
	r.prompt.CharLimit = 1000
	return r
}

// setStyles takes the styles of common.
func (r *readerModel) setStyles() {
	r.prompt.SetStyles(inputStyles(r.st, r.dark, r.noColor))
}

// resize fits the prompt to a new window size; the viewport follows when
// the rendering is ensured.
func (r readerModel) resize() readerModel {
	r.prompt.SetWidth(max(readerWidth(r.width)-4, 10))
	return r
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

// refsPending reports whether the article on screen has footnotes the
// reader does not know yet: they come with its body, in its rendering.
func (r *readerModel) refsPending() bool {
	return r.full == nil && r.e != nil && r.e.refsLater
}

// rendered is a finished rendering of the article it was made from, with
// its body: the list's article may have been loaded without one.
type rendered struct {
	render.Result
	article *feed.Article
}

// readerWidth is the width the reader wraps text to in a terminal w wide.
func readerWidth(w int) int {
	return max(min(w, readerMaxWidth), render.MinWidth)
}

// readerHeight returns the viewport height for a terminal h tall under a
// header of head rows; the footer and help bar take two.
func readerHeight(h, head int) int {
	return max(h-head-2, 1)
}

// show puts entry e, row idx of the visible list, on screen: from the
// cache when it has the rendering, else through a render command.
func (r readerModel) show(e *entry, idx int) (readerModel, tea.Cmd) {
	if r.e != e {
		r.setLines(nil)
		r.vp.SetYOffset(0)
		r.shown = renderKey{}
		r.notice = ""
		r.full = nil
		r.gone = ""
	}
	r.e, r.idx, r.count = e, idx, ""
	return r, r.ensureRendered()
}

// ensureRendered puts the current article's rendering for the current
// width and style in the viewport, or asks for it.
func (r *readerModel) ensureRendered() tea.Cmd {
	if r.e == nil {
		return nil
	}
	w := readerWidth(r.width)
	r.vp.SetWidth(w)
	r.vp.SetHeight(readerHeight(r.height, len(titleLines(r.e.a.Title, w, r.height))+2))
	a, full := r.articleOf(r.e)
	k := renderKey{id: a.ID, width: w, style: r.glamourStyle(), full: full}
	r.want = k
	if r.shown == k {
		return nil
	}
	if res, ok := r.cache.get(k); ok {
		r.showRendering(k, res)
		return tea.Batch(r.markMatches(), r.prefetch())
	}
	return renderCmd(r.ctx, a, r.opt.Body, k, r.opt.RenderDeadline, w)
}

// prefetch renders the next article of the list ahead, into the cache, so
// that n shows it at once.
func (r *readerModel) prefetch() tea.Cmd {
	i := r.idx + 1
	if i >= len(r.visible) {
		return nil
	}
	next, full := r.articleOf(r.visible[i])
	k := renderKey{id: next.ID, width: r.want.width, style: r.want.style, full: full}
	if _, ok := r.cache.peek(k); ok || r.rendering[k] {
		return nil
	}
	r.rendering[k] = true
	return renderCmd(r.ctx, next, r.opt.Body, k, r.opt.RenderDeadline, k.width)
}

// showRendering puts a rendering in the viewport, keeping the reading
// position in proportion when only the width changed.
func (r *readerModel) showRendering(k renderKey, res rendered) {
	sameArticle := r.shown.id == k.id && r.shown.id != ""
	pct := r.vp.ScrollPercent()
	atTop := r.vp.AtTop()
	r.setLines(r.withSummaryHint(res.Lines, k.full))
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

// update handles what reaches the reader: renderings, fetched pages, the
// scrolling keys and footnote digits the root leaves it, and input for
// the prompt.
func (r readerModel) update(msg tea.Msg) (readerModel, tea.Cmd) {
	switch msg := msg.(type) {
	case renderedMsg:
		return r, r.applyRendered(msg)
	case fullPageMsg:
		return r, r.applyFullPage(msg)
	case highlightedMsg:
		r.applyHighlighted(msg)
		return r, nil
	case tea.KeyPressMsg:
		r.handleKey(msg)
		return r, nil
	}
	var cmd tea.Cmd
	r.prompt, cmd = r.prompt.Update(msg)
	return r, cmd
}

// applyRendered takes a finished rendering: into the cache always, and on
// screen when it is still the one wanted, then prefetches the next.
func (r *readerModel) applyRendered(msg renderedMsg) tea.Cmd {
	delete(r.rendering, msg.key)
	if msg.err != nil {
		if msg.key == r.want {
			r.notice = feed.SanitizeLine(msg.err.Error())
			r.shown = msg.key
			r.setLines([]string{"", "  " + r.st.errorText.Render(r.notice)})
		}
		return nil
	}
	r.cache.put(msg.key, msg.r)
	if msg.key == r.want && r.active {
		r.showRendering(msg.key, msg.r)
		return tea.Batch(r.markMatches(), r.prefetch())
	}
	return nil
}

// handleKey scrolls, or gathers a footnote number.
func (r *readerModel) handleKey(msg tea.KeyPressMsg) {
	k := r.keys
	if key.Matches(msg, k.Digit) {
		if len(r.count) < 4 {
			r.count += msg.Text
		}
		return
	}
	r.count = ""
	switch {
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
	case key.Matches(msg, k.NextMatch):
		r.nextMatch(false)
	case key.Matches(msg, k.PrevMatch):
		r.nextMatch(true)
	}
}

// scrollBy scrolls the article d lines, down when d is positive.
func (r readerModel) scrollBy(d int) readerModel {
	if d > 0 {
		r.vp.ScrollDown(d)
	} else {
		r.vp.ScrollUp(-d)
	}
	return r
}

// articleOf returns the article an entry shows: its fetched web page when
// f brought one, else the article as loaded.
func (r *readerModel) articleOf(e *entry) (a *feed.Article, full bool) {
	if fp, ok := r.fullPages[e.a.ID]; ok {
		return fp, true
	}
	return e.a, false
}

// fetchFull fetches the web page of the article on screen in a command,
// for articles that came as a summary.
func (r *readerModel) fetchFull() tea.Cmd {
	a := r.article()
	switch {
	case r.opt.FullPage == nil:
		r.setNotice("Full pages cannot be fetched here.", true)
		return nil
	case a.Link == "":
		r.setNotice("This article has no web page to fetch.", false)
		return nil
	case r.fullPages[a.ID] != nil:
		r.setNotice("This is the full page already.", false)
		return nil
	}
	r.setNotice("Fetching "+a.Link+" …", false)
	return fetchFullCmd(r.ctx, r.opt.FullPage, a)
}

// applyFullPage shows a fetched web page in place of the summary.
func (r *readerModel) applyFullPage(msg fullPageMsg) tea.Cmd {
	if msg.err != nil {
		r.setNotice("Could not fetch the full page: "+feed.SanitizeLine(msg.err.Error()), true)
		return nil
	}
	r.fullPages[msg.id] = msg.a
	r.setNotice("Showing the full page.", false)
	if r.active && r.e != nil && r.e.a.ID == msg.id {
		return r.ensureRendered()
	}
	return nil
}

// view draws the article screen above the help bar; prompt is true while
// the pipe prompt has the keys.
func (r readerModel) view(prompt bool) string {
	st := &r.st
	if r.e == nil {
		return ""
	}
	cw := readerWidth(r.width)
	padding := strings.Repeat(" ", max((r.width-cw)/2, 0))
	var b strings.Builder
	b.Grow(16 << 10)
	if r.headerFor == r.headerKey() {
		b.WriteString(r.header)
	} else {
		b.WriteString(r.drawHeader())
	}

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
	case prompt:
		left = r.prompt.View()
	case r.count != "":
		left = st.notice.Render("footnote " + r.count + " — press o to open it")
	case r.common.notice != "":
		if r.noticeErr {
			left = st.errorText.Render(r.common.notice)
		} else {
			left = st.notice.Render(r.common.notice)
		}
	case r.plain && r.notice != "":
		left = st.errorText.Render(r.notice)
	case r.gone != "":
		left = st.errorText.Render(r.gone)
	}
	pct := fmt.Sprintf("%.0f%%", r.vp.ScrollPercent()*100)
	right := st.percent.Render(humanize.Thousands(r.idx+1) + "/" + humanize.Thousands(len(r.visible)) + " · " + pct)
	b.WriteString(padding)
	if prompt {
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

// headerKey is what the header would be drawn for now.
func (r *readerModel) headerKey() headerKey {
	return headerKey{e: r.e, width: r.width, dark: r.dark, noColor: r.noColor}
}

// prepare draws the header when what it shows changed: it does not change
// while scrolling.
func (r *readerModel) prepare() {
	if r.e == nil {
		return
	}
	if k := r.headerKey(); r.headerFor != k {
		r.headerFor, r.header = k, r.drawHeader()
	}
}

// drawHeader draws the title, the date, source and badges, and a rule.
func (r *readerModel) drawHeader() string {
	cw := readerWidth(r.width)
	padding := strings.Repeat(" ", max((r.width-cw)/2, 0))
	st := &r.st
	a := r.e.a
	var b strings.Builder
	title := a.Title
	if title == "" {
		title = "Untitled"
	}
	for _, line := range titleLines(title, cw, r.height) {
		b.WriteString(padding + "  " + st.readerHead.Render(line) + "\n")
	}
	var meta []string
	if d := a.DisplayDate(); d != "" {
		meta = append(meta, d)
	}
	if a.Source != "" {
		meta = append(meta, a.Source)
	}
	metaText := st.dim.Render(cells.Truncate(strings.Join(meta, " · "), cw-4))
	if bw := cw - 4 - cells.Width(metaText) - 2; bw > 4 {
		if badges := r.badges(r.e, bw, false); badges != "" {
			metaText += "  " + badges
		}
	}
	b.WriteString(padding + "  " + metaText + "\n")
	b.WriteString(padding + st.rule.Render(strings.Repeat("─", cw)) + "\n")
	return b.String()
}
