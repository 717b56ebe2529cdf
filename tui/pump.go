package tui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
)

// Batches bound one load message: at most maxBatch articles, gathered for
// at most a window after the first arrives. The window starts short, so
// that the first rows show within milliseconds, and grows with the list,
// because merging a batch costs time in proportion to the list: 100,000
// articles then cost a few hundred messages and merges, not 100,000.
const (
	maxBatch      = 4096
	minBatchWait  = 12 * time.Millisecond
	maxBatchWait  = 150 * time.Millisecond
	waitPerLoaded = time.Millisecond / 1000 // per article already listed
)

// batchWindow is how long a batch gathers when n articles are listed.
func batchWindow(n int) time.Duration {
	return min(minBatchWait+time.Duration(n)*waitPerLoaded, maxBatchWait)
}

// loadBatchMsg carries the articles and errors that arrived since the last
// batch, articles sorted newest first.
type loadBatchMsg struct {
	ch   <-chan load.Result
	arts []*feed.Article
	errs []error
	done bool
}

// startLoad starts the loader and pumps its first batch.
func startLoad(ctx context.Context, l *load.Loader, srcs []load.Source) tea.Cmd {
	return func() tea.Msg {
		return pump(ctx, l.Load(ctx, srcs), minBatchWait)
	}
}

// pumpCmd reads the next batch from a load stream, gathering for window.
func pumpCmd(ctx context.Context, ch <-chan load.Result, window time.Duration) tea.Cmd {
	return func() tea.Msg { return pump(ctx, ch, window) }
}

// pump blocks for the first result, then gathers whatever else arrives
// within the batch window, and sorts the articles, so that Update only has
// to merge. A panic becomes an error in the batch, and the stream goes on
// being read.
func pump(ctx context.Context, ch <-chan load.Result, window time.Duration) (msg loadBatchMsg) {
	msg.ch = ch
	defer func() {
		if p := recover(); p != nil {
			msg.errs = append(msg.errs, fmt.Errorf("internal error while loading: %v", p))
		}
	}()
	add := func(r load.Result) {
		switch {
		case r.Err != nil:
			msg.errs = append(msg.errs, r.Err)
		case r.Article != nil:
			msg.arts = append(msg.arts, r.Article)
		}
	}
	select {
	case r, ok := <-ch:
		if !ok {
			msg.done = true
			return msg
		}
		add(r)
	case <-ctx.Done():
		msg.done = true
		return msg
	}
	timer := time.NewTimer(window)
	defer timer.Stop()
gather:
	for len(msg.arts) < maxBatch {
		select {
		case r, ok := <-ch:
			if !ok {
				msg.done = true
				break gather
			}
			add(r)
		case <-timer.C:
			break gather
		case <-ctx.Done():
			msg.done = true
			break gather
		}
	}
	feed.SortNewest(msg.arts)
	return msg
}

// cmdFailedMsg reports a command that panicked. The reader shows it as an
// error and carries on: one bad article or source must not kill the
// terminal.
type cmdFailedMsg struct{ err error }

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
