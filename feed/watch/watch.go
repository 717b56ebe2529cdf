// Package watch tells a reader when the files under its directories
// change: through inotify (fsnotify) where events can be had, through a
// stat-only rescan where they cannot, and in both cases as a few
// coalesced batches rather than a stream of events, so that an editor's
// save or a thousand files unpacked at once cost the reader one update.
package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// The defaults of Options.
const (
	DefaultQuiet    = 150 * time.Millisecond
	DefaultLatency  = 800 * time.Millisecond
	DefaultInterval = 3 * time.Second
)

// Options tunes a watch; the zero value is ready to use.
type Options struct {
	// Quiet is how long the tree must be still before a batch is sent, so
	// that a burst of events becomes one batch. Zero means DefaultQuiet.
	Quiet time.Duration
	// Latency is the longest a change waits for the tree to be quiet, so
	// that a constant stream of writes still shows. Zero means
	// DefaultLatency.
	Latency time.Duration
	// Poll asks for the stat-only rescan for every root, for file systems
	// whose events miss other machines' changes. Roots on NFS, SMB/CIFS,
	// 9p, AFS and Ceph are polled without being asked.
	Poll bool
	// Interval is the time between two rescans when polling. Zero means
	// DefaultInterval. A tree whose rescan takes longer than a tenth of the
	// interval is rescanned less often, so polling never takes more than a
	// tenth of a core.
	Interval time.Duration
	// Match, when set, says which files are worth reporting, given their
	// path relative to the root; directories are watched whatever it says.
	Match func(rel string) bool

	// newWatcher makes the event source; nil means fsnotify.NewWatcher.
	// Tests replace it to fail as a system out of inotify resources does.
	newWatcher func() (*fsnotify.Watcher, error)
}

// Batch is what a watch sends: the changes since the last batch, one
// Change per root that had any, and notices the user should see once.
type Batch struct {
	Changes []Change
	// Notices are sentences about the watch itself, such as its falling
	// back to polling and why. File names in them are quoted with %q.
	Notices []string
}

// Change is what happened under one root. Paths are relative to the root,
// name files only, and are sorted. A reader applies Removed first, then
// reads Added and Changed again: a removed path may be a directory, which
// stands for every path under it, and an added path may replace a file
// the reader has (a rename over it is seen as a creation).
type Change struct {
	// Root is the root as it was given to Watch.
	Root string
	// Rescan, when set, says why the watch lost track of the details (the
	// kernel's queue overflowed, a directory was removed and made again,
	// the watch fell back to polling): the reader should rescan the whole
	// root, and the path lists are empty.
	Rescan  string
	Added   []string
	Changed []string
	Removed []string
}

// eventsSupported reports whether fsnotify watches directories here,
// rather than opening every file as kqueue does on macOS and the BSDs,
// which a large tree cannot afford.
const eventsSupported = runtime.GOOS == "linux" || runtime.GOOS == "windows"

// mode is how a root is being watched.
type mode int8

// The modes of a root.
const (
	// modeEvents: one inotify watch per directory.
	modeEvents mode = iota
	// modePoll: a stat-only rescan every interval.
	modePoll
	// modeGone: the root is missing, and is looked for every interval.
	modeGone
)

// root is one directory being watched.
type root struct {
	// name is the root as given, and path its absolute, link-free form, as
	// the events name it.
	name, path string
	mode       mode
	// dirs holds every watched directory, relative to path ("" for the root
	// itself), in event mode.
	dirs map[string]struct{}
	// snap holds every file's stamp, in poll mode.
	snap map[string]stamp
	pend pending
	// warned is set once a directory under the root could not be watched,
	// so that a tree of unreadable directories costs one notice.
	warned bool
}

// ref is a root's view of a watched directory.
type ref struct {
	r   *root
	rel string
}

