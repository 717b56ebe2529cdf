package tui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/feed/watch"
)

// watchStartedMsg carries the watch of the session's directories, once
// its watches are in place, and which sources it watches.
type watchStartedMsg struct {
	ch   <-chan watch.Batch
	dirs []load.Source
}

// watchBatchMsg carries one batch of changes under the watched
// directories.
type watchBatchMsg struct {
	ch <-chan watch.Batch
	b  watch.Batch
}

// startWatch watches the directory sources of the session until ctx is
// done, and calls watched, when not nil, once the watch is in place or
// found nothing to watch. It runs as the first load starts, so that
// nothing written meanwhile is missed (a file seen twice is only read
// twice); or, with a loader that looks again at what it read before the
// watch (load.Loader.WatchLater), once the load is over (see watchLate).
func startWatch(ctx context.Context, opt watch.Options, srcs []load.Source, watched func()) tea.Cmd {
	var cands []load.Source
	for _, s := range srcs {
		if refreshable(s) && !feed.IsURL(s.Location) {
			cands = append(cands, s)
		}
	}
	if len(cands) == 0 {
		if watched != nil {
			watched()
		}
		return nil
	}
	return safeCmd(func() tea.Msg {
		if watched != nil {
			defer watched()
		}
		var dirs []load.Source
		var roots []string
		for _, s := range cands {
			if fi, err := os.Stat(s.Location); err == nil && fi.IsDir() {
				dirs = append(dirs, s)
				roots = append(roots, s.Location)
			}
		}
		if len(dirs) == 0 {
			return nil
		}
		if opt.Match == nil {
			opt.Match = func(rel string) bool { return feed.HasFormat(filepath.Base(rel)) }
		}
		return watchStartedMsg{ch: watch.Watch(ctx, roots, opt), dirs: dirs}
	})
}

// watchNow is the watch Init starts, before the first load is read;
// nil when the loader lets it wait for the load (see watchLate).
func (m *model) watchNow() tea.Cmd {
	if m.opt.Loader.WatchesLater() {
		return nil
	}
	return startWatch(m.ctx, m.opt.watch, m.opt.Sources, nil)
}

// watchLate is the watch started once the first load is over and its
// full count drawn, when the loader lets it wait: the loader looks again
// at each file it read before the watch was in place, once it is
// (load.Loader.WatchLater). Adding an inotify watch to a directory has
// the kernel mark each of its files it knows, holding a lock of the
// directory that a file opened in it meanwhile spins for: with the
// load's workers spinning so on the other core, the whole program
// waited, and at 300,000 files the first rows came 25 ms later.
func (m *model) watchLate() tea.Cmd {
	if !m.opt.Loader.WatchesLater() {
		return nil
	}
	return tea.Tick(watchAfter, func(time.Time) tea.Msg { return watchLateMsg{} })
}

// watchAfter is how long after the end of the first load the watch
// starts, when it waits (see watchLate): time for the full count to be
// drawn first, since a file opened in the directory while the watch
// starts waits for it, and a first launch's index build opens them all.
const watchAfter = 50 * time.Millisecond

// watchLateMsg starts the watch that waited for the load.
type watchLateMsg struct{}

// startLate starts the watch that waited for the load.
func (m *model) startLate() tea.Cmd {
	return startWatch(m.ctx, m.opt.watch, m.opt.Sources, m.opt.Loader.Watched)
}

// nextBatch waits for the watch's next batch.
func nextBatch(ctx context.Context, ch <-chan watch.Batch) tea.Cmd {
	return func() tea.Msg {
		select {
		case b, ok := <-ch:
			if !ok {
				return nil
			}
			return watchBatchMsg{ch: ch, b: b}
		case <-ctx.Done():
			return nil
		}
	}
}

// applyWatchBatch turns a batch into a reload: a rescan reads its source
// whole (through the header cache, so only what changed is parsed), the
// rest reads the files named and drops the ones removed. Notices, such
// as the fall back to polling, are said once in the status line, and
// kept for the help screen.
func (m *model) applyWatchBatch(msg watchBatchMsg) tea.Cmd {
	for _, n := range msg.b.Notices {
		line := feed.SanitizeLine(n)
		if !slices.Contains(m.live.notices, line) {
			m.live.notices = append(m.live.notices, line)
			m.setNotice(line, false)
		}
	}
	var j reloadJob
	for _, c := range msg.b.Changes {
		src, ok := m.live.watched[c.Root]
		if !ok {
			continue
		}
		if c.Rescan != "" {
			j.whole = append(j.whole, src)
			continue
		}
		for _, rel := range c.Removed {
			j.removed = append(j.removed, filepath.Join(c.Root, rel))
		}
		for _, list := range [][]string{c.Added, c.Changed} {
			for _, rel := range list {
				f := src
				f.Location = filepath.Join(c.Root, rel)
				j.files = append(j.files, f)
			}
		}
	}
	return tea.Batch(m.requestReload(j), nextBatch(m.ctx, msg.ch))
}

// watching takes the watch in: its sources, and the wait for its first
// batch.
func (m *model) watching(msg watchStartedMsg) tea.Cmd {
	m.live.watched = make(map[string]load.Source, len(msg.dirs))
	for _, s := range msg.dirs {
		m.live.watched[s.Location] = s
	}
	return nextBatch(m.ctx, msg.ch)
}
