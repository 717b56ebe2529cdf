package tui

import (
	"context"
	"strings"
	"sync/atomic"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/cells"
	"github.com/gazette-news/gazette/internal/humanize"
)

// screen is the main screen under any overlay.
type screen int

const (
	screenList screen = iota
	screenReader
)

// String names the screen.
func (s screen) String() string {
	if s == screenReader {
		return "reader"
	}
	return "list"
}

// focus is what receives keys: a screen, or something over it.
type focus int

const (
	focusList focus = iota
	focusFilter
	focusPicker
	focusReader
	focusLinks
	focusPrompt
	focusPanel
	focusHelp
)

// String names the focus.
func (f focus) String() string {
	switch f {
	case focusFilter:
		return "filter"
	case focusPicker:
		return "picker"
	case focusReader:
		return "reader"
	case focusLinks:
		return "links"
	case focusPrompt:
		return "prompt"
	case focusPanel:
		return "panel"
	case focusHelp:
		return "help"
	}
	return "list"
}

// model is the root model of the reader.
type model struct {
	ctx  context.Context
	opt  Options
	keys keyMap
	help help.Model
	st   styles
	spin spinner.Model
	// input is the filter box; prompt the pipe command line.
	input  textinput.Model
	prompt textinput.Model

	width, height int
	screen        screen
	focus         focus
	dark          bool
	noColor       bool

	tags    *tagTable
	all     []*entry
	version int
	loading bool
	errs    []string

	flt        filter
	fltText    string
	fltErr     string
	fltGen     int64
	fltLatest  *atomic.Int64
	pickGen    int64
	pickLatest *atomic.Int64
	visible    []*entry
	// visVersion is the list version the visible list was filtered from.
	visVersion int
	counts     []int
	results    resultCache

	list     listModel
	picker   pickerModel
	reader   readerModel
	links    linksModel
	panel    panelModel
	lastPipe string

	notice    string
	noticeErr bool

	cache *renderCache
	// rendering holds the renderings under way for the cache alone.
	rendering map[renderKey]bool
	// fullPages are the articles whose web page f fetched, by ID. It is a
	// map, so the copies of the model share it; only Update writes it.
	fullPages map[string]*feed.Article
	// memo keeps parts of the screen that rarely change between frames.
	memo *frameMemo
}

// frameMemo keeps drawn parts of the screen between frames: the reader's
// header, the help bar, and list rows. Each part is redrawn when what it
// was drawn for changes. It is shared by the copies of the model, and
// only used from the program's loop.
type frameMemo struct {
	headerKey headerKey
	header    string

	helpKey helpKey
	help    string

	rowsKey rowsKey
	rows    map[*entry]string
}

// helpKey says what the help bar was drawn for.
type helpKey struct {
	focus focus
	width int
	dark  bool
	color bool
}

// rowsKey says what the memoised list rows were drawn for.
type rowsKey struct {
	width   int
	dark    bool
	noColor bool
}

// maxMemoRows bounds the memoised list rows.
const maxMemoRows = 4096

// newModel builds the root model; Run starts it, and tests drive it.
func newModel(ctx context.Context, opt Options) model {
	opt = opt.withDefaults()
	m := model{
		ctx:        ctx,
		opt:        opt,
		keys:       newKeyMap(),
		help:       help.New(),
		width:      80,
		height:     24,
		dark:       true,
		noColor:    opt.noColor(),
		tags:       newTagTable(),
		loading:    true,
		fltLatest:  new(atomic.Int64),
		pickLatest: new(atomic.Int64),
		cache:      newRenderCache(defaultCacheSize),
		rendering:  make(map[renderKey]bool),
		fullPages:  make(map[string]*feed.Article),
		memo:       &frameMemo{},
	}
	m.flt.detected = opt.Detected
	m.spin = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	m.input = textinput.New()
	m.input.Prompt = "/ "
	m.input.Placeholder = "words, tag:russia, -tag:usa, source:\"…\", after:2022-01-15"
	m.input.CharLimit = 500
	m.prompt = textinput.New()
	m.prompt.Prompt = "| "
	m.prompt.Placeholder = "command to pipe the article to, e.g. wc -w"
	m.prompt.CharLimit = 1000
	m.reader.vp = viewport.New()
	m.setStyles()
	return m
}

