package tui

import (
	"context"
	"fmt"
	"os/exec"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/render"
	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/store"
)

// The commands of the reader: everything slow (loading, filtering,
// rendering, fetching, running programs) runs in one of these, off the
// UI loop, and comes back as a message of messages.go.

// startLoad starts the loader and pumps its first batch.
func startLoad(ctx context.Context, l *load.Loader, srcs []load.Source) tea.Cmd {
	return func() tea.Msg {
		return pump(ctx, l.Load(ctx, srcs), firstBatchWait)
	}
}

// pumpCmd reads the next batch from a load stream, gathering for window.
func pumpCmd(ctx context.Context, ch <-chan load.Result, window time.Duration) tea.Cmd {
	return func() tea.Msg { return pump(ctx, ch, window) }
}

// safeCmd wraps a command so that a panic in it becomes a cmdFailedMsg.
// Bubble Tea would otherwise end the program on it.
func safeCmd(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if p := recover(); p != nil {
				msg = cmdFailedMsg{err: fmt.Errorf("internal error: %v", p)}
			}
		}()
		return cmd()
	}
}

// cmd returns the command that parses the query and filters.
func (j filterJob) cmd() tea.Cmd {
	return safeCmd(func() tea.Msg {
		q, err := query.Parse(j.flt.text)
		if err != nil {
			return filterDoneMsg{job: j, err: err}
		}
		q.Detected = j.flt.detected
		j.flt.query = q
		j.flt.isTerms = mayTestState(j.flt.text)
		j.flt.noTags = !mayTestTags(j.flt.text)
		// Hits answer the query they were made for, and no other.
		j.flt.hits, j.flt.rowHits = nil, nil
		if j.search != nil && q.NeedsBody() {
			if j.typed && hasShortWord(q) && !j.waitShort() {
				return nil
			}
			if j.bind {
				bindRows(j.bindCtx, j.search, j.rows, j.whole)
			}
			rows, err := j.search.FindRows(j.ctx, q, j.rows)
			if err == nil && rows == nil {
				// Not bound, or the index grew since: by keys.
				j.flt.hits, err = j.search.Find(j.ctx, q)
			}
			if j.superseded() {
				return nil
			}
			if err != nil {
				return filterDoneMsg{job: j, err: err}
			}
			j.flt.rowHits = rows
		}
		base := j.all
		if may, ok := j.folded.narrow(j.all, j.version, j.flt); ok {
			base = may
		}
		res, ok := runFilter(base, j.flt, j.ntags, j.latest, j.gen)
		if !ok {
			return nil
		}
		return filterDoneMsg{job: j, res: res}
	})
}

// resolveOpener looks the link opener up, once, in a command; waiting is
// a link to open as soon as it is known.
func resolveOpener(configured, browserEnv, waiting string) tea.Cmd {
	return safeCmd(func() tea.Msg {
		return openerMsg{opener: lookupOpener(configured, browserEnv), url: waiting}
	})
}

// lookupOpener finds the opener's program in $PATH. It reads directories,
// so it runs in a command, never in Update.
func lookupOpener(configured, browserEnv string) opener {
	return findOpener(openerCandidates(configured, browserEnv))
}

// openURL opens a URL with the resolved opener, without a shell: the URL
// is checked, then passed as one argument of exec.Command. A terminal
// browser gets the terminal; any other opener runs in the background, and
// a failure it reports within a short wait is shown.
func openURL(raw string, o opener) tea.Cmd {
	u, err := checkURL(raw)
	if err != nil {
		return func() tea.Msg { return openedMsg{url: raw, err: err, refused: true} }
	}
	if o.path == "" {
		return func() tea.Msg { return openedMsg{url: u, with: o.name, err: errNoOpener, noOpener: true} }
	}
	name := o.name
	args := openerArgs(o.argv, u)
	cmd := exec.Command(o.path, args...)
	if isTerminalBrowser(name) {
		return tea.Exec(childCommand{cmd}, func(err error) tea.Msg {
			return openedMsg{url: u, with: name, err: err}
		})
	}
	return safeCmd(func() tea.Msg {
		// No stdin, stdout or stderr: a GUI opener must not write over the
		// screen or read keys meant for the reader.
		closeInheritedFDs()
		if err := cmd.Start(); err != nil {
			return openedMsg{url: u, with: name, err: err}
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			return openedMsg{url: u, with: name, err: err}
		case <-time.After(openWait):
			// Still running: a browser that stays in the foreground. It
			// is reaped by the goroutine above when it exits.
			return openedMsg{url: u, with: name}
		}
	})
}

// renderCmd renders an article in a command, never in Update, first
// loading its body when it came without one.
func renderCmd(ctx context.Context, a *feed.Article, body BodyFunc, k renderKey, deadline time.Duration, wrap int) tea.Cmd {
	return safeCmd(func() tea.Msg {
		if a.Body == nil && body != nil {
			full, err := body(ctx, a)
			if err != nil {
				return renderedMsg{key: k, err: err}
			}
			a = full
		}
		res, err := render.Lines(ctx, a, render.Options{
			Width: wrap, Style: k.style, BodyOnly: true,
			Deadline: deadline,
		})
		r := rendered{Result: res}
		if err == nil {
			r.Lines = render.HardWrap(r.Lines, max(wrap, render.MinWidth))
			r.article = a
		}
		return renderedMsg{key: k, r: r, err: err}
	})
}

