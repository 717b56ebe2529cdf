package tui

import (
	"context"
	"os"
	"path/filepath"
	"slices"

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
// done. It runs before the first load is read, so that nothing written
// meanwhile is missed; a file seen twice is only read twice.
func startWatch(ctx context.Context, opt watch.Options, srcs []load.Source) tea.Cmd {
	var cands []load.Source
	for _, s := range srcs {
		if refreshable(s) && !feed.IsURL(s.Location) {
			cands = append(cands, s)
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return safeCmd(func() tea.Msg {
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