// watcher is a watch's state, owned by its one goroutine once Watch has
// returned.
type watcher struct {
	opts  Options
	roots []*root
	fsw   *fsnotify.Watcher
	// dirs maps a watched directory's absolute path to the roots that hold
	// it (more than one when roots nest).
	dirs    map[string][]ref
	notices []string
	// live is set once Watch has returned: from then on a change lost in
	// a switch of mode is owed to the reader as a rescan.
	live bool
	// polling is set once the fallback notice has been given.
	polling bool
	// first and last are the times of the first and last event of the
	// batch being collected; zero when none is.
	first, last time.Time
	// due is set when the batch being collected should be sent.
	due bool
	// interval is the current time between rescans.
	interval time.Duration
	// now is when the event, tick or batch being handled happened, as the
	// times of pending entries have it.
	now time.Time
	// done is the watch's ctx.Done(): a walk of a large tree stops when
	// the watch does.
	done <-chan struct{}
}

// cancelled reports whether the watch's ctx is done.
func (w *watcher) cancelled() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// Watch watches roots, directories, until ctx is done, and returns the
// channel on which it sends batches of changes; the channel is closed
// once ctx is done and the watch has let go of everything it held.
//
// Watch returns once the watches are in place (or the first rescan is
// taken), so that a load started after it misses nothing: a file it sees
// twice is only read twice. A root that is missing is looked for every
// Interval and reported as a Rescan when it appears. Names beginning with
// a dot are skipped, as the loader skips them, and symbolic links are
// reported as files, never followed, so a link loop costs nothing.
//
// Batches are sent when the tree has been quiet for Quiet, or Latency
// after their first change; a path still moving then (the middle of an
// editor's save) waits for the next batch, unless it has waited Latency
// itself. Nothing runs between changes when events can be had. A reader
// that is slow to take a batch only makes the next one bigger.
func Watch(ctx context.Context, roots []string, opts Options) <-chan Batch {
	w := &watcher{opts: opts, dirs: make(map[string][]ref), done: ctx.Done()}
	if w.opts.Quiet <= 0 {
		w.opts.Quiet = DefaultQuiet
	}
	if w.opts.Latency <= 0 {
		w.opts.Latency = DefaultLatency
	}
	if w.opts.Interval <= 0 {
		w.opts.Interval = DefaultInterval
	}
	if w.opts.newWatcher == nil {
		w.opts.newWatcher = fsnotify.NewWatcher
	}
	w.interval = w.opts.Interval
	w.setup(roots)
	w.live = true
	out := make(chan Batch)
	go w.run(ctx, out)
	return out
}

// setup starts watching every root.
func (w *watcher) setup(roots []string) {
	switch {
	case w.opts.Poll:
		w.polling = true
		w.notify(fmt.Sprintf("watching by polling every %s, as configured", w.opts.Interval))
	case !eventsSupported:
		w.polling = true
		w.notify(fmt.Sprintf("watching by polling every %s: file events need one open file per file on %s", w.opts.Interval, runtime.GOOS))
	default:
		fsw, err := w.opts.newWatcher()
		if err != nil {
			w.fallback(describe(err))
		} else {
			w.fsw = fsw
		}
	}
	for _, name := range roots {
		r := &root{name: name, mode: modeGone}
		w.roots = append(w.roots, r)
		w.start(r)
	}
}

// start watches r, whose mode is modeGone, if it is there.
func (w *watcher) start(r *root) {
	path, err := filepath.Abs(r.name)
	if err == nil {
		path, err = filepath.EvalSymlinks(path)
	}
	if err != nil {
		return
	}
	if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
		return
	}
	r.path = path
	if fs := networkFS(path); fs != "" && w.fsw != nil {
		w.notify(fmt.Sprintf("watching %q by polling every %s: it is on %s, whose events miss other machines' changes", r.name, w.opts.Interval, fs))
		w.toPoll(r)
		return
	}
	if w.fsw == nil {
		w.toPoll(r)
		return
	}
	r.mode = modeEvents
	r.dirs = make(map[string]struct{})
	if err := w.addTree(r, "", false); err != nil {
		w.fallback(describe(err))
	}
}

// toPoll moves r to poll mode, taking the stamps later rescans compare to.
func (w *watcher) toPoll(r *root) {
	r.mode = modePoll
	r.dirs = nil
	r.snap = w.scan(r)
}

