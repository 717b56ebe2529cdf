package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/cells"
	"github.com/gazette-news/gazette/internal/humanize"
)

// panelKind tells the panels apart.
type panelKind int

const (
	panelErrors panelKind = iota
	panelOutput
	panelURL
	panelHelp
)

// String names the panel, for tests and debugging.
func (k panelKind) String() string {
	switch k {
	case panelErrors:
		return "errors"
	case panelOutput:
		return "output"
	case panelURL:
		return "url"
	case panelHelp:
		return "help"
	}
	return "panel"
}

// panelModel is a scrollable box over the screen: the error list, a pipe
// command's output, a URL to copy, or the full help.
type panelModel struct {
	*common
	kind   panelKind
	title  string
	lines  []string
	scroll scroller
}

// newPanel opens a panel of lines at the top.
func newPanel(c *common, kind panelKind, title string, lines []string) panelModel {
	return panelModel{common: c, kind: kind, title: title, lines: lines}
}

// rows is the number of lines of text on screen.
func (p panelModel) rows() int {
	_, rows := panelSize(p.width, p.height, p.kind)
	return rows
}

// panelSize returns the inner width and the rows of text a panel gets.
func panelSize(w, h int, kind panelKind) (inner, rows int) {
	inner = max(min(w-8, 96), 20)
	if kind == panelHelp {
		inner = max(min(w-6, 110), 20)
	}
	rows = max(h-8, 3)
	return inner, rows
}

// update handles a key in a panel; it reports whether the panel closes.
func (p panelModel) update(msg tea.KeyPressMsg) (panelModel, bool) {
	k := p.keys
	rows := p.rows()
	d := 0
	switch {
	case key.Matches(msg, k.Close), key.Matches(msg, k.Help) && p.kind == panelHelp,
		key.Matches(msg, k.Errors) && p.kind == panelErrors:
		return p, true
	case key.Matches(msg, k.Down):
		d = 1
	case key.Matches(msg, k.Up):
		d = -1
	case key.Matches(msg, k.PageDown):
		d = rows
	case key.Matches(msg, k.PageUp):
		d = -rows
	case key.Matches(msg, k.Top):
		d = -len(p.lines)
	case key.Matches(msg, k.Bottom):
		d = len(p.lines)
	}
	p.scroll = p.scroll.scroll(d, len(p.lines), rows)
	return p, false
}

// scrollBy scrolls the panel d lines, for the mouse wheel.
func (p panelModel) scrollBy(d int) panelModel {
	p.scroll = p.scroll.scroll(d, len(p.lines), p.rows())
	return p
}

// view renders the panel box for a terminal w by h.
func (p panelModel) view() string {
	st := &p.st
	inner, rows := panelSize(p.width, p.height, p.kind)
	rows = min(rows, max(len(p.lines), 1))
	start, end := p.scroll.window(len(p.lines), rows)
	var b strings.Builder
	pos := ""
	if len(p.lines) > rows {
		pos = fmt.Sprintf("%d–%d of %d", start+1, end, len(p.lines))
	}
	b.WriteString(cells.Spread(st.panelTitle.Render(cells.Truncate(p.title, inner-len(pos)-1)), st.dim.Render(pos), inner))
	b.WriteString("\n\n")
	for i := start; i < end; i++ {
		if i > start {
			b.WriteString("\n")
		}
		b.WriteString(cells.Fit(p.lines[i], inner))
	}
	if len(p.lines) == 0 {
		b.WriteString(st.dim.Render(cells.Fit("(nothing)", inner)))
	}
	return st.panel.Render(b.String())
}

// wrapPanelText wraps plain text to a panel's width, expanding tabs.
func wrapPanelText(s string, w int) []string {
	s = strings.ReplaceAll(s, "\t", "    ")
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(ansi.Wrap(s, w, ""), "\n")
}

// openErrors shows the sources that failed, one sanitized line each.
func (m *model) openErrors() {
	inner, _ := panelSize(m.width, m.height, panelErrors)
	var lines []string
	for _, e := range m.errs {
		lines = append(lines, wrapPanelText("• "+e, inner)...)
	}
	title := "Errors"
	switch n := len(m.errs); n {
	case 0:
		lines = []string{"Every source loaded without error."}
	default:
		title = humanize.Plural(n, "source failed", "sources failed")
	}
	m.panel = newPanel(m.common, panelErrors, title, lines)
	m.overlay = overlayPanel
}

// showURL shows a URL that could not be opened, so that it can be copied.
func (m *model) showURL(msg openedMsg) {
	inner, _ := panelSize(m.width, m.height, panelURL)
	reason := "No browser was found. Set $BROWSER, or copy the address:"
	if !msg.noOpener && msg.err != nil {
		reason = "The browser failed (" + feed.SanitizeLine(msg.err.Error()) + "). Copy the address:"
	}
	lines := wrapPanelText(reason, inner)
	lines = append(lines, "")
	// Hard-wrapped, so that no part of a long URL is hidden.
	lines = append(lines, strings.Split(ansi.Hardwrap(msg.url, inner, false), "\n")...)
	m.panel = newPanel(m.common, panelURL, "Open link", lines)
	m.overlay = overlayPanel
}

