package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/store"
)

// Refresh says how often the reader fetches its feeds again by itself.
// The zero value never does: r still refreshes on demand.
type Refresh struct {
	// Every is how often every URL source is fetched again; zero means
	// never.
	Every time.Duration
	// Sources overrides Every for single sources, by Location; a zero
	// duration turns the timer off for that source.
	Sources map[string]time.Duration
}

// every returns how often src refreshes by itself; zero means never.
// Only URLs do: directories are watched instead, and a file named on
// the command line is read once per r.
func (r Refresh) every(src load.Source) time.Duration {
	if !feed.IsURL(src.Location) || src.FS != nil {
		return 0
	}
	if d, ok := r.Sources[src.Location]; ok {
		return d
	}
	return r.Every
}

// reloadJob is one reload of part of the session: whole sources, files
// of watched directories, and paths that are gone. Jobs asked for while
// one runs are merged into one that runs next, so refreshes coalesce.
type reloadJob struct {
	// manual is set for r and the timer: the status line shows the
	// progress, and the rows new since the last refresh are marked anew.
	manual bool
	// whole are sources read again entirely.
	whole []load.Source
	// files are single files of watched directories, as sources that
	// carry their directory's name and tags.
	files []load.Source
	// removed are paths, files or directories, whose articles are gone.
	removed []string
}

// empty reports whether the job has nothing to do.
func (j reloadJob) empty() bool {
	return len(j.whole)+len(j.files)+len(j.removed) == 0
}

// merge adds o to j, each source and path once. A file under a source
// read whole is read with it.
func (j reloadJob) merge(o reloadJob) reloadJob {
	j.manual = j.manual || o.manual
	for _, s := range o.whole {
		if !slices.ContainsFunc(j.whole, func(w load.Source) bool { return w.Location == s.Location }) {
			j.whole = append(j.whole, s)
		}
	}
	for _, s := range o.files {
		if !slices.ContainsFunc(j.files, func(w load.Source) bool { return w.Location == s.Location }) {
			j.files = append(j.files, s)
		}
	}
	for _, p := range o.removed {
		if !slices.Contains(j.removed, p) {
			j.removed = append(j.removed, p)
		}
	}
	return j
}

// reloadDoneMsg carries a finished reload: the list without what the
// reload replaced or found gone, the articles read again, and what
// failed.
type reloadDoneMsg struct {
	job  reloadJob
	keep []*entry
	arts []*feed.Article
	errs []error
	// gone holds the IDs of articles dropped and not read again.
	gone map[string]bool
	// fresh are the story keys the session had not seen before, and
	// seen every key seen so far, this reload's included.
	fresh map[string]bool
	seen  map[string]struct{}
}

// liveState is what the reader keeps to refresh itself: the reload
// running and the one waiting behind it, the watch, and the timer.
type liveState struct {
	running bool
	queued  reloadJob
	// seen holds every story key the session has listed; it belongs to
	// the running reload, if any.
	seen map[string]struct{}
	// watched are the directory sources being watched, by Location, and
	// notices what the watch said of itself.
	watched map[string]load.Source
	notices []string
	// due is when each timed source is refreshed next, by Location;
	// timerAt is what the armed timer fires for, and timerSeq tells it
	// from a timer armed earlier.
	due      map[string]time.Time
	timerAt  time.Time
	timerSeq int
}

// refreshTickMsg is the refresh timer firing.
type refreshTickMsg struct{ seq int }

// refreshable reports whether src can be read again: standard input and
// the embedded sample cannot.
func refreshable(src load.Source) bool {
	return src.FS == nil && src.Location != "-"
}

// refreshAll is the job of r: every source of the session that can be
// read again.
func (m *model) refreshAll() reloadJob {
	j := reloadJob{manual: true}
	for _, s := range m.opt.Sources {
		if refreshable(s) {
			j.whole = append(j.whole, s)
		}
	}
	return j
}

