package tui

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/cells"
	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/store"
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

// overlay is what takes the keys over the screen, if anything.
type overlay int

const (
	overlayNone   overlay = iota
	overlayFilter         // the filter box, on the list's status line
	overlayPicker         // the tag picker, over the list
	overlayLinks          // the link picker, over the reader
	overlayPrompt         // the pipe command line, in the reader's footer
	overlayPanel          // a text panel: errors, a command's output, a URL, help
)

// String names the overlay.
func (o overlay) String() string {
	switch o {
	case overlayFilter:
		return "filter"
	case overlayPicker:
		return "picker"
	case overlayLinks:
		return "links"
	case overlayPrompt:
		return "prompt"
	case overlayPanel:
		return "panel"
	}
	return "none"
}

// common is what every part of the reader shares: the options, the
// terminal, the styles, the tag table, the errors and the notice. The root
// and its children hold the same pointer, as glow's children do; only
// Update writes through it.
type common struct {
	ctx  context.Context
	opt  Options
	keys keyMap
	help help.Model
	st   styles

	width, height int
	dark          bool
	noColor       bool

	// tags interns every tag of the list; rows, the picker and the
	// reader's header draw badges from it.
	tags *tagTable
	// errs are the sources that failed, sanitized, one line each.
	errs []string

	// notice is a one-line message shown until the next key.
	notice    string
	noticeErr bool

	// progress is the downloads line the last progressMsg brought.
	progress string
	// opener is the link opener once it has been looked up.
	opener *opener
	// marks keeps the markings of read and starred state; nil without a
	// store.
	marks *marks
	// newKeys are the story keys of the rows new since the last refresh.
	newKeys map[string]bool
	// queryFull is set while the filter box has the keys and is full.
	queryFull bool
	// gate holds the reloads under way, for Run to wait for.
	gate *gate
	// exec hands the terminal to a child process: tea.Exec, or in tests
	// a function that runs it at once.
	exec func(tea.ExecCommand, tea.ExecCallback) tea.Cmd

	// index is the full-text index's state: its searcher, and how far
	// the background build has come.
	index indexState
	// loadRun is set when Run started the load before the program and
	// takes in its first batch itself (see Run): Init leaves it alone.
	loadRun bool
	// started, when set, lets that load read: Update calls it, once, as
	// the program hands the model its first message.
	started func()
	// shown tells when the first rows are on the screen; nil when no
	// program writes them (see shownSignal).
	shown *shownSignal
}

// setNotice shows a one-line message until the next key.
func (c *common) setNotice(s string, isErr bool) {
	c.notice, c.noticeErr = s, isErr
}

// glamourStyle is the style articles render in now.
func (c *common) glamourStyle() string {
	return c.opt.styleChoice(c.dark).Style()
}

// model is the root model of the reader: the screen under the overlay,
// the child models, and the frame parts kept between frames.
type model struct {
	*common
	screen  screen
	overlay overlay

	list   listModel
	reader readerModel
	picker pickerModel
	links  linksModel
	panel  panelModel

	// live is the refresh, watch and timer state.
	live liveState

	// sized is set once the terminal's size is known (see sizeWait):
	// nothing is drawn before.
	sized bool
	// statesAsked is set once the store's states were asked for, with
	// the first batch of the load.
	statesAsked bool

	// helpBar is the help bar drawn by Update for helpFor.
	helpBar string
	helpFor helpKey
}

// helpKey says what the help bar was drawn for.
type helpKey struct {
	screen  screen
	overlay overlay
	width   int
	dark    bool
	color   bool
}

// newModel builds the root model; Run starts it, and tests drive it.
func newModel(ctx context.Context, opt Options) model {
	opt = opt.withDefaults()
	c := &common{
		ctx:     ctx,
		opt:     opt,
		keys:    keysFor(opt.Keys),
		help:    help.New(),
		width:   80,
		height:  24,
		dark:    true,
		noColor: opt.noColor(),
		tags:    newTagTable(),
		marks:   newMarks(opt.Store),
		gate:    new(gate),
		exec:    tea.Exec,
	}
	c.keys.enableMarks(opt.Store != nil)
	switch {
	case opt.Store != nil && opt.Index != nil:
		c.index.searcher = search.NewSearcher(opt.Index)
	case opt.Store != nil:
		c.index.searcher = search.NewSearcher(opt.Store)
	}
	m := model{
		common: c,
		list:   newListModel(c),
		reader: newReaderModel(c),
	}
	m.setStyles()
	m.prepare()
	return m
}

