package tui

import (
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/cells"
	"github.com/gazette-news/gazette/internal/chart"
	"github.com/gazette-news/gazette/internal/humanize"
)

// listModel is the list screen: every article loaded, the filter in
// force and the articles it lets through, a cursor over them, the filter
// box and the status line. Only the rows on screen are ever rendered, so
// the list costs the same at 15 articles and at 100,000.
type listModel struct {
	*common
	scroll scroller
	// sel is the entry under the cursor, so that the cursor stays on the
	// same article when articles arrive or the filter changes.
	sel *entry
	// moved is set once the user moves the cursor; until then the cursor
	// stays on the newest article while the list loads.
	moved bool

	// input is the filter box.
	input textinput.Model
	spin  spinner.Model

	all     []*entry
	version int
	loading bool
	// refreshing is set while r or the timer reads the sources again.
	refreshing bool

	flt        filter
	fltText    string
	fltErr     string
	fltGen     int64
	fltLatest  *atomic.Int64
	pickGen    int64
	pickLatest *atomic.Int64
	// fltNext is the query typed since the last run, when fltQueued,
	// whose first key not filtered for came at fltFirst and last key at
	// fltLast; fltArmed is set while the timer that runs it is on.
	fltNext           filter
	fltQueued         bool
	fltFirst, fltLast time.Time
	fltArmed          bool
	visible           []*entry
	// visVersion is the list version the visible list was filtered from.
	visVersion int
	counts     []int
	detected   []int // of counts, the detected countries
	results    resultCache
	fltStop    func() // stops the filter run going on: see runFilter
	fltRedo    bool   // runs the filter again after the run going on

	// unread counts the unread articles of the visible list, and
	// unreadCounts the unread ones of each tag's facet count, when a store
	// keeps state. states are the stored states while the list loads;
	// statesReady is set once they arrived.
	unread       int
	unreadCounts []int
	states       map[string]feed.State
	statesReady  bool

	// rows are the rows drawn by prepare for rowsFor, by entry; the map
	// is shared by the copies of the model.
	rows    map[*entry]string
	rowsFor rowsKey

	// waiting names the sources still waiting while the list loads, as
	// the last progress message had it.
	waiting string

	// nextRow is the row the next entry gets (see number).
	nextRow int

	// saves paces the saving of the countries detected in the background.
	saves detectSaves
}

// rowsKey says what the kept list rows were drawn for.
type rowsKey struct {
	width   int
	dark    bool
	noColor bool
	// highlight is the query whose words the titles highlight.
	highlight string
}

// maxKeptRows bounds the kept list rows.
const maxKeptRows = 4096

// scrollMargin is how many rows the cursor keeps from the edges of the
// screen when it can.
const scrollMargin = 2

// newListModel builds the list screen, loading.
func newListModel(c *common) listModel {
	l := listModel{
		common:     c,
		loading:    true,
		fltLatest:  new(atomic.Int64),
		pickLatest: new(atomic.Int64),
		rows:       make(map[*entry]string),
		saves:      detectSaves{every: detectSaveEvery},
	}
	l.flt.detected = c.opt.Detected
	l.flt.stateful = c.opt.Store != nil
	l.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	l.input = textinput.New()
	l.input.Prompt = "/ "
	l.input.Placeholder = "words, tag:russia, -tag:usa, source:\"…\", after:2022-01-15"
	l.input.CharLimit = maxQuery
	return l
}

// setStyles takes the styles of common.
func (l *listModel) setStyles() {
	l.spin.Style = l.st.spinner
	l.input.SetStyles(inputStyles(l.st, l.dark, l.noColor))
}

// height is the number of list rows on screen.
func (l listModel) height() int {
	return max(l.common.height-3, 1)
}

// resize fits the list to a new window size.
func (l listModel) resize() listModel {
	l = l.clamp()
	l.input.SetWidth(max(l.width-30, 10))
	return l
}

// clamp keeps the cursor on the visible list and the window around it.
func (l listModel) clamp() listModel {
	l.scroll = l.scroll.clamp(len(l.visible), l.height(), scrollMargin)
	l.sel = nil
	if len(l.visible) > 0 {
		l.sel = l.visible[l.scroll.cursor]
	}
	return l
}

// moveTo puts the cursor on entry i.
func (l listModel) moveTo(i int) listModel {
	if len(l.visible) == 0 {
		return l
	}
	l.scroll.cursor = i
	l.moved = true
	return l.clamp()
}

