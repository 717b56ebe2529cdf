package tui

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/store"
)

// The bits of entry.state.
const (
	stateRead uint32 = 1 << iota
	stateStarred
	// stateTouched marks an entry changed in this session, so that states
	// loaded after it do not undo the change.
	stateTouched
)

// maxUndo is how many markings u can undo.
const maxUndo = 32

// marking is one change of state over some entries, kept to undo it and to
// roll it back when its write fails.
type marking struct {
	id int64
	op store.Op
	// entries changed, with their state bits before.
	entries []*entry
	before  []uint32
	keys    []string
}

// bit is the state bit the marking's op changes, and on whether it sets it.
func (mk *marking) bit() (bit uint32, on bool) {
	switch mk.op {
	case store.OpRead:
		return stateRead, true
	case store.OpUnread:
		return stateRead, false
	case store.OpStar:
		return stateStarred, true
	}
	return stateStarred, false
}

// inverse is the op that undoes op.
func inverse(op store.Op) store.Op {
	switch op {
	case store.OpRead:
		return store.OpUnread
	case store.OpUnread:
		return store.OpRead
	case store.OpStar:
		return store.OpUnstar
	}
	return store.OpStar
}

// marks is what the reader keeps of its markings: the undo stack, the
// writes not yet confirmed, and the queue that writes them in order. Only
// Update touches it but for the queue.
type marks struct {
	store   *store.Store
	queue   *writeQueue
	undo    []*marking
	pending map[int64]*marking
	nextID  int64
	// ready is set once the stored states arrived: until then rows show
	// no marks, rather than every article unread for a moment.
	ready bool
}

func newMarks(s *store.Store) *marks {
	if s == nil {
		return nil
	}
	return &marks{store: s, queue: &writeQueue{results: make(map[int64]error)}, pending: make(map[int64]*marking)}
}

// writeQueue runs the store's writes one at a time, in the order Update
// issued them, whichever command gets to run first: two quick toggles of
// one article must reach the database in the order they were made.
// Update only appends; the commands, and Run at the end, run the writes.
type writeQueue struct {
	mu      sync.Mutex
	tasks   []writeTask
	results map[int64]error
	// running is held while writes run, so that they run one at a time
	// and in order.
	running sync.Mutex
}

type writeTask struct {
	id int64
	fn func() error
}

// add queues a write. It only appends, so Update never waits on it.
func (q *writeQueue) add(id int64, fn func() error) {
	q.mu.Lock()
	q.tasks = append(q.tasks, writeTask{id, fn})
	q.mu.Unlock()
}

// runUntil runs the queued writes in order until write id has run, and
// returns its error.
func (q *writeQueue) runUntil(id int64) error {
	q.running.Lock()
	defer q.running.Unlock()
	for {
		q.mu.Lock()
		if err, ok := q.results[id]; ok {
			delete(q.results, id)
			q.mu.Unlock()
			return err
		}
		if len(q.tasks) == 0 {
			q.mu.Unlock()
			return nil
		}
		t := q.tasks[0]
		q.tasks = q.tasks[1:]
		q.mu.Unlock()
		err := t.fn()
		q.mu.Lock()
		q.results[t.id] = err
		q.mu.Unlock()
	}
}

// drain runs every write still queued: Run calls it when the program
// ends, so that a mark made just before quitting is kept even when its
// command never ran.
func (q *writeQueue) drain() {
	q.running.Lock()
	defer q.running.Unlock()
	for {
		q.mu.Lock()
		if len(q.tasks) == 0 {
			q.mu.Unlock()
			return
		}
		t := q.tasks[0]
		q.tasks = q.tasks[1:]
		q.mu.Unlock()
		_ = t.fn()
	}
}

// mayTestState reports whether a query may hold an is: term, whose answer
// the entries' state gives.
func mayTestState(text string) bool {
	return strings.Contains(strings.ToLower(text), "is:")
}