// requestReload runs j, or merges it into the job that runs after the
// one under way; nothing runs before the first load has ended.
func (m *model) requestReload(j reloadJob) tea.Cmd {
	if j.empty() {
		if j.manual {
			m.setNotice("Nothing to refresh: standard input and the sample are read once.", false)
		}
		return nil
	}
	if m.live.running || m.list.loading {
		m.live.queued = m.live.queued.merge(j)
		return nil
	}
	return m.startReload(j)
}

// startReload starts j in a command.
func (m *model) startReload(j reloadJob) tea.Cmd {
	m.live.running = true
	seen := m.live.seen
	m.live.seen = nil
	cmds := []tea.Cmd{m.gate.guard(reloadCmd(m.ctx, m.opt.Loader, m.opt.Store, j, m.list.all, seen))}
	if j.manual {
		m.list.refreshing = true
		cmds = append(cmds, m.list.spin.Tick, watchProgress(m.ctx, m.opt.Progress))
	}
	return tea.Batch(cmds...)
}

// reloadCmd reads the job's sources again, each in a load of its own so
// that a source that fails as a whole keeps its articles, and works out
// which entries of all the new articles replace or find gone. With a
// store, the new articles take the read and starred state it keeps, so
// that a story read before is never shown as new or unread again.
func reloadCmd(ctx context.Context, l *load.Loader, st *store.Store, j reloadJob, all []*entry, seen map[string]struct{}) tea.Cmd {
	return func() (done tea.Msg) {
		// A panic leaves the list as it was and says so; the reload ends
		// all the same, so that the next one can run.
		defer func() {
			if p := recover(); p != nil {
				done = reloadDoneMsg{job: j, keep: all, seen: seen, errs: []error{fmt.Errorf("internal error while refreshing: %v", p)}}
			}
		}()
		msg := reloadDoneMsg{job: j, gone: make(map[string]bool), fresh: make(map[string]bool)}
		// Paths are compared made absolute: "./news" lists "news/a.md".
		cwd, _ := os.Getwd()
		abs := func(p string) string {
			if filepath.IsAbs(p) || cwd == "" {
				return filepath.Clean(p)
			}
			return filepath.Join(cwd, p)
		}
		// exact are the files, and dirs the directories, whose articles
		// were all read again or are gone.
		exact, dirs := make(map[string]bool), make(map[string]bool)
		read := func(src load.Source, dir bool) {
			arts, errs := load.Collect(l.Load(ctx, []load.Source{src}))
			failed := false
			for _, err := range errs {
				var se *load.SourceError
				if errors.As(err, &se) && se.Source == src.Location {
					failed = true
				}
			}
			msg.arts = append(msg.arts, arts...)
			msg.errs = append(msg.errs, errs...)
			switch {
			case failed, feed.IsURL(src.Location):
				// A feed's items that rotated out stay listed, as do the
				// articles of a source that could not be read.
			case dir:
				dirs[abs(src.Location)] = true
			default:
				exact[abs(src.Location)] = true
			}
		}
		for _, src := range j.whole {
			if ctx.Err() != nil {
				return nil
			}
			fi, err := os.Stat(src.Location)
			read(src, err == nil && fi.IsDir())
		}
		for _, src := range j.files {
			if ctx.Err() != nil {
				return nil
			}
			if _, err := os.Lstat(src.Location); err != nil {
				// Gone again since the watch saw it.
				exact[abs(src.Location)] = true
				continue
			}
			read(src, false)
		}
		for _, p := range j.removed {
			exact[abs(p)] = true
			dirs[abs(p)] = true
		}
		if ctx.Err() != nil {
			return nil
		}
		// A file may have been read twice, with its directory and alone,
		// when a watch batch joined a refresh: the last read wins.
		ids := make(map[string]bool, len(msg.arts))
		uniq := make([]*feed.Article, 0, len(msg.arts))
		for i := len(msg.arts) - 1; i >= 0; i-- {
			if a := msg.arts[i]; !ids[a.ID] {
				ids[a.ID] = true
				uniq = append(uniq, a)
			}
		}
		msg.arts = uniq
		if st != nil && len(uniq) > 0 {
			keys := make([]string, 0, len(uniq))
			for _, a := range uniq {
				if a.Key != "" {
					keys = append(keys, a.Key)
				}
			}
			states, err := st.States(ctx, keys)
			if err != nil {
				msg.errs = append(msg.errs, err)
			}
			for _, a := range uniq {
				if s, ok := states[a.Key]; ok && a.Key != "" {
					a.State = s
				}
			}
		}
		msg.keep = make([]*entry, 0, len(all))
		for _, e := range all {
			if e.a.Location == "" || feed.IsURL(e.a.Location) || e.a.Location == "-" {
				if !ids[e.a.ID] {
					msg.keep = append(msg.keep, e)
				}
				continue
			}
			loc := abs(e.a.Location)
			inScope := exact[loc] || within(loc, dirs)
			switch {
			case ids[e.a.ID]:
			case inScope:
				msg.gone[e.a.ID] = true
			default:
				msg.keep = append(msg.keep, e)
			}
		}
		if seen == nil {
			seen = make(map[string]struct{}, len(all)+len(msg.arts))
			for _, e := range all {
				if e.a.Key != "" {
					seen[e.a.Key] = struct{}{}
				}
			}
		}
		for _, a := range msg.arts {
			if a.Key == "" {
				continue
			}
			if _, ok := seen[a.Key]; !ok && !a.State.Read {
				msg.fresh[a.Key] = true
			}
			seen[a.Key] = struct{}{}
		}
		msg.seen = seen
		feed.SortNewest(msg.arts)
		return msg
	}
}