// reselect finds the selected entry again in a new visible list, which is
// in the same newest-first order, by binary search. When it is gone the
// cursor stays at the same row.
func (l listModel) reselect() listModel {
	if !l.moved || l.sel == nil {
		if !l.moved {
			l.scroll = scroller{}
		}
		return l.clamp()
	}
	if i, ok := slices.BinarySearchFunc(l.visible, l.sel, newer); ok {
		// Keep the selected row where it was on screen.
		row := l.scroll.cursor - l.scroll.offset
		l.scroll.cursor = i
		l.scroll.offset = i - row
	}
	return l.clamp()
}

// rowAt returns the entry shown on screen row y, if any.
func (l listModel) rowAt(y int) (int, bool) {
	row := y - 1 // the header takes the first row
	if row < 0 || row >= l.height() {
		return 0, false
	}
	i := l.scroll.offset + row
	return i, i < len(l.visible)
}

// update handles what reaches the list: load batches, filter results,
// spinner ticks, and the keys the root leaves it.
func (l listModel) update(msg tea.Msg) (listModel, tea.Cmd) {
	switch msg := msg.(type) {
	case loadBatchMsg:
		l.addBatch(msg.arts)
		switch {
		case msg.done:
			l.loading = false
			return l, nil
		case msg.ch == nil:
			return l, nil
		}
		return l, pumpCmd(l.ctx, msg.ch, batchWindow(len(l.all)))

	case filterDoneMsg:
		return l, l.applyFilterDone(msg)

	case spinner.TickMsg:
		if !l.loading && !l.refreshing {
			return l, nil
		}
		var cmd tea.Cmd
		l.spin, cmd = l.spin.Update(msg)
		return l, cmd

	case tea.KeyPressMsg:
		return l.handleKey(msg)
	}
	// Pastes and the like reach the filter box, which takes them only
	// while it has the focus.
	before := l.input.Value()
	var cmd tea.Cmd
	l.input, cmd = l.input.Update(msg)
	if l.input.Value() != before {
		f := l.flt
		f.text = l.input.Value()
		l.noteFull()
		return l, tea.Batch(cmd, l.queueFilter(f, time.Now()))
	}
	return l, cmd
}

// handleKey moves the cursor, or clears the filter.
func (l listModel) handleKey(msg tea.KeyPressMsg) (listModel, tea.Cmd) {
	k := l.keys
	h := l.height()
	c := l.scroll.cursor
	switch {
	case key.Matches(msg, k.Down):
		l = l.moveTo(c + 1)
	case key.Matches(msg, k.Up):
		l = l.moveTo(c - 1)
	case key.Matches(msg, k.PageDown):
		l = l.moveTo(c + h)
	case key.Matches(msg, k.PageUp):
		l = l.moveTo(c - h)
	case key.Matches(msg, k.HalfDown):
		l = l.moveTo(c + h/2)
	case key.Matches(msg, k.HalfUp):
		l = l.moveTo(c - h/2)
	case key.Matches(msg, k.Top):
		l = l.moveTo(0)
	case key.Matches(msg, k.Bottom):
		l = l.moveTo(len(l.visible) - 1)
	case key.Matches(msg, k.ClearFl):
		switch {
		case l.fltText != "":
			f := l.flt
			f.text = ""
			return l, l.startFilter(f, true)
		case len(l.flt.tags) > 0:
			f := l.flt
			f.tags = nil
			return l, l.startFilter(f, true)
		}
	}
	return l, nil
}

// focusFilterBox gives the filter box the keys, holding the query in force.
func (l listModel) focusFilterBox() (listModel, tea.Cmd) {
	l.input.SetValue(l.fltText)
	l.input.CursorEnd()
	return l, l.input.Focus()
}

// updateFilterBox handles a key while the filter box has the focus:
// typing filters as it goes, enter keeps the filter, esc clears it. done
// reports that the box lets the focus go.
func (l listModel) updateFilterBox(msg tea.KeyPressMsg) (_ listModel, _ tea.Cmd, done bool) {
	k := l.keys
	switch {
	case key.Matches(msg, k.Accept):
		l.input.Blur()
		return l, nil, true
	case key.Matches(msg, k.Cancel):
		l.input.Blur()
		l.input.SetValue("")
		l.fltErr = ""
		l.fltQueued = false
		f := l.flt
		f.text = ""
		return l, l.startFilter(f, true), true
	case msg.Code == tea.KeyDown, msg.Code == tea.KeyUp:
		// The arrows move through the results without leaving the box.
		d := 1
		if msg.Code == tea.KeyUp {
			d = -1
		}
		return l.moveTo(l.scroll.cursor + d), nil, false
	}
	before := l.input.Value()
	var cmd tea.Cmd
	l.input, cmd = l.input.Update(msg)
	l.noteFull()
	if l.input.Value() == before {
		return l, cmd, false
	}
	f := l.flt
	f.text = l.input.Value()
	return l, tea.Batch(cmd, l.queueFilter(f, time.Now())), false
}