// fallback gives up on events, for every root, saying why once: the
// event source is closed, which frees its watches for everyone else.
func (w *watcher) fallback(why string) {
	if w.fsw != nil {
		w.fsw.Close()
		w.fsw = nil
	}
	clear(w.dirs)
	if !w.polling {
		w.polling = true
		w.notify(fmt.Sprintf("watching by polling every %s: %s", w.opts.Interval, why))
	}
	for _, r := range w.roots {
		if r.mode != modeEvents {
			continue
		}
		w.toPoll(r)
		if w.live {
			r.pend.setRescan("the watch fell back to polling")
		}
	}
}

// describe says why events cannot be had.
func describe(err error) string {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return "the inotify watch limit is reached (raise fs.inotify.max_user_watches)"
	case errors.Is(err, syscall.EMFILE):
		return "the inotify instance limit is reached (raise fs.inotify.max_user_instances)"
	}
	return "file events are unavailable: " + err.Error()
}

// notify queues a notice for the next batch, and has it sent now.
func (w *watcher) notify(s string) {
	w.notices = append(w.notices, s)
	w.due = true
}

// run is the watch's goroutine: it turns events and rescans into batches
// until ctx is done.
func (w *watcher) run(ctx context.Context, out chan<- Batch) {
	defer close(out)
	quiet := time.NewTimer(time.Hour)
	quiet.Stop()
	poll := time.NewTimer(time.Hour)
	poll.Stop()
	pollArmed := false
	defer func() {
		quiet.Stop()
		poll.Stop()
		if w.fsw != nil {
			w.fsw.Close()
		}
	}()
	var ready *Batch
	for {
		if ready == nil && w.due {
			w.due = false
			w.now = time.Now()
			if b := w.build(); len(b.Changes) > 0 || len(b.Notices) > 0 {
				ready = &b
			}
			// What build left is in the middle of something: its own
			// quiet, or its latency, decides when it goes.
			if w.first, w.last = w.pendingTimes(); !w.first.IsZero() {
				w.arm(quiet)
			}
		}
		if !pollArmed && w.needPoll() {
			poll.Reset(w.interval)
			pollArmed = true
		}
		var send chan<- Batch
		var b Batch
		if ready != nil {
			send, b = out, *ready
		}
		var events <-chan fsnotify.Event
		var errs <-chan error
		if w.fsw != nil {
			events, errs = w.fsw.Events, w.fsw.Errors
		}
		select {
		case <-ctx.Done():
			return
		case send <- b:
			ready = nil
		case ev, ok := <-events:
			if !ok {
				w.fallback("the event source closed")
				continue
			}
			w.now = time.Now()
			if w.event(ev) {
				w.touch(quiet)
			}
		case err, ok := <-errs:
			if !ok {
				w.fallback("the event source closed")
				continue
			}
			w.now = time.Now()
			w.eventError(err)
			w.touch(quiet)
		case <-quiet.C:
			w.first = time.Time{}
			w.due = true
		case <-poll.C:
			pollArmed = false
			w.now = time.Now()
			w.tick()
		}
	}
}

// touch notes an event at w.now, and arms the quiet timer for it.
func (w *watcher) touch(t *time.Timer) {
	if w.first.IsZero() {
		w.first = w.now
	}
	w.last = w.now
	w.arm(t)
}

// arm (re)starts the quiet timer: it fires when the tree has been quiet
// for Quiet since the last event, or Latency after the first event of the
// batch, whichever is sooner. Between batches nothing is armed.
func (w *watcher) arm(t *time.Timer) {
	at := w.last.Add(w.opts.Quiet)
	if limit := w.first.Add(w.opts.Latency); limit.Before(at) {
		at = limit
	}
	t.Reset(at.Sub(w.now))
}

// pendingTimes returns the first and last event times of what every root
// has collected; zero times when nothing is.
func (w *watcher) pendingTimes() (first, last time.Time) {
	for _, r := range w.roots {
		f, l := r.pend.times()
		if !f.IsZero() && (first.IsZero() || f.Before(first)) {
			first = f
		}
		if l.After(last) {
			last = l
		}
	}
	return first, last
}

// needPoll reports whether any root needs the interval timer.
func (w *watcher) needPoll() bool {
	for _, r := range w.roots {
		if r.mode != modeEvents {
			return true
		}
	}
	return false
}