// fetchFullCmd fetches the web page of an article that came as a summary.
func fetchFullCmd(ctx context.Context, fetch BodyFunc, a *feed.Article) tea.Cmd {
	return safeCmd(func() tea.Msg {
		full, err := fetch(ctx, a)
		return fullPageMsg{id: a.ID, a: full, err: err}
	})
}

// progressInterval is the least time between two progress messages:
// downloads report many times a second, and a frame for each is waste.
const progressInterval = 100 * time.Millisecond

// watchProgress waits for the downloads to change and sends the new line.
// It is armed again by each progressMsg while the list loads.
func watchProgress(ctx context.Context, p *Progress) tea.Cmd {
	if p == nil {
		return nil
	}
	changed := p.changed()
	return func() tea.Msg {
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		}
		t := time.NewTimer(progressInterval)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		return progressMsg{line: p.Line(), waiting: p.WaitingLine()}
	}
}

// waitAtMost waits for ch to be closed, for d at most, or until ctx is
// done. A nil ch is not waited for.
func waitAtMost(ctx context.Context, ch <-chan struct{}, d time.Duration) {
	if ch == nil {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	case <-ctx.Done():
	}
}

// statesWait is how long the states wait at most for the first rows to
// show: a frame the renderer finds unchanged is never written.
const statesWait = 100 * time.Millisecond

// loadStates reads the stored states of the articles read or starred,
// beside the load: the list takes them as its batches arrive, and any
// other article is unread and not starred. With shown, it waits until
// the first rows are on the screen, or statesWait at most: the read
// holds a core for as long as it takes.
func loadStates(ctx context.Context, st *store.Store, shown <-chan struct{}) tea.Cmd {
	if st == nil {
		return nil
	}
	return safeCmd(func() tea.Msg {
		waitAtMost(ctx, shown, statesWait)
		states, err := st.LoadMarked(ctx)
		return statesMsg{states: states, err: err}
	})
}

// writeMarks writes a marking as one transaction, after the writes queued
// before it. The write outlives a cancelled ctx: a mark once shown is
// kept.
func writeMarks(ctx context.Context, q *writeQueue, st *store.Store, id int64, op store.Op, keys []string) tea.Cmd {
	ctx = context.WithoutCancel(ctx)
	q.add(id, func() error { return st.Mark(ctx, op, keys...) })
	return safeCmd(func() tea.Msg {
		return markedMsg{id: id, err: q.runUntil(id)}
	})
}

// recordSeen records, per source, the keys the load listed, so that the
// sources' counts of unread articles follow. It waits first for ready
// and for the keys to pause (see detectPause), when not nil: what the
// first word typed needs readies on both cores meanwhile, and recording
// took a tenth of a second of one of them at 100,000 keys, which a word
// typed then waited for.
func recordSeen(ctx context.Context, ready <-chan struct{}, keyAt *atomic.Int64, st *store.Store, srcs []load.Source, all []*entry, clean bool) tea.Cmd {
	return safeCmd(func() tea.Msg {
		detectPause(ctx, ready, keyAt)
		for _, g := range seenGroups(srcs, all, clean) {
			if err := st.Seen(ctx, g.source, g.keys, g.complete); err != nil {
				return seenMsg{err: err}
			}
		}
		return seenMsg{}
	})
}

// buildIndex brings the full-text index up to date with the loaded
// articles in the background, and reports its progress as indexMsg, one
// at a time (see waitIndex). paths are the locations of the sources
// loaded whole, whose files gone from the load leave the index; memos,
// when not nil, are the header cache's of the one directory loaded (see
// search.MakePlanMemo).
// prepare runs first, before the plan, which takes every core for a
// while: it readies what the first word typed needs, and is nil when
// there is nothing to ready. finish, when set, runs after a plan that had
// work to do, before the last report.
func buildIndex(ctx context.Context, idx search.Index, memos search.Memos, prepare, finish func(context.Context), body BodyFunc, arts []*feed.Article, paths []string) tea.Cmd {
	return func() tea.Msg {
		ch := make(chan indexMsg, 1)
		go func() {
			defer close(ch)
			var err error
			last := search.Progress{}
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("internal error while indexing: %v", p)
				}
				select {
				case ch <- indexMsg{p: last, done: true, err: err}:
				case <-ctx.Done():
				}
			}()
			if prepare != nil {
				prepare(ctx)
			}
			plan, err := search.MakePlanMemo(ctx, idx, memos, arts, search.LocalRoots(paths))
			if err != nil {
				return
			}
			x := search.Indexer{Index: idx, Body: search.BodyFunc(body), Progress: func(p search.Progress) {
				last = p
				// The newest progress wins; a full channel holds one not
				// read yet, which is as good.
				select {
				case ch <- indexMsg{p: p}:
				default:
				}
			}}
			err = x.Run(ctx, plan)
			if finish != nil && !plan.Empty() && ctx.Err() == nil {
				finish(ctx)
			}
		}()
		return waitIndex(ch)()
	}
}

// waitIndex waits for the next report of the index build.
func waitIndex(ch <-chan indexMsg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		msg.ch = ch
		return msg
	}
}