// setTags filters by the tags the picker chose, keeping the query.
func (l listModel) setTags(tags []tagID, anyTag bool) (listModel, tea.Cmd) {
	f := l.flt
	f.tags, f.any = tags, anyTag
	f.text = l.fltText
	return l, l.startFilter(f, true)
}

// drawFor says what the rows on screen are drawn for now.
func (l *listModel) drawFor() rowsKey {
	return rowsKey{width: l.width, dark: l.dark, noColor: l.noColor, highlight: l.index.highlight.String()}
}

// prepare draws the rows on screen that are not kept yet, except the
// selected one, which View draws: it changes with every move.
func (l *listModel) prepare() {
	rk := l.drawFor()
	if l.rowsFor != rk || len(l.rows) > maxKeptRows {
		l.rowsFor, l.rows = rk, make(map[*entry]string)
	}
	lay := l.layout(l.width)
	sc := l.scroll.clamp(len(l.visible), l.height(), scrollMargin)
	start, end := sc.window(len(l.visible), l.height())
	for i := start; i < end; i++ {
		e := l.visible[i]
		if _, ok := l.rows[e]; !ok && i != sc.cursor {
			l.rows[e] = l.renderRow(e, l.width, lay, false)
		}
	}
}

// view draws the list screen above the help bar: header, rows, and the
// status line, or the filter box while it has the focus.
func (l listModel) view(filterBox bool) string {
	st := &l.st
	w := l.width
	var b strings.Builder

	// Header.
	left := st.app.Render("gazette") + " " + st.headerText.Render(l.opt.label())
	right := ""
	if n := len(l.errs); n > 0 {
		right = st.statusWarn.Render(humanize.Plural(n, "error", "errors")+" · e") + " "
	}
	b.WriteString(cells.Spread(left, right, w))
	b.WriteString("\n")

	// Rows: only those on screen are rendered.
	h := l.height()
	sc := l.scroll.clamp(len(l.visible), h, scrollMargin)
	lay := l.layout(w)
	switch {
	case len(l.visible) == 0:
		msg := "No articles."
		switch {
		case l.loading:
			msg = "Loading articles…"
		case len(l.all) == 0:
			msg = "No articles found in " + l.opt.label() + "."
		case l.flt.active():
			msg = "No article matches. esc clears the filter; t changes the tags."
			if l.flt.unread && l.fltText == "" && len(l.flt.tags) == 0 {
				msg = "No unread article. U shows them all."
			}
		}
		b.WriteString("\n  " + st.dim.Render(cells.Truncate(msg, w-4)))
		b.WriteString(strings.Repeat("\n", h-1))
	default:
		start, end := sc.window(len(l.visible), h)
		kept := l.rowsFor == l.drawFor()
		for i := start; i < end; i++ {
			e := l.visible[i]
			row, ok := l.rows[e]
			switch {
			case i == sc.cursor:
				b.WriteString(l.renderRow(e, w, lay, true))
			case ok && kept:
				b.WriteString(row)
			default:
				b.WriteString(l.renderRow(e, w, lay, false))
			}
			b.WriteString("\n")
		}
		b.WriteString(strings.Repeat("\n", h-(end-start)))
	}

	// Status line, or the filter box while it has the focus.
	if filterBox {
		right := st.count.Render(humanize.Thousands(len(l.visible)) + "/" + humanize.Thousands(len(l.all)))
		if l.fltErr != "" {
			right = st.errorText.Render(cells.Truncate(l.fltErr, w/2))
		}
		if l.notice != "" {
			right = st.errorText.Render(cells.Truncate(l.notice, w/2))
		}
		b.WriteString(" " + cells.Spread(l.input.View(), right+" ", w-1))
		return b.String()
	}
	var names []string
	for _, id := range l.flt.tags {
		names = append(names, l.tags.infos[id].name)
	}
	status := statusText(l.loading, len(l.visible), len(l.all), names, l.flt.any, l.flt.text, l.flt.unread)
	if l.flt.stateful && l.statesReady {
		status = humanize.Thousands(l.unread) + " unread · " + status
	}
	if l.loading && l.waiting != "" {
		status += " · " + l.waiting
	}
	if l.index.building {
		status += " · " + l.index.status()
	}
	left = " " + st.status.Render(status)
	if l.refreshing && !l.loading {
		status = "refreshing… " + status
	}
	if l.loading || l.refreshing {
		left = " " + l.spin.View() + " " + st.status.Render(status)
	}
	right = ""
	switch {
	case l.notice != "" && l.noticeErr:
		right = st.errorText.Render(l.notice) + " "
	case l.notice != "":
		right = st.notice.Render(l.notice) + " "
	case (l.loading || l.refreshing) && l.progress != "":
		right = st.notice.Render(cells.Truncate(l.progress, max(w/2, 10))) + " "
	}
	b.WriteString(cells.Spread(left, right, w))
	return b.String()
}