// applyReload takes a finished reload into the list, the reader and the
// error panel, then starts the reload that waited for it.
func (m *model) applyReload(msg reloadDoneMsg) tea.Cmd {
	m.live.running = false
	m.live.seen = msg.seen
	if msg.job.manual {
		m.list.refreshing = false
		m.progress = ""
	}
	for _, err := range msg.errs {
		line := feed.SanitizeLine(err.Error())
		if !slices.Contains(m.errs, line) {
			m.errs = append(m.errs, line)
		}
	}
	if msg.job.manual || m.newKeys == nil {
		// Rows stay new until the next refresh; what a watch brings
		// between two joins them.
		m.newKeys = make(map[string]bool)
	}
	for k := range msg.fresh {
		m.newKeys[k] = true
	}
	add := newEntries(msg.arts, m.tags)
	m.list.number(add)
	for _, e := range add {
		if s := stateBits(e.a.State); s != 0 {
			e.state.Store(s)
		}
	}
	m.list.replaceAll(mergeNewest(msg.keep, add))
	// As refilter has it: a query being typed is not overtaken.
	cmds := []tea.Cmd{m.list.refilter()}
	cmds = append(cmds, m.reader.reloaded(add, msg.gone, msg.job.changedFiles()))
	if !m.live.queued.empty() {
		j := m.live.queued
		m.live.queued = reloadJob{}
		cmds = append(cmds, m.startReload(j))
	}
	if len(msg.job.whole) > 0 {
		cmds = append(cmds, m.checkStale())
	}
	cmds = append(cmds, m.armRefreshTimer(), m.list.startDetect(), m.refold())
	return tea.Batch(cmds...)
}

// staleJob is the reload of what a load's look found stale: the files,
// and the directory sources named themselves, whose listing may have
// missed a file (see load.Loader.Stale), read whole.
func (m *model) staleJob(stale []load.Source) reloadJob {
	var j reloadJob
	for _, s := range stale {
		if slices.ContainsFunc(m.opt.Sources, func(o load.Source) bool { return o.Location == s.Location }) {
			j.whole = append(j.whole, s)
		} else {
			j.files = append(j.files, s)
		}
	}
	return j
}

// staleMsg carries files that a load took from the header cache without
// looking at them, and found changed or gone once it looked (see
// load.Loader.CheckLater): each as a source of its own, as a watch's.
type staleMsg struct{ files []load.Source }