// mayTestTags reports whether a query may hold a tag: term, whose answer
// may take the countries detected late.
func mayTestTags(text string) bool {
	return strings.Contains(strings.ToLower(text), "tag:")
}

// stateBits packs a stored state.
func stateBits(s feed.State) uint32 {
	var b uint32
	if s.Read {
		b |= stateRead
	}
	if s.Starred {
		b |= stateStarred
	}
	return b
}

// applyStates gives new entries their stored state, once it is loaded.
func (l *listModel) applyStates(add []*entry) {
	if l.states == nil {
		return
	}
	for _, e := range add {
		if s, ok := l.states[e.a.Key]; ok && e.a.Key != "" {
			e.state.Store(stateBits(s))
		}
	}
}

// countUnread counts an unread entry in the tag counts (facets) and in
// the unread count of the visible list (visible).
func (l *listModel) countUnread(e *entry, facets, visible bool) {
	if !l.flt.stateful || e.state.Load()&stateRead != 0 {
		return
	}
	if facets {
		if n := len(l.tags.infos); len(l.unreadCounts) < n {
			l.unreadCounts = append(l.unreadCounts, make([]int, n-len(l.unreadCounts))...)
		}
		countTags(l.unreadCounts, nil, e, l.flt.detected)
	}
	if visible {
		l.unread++
	}
}

// recountUnread counts the unread articles of the visible list.
func (l *listModel) recountUnread() {
	if !l.flt.stateful {
		return
	}
	n := 0
	for _, e := range l.visible {
		if e.state.Load()&stateRead == 0 {
			n++
		}
	}
	l.unread = n
}

// takeStates takes the states loaded from the store: into the entries
// loaded so far, and the later ones as they come; then filters again, so
// that the unread counts and an unread-only list follow.
func (l *listModel) takeStates(msg statesMsg) tea.Cmd {
	l.statesReady = true
	if l.marks != nil {
		l.marks.ready = true
	}
	if msg.err != nil {
		l.setNotice(feed.SanitizeLine(msg.err.Error()), true)
		l.errs = append(l.errs, feed.SanitizeLine(msg.err.Error()))
	}
	if l.loading {
		l.states = msg.states
	}
	for _, e := range l.all {
		st := e.state.Load()
		if st&stateTouched != 0 {
			continue
		}
		if s, ok := msg.states[e.a.Key]; ok && e.a.Key != "" {
			e.state.Store(stateBits(s))
		}
	}
	l.rows = make(map[*entry]string)
	l.results = resultCache{}
	l.recountUnread()
	return l.refilter()
}

// loadEnded starts recording what each source listed, once loading has
// ended and the index has readied the first search (so it is asked for
// after startIndex), and lets the loaded states go.
func (m *model) loadEnded() tea.Cmd {
	m.list.states = nil
	if m.marks == nil {
		return nil
	}
	return recordSeen(m.ctx, m.index.ready, m.index.keyAt, m.marks.store, m.opt.Sources, m.list.all, len(m.errs) == 0)
}

// seenGroup is the keys one source listed.
type seenGroup struct {
	source   string
	keys     []string
	complete bool
}

