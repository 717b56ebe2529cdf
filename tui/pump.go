package tui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
)

// Batches bound one load message: at most maxBatch articles, gathered for
// at most batchWindow after the first arrives. 100,000 articles then cost
// a few dozen messages and frames, not 100,000, and the first rows still
// show within milliseconds.
const (
	maxBatch    = 4096
	batchWindow = 12 * time.Millisecond
)

// loadBatchMsg carries the articles and errors that arrived since the last
// batch, articles sorted newest first.
type loadBatchMsg struct {
	ch   <-chan feed.Result
	arts []*feed.Article
	errs []error
	done bool
}

// startLoad starts the loader and pumps its first batch.
func startLoad(ctx context.Context, l *feed.Loader, srcs []feed.Source) tea.Cmd {
	return func() tea.Msg {
		return pump(ctx, l.Load(ctx, srcs))
	}
}

// pumpCmd reads the next batch from a load stream.
func pumpCmd(ctx context.Context, ch <-chan feed.Result) tea.Cmd {
	return func() tea.Msg { return pump(ctx, ch) }
}

// pump blocks for the first result, then gathers whatever else arrives
// within the batch window, and sorts the articles, so that Update only has
// to merge. A panic becomes an error in the batch, and the stream goes on
// being read.
func pump(ctx context.Context, ch <-chan feed.Result) (msg loadBatchMsg) {
	msg.ch = ch
	defer func() {
		if p := recover(); p != nil {
			msg.errs = append(msg.errs, fmt.Errorf("internal error while loading: %v", p))
		}
	}()
	add := func(r feed.Result) {
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
	timer := time.NewTimer(batchWindow)
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