// setStyles rebuilds the styles for the background and colour setting.
func (m *model) setStyles() {
	m.st = newStyles(m.dark, m.noColor).withTheme(m.opt.Theme.For(m.dark)).painted()
	m.help.Styles = m.st.help
	m.list.setStyles()
	m.reader.setStyles()
}

// Init starts loading, watches the downloads, looks up the link opener and
// asks the terminal for its background colour.
func (m model) Init() tea.Cmd {
	return tea.Batch(
		m.loadCmd(),
		watchProgress(m.ctx, m.opt.Progress),
		resolveOpener(m.opt.Opener, m.opt.Getenv("BROWSER"), ""),
		tea.RequestBackgroundColor,
		m.list.spin.Tick,
		m.watchNow(),
		tea.Tick(sizeWait, func(time.Time) tea.Msg { return sizeWaitMsg{} }),
	)
}

// sizeWait is how long the reader waits for the terminal's size, which
// comes as the program starts, before it draws at the size it assumes.
const sizeWait = 200 * time.Millisecond

// sizeWaitMsg says sizeWait has passed.
type sizeWaitMsg struct{}

// loadCmd starts the load, unless Run did.
func (m model) loadCmd() tea.Cmd {
	if m.loadRun {
		return nil
	}
	return startLoad(m.ctx, m.opt.Loader, m.opt.Sources)
}

// Update handles one message, then draws the frame parts that changed, so
// that View only assembles.
func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.started != nil {
		m.started()
		m.started = nil
	}
	m, cmd := m.update(msg)
	m.prepare()
	m.noteInput()
	return m, cmd
}