// checkStale has the files that the loads under way took from the header
// cache unlooked looked at, and brings those found changed, if any. The
// looks take a core for a moment (0.2 s at 100,000 files): they wait, as
// the detection does (see detectPause), for the index to ready what the
// first word typed needs and for the keys to pause; so it is asked for
// after startIndex, which makes what they wait for.
func (m *model) checkStale() tea.Cmd {
	ctx, l, ready, keyAt := m.ctx, m.opt.Loader, m.index.ready, m.index.keyAt
	return func() tea.Msg {
		detectPause(ctx, ready, keyAt)
		files, err := l.Stale(ctx)
		if err != nil || len(files) == 0 {
			return nil
		}
		return staleMsg{files: files}
	}
}

// replaceAll puts a new whole list in place; the filter in force is run
// over it next, and until it comes back the rows drawn are drawn again.
func (l *listModel) replaceAll(all []*entry) {
	l.all = all
	l.version++
	if !l.flt.active() {
		l.visible = all
		l.visVersion = l.version
	}
	l.rows = make(map[*entry]string)
	*l = l.reselect()
}

// changedFiles are the files a watch saw change, by path as articles
// name them.
func (j reloadJob) changedFiles() map[string]bool {
	files := make(map[string]bool, len(j.files))
	for _, f := range j.files {
		files[f.Location] = true
	}
	return files
}

// changed reports whether e, a reading of old's story again, may render
// differently: its file was seen to change, or its header or its file's
// size or time did. A feed read again with nothing new costs no
// rendering. An entry that leaves its footnotes to its body (refsLater)
// has none to compare.
func changed(old *feed.Article, e *entry, files map[string]bool) bool {
	fresh := e.a
	if old == nil || files[fresh.Location] {
		return true
	}
	return old.Title != fresh.Title || old.DateText != fresh.DateText || old.Link != fresh.Link ||
		old.Source != fresh.Source || old.Partial != fresh.Partial || old.File != fresh.File ||
		!e.refsLater && len(old.Refs) != len(fresh.Refs) ||
		(old.Body != nil && fresh.Body != nil && len(old.Body) != len(fresh.Body))
}

// reloaded takes a reload into the reader: renderings of articles that
// changed are dropped, the open article is shown again when it changed,
// keeping its place, and says so when its file is gone; a removed
// article stays readable until closed.
func (r *readerModel) reloaded(add []*entry, gone map[string]bool, files map[string]bool) tea.Cmd {
	byID := make(map[string]*entry, len(add))
	for _, e := range add {
		byID[e.a.ID] = e
	}
	for k, it := range r.cache.items {
		if e := byID[k.id]; e != nil && changed(it.r.article, e, files) {
			r.cache.drop(k.id)
		}
	}
	if r.e == nil {
		return nil
	}
	id := r.e.a.ID
	e := byID[id]
	if e == nil {
		if gone[id] {
			r.gone = "This article's file was removed; it stays readable until you close it."
		}
		return nil
	}
	old := r.e.a
	if r.full != nil {
		old = r.full
	}
	r.e, r.gone = e, ""
	if !changed(old, e, files) {
		return nil
	}
	r.cache.drop(id)
	delete(r.fullPages, id)
	// The lines on screen stay until the new ones come, at the same
	// place: only the style part of what is shown is forgotten.
	r.shown.style = ""
	if !r.active {
		return nil
	}
	return r.ensureRendered()
}