// setStyles rebuilds the styles for the background and colour setting.
func (m *model) setStyles() {
	m.st = newStyles(m.dark, m.noColor)
	m.help.Styles = m.st.help
	m.spin.Style = m.st.spinner
	for _, ti := range []*textinput.Model{&m.input, &m.prompt} {
		s := textinput.DefaultStyles(m.dark)
		s.Focused.Prompt = m.st.prompt
		s.Blurred.Prompt = m.st.prompt
		if m.noColor {
			s = textinput.Styles{}
		}
		// A steady cursor: blinking redraws the screen twice a second
		// for nothing.
		s.Cursor.Blink = false
		ti.SetStyles(s)
	}
}

// glamourStyle is the style articles render in now.
func (m *model) glamourStyle() string {
	return m.opt.styleChoice(m.dark).Style()
}

func (m *model) getenv(k string) string { return m.opt.Getenv(k) }

// listHeight is the number of list rows on screen.
func (m *model) listHeight() int {
	return max(m.height-3, 1)
}

// setNotice shows a one-line message until the next key.
func (m *model) setNotice(s string, isErr bool) {
	m.notice, m.noticeErr = s, isErr
}

// baseFocus is the focus of the screen under the overlays.
func (m *model) baseFocus() focus {
	if m.screen == screenReader {
		return focusReader
	}
	return focusList
}

// Init starts loading and asks the terminal for its background colour.
func (m model) Init() tea.Cmd {
	return tea.Batch(
		startLoad(m.ctx, m.opt.Loader, m.opt.Sources),
		tea.RequestBackgroundColor,
		m.spin.Tick,
	)
}

// Update handles one message.
func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 1), max(msg.Height, 1)
		m.list = m.list.clamp(m.visible, m.listHeight())
		m.input.SetWidth(max(m.width-30, 10))
		m.prompt.SetWidth(max(readerWidth(m.width)-4, 10))
		// Panels wrap their text to the window: wrap it again.
		switch {
		case m.focus == focusHelp:
			m.openHelp()
		case m.focus == focusPanel && m.panel.kind == panelErrors:
			offset := m.panel.offset
			m.openErrors()
			m.panel.offset = offset
		}
		if m.screen == screenReader {
			return m, m.ensureRendered()
		}
		return m, nil

	case tea.BackgroundColorMsg:
		if m.dark == msg.IsDark() {
			return m, nil
		}
		m.dark = msg.IsDark()
		m.setStyles()
		if m.screen == screenReader {
			return m, m.ensureRendered()
		}
		return m, nil

	case fullPageMsg:
		return m, m.applyFullPage(msg)

	case loadBatchMsg:
		for _, err := range msg.errs {
			m.errs = append(m.errs, feed.SanitizeLine(err.Error()))
		}
		m.addBatch(msg.arts)
		switch {
		case msg.done:
			m.loading = false
			return m, nil
		case msg.ch == nil:
			return m, nil
		}
		return m, pumpCmd(m.ctx, msg.ch, batchWindow(len(m.all)))

	case filterDoneMsg:
		return m, m.applyFilterDone(msg)

	case renderedMsg:
		return m, m.applyRendered(msg)

	case openedMsg:
		switch {
		case msg.noOpener, msg.err != nil && !msg.refused:
			m.notice = ""
			m.showURL(msg)
		case msg.err != nil:
			m.setNotice(feed.SanitizeLine(msg.err.Error()), true)
		default:
			m.setNotice("Opened "+msg.url+" in "+msg.with+".", false)
		}
		return m, nil

	case pipeDoneMsg:
		m.notice = ""
		m.showPipeOutput(msg)
		return m, nil

	case cmdFailedMsg:
		text := feed.SanitizeLine(msg.err.Error())
		m.errs = append(m.errs, text)
		m.setNotice(text, true)
		return m, nil

	case spinner.TickMsg:
		if !m.loading {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd

	case tea.KeyPressMsg:
		return m.handleKey(msg)

	case tea.MouseWheelMsg:
		return m.handleWheel(msg)

	case tea.MouseClickMsg:
		return m.handleClick(msg)
	}

	// Anything else (pastes, cursor blinks) goes to the focused input.
	var cmd tea.Cmd
	switch m.focus {
	case focusFilter:
		before := m.input.Value()
		m.input, cmd = m.input.Update(msg)
		if m.input.Value() != before {
			f := m.flt
			f.text = m.input.Value()
			return m, tea.Batch(cmd, m.startFilter(f, true))
		}
	case focusPrompt:
		m.prompt, cmd = m.prompt.Update(msg)
	}
	return m, cmd
}