// seenGroups sorts the keys of the entries by the source that listed
// them. A directory or file source is named by its absolute path and
// claims the articles read from under it; a directory read without an
// error is complete. Articles of URLs carry their own links as locations,
// so they go to the one URL source when there is one, and otherwise are
// not recorded: Seen only keeps the counts of `gazette unread`, and the
// states are kept by key all the same. Standard input is not recorded.
func seenGroups(srcs []load.Source, all []*entry, clean bool) []seenGroup {
	// A local source claims the articles at prefix and under it, the
	// paths that start with under.
	type local struct {
		prefix, under string
		group         int
	}
	var (
		groups  []seenGroup
		locals  []local
		remote  = -1
		remote2 bool
	)
	for _, s := range srcs {
		switch {
		case s.Location == "-":
		case s.FS != nil:
			locals = append(locals, local{prefix: filepath.Clean(s.Location), group: len(groups)})
			groups = append(groups, seenGroup{source: "embedded:" + s.Location, complete: clean})
		case feed.IsURL(s.Location):
			if remote >= 0 {
				remote2 = true
				continue
			}
			remote = len(groups)
			groups = append(groups, seenGroup{source: s.Location})
		default:
			abs, err := filepath.Abs(s.Location)
			if err != nil {
				continue
			}
			locals = append(locals, local{prefix: filepath.Clean(s.Location), group: len(groups)})
			groups = append(groups, seenGroup{source: abs, complete: clean})
		}
	}
	if remote2 {
		groups[remote].source = ""
		remote = -1
	}
	for i := range locals {
		locals[i].under = locals[i].prefix + string(filepath.Separator)
	}
	for _, e := range all {
		k := e.a.Key
		if k == "" {
			continue
		}
		loc := filepath.Clean(e.a.Location)
		best, bestLen := -1, -1
		for _, lc := range locals {
			if (loc == lc.prefix || strings.HasPrefix(loc, lc.under) || lc.prefix == ".") && len(lc.prefix) > bestLen {
				best, bestLen = lc.group, len(lc.prefix)
			}
		}
		if best < 0 {
			best = remote
		}
		if best >= 0 {
			groups[best].keys = append(groups[best].keys, k)
		}
	}
	out := groups[:0]
	for _, g := range groups {
		if g.source != "" {
			out = append(out, g)
		}
	}
	return out
}

// stateful reports whether the reader keeps state.
func (m *model) stateful() bool { return m.marks != nil }

// mark applies op to the targets in memory at once, and queues the write.
// Entries sharing a target's key change with it. It returns the write's
// command, or nil when nothing changed.
func (m *model) mark(op store.Op, targets []*entry, undoable bool) tea.Cmd {
	mk := &marking{op: op}
	if len(targets) > 1 {
		mk.entries = make([]*entry, 0, len(targets))
		mk.before = make([]uint32, 0, len(targets))
	}
	bit, on := mk.bit()
	want := func(st uint32) bool { return (st&bit != 0) != on }
	for _, e := range targets {
		if st := e.state.Load(); want(st) {
			mk.entries = append(mk.entries, e)
			mk.before = append(mk.before, st)
		}
	}
	if len(mk.entries) == 0 {
		return nil
	}
	changed := len(mk.entries)
	// Other entries of the same story (when a list holds it twice). A
	// key or two, the common case, are compared as they are; more go
	// through a set.
	if len(targets) != len(m.list.all) {
		var few []string
		var many map[string]struct{}
		for _, e := range mk.entries {
			if e.a.Key != "" {
				few = append(few, e.a.Key)
			}
		}
		if len(few) > 4 {
			many = make(map[string]struct{}, len(few))
			for _, k := range few {
				many[k] = struct{}{}
			}
		}
		shares := func(k string) bool {
			if k == "" {
				return false
			}
			if many != nil {
				_, ok := many[k]
				return ok
			}
			for _, f := range few {
				if f == k {
					return true
				}
			}
			return false
		}
		if len(few) > 0 {
			for _, e := range m.list.all {
				if !shares(e.a.Key) {
					continue
				}
				if st := e.state.Load(); want(st) && !slices.Contains(mk.entries[:changed], e) {
					mk.entries = append(mk.entries, e)
					mk.before = append(mk.before, st)
				}
			}
		}
	}
	mk.keys = make([]string, 0, len(mk.entries))
	for i, e := range mk.entries {
		st := mk.before[i] | stateTouched
		if on {
			st |= bit
		} else {
			st &^= bit
		}
		e.state.Store(st)
		if e.a.Key != "" {
			mk.keys = append(mk.keys, e.a.Key)
		}
	}
	m.afterMarking(mk.entries[:changed], mk.before[:changed], op)
	if undoable {
		m.marks.undo = append(m.marks.undo, mk)
		if len(m.marks.undo) > maxUndo {
			m.marks.undo = m.marks.undo[1:]
		}
	}
	if len(mk.keys) == 0 {
		return nil
	}
	m.marks.nextID++
	mk.id = m.marks.nextID
	m.marks.pending[mk.id] = mk
	return writeMarks(m.ctx, m.marks.queue, m.marks.store, mk.id, op, mk.keys)
}