func (m model) update(msg tea.Msg) (model, tea.Cmd) {
	// The reader moves through the list the list shows now, and takes
	// renderings to screen only while it is the screen.
	m.reader.visible = m.list.visible
	m.reader.active = m.screen == screenReader
	switch msg := msg.(type) {
	case sizeWaitMsg:
		m.sized = true
		return m, nil
	case tea.WindowSizeMsg:
		m.sized = true
		m.width, m.height = max(msg.Width, 1), max(msg.Height, 1)
		m.list = m.list.resize()
		m.reader = m.reader.resize()
		// Panels wrap their text to the window: wrap it again.
		if m.overlay == overlayPanel {
			switch m.panel.kind {
			case panelHelp:
				m.openHelp()
			case panelErrors:
				offset := m.panel.scroll.offset
				m.openErrors()
				m.panel.scroll.offset = offset
			}
		}
		if m.screen == screenReader {
			return m, m.reader.ensureRendered()
		}
		return m, nil

	case tea.BackgroundColorMsg:
		if m.dark == msg.IsDark() {
			return m, nil
		}
		m.dark = msg.IsDark()
		m.setStyles()
		if m.screen == screenReader {
			return m, m.reader.ensureRendered()
		}
		return m, nil

	case loadBatchMsg:
		for _, err := range msg.errs {
			m.errs = append(m.errs, feed.SanitizeLine(err.Error()))
		}
		// The batch is a message too: it brings the downloads line up to
		// date while a watcher waits for the next change.
		m.progress = m.opt.Progress.Line()
		m.list.waiting = m.opt.Progress.WaitingLine()
		var cmd tea.Cmd
		m.list, cmd = m.list.update(msg)
		if !m.statesAsked {
			// The states are read once the first rows are on the
			// screen, not beside the first files: reading 100,000 of
			// them takes a core for a tenth of a second. Rows show no
			// marks until they come.
			m.statesAsked = true
			cmd = tea.Batch(cmd, loadStates(m.ctx, m.opt.Store, m.shown.shown()))
		}
		if msg.done {
			cmd = tea.Batch(cmd, m.loaded(), m.startIndex(), m.loadEnded(), m.watchLate(), m.checkStale())
			if m.index.ride == nil {
				// No build reads the bodies: the detection does.
				cmd = tea.Batch(cmd, m.list.startDetect())
			}
		}
		return m, cmd

	case detectedMsg:
		return m, m.list.takeDetected(msg)

	case detectedSavedMsg:
		return m, m.list.savedDetected()

	case statesMsg:
		return m, m.list.takeStates(msg)

	case markedMsg:
		m.markDone(msg)
		return m, nil

	case seenMsg:
		if msg.err != nil {
			m.errs = append(m.errs, feed.SanitizeLine(msg.err.Error()))
		}
		return m, nil

	case filterFrameMsg:
		// The timer says when it fired; its message may come later,
		// behind keys.
		now := time.Now()
		if msg.at.After(now) {
			now = msg.at
		}
		return m, m.list.flushFilter(now)

	case reloadDoneMsg:
		return m, m.applyReload(msg)

	case staleMsg:
		return m, m.requestReload(m.staleJob(msg.files))

	case watchLateMsg:
		return m, m.startLate()

	case watchStartedMsg:
		return m, m.watching(msg)

	case watchBatchMsg:
		return m, m.applyWatchBatch(msg)

	case refreshTickMsg:
		return m, m.refreshDue(msg)

	case indexMsg:
		return m, m.indexProgress(msg)

	case progressMsg:
		if !m.list.loading && !m.list.refreshing {
			m.progress = ""
			return m, nil
		}
		m.progress = msg.line
		m.list.waiting = msg.waiting
		return m, watchProgress(m.ctx, m.opt.Progress)

	case filterDoneMsg:
		if msg.job.preview {
			if counts, ok := m.list.previewCounts(msg); ok {
				m.picker.counts = counts
				m.picker.unread = msg.res.unread
				m.picker.detected = msg.res.detected
			}
			return m, nil
		}
		var cmd tea.Cmd
		m.list, cmd = m.list.update(msg)
		return m, cmd

	case renderedMsg, fullPageMsg, highlightedMsg:
		var cmd tea.Cmd
		m.reader, cmd = m.reader.update(msg)
		return m, cmd

	case openerMsg:
		o := msg.opener
		m.opener = &o
		if msg.url != "" {
			return m, openURL(msg.url, o)
		}
		return m, nil

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
		m.pipeDone(msg)
		return m, nil

	case cmdFailedMsg:
		text := feed.SanitizeLine(msg.err.Error())
		m.errs = append(m.errs, text)
		m.setNotice(text, true)
		return m, nil

	case spinner.TickMsg:
		var cmd tea.Cmd
		m.list, cmd = m.list.update(msg)
		return m, cmd

	case tea.KeyPressMsg:
		return m.handleKey(msg)

	case tea.MouseWheelMsg:
		return m.handleWheel(msg)

	case tea.MouseClickMsg:
		if msg.Button != tea.MouseLeft || m.screen != screenList || m.overlay != overlayNone {
			return m, nil
		}
		if i, ok := m.list.rowAt(msg.Y); ok {
			if i == m.list.scroll.cursor {
				return m.open(i)
			}
			m.list = m.list.moveTo(i)
		}
		return m, nil
	}

	// Anything else (pastes, cursor blinks) goes to the input in use.
	var cmd tea.Cmd
	switch m.overlay {
	case overlayFilter:
		m.list, cmd = m.list.update(msg)
	case overlayPrompt:
		m.reader, cmd = m.reader.update(msg)
	}
	return m, cmd
}

// handleKey gives a key to the overlay that has it, else to the screen.
// The root keeps the keys that change screens or open overlays; the
// children get the rest.
func (m model) handleKey(msg tea.KeyPressMsg) (model, tea.Cmd) {
	k := m.keys
	if key.Matches(msg, k.ForceQ) {
		return m, tea.Quit
	}
	if m.overlay != overlayPrompt {
		m.notice, m.noticeErr = "", false
	}
	switch m.overlay {
	case overlayFilter:
		var cmd tea.Cmd
		var done bool
		m.list, cmd, done = m.list.updateFilterBox(msg)
		if done {
			m.overlay = overlayNone
		}
		return m, cmd
	case overlayPicker:
		var act pickerAction
		m.picker, act = m.picker.update(msg)
		switch act {
		case pickerChanged:
			return m, m.list.startPreview(m.picker.chosen, m.picker.any)
		case pickerApply:
			m.overlay = overlayNone
			var cmd tea.Cmd
			m.list, cmd = m.list.setTags(m.picker.chosen, m.picker.any)
			return m, cmd
		case pickerClose:
			m.overlay = overlayNone
		}
		return m, nil
	case overlayPanel:
		var closed bool
		m.panel, closed = m.panel.update(msg)
		if closed {
			m.overlay = overlayNone
		}
		return m, nil
	case overlayLinks:
		var u string
		var closed bool
		m.links, u, closed = m.links.update(msg)
		if closed {
			m.overlay = overlayNone
			if u != "" {
				return m, m.openLink(u)
			}
		}
		return m, nil
	case overlayPrompt:
		var cmd tea.Cmd
		var done bool
		m.reader, cmd, done = m.reader.updatePrompt(msg)
		if done {
			m.overlay = overlayNone
		}
		return m, cmd
	}
	if key.Matches(msg, k.Refresh) {
		return m, m.requestReload(m.refreshAll())
	}
	if m.screen == screenReader {
		return m.readerKey(msg)
	}
	return m.listKey(msg)
}