// handleKey dispatches a key press to the focused part.
func (m model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	if key.Matches(msg, k.ForceQ) {
		return m, tea.Quit
	}
	if m.focus != focusPrompt {
		m.notice, m.noticeErr = "", false
	}
	switch m.focus {
	case focusFilter:
		return m.updateFilterBox(msg)
	case focusPicker:
		_, rows := pickerSize(m.width, m.height, len(m.picker.items))
		var act pickerAction
		m.picker, act = m.picker.update(msg, k, rows)
		switch act {
		case pickerChanged:
			return m, m.startPreview()
		case pickerApply:
			f := m.flt
			f.tags, f.any = m.picker.chosen, m.picker.any
			f.text = m.fltText
			m.focus = focusList
			return m, m.startFilter(f, true)
		case pickerClose:
			m.focus = focusList
		}
		return m, nil
	case focusPanel, focusHelp:
		_, rows := panelSize(m.width, m.height, m.panel.kind)
		var closed bool
		m.panel, closed = m.panel.update(msg, k, rows)
		if closed {
			m.focus = m.baseFocus()
		}
		return m, nil
	case focusLinks:
		items := linkItems(m.reader.article())
		_, rows := panelSize(m.width, m.height, panelURL)
		var u string
		var closed bool
		m.links, u, closed = m.links.update(msg, k, items, rows)
		if closed {
			m.focus = focusReader
			if u != "" {
				return m, m.openLink(u)
			}
		}
		return m, nil
	case focusPrompt:
		return m.updatePrompt(msg)
	case focusReader:
		if key.Matches(msg, k.Help) {
			m.openHelp()
			return m, nil
		}
		return m, m.updateReader(msg)
	}
	return m.updateList(msg)
}

// updateList handles a key on the list.
func (m model) updateList(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	h := m.listHeight()
	move := func(to int) {
		if len(m.visible) > 0 {
			m.list = m.list.moveTo(to, m.visible, h)
		}
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Down):
		move(m.list.cursor + 1)
	case key.Matches(msg, k.Up):
		move(m.list.cursor - 1)
	case key.Matches(msg, k.PageDown):
		move(m.list.cursor + h)
	case key.Matches(msg, k.PageUp):
		move(m.list.cursor - h)
	case key.Matches(msg, k.HalfDown):
		move(m.list.cursor + h/2)
	case key.Matches(msg, k.HalfUp):
		move(m.list.cursor - h/2)
	case key.Matches(msg, k.Top):
		move(0)
	case key.Matches(msg, k.Bottom):
		move(len(m.visible) - 1)
	case key.Matches(msg, k.Open):
		return m, m.open(m.list.cursor)
	case key.Matches(msg, k.Filter):
		m.focus = focusFilter
		m.input.SetValue(m.fltText)
		m.input.CursorEnd()
		return m, m.input.Focus()
	case key.Matches(msg, k.Tags):
		m.picker = newPicker(m.tags, m.counts, m.flt)
		m.focus = focusPicker
	case key.Matches(msg, k.Errors):
		m.openErrors()
	case key.Matches(msg, k.Help):
		m.openHelp()
	case key.Matches(msg, k.ClearFl):
		switch {
		case m.fltText != "":
			f := m.flt
			f.text = ""
			return m, m.startFilter(f, true)
		case len(m.flt.tags) > 0:
			f := m.flt
			f.tags = nil
			return m, m.startFilter(f, true)
		}
	}
	return m, nil
}