// afterMarking brings the counts and the kept rows up to date after the
// entries, from the visible list, changed from their states before.
func (m *model) afterMarking(changed []*entry, before []uint32, op store.Op) {
	l := &m.list
	if op == store.OpRead || op == store.OpUnread {
		d := -1
		if op == store.OpUnread {
			d = 1
		}
		n := len(l.tags.infos)
		if len(l.unreadCounts) < n {
			l.unreadCounts = append(l.unreadCounts, make([]int, n-len(l.unreadCounts))...)
		}
		for _, e := range changed {
			addTags(l.unreadCounts, e, l.flt.detected, d)
		}
		l.recountUnread()
	}
	if len(changed) > 64 {
		l.rows = make(map[*entry]string)
	} else {
		for _, e := range changed {
			delete(l.rows, e)
		}
	}
	// Results kept for the filter box saw the old states.
	l.results = resultCache{}
	_ = before
}

// addTags adds d to the counts of an entry's tags, as countTags adds one.
func addTags(counts []int, e *entry, detected bool, d int) {
	for _, id := range e.tags {
		if int(id) < len(counts) {
			counts[id] = max(counts[id]+d, 0)
		}
	}
	if detected || e.fills {
		for _, id := range e.detectedIDs() {
			if int(id) < len(counts) {
				counts[id] = max(counts[id]+d, 0)
			}
		}
	}
}

// rollback undoes a marking in memory, on entries that still hold what
// it set: a later marking of the same entry stands.
func (m *model) rollback(mk *marking) {
	bit, on := mk.bit()
	var changed []*entry
	var before []uint32
	for i, e := range mk.entries {
		st := e.state.Load()
		if (st&bit != 0) != on {
			continue
		}
		st = st&^bit | mk.before[i]&bit
		e.state.Store(st)
		changed = append(changed, e)
		before = append(before, st)
	}
	m.afterMarking(changed, before, inverse(mk.op))
}

// toggleRead marks the entry read, or unread when it is read.
func (m *model) toggleRead(e *entry) tea.Cmd {
	if e.state.Load()&stateRead != 0 {
		return m.mark(store.OpUnread, []*entry{e}, true)
	}
	return m.mark(store.OpRead, []*entry{e}, true)
}

// toggleStar stars the entry, or takes the star away.
func (m *model) toggleStar(e *entry) tea.Cmd {
	if e.state.Load()&stateStarred != 0 {
		return m.mark(store.OpUnstar, []*entry{e}, true)
	}
	return m.mark(store.OpStar, []*entry{e}, true)
}

// markAllRead marks every article of the view read.
func (m *model) markAllRead() tea.Cmd {
	n := m.list.unread
	cmd := m.mark(store.OpRead, m.list.visible, true)
	if cmd == nil && n == 0 {
		m.setNotice("Every article here is read already.", false)
		return nil
	}
	m.setNotice("Marked "+humanize.Plural(n, "article", "articles")+" read · u undoes", false)
	return cmd
}

// undoMarking undoes the last marking.
func (m *model) undoMarking() tea.Cmd {
	u := m.marks.undo
	if len(u) == 0 {
		m.setNotice("Nothing to undo.", false)
		return nil
	}
	mk := u[len(u)-1]
	m.marks.undo = u[:len(u)-1]
	bit, on := mk.bit()
	// Back to what each entry was: only those that still hold what the
	// marking set.
	var back []*entry
	for i, e := range mk.entries {
		if st := e.state.Load(); (st&bit != 0) == on && (mk.before[i]&bit != 0) != on {
			back = append(back, e)
		}
	}
	m.setNotice("Undone: "+undoText(mk.op, len(back)), false)
	return m.mark(inverse(mk.op), back, false)
}