// rowLayout holds the column widths of list rows for one terminal width.
type rowLayout struct {
	date, title, tags, source int
	// marks is the width of the column of read and starred marks, or 0.
	marks int
}

// minTitleWithSource is the least room the title keeps when the source
// column is shown: the headline comes first, and the source is the first
// column to go.
const minTitleWithSource = 50

// layoutFor picks the columns for a width. The headline has priority: the
// tags show as country codes in a narrow column until the terminal is
// wide, and the source shows only when the title keeps at least
// minTitleWithSource cells; narrow terminals drop the date too.
func layoutFor(w int) rowLayout {
	var lay rowLayout
	rest := w - 2 - 1 // the cursor marker and a right margin
	if w >= 50 {
		lay.date = 11
		rest -= lay.date + 2
	}
	switch {
	case w >= 150:
		lay.tags = namedTagsWidth
	case w >= 100:
		lay.tags = 19 // three codes and a "+N"
	case w >= 56:
		lay.tags = 10 // two codes
	}
	if lay.tags > 0 {
		rest -= lay.tags + 2
	}
	if src := min(max(w/8, 12), 22); rest-src-2 >= minTitleWithSource {
		lay.source = src
		rest -= lay.source + 2
	}
	lay.title = max(rest, 8)
	return lay
}

// renderRow renders one list row of exactly w cells.
func (m *common) renderRow(e *entry, w int, lay rowLayout, selected bool) string {
	st := &m.st
	var b strings.Builder
	plainBg := st.rows.title
	if !e.a.State.Read {
		plainBg = st.rows.unread
	}
	bg := func(s string) string {
		if selected {
			return st.selRow.Render(s)
		}
		return s
	}
	if selected {
		if st.noColor {
			b.WriteString(st.marker.Render("> "))
		} else {
			b.WriteString(st.marker.Render("▌ "))
		}
	} else {
		b.WriteString(m.newMark(e))
	}
	unread := false
	if lay.marks > 0 {
		b.WriteString(m.rowMarks(e, selected))
		unread = m.unreadRow(e)
	}
	if lay.date > 0 {
		d := cells.Fit(e.dateColumn(), lay.date)
		if selected {
			b.WriteString(st.selRow.Inherit(st.date).Render(d))
		} else {
			b.WriteString(st.rows.date.Render(d))
		}
		b.WriteString(bg("  "))
	}
	// The summary mark follows the title's text, before the padding.
	mw := summaryMarkWidth(e.a)
	title := cells.Truncate(e.a.Title, lay.title-mw)
	pad := strings.Repeat(" ", max(lay.title-mw-cells.Width(title), 0))
	base, padStyle := plainBg, plainBg
	switch {
	case selected:
		base, padStyle = st.rows.selTitle, st.rows.selTitle
	case unread:
		base = st.rows.unreadTitle
	}
	b.WriteString(m.renderTitle(e.a.Title, title, base))
	b.WriteString(m.summaryMark(e.a, selected))
	b.WriteString(padStyle.Render(pad))
	if lay.tags > 0 {
		b.WriteString(bg("  "))
		badges := m.badges(e, lay.tags, selected)
		b.WriteString(badges)
		if pad := lay.tags - cells.Width(badges); pad > 0 {
			b.WriteString(bg(strings.Repeat(" ", pad)))
		}
	}
	if lay.source > 0 {
		b.WriteString(bg("  "))
		src := cells.Fit(e.a.Source, lay.source)
		if selected {
			b.WriteString(st.selRow.Inherit(st.source).Render(src))
		} else {
			b.WriteString(st.rows.source.Render(src))
		}
	}
	b.WriteString(bg(" "))
	return b.String()
}