// updateFilterBox handles a key while the filter box has the focus:
// typing filters as it goes, enter keeps the filter, esc clears it.
func (m model) updateFilterBox(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Accept):
		m.input.Blur()
		m.focus = focusList
		return m, nil
	case key.Matches(msg, k.Cancel):
		m.input.Blur()
		m.input.SetValue("")
		m.focus = focusList
		m.fltErr = ""
		f := m.flt
		f.text = ""
		return m, m.startFilter(f, true)
	case msg.Code == tea.KeyDown, msg.Code == tea.KeyUp:
		// The arrows move through the results without leaving the box.
		if len(m.visible) > 0 {
			d := 1
			if msg.Code == tea.KeyUp {
				d = -1
			}
			m.list = m.list.moveTo(m.list.cursor+d, m.visible, m.listHeight())
		}
		return m, nil
	}
	before := m.input.Value()
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if m.input.Value() == before {
		return m, cmd
	}
	f := m.flt
	f.text = m.input.Value()
	return m, tea.Batch(cmd, m.startFilter(f, true))
}

// openPrompt asks for a command to pipe the article to.
func (m *model) openPrompt() tea.Cmd {
	m.prompt.SetValue(m.lastPipe)
	m.prompt.CursorEnd()
	m.focus = focusPrompt
	return m.prompt.Focus()
}

// updatePrompt handles a key in the pipe prompt.
func (m model) updatePrompt(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Apply):
		line := strings.TrimSpace(m.prompt.Value())
		m.prompt.Blur()
		m.focus = focusReader
		if line == "" {
			return m, nil
		}
		m.lastPipe = line
		m.setNotice("Running "+line+" …", false)
		return m, pipeArticle(m.ctx, line, m.reader.article().Markdown(feed.MarkdownOptions{}))
	case msg.Code == tea.KeyEscape:
		m.prompt.Blur()
		m.focus = focusReader
		return m, nil
	}
	var cmd tea.Cmd
	m.prompt, cmd = m.prompt.Update(msg)
	return m, cmd
}

// wheelStep is how many rows one wheel notch moves.
const wheelStep = 3

// handleWheel scrolls whatever is under the focus.
func (m model) handleWheel(msg tea.MouseWheelMsg) (tea.Model, tea.Cmd) {
	d := 0
	switch msg.Button {
	case tea.MouseWheelDown:
		d = wheelStep
	case tea.MouseWheelUp:
		d = -wheelStep
	default:
		return m, nil
	}
	switch m.focus {
	case focusReader, focusPrompt:
		if d > 0 {
			m.reader.vp.ScrollDown(d)
		} else {
			m.reader.vp.ScrollUp(-d)
		}
	case focusList, focusFilter:
		if len(m.visible) > 0 {
			m.list = m.list.moveTo(m.list.cursor+d, m.visible, m.listHeight())
		}
	case focusPanel, focusHelp:
		_, rows := panelSize(m.width, m.height, m.panel.kind)
		m.panel.offset = min(max(m.panel.offset+d, 0), max(len(m.panel.lines)-rows, 0))
	case focusPicker:
		_, rows := pickerSize(m.width, m.height, len(m.picker.items))
		m.picker.cursor += d / wheelStep
		m.picker = m.picker.clamp(rows)
	}
	return m, nil
}

// handleClick selects the list row clicked; a click on the selected row
// opens it.
func (m model) handleClick(msg tea.MouseClickMsg) (tea.Model, tea.Cmd) {
	if msg.Button != tea.MouseLeft || m.focus != focusList {
		return m, nil
	}
	row := msg.Y - 1 // the header takes the first row
	if row < 0 || row >= m.listHeight() {
		return m, nil
	}
	i := m.list.offset + row
	if i >= len(m.visible) {
		return m, nil
	}
	if i == m.list.cursor {
		return m, m.open(i)
	}
	m.list = m.list.moveTo(i, m.visible, m.listHeight())
	return m, nil
}

// View renders the screen.
func (m model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	if m.focus == focusPanel && m.panel.kind == panelURL {
		// Let the terminal select the URL for copying.
		v.MouseMode = tea.MouseModeNone
	}
	return v
}

// render draws the whole screen as text.
func (m model) render() string {
	if m.width < 20 || m.height < 6 {
		return "gazette: the terminal is too small"
	}
	var base string
	if m.screen == screenReader {
		base = m.readerView() + "\n" + m.helpBar()
	} else {
		base = m.listView()
	}
	var box string
	switch m.focus {
	case focusPicker:
		box = m.picker.view(&m, m.width, m.height)
	case focusPanel, focusHelp:
		box = m.panel.view(&m, m.width, m.height)
	case focusLinks:
		box = m.links.view(&m, linkItems(m.reader.article()), m.width, m.height)
	}
	if box == "" {
		return base
	}
	x := max((m.width-lipgloss.Width(box))/2, 0)
	y := max((m.height-lipgloss.Height(box))/2, 0)
	return lipgloss.NewCompositor(
		lipgloss.NewLayer(base),
		lipgloss.NewLayer(box).X(x).Y(y).Z(1),
	).Render()
}