// listKey handles a key on the list screen.
func (m model) listKey(msg tea.KeyPressMsg) (model, tea.Cmd) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m, tea.Quit
	case key.Matches(msg, k.Open):
		return m.open(m.list.scroll.cursor)
	case key.Matches(msg, k.Filter):
		m.overlay = overlayFilter
		var cmd tea.Cmd
		m.list, cmd = m.list.focusFilterBox()
		return m, cmd
	case key.Matches(msg, k.Tags):
		m.picker = newPicker(m.common, m.list.counts, m.list.flt)
		m.picker.unread = m.list.unreadCounts
		m.picker.detected = m.list.detected
		m.overlay = overlayPicker
		return m, nil
	case key.Matches(msg, k.Errors):
		m.openErrors()
		return m, nil
	case key.Matches(msg, k.Help):
		m.openHelp()
		return m, nil
	}
	if m.stateful() {
		if done, cmd := m.listMarkKey(msg); done {
			return m, cmd
		}
	}
	var cmd tea.Cmd
	m.list, cmd = m.list.update(msg)
	return m, cmd
}

// readerKey handles a key on the article screen.
func (m model) readerKey(msg tea.KeyPressMsg) (model, tea.Cmd) {
	k := m.keys
	r := &m.reader
	if key.Matches(msg, k.Help) {
		m.openHelp()
		return m, nil
	}
	if key.Matches(msg, k.Digit) {
		var cmd tea.Cmd
		m.reader, cmd = m.reader.update(msg)
		return m, cmd
	}
	count := r.count
	r.count = ""
	switch {
	case key.Matches(msg, k.Back):
		m.screen = screenList
		m.notice = ""
	case key.Matches(msg, k.Next):
		if r.idx+1 < len(m.list.visible) {
			return m.open(r.idx + 1)
		}
		m.setNotice("This is the last article.", false)
	case key.Matches(msg, k.Prev):
		if r.idx > 0 {
			return m.open(r.idx - 1)
		}
		m.setNotice("This is the first article.", false)
	case key.Matches(msg, k.OpenLink):
		return m, m.openFootnote(count)
	case key.Matches(msg, k.Links):
		if r.refsPending() {
			m.setNotice(refsPendingNotice, false)
			return m, nil
		}
		items := linkItems(r.article())
		if len(items) == 0 {
			m.setNotice("This article has no links.", false)
			return m, nil
		}
		m.links = newLinks(m.common, items)
		m.overlay = overlayLinks
	case key.Matches(msg, k.Pipe):
		m.overlay = overlayPrompt
		return m, m.reader.openPrompt()
	case key.Matches(msg, k.Full):
		return m, m.reader.fetchFull()
	case key.Matches(msg, k.Errors):
		m.openErrors()
	case key.Matches(msg, k.Mark) && r.e != nil:
		cmd := m.toggleRead(r.e)
		m.setNotice(readNotice(r.e), false)
		return m, cmd
	case key.Matches(msg, k.Star) && r.e != nil:
		cmd := m.toggleStar(r.e)
		m.setNotice(starNotice(r.e), false)
		return m, cmd
	default:
		var cmd tea.Cmd
		m.reader, cmd = m.reader.update(msg)
		return m, cmd
	}
	return m, nil
}