// armRefreshTimer arms one timer for the next timed refresh, if any; with
// no refresh configured nothing is armed, so an idle reader wakes for
// nothing.
func (m *model) armRefreshTimer() tea.Cmd {
	now := time.Now()
	if m.live.due == nil {
		m.live.due = make(map[string]time.Time)
	}
	var next time.Time
	for _, s := range m.opt.Sources {
		d := m.opt.Refresh.every(s)
		if d <= 0 {
			continue
		}
		at, ok := m.live.due[s.Location]
		if !ok {
			at = now.Add(d)
			m.live.due[s.Location] = at
		}
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	if next.IsZero() || next.Equal(m.live.timerAt) {
		return nil
	}
	m.live.timerSeq++
	m.live.timerAt = next
	seq := m.live.timerSeq
	return tea.Tick(max(time.Until(next), 0), func(time.Time) tea.Msg { return refreshTickMsg{seq: seq} })
}

// refreshDue refreshes the timed sources whose time has come.
func (m *model) refreshDue(msg refreshTickMsg) tea.Cmd {
	if msg.seq != m.live.timerSeq {
		return nil
	}
	m.live.timerAt = time.Time{}
	now := time.Now()
	j := reloadJob{manual: true}
	for _, s := range m.opt.Sources {
		d := m.opt.Refresh.every(s)
		if at, ok := m.live.due[s.Location]; ok && d > 0 && !at.After(now) {
			j.whole = append(j.whole, s)
			m.live.due[s.Location] = now.Add(d)
		}
	}
	return tea.Batch(m.requestReload(j), m.armRefreshTimer())
}

// nextRefresh is when the timer refreshes a feed next; zero when never.
func (m *model) nextRefresh() time.Time {
	var next time.Time
	for _, at := range m.live.due {
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return next
}

// refreshHelp is what the help screen says of refreshing.
func (m *model) refreshHelp(now time.Time) string {
	next := m.nextRefresh()
	s := "r refreshes every source now; directories are watched and show changes by themselves."
	for _, n := range m.live.notices {
		s += " The watch: " + n + "."
	}
	if next.IsZero() {
		return s + " Feeds do not refresh on a timer (set refresh = \"15m\" in the config)."
	}
	return s + " Next feed refresh: " + next.Format("15:04") + " (in " + max(next.Sub(now), 0).Round(time.Second).String() + ")."
}

// loaded runs, once the first load has ended, what waited for it: a
// reload asked for meanwhile, and the refresh timer.
func (m *model) loaded() tea.Cmd {
	var cmd tea.Cmd
	if !m.live.running && !m.live.queued.empty() {
		j := m.live.queued
		m.live.queued = reloadJob{}
		cmd = m.startReload(j)
	}
	return tea.Batch(cmd, m.armRefreshTimer())
}

// newMark is the two cells before a row that is not selected: a plus
// when the row is new since the last refresh (the dot of the marks
// column says unread, which is another thing).
func (m *common) newMark(e *entry) string {
	if !m.newKeys[e.a.Key] || e.a.Key == "" || e.a.State.Read {
		return "  "
	}
	return m.st.notice.Render("+") + " "
}

// within reports whether path lies under one of dirs.
func within(path string, dirs map[string]bool) bool {
	if len(dirs) == 0 {
		return false
	}
	for d := filepath.Dir(path); ; d = filepath.Dir(d) {
		if dirs[d] {
			return true
		}
		if up := filepath.Dir(d); up == d {
			return false
		}
	}
}

// drop forgets every rendering of the article id.
func (c *renderCache) drop(id string) {
	for k, it := range c.items {
		if k.id == id {
			c.order.Remove(it.elem)
			delete(c.items, k)
		}
	}
}

// gate lets Run wait for the reloads under way when the program ends,
// so that none starts a load (or a header cache write) once the caller
// goes on to wait for the cache or to exit. The zero value is open.
type gate struct {
	mu      sync.Mutex
	idle    sync.Cond
	running int
	closed  bool
}

// guard runs cmd inside the gate; once it is closed, cmd does not run.
func (g *gate) guard(cmd tea.Cmd) tea.Cmd {
	return func() tea.Msg {
		g.mu.Lock()
		if g.closed {
			g.mu.Unlock()
			return nil
		}
		g.running++
		g.mu.Unlock()
		defer func() {
			g.mu.Lock()
			g.running--
			if g.idle.L != nil {
				g.idle.Broadcast()
			}
			g.mu.Unlock()
		}()
		return cmd()
	}
}

// close stops new commands and waits for those running; their context
// should be done, so that they end soon.
func (g *gate) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	if g.idle.L == nil {
		g.idle.L = &g.mu
	}
	for g.running > 0 {
		g.idle.Wait()
	}
}