// build takes what was collected, and is ready at w.now, as a batch.
func (w *watcher) build() Batch {
	var b Batch
	b.Notices, w.notices = w.notices, nil
	for _, r := range w.roots {
		if r.pend.empty() {
			continue
		}
		ready := r.pend.split(w.now, w.opts.Quiet, w.opts.Latency)
		c := ready.change(r.name)
		if c.Rescan != "" || len(c.Added)+len(c.Changed)+len(c.Removed) > 0 {
			b.Changes = append(b.Changes, c)
		}
	}
	return b
}

// event takes in one fsnotify event, and reports whether it concerned a
// watched directory.
func (w *watcher) event(ev fsnotify.Event) bool {
	seen := false
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		for _, r := range w.roots {
			if r.mode == modeEvents && ev.Name == r.path {
				w.dropTree(r, "")
				r.mode = modeGone
				r.pend.setRescan("the directory was removed or moved")
				seen = true
			}
		}
	}
	i := strings.LastIndexByte(ev.Name, filepath.Separator)
	if i < 0 {
		return seen
	}
	dir, base := ev.Name[:i], ev.Name[i+1:]
	if i == 0 {
		dir = ev.Name[:1]
	}
	refs := w.dirs[dir]
	if len(refs) == 0 || base == "" || strings.HasPrefix(base, ".") {
		return seen || len(refs) > 0
	}
	// A directory added below may make refs grow under us; the roots it
	// named at the start are the ones this event is for.
	for _, rf := range refs[:len(refs):len(refs)] {
		if w.fsw == nil || rf.r.mode != modeEvents {
			// An earlier root fell back to polling, taking this one along.
			break
		}
		w.apply(rf.r, filepath.Join(rf.rel, base), ev.Op)
	}
	return true
}

// apply records what op did at rel under r.
func (w *watcher) apply(r *root, rel string, op fsnotify.Op) {
	_, isDir := r.dirs[rel]
	if op.Has(fsnotify.Remove) || op.Has(fsnotify.Rename) {
		if isDir {
			w.dropTree(r, rel)
			r.pend.removedDir(rel, w.now)
		} else if w.match(rel) {
			r.pend.removed(rel, w.now)
		}
		isDir = false
	}
	if op.Has(fsnotify.Create) {
		fi, err := os.Lstat(filepath.Join(r.path, rel))
		if err == nil && fi.IsDir() {
			if r.pend.dirGone(rel) {
				r.pend.setRescan("a directory was removed and made again")
			}
			// Files may have landed in it before its watch was added:
			// report them as they are listed.
			if err := w.addTree(r, rel, true); err != nil {
				w.fallback(describe(err))
			}
			return
		}
		if r.pend.dirGone(rel) {
			r.pend.setRescan("a directory was replaced by a file")
		} else if w.match(rel) {
			r.pend.created(rel, w.now)
		}
		return
	}
	if !isDir && (op.Has(fsnotify.Write) || op.Has(fsnotify.Chmod)) && w.match(rel) {
		r.pend.changed(rel, w.now)
	}
}

// match applies Options.Match.
func (w *watcher) match(rel string) bool {
	return w.opts.Match == nil || w.opts.Match(rel)
}

// eventError takes in an error from fsnotify. Only an overflow is
// expected: events were lost, so every root is rescanned, and its watches
// are brought back in line with its directories.
func (w *watcher) eventError(err error) {
	if !errors.Is(err, fsnotify.ErrEventOverflow) {
		w.notify("file events: " + err.Error())
		return
	}
	for _, r := range w.roots {
		if r.mode != modeEvents {
			continue
		}
		r.pend.setRescan("events were lost: the kernel's queue overflowed")
		if err := w.resync(r); err != nil {
			w.fallback(describe(err))
			return
		}
	}
}

// tick is the interval timer: polled roots are rescanned and missing ones
// looked for.
func (w *watcher) tick() {
	start := time.Now()
	for _, r := range w.roots {
		switch r.mode {
		case modePoll:
			w.rescan(r)
		case modeGone:
			w.start(r)
			if r.mode != modeGone {
				r.pend.setRescan("the directory appeared")
			}
		}
	}
	w.interval = max(w.opts.Interval, 10*time.Since(start))
	w.due = true
}