// badgeText is a tag's label, its name or, in short form, its country code.
func badgeText(t tagInfo, short bool) string {
	if short && t.country && t.code != "" {
		return t.code
	}
	if short {
		return cells.Truncate(t.name, 10)
	}
	return t.name
}

// badge renders one tag. A country gets its own colour; another tag a
// neutral one; a detected country (not declared) is dimmed and marked with
// "~" so it never passes for a declared tag.
func (m *common) badge(id tagID, short, detected bool) string {
	t := m.tags.infos[id]
	label := badgeText(t, short)
	st := &m.st
	switch {
	case detected:
		return st.rows.detected.Render("~" + label)
	case st.noColor:
		return "[" + label + "]"
	case t.country:
		return st.rows.badges[chart.PaletteIndex(t.code, t.name)].Render(" " + label + " ")
	default:
		return st.rows.badgeTag.Render(" " + label + " ")
	}
}

// badgeWidth is the width badge would render at.
func badgeWidth(t tagInfo, short, detected bool) int {
	if detected {
		return 1 + cells.Width(badgeText(t, short))
	}
	return 2 + cells.Width(badgeText(t, short))
}

// namedTagsWidth is the narrowest tag column that shows country names
// rather than codes.
const namedTagsWidth = 28

// badges renders an entry's tags in at most w cells: names in a wide
// column, else country codes, and "+N" for those left over. Detected
// countries follow the declared tags when there is room.
func (m *common) badges(e *entry, w int, selected bool) string {
	if len(e.tags) == 0 && len(e.detectedIDs()) == 0 {
		return ""
	}
	// Names need room; below it every row shows country codes, so that
	// the column reads the same all the way down.
	short := w < namedTagsWidth
	// On the selected row, the gaps and dim marks take the row's
	// background too.
	space, dim := " ", m.st.dim
	if selected {
		space, dim = m.st.selRow.Render(" "), m.st.selRow.Inherit(m.st.dim)
	}
	var b strings.Builder
	used := 0
	put := func(id tagID, detected bool, reserve int) bool {
		bw := badgeWidth(m.tags.infos[id], short, detected)
		sep := min(used, 1)
		if used+sep+bw+reserve > w {
			return false
		}
		if sep > 0 {
			b.WriteString(space)
		}
		badge := m.badge(id, short, detected)
		if detected && selected {
			badge = m.st.selRow.Inherit(m.st.detected).Render(ansi.Strip(badge))
		}
		b.WriteString(badge)
		used += sep + bw
		return true
	}
	for k, id := range e.tags {
		reserve := 0
		if left := len(e.tags) - k - 1; left > 0 {
			reserve = 2 + len(humanize.Thousands(left))
		}
		if !put(id, false, reserve) {
			tail := "+" + humanize.Thousands(len(e.tags)-k)
			sep := min(used, 1)
			if used+sep+cells.Width(tail) <= w {
				if sep > 0 {
					b.WriteString(space)
				}
				b.WriteString(dim.Render(tail))
			}
			return b.String()
		}
	}
	for _, id := range e.detectedIDs() {
		if !put(id, true, 0) {
			break
		}
	}
	return b.String()
}

// statusText is the list's status line: "37/312 articles · Russia + China ·
// "olympics"", "312 articles", or while loading "loading… 1,234". The word
// "articles" appears only once loading has ended, so that a script watching
// the screen knows the count is final.
func statusText(loading bool, visible, total int, tagNames []string, anyMode bool, query string, unreadOnly bool) string {
	filtered := len(tagNames) > 0 || query != "" || unreadOnly
	count := humanize.Thousands(total)
	if filtered {
		count = humanize.Thousands(visible) + "/" + humanize.Thousands(total)
	}
	var parts []string
	switch {
	case loading:
		parts = append(parts, "loading… "+count)
	default:
		noun := "articles"
		if total == 1 {
			noun = "article"
		}
		parts = append(parts, count+" "+noun)
	}
	if len(tagNames) > 0 {
		sep := " + "
		if anyMode {
			sep = " or "
		}
		parts = append(parts, strings.Join(tagNames, sep))
	}
	if query != "" {
		parts = append(parts, `"`+query+`"`)
	}
	if unreadOnly {
		parts = append(parts, "unread only")
	}
	return strings.Join(parts, " · ")
}

// sourceLabel names the sources in the header: see headerName.
func sourceLabel(srcs []load.Source) string {
	return headerLabel(srcs)
}