// undoText says what an undone marking had done.
func undoText(op store.Op, n int) string {
	what := humanize.Plural(n, "article", "articles")
	switch op {
	case store.OpRead:
		return what + " marked read"
	case store.OpUnread:
		return what + " marked unread"
	case store.OpStar:
		return what + " starred"
	}
	return what + " unstarred"
}

// markDone takes the outcome of a write: a failure is shown, and the
// marking rolled back in memory.
func (m *model) markDone(msg markedMsg) {
	mk, ok := m.marks.pending[msg.id]
	if !ok {
		return
	}
	delete(m.marks.pending, msg.id)
	if msg.err == nil {
		return
	}
	m.rollback(mk)
	for i, u := range m.marks.undo {
		if u == mk {
			m.marks.undo = append(m.marks.undo[:i:i], m.marks.undo[i+1:]...)
			break
		}
	}
	text := "Not saved, so undone: " + feed.SanitizeLine(msg.err.Error())
	m.errs = append(m.errs, text)
	m.setNotice(text, true)
}

// toggleUnreadOnly shows unread articles only, or all of them again.
func (l listModel) toggleUnreadOnly() (listModel, tea.Cmd) {
	f := l.flt
	f.unread = !f.unread
	f.text = l.fltText
	return l, l.startFilter(f, true)
}

// rowMarks is the marks column of a row: "•" unread, "★" starred, then a
// space; blank for a read article.
func (c *common) rowMarks(e *entry, selected bool) string {
	st := e.state.Load()
	unread, star := " ", " "
	if c.marks == nil || !c.marks.ready {
		st = stateRead
	}
	if st&stateRead == 0 {
		unread = "•"
	}
	if st&stateStarred != 0 {
		star = "★"
	}
	s := &c.st
	if selected {
		return s.selRow.Inherit(s.unreadMark).Render(unread) + s.selRow.Inherit(s.star).Render(star) + s.selRow.Render(" ")
	}
	return s.rows.unreadMark.Render(unread) + s.rows.star.Render(star) + " "
}

// unreadRow reports whether a row shows its article unread.
func (c *common) unreadRow(e *entry) bool {
	return c.marks != nil && c.marks.ready && e.state.Load()&stateRead == 0
}

// marksWidth is the width of the marks column.
const marksWidth = 3

// layout is layoutFor the width, with room for the marks column when the
// reader keeps state.
func (c *common) layout(w int) rowLayout {
	lay := layoutFor(w)
	if c.opt.Store != nil {
		lay.marks = marksWidth
		lay.title = max(lay.title-marksWidth, 8)
	}
	return lay
}

// listMarkKey handles the state keys on the list; done reports that the
// key was one of them.
func (m *model) listMarkKey(msg tea.KeyPressMsg) (done bool, cmd tea.Cmd) {
	k := m.keys
	l := &m.list
	var sel *entry
	if len(l.visible) > 0 {
		sel = l.visible[min(l.scroll.cursor, len(l.visible)-1)]
	}
	switch {
	case key.Matches(msg, k.Mark):
		if sel != nil {
			cmd = m.toggleRead(sel)
		}
	case key.Matches(msg, k.Star):
		if sel != nil {
			cmd = m.toggleStar(sel)
		}
	case key.Matches(msg, k.MarkAll):
		cmd = m.markAllRead()
	case key.Matches(msg, k.Undo):
		cmd = m.undoMarking()
	case key.Matches(msg, k.UnreadOnly):
		m.list, cmd = m.list.toggleUnreadOnly()
	default:
		return false, nil
	}
	return true, cmd
}

// readNotice says what m did to the article.
func readNotice(e *entry) string {
	if e.state.Load()&stateRead != 0 {
		return "Marked read."
	}
	return "Marked unread."
}

// starNotice says what s did to the article.
func starNotice(e *entry) string {
	if e.state.Load()&stateStarred != 0 {
		return "Starred."
	}
	return "Star taken away."
}