// helpBar is the short help at the bottom of the screen.
func (m *model) helpBar() string {
	k := helpKey{focus: m.focus, width: m.width, dark: m.dark, color: !m.noColor}
	if m.memo.helpKey == k && m.memo.help != "" {
		return m.memo.help
	}
	h := m.help
	h.SetWidth(m.width - 1)
	// help.Model lets the last item overflow when its ellipsis does not
	// fit; cut it to the screen.
	m.memo.helpKey = k
	m.memo.help = " " + cells.Truncate(h.ShortHelpView(m.keys.forFocus(m.focus).ShortHelp()), m.width-1)
	return m.memo.help
}

// listView draws the list screen: header, rows, status line, help bar.
func (m *model) listView() string {
	st := &m.st
	w := m.width
	var b strings.Builder

	// Header.
	left := st.app.Render("gazette") + " " + st.headerText.Render(m.opt.label())
	right := ""
	if n := len(m.errs); n > 0 {
		right = st.statusWarn.Render(humanize.Plural(n, "error", "errors")+" · e") + " "
	}
	b.WriteString(cells.Spread(left, right, w))
	b.WriteString("\n")

	// Rows: only those on screen are rendered.
	h := m.listHeight()
	l := m.list.clamp(m.visible, h)
	lay := layoutFor(w)
	switch {
	case len(m.visible) == 0:
		msg := "No articles."
		switch {
		case m.loading:
			msg = "Loading articles…"
		case len(m.all) == 0:
			msg = "No articles found in " + m.opt.label() + "."
		case m.flt.active():
			msg = "No article matches. esc clears the filter; t changes the tags."
		}
		b.WriteString("\n  " + st.dim.Render(cells.Truncate(msg, w-4)))
		b.WriteString(strings.Repeat("\n", h-1))
	default:
		end := min(l.offset+h, len(m.visible))
		rk := rowsKey{width: w, dark: m.dark, noColor: m.noColor}
		if m.memo.rowsKey != rk || len(m.memo.rows) > maxMemoRows {
			m.memo.rowsKey, m.memo.rows = rk, make(map[*entry]string)
		}
		for i := l.offset; i < end; i++ {
			e := m.visible[i]
			switch row, ok := m.memo.rows[e]; {
			case i == l.cursor:
				b.WriteString(m.renderRow(e, w, lay, true))
			case ok:
				b.WriteString(row)
			default:
				row = m.renderRow(e, w, lay, false)
				m.memo.rows[e] = row
				b.WriteString(row)
			}
			b.WriteString("\n")
		}
		b.WriteString(strings.Repeat("\n", h-(end-l.offset)))
	}

	// Status line, or the filter box while it has the focus.
	if m.focus == focusFilter {
		right := st.count.Render(humanize.Thousands(len(m.visible)) + "/" + humanize.Thousands(len(m.all)))
		if m.fltErr != "" {
			right = st.errorText.Render(cells.Truncate(m.fltErr, w/2))
		}
		b.WriteString(" " + cells.Spread(m.input.View(), right+" ", w-1))
	} else {
		var names []string
		for _, id := range m.flt.tags {
			names = append(names, m.tags.infos[id].name)
		}
		status := statusText(m.loading, len(m.visible), len(m.all), names, m.flt.any, m.flt.text)
		left := " " + st.status.Render(status)
		if m.loading {
			left = " " + m.spin.View() + " " + st.status.Render(status)
		}
		right := ""
		switch {
		case m.notice != "" && m.noticeErr:
			right = st.errorText.Render(m.notice) + " "
		case m.notice != "":
			right = st.notice.Render(m.notice) + " "
		case m.loading:
			if p := m.opt.Progress.Line(); p != "" {
				right = st.notice.Render(cells.Truncate(p, max(w/2, 10))) + " "
			}
		}
		b.WriteString(cells.Spread(left, right, w))
	}
	b.WriteString("\n")
	b.WriteString(m.helpBar())
	return b.String()
}