// open shows entry idx of the visible list in the reader.
func (m model) open(idx int) (model, tea.Cmd) {
	if idx < 0 || idx >= len(m.list.visible) {
		return m, nil
	}
	m.list = m.list.moveTo(idx)
	m.screen = screenReader
	m.overlay = overlayNone
	m.reader.active = true
	var cmd tea.Cmd
	e := m.list.visible[idx]
	m.reader, cmd = m.reader.show(e, idx)
	if m.stateful() && e.state.Load()&stateRead == 0 {
		// Opening an article marks it read.
		cmd = tea.Batch(cmd, m.mark(store.OpRead, []*entry{e}, true))
	}
	return m, cmd
}

// refsPendingNotice answers a key for the footnotes of an article whose
// text is not shown yet: they come with it.
const refsPendingNotice = "Its footnotes come with its text, which is not shown yet."

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
	if m.reader.refsPending() {
		m.setNotice(refsPendingNotice, false)
		return nil
	}
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

// openLink opens a URL with the opener, saying so in the footer. Until the
// opener has been looked up, the link waits for it.
func (m *model) openLink(raw string) tea.Cmd {
	m.setNotice("Opening "+raw+" …", false)
	if m.opener == nil {
		return resolveOpener(m.opt.Opener, m.opt.Getenv("BROWSER"), raw)
	}
	return openURL(raw, *m.opener)
}

// wheelStep is how many rows one wheel notch moves.
const wheelStep = 3

// handleWheel scrolls whatever is under the focus.
func (m model) handleWheel(msg tea.MouseWheelMsg) (model, tea.Cmd) {
	d := 0
	switch msg.Button {
	case tea.MouseWheelDown:
		d = wheelStep
	case tea.MouseWheelUp:
		d = -wheelStep
	default:
		return m, nil
	}
	switch m.overlay {
	case overlayPanel:
		m.panel = m.panel.scrollBy(d)
	case overlayPicker:
		m.picker = m.picker.moveBy(d / wheelStep)
	case overlayLinks:
	case overlayNone, overlayFilter, overlayPrompt:
		if m.screen == screenReader {
			m.reader = m.reader.scrollBy(d)
		} else if len(m.list.visible) > 0 {
			m.list = m.list.moveTo(m.list.scroll.cursor + d)
		}
	}
	return m, nil
}

// prepare draws, after each Update, the frame parts that are kept between
// frames: the help bar, the reader's header and the list rows on screen.
// View then only assembles, and writes nothing.
func (m *model) prepare() {
	m.reader.visible = m.list.visible
	k := helpKey{screen: m.screen, overlay: m.overlay, width: m.width, dark: m.dark, color: !m.noColor}
	if m.helpFor != k || m.helpBar == "" {
		h := m.help
		h.SetWidth(m.width - 1)
		// help.Model lets the last item overflow when its ellipsis does
		// not fit; cut it to the screen.
		m.helpFor = k
		m.helpBar = " " + cells.Truncate(h.ShortHelpView(m.keys.forState(m.screen, m.overlay).ShortHelp()), m.width-1)
	}
	if m.screen == screenReader {
		m.reader.prepare()
	} else {
		m.list.prepare()
	}
}

// View renders the screen.
func (m model) View() tea.View {
	v := tea.NewView(m.render())
	if m.sized && m.statesAsked {
		// The next write is a frame with the load's first rows.
		m.shown.drew()
	}
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	if m.overlay == overlayPanel && m.panel.kind == panelURL {
		// Let the terminal select the URL for copying.
		v.MouseMode = tea.MouseModeNone
	}
	return v
}

// render draws the whole screen as text.
func (m model) render() string {
	if !m.sized {
		// A frame drawn at the size assumed would be drawn again at
		// the real one a moment later.
		return ""
	}
	if m.width < 20 || m.height < 6 {
		return "gazette: the terminal is too small"
	}
	var base string
	if m.screen == screenReader {
		base = m.reader.view(m.overlay == overlayPrompt) + "\n" + m.helpBar
	} else {
		base = m.list.view(m.overlay == overlayFilter) + "\n" + m.helpBar
	}
	var box string
	switch m.overlay {
	case overlayPicker:
		box = m.picker.view()
	case overlayPanel:
		box = m.panel.view()
	case overlayLinks:
		box = m.links.view()
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