// openHelp shows every key of the current screen and, from the list, the
// filter language.
func (m *model) openHelp() {
	inner, _ := panelSize(m.width, m.height, panelHelp)
	km := m.keys.forState(screenList, overlayNone)
	title := "Keys · article list"
	if m.screen == screenReader {
		km = m.keys.forState(screenReader, overlayNone)
		title = "Keys · article"
	}
	h := m.help
	h.SetWidth(inner)
	lines := strings.Split(h.FullHelpView(km.FullHelp()), "\n")
	lines = append(lines, "")
	lines = append(lines, wrapPanelText(m.refreshHelp(time.Now()), inner)...)
	if m.screen == screenList {
		lines = append(lines, "", m.st.panelTitle.Render("Filter language (/)"))
		for _, l := range queryHelp() {
			lines = append(lines, wrapPanelText(l, inner)...)
		}
		lines = append(lines, "", m.st.panelTitle.Render("Tag picker (t)"))
		lines = append(lines, wrapPanelText("space ticks a tag · a shows articles with all or any of the ticked tags · C clears · enter applies · esc closes · another letter jumps to the next tag starting with it", inner)...)
	}
	m.panel = newPanel(m.common, panelHelp, title, lines)
	m.overlay = overlayPanel
}

// queryHelp is the filter language in brief, as the help panel shows it.
func queryHelp() []string {
	return []string{
		`gas                   the whole word, in title, source or text`,
		`gas*  "winter games"  a prefix; a phrase`,
		`title:gas  ~olymp     in the title only; fuzzy, in the title`,
		`coal OR gas  ( ... )  either term; grouping`,
		`tag:russia            a tag; countries in any spelling (tag:prc)`,
		`tag:russia,china      either tag`,
		`-tag:usa              not this tag; - negates any term`,
		`source:"virtual wire" the source contains the text`,
		`is:unread  is:starred the article's state`,
		`after:2022-01-15      on or after a day; before: is before it`,
		`sort:relevance        best matches first`,
	}
}

// linkItem is one line of the link picker.
type linkItem struct {
	label string
	url   string
}

// linkItems lists an article's page and its footnotes.
func linkItems(a *feed.Article) []linkItem {
	var items []linkItem
	if a.Link != "" {
		items = append(items, linkItem{label: "page", url: a.Link})
	}
	for _, r := range a.Refs {
		items = append(items, linkItem{label: fmt.Sprintf("[%d] %s", r.N, r.Kind), url: r.URL})
	}
	return items
}

// linksModel is the link picker over the reader.
type linksModel struct {
	*common
	items  []linkItem
	scroll scroller
}

// newLinks opens the link picker on items.
func newLinks(c *common, items []linkItem) linksModel {
	return linksModel{common: c, items: items}
}

// update handles a key in the link picker; it returns the URL to open, if
// any, and whether the picker closes.
func (l linksModel) update(msg tea.KeyPressMsg) (linksModel, string, bool) {
	k, items := l.keys, l.items
	_, rows := panelSize(l.width, l.height, panelURL)
	switch {
	case key.Matches(msg, k.Close), key.Matches(msg, k.Links):
		return l, "", true
	case key.Matches(msg, k.Apply), key.Matches(msg, k.OpenLink):
		if l.scroll.cursor < len(items) {
			return l, items[l.scroll.cursor].url, true
		}
		return l, "", true
	case key.Matches(msg, k.Down):
		l.scroll.cursor++
	case key.Matches(msg, k.Up):
		l.scroll.cursor--
	case key.Matches(msg, k.Top):
		l.scroll.cursor = 0
	case key.Matches(msg, k.Bottom):
		l.scroll.cursor = len(items) - 1
	case key.Matches(msg, k.Digit):
		// A digit jumps to that footnote.
		n := int(msg.Text[0] - '0')
		for i, it := range items {
			if strings.HasPrefix(it.label, fmt.Sprintf("[%d]", n)) {
				l.scroll.cursor = i
			}
		}
	}
	l.scroll = l.scroll.clamp(len(items), rows, 0)
	return l, "", false
}

// view renders the link picker box.
func (l linksModel) view() string {
	st := &l.st
	items := l.items
	inner, rows := panelSize(l.width, l.height, panelURL)
	rows = min(rows, max(len(items), 1))
	var b strings.Builder
	b.WriteString(st.panelTitle.Render("Links"))
	b.WriteString("\n\n")
	lw := 0
	for _, it := range items {
		lw = max(lw, cells.Width(it.label))
	}
	start, end := l.scroll.window(len(items), rows)
	for i := start; i < end; i++ {
		if i > start {
			b.WriteString("\n")
		}
		it := items[i]
		line := cells.Fit(it.label, lw) + "  " + it.url
		line = cells.Fit(line, inner)
		if i == l.scroll.cursor {
			line = st.pickerSel.Render(line)
		}
		b.WriteString(line)
	}
	return st.panel.Render(b.String())
}
