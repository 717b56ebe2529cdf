package tui

import (
	"context"
	"fmt"
	"time"

	"github.com/gazette-news/gazette/feed/load"
)

// Batches bound one load message: maxBatch articles (and the rest of the
// result that reaches it: a result's articles come together), gathered
// for at most a window after the first arrives. The window starts short,
// so that the first rows show within milliseconds, and grows with the
// list, because merging a batch costs time in proportion to the list:
// 100,000 articles then cost a dozen messages and merges, not 100,000.
// A batch of 8,192 holds Update for some 15 ms, about a frame;
// batches of 4,096 made the second launch 5% slower, in merges and
// frames.
//
// The very first batch waits for nothing (firstBatchWait): it is the first
// result, the first file (the load's batches of jobs start at one and
// double), and the results already there with it. It gathered for 4 ms once, which
// grew to 10–15 ms in traces, the cores busy at start-up: at 100,000
// articles the first rows came in 82–105 ms then (the median of twelve
// runs' medians, six launches each, 90 ms) and in 74–104 ms now (86 ms),
// the runs alternated.
const (
	maxBatch       = 8192
	firstBatchWait = 0
	minBatchWait   = 12 * time.Millisecond
	maxBatchWait   = 150 * time.Millisecond
	waitPerLoaded  = time.Millisecond / 1000 // per article already listed
)

// batchWindow is how long a batch gathers when n articles are listed.
func batchWindow(n int) time.Duration {
	return min(minBatchWait+time.Duration(n)*waitPerLoaded, maxBatchWait)
}

// pump blocks for the first result, then gathers whatever else arrives
// within the batch window, in the order it comes (addBatch sorts the
// entries made of it).
// A panic becomes an error in the batch, and the stream goes on being
// read.
func pump(ctx context.Context, ch <-chan load.Result, window time.Duration) (msg loadBatchMsg) {
	msg.ch = ch
	defer func() {
		if p := recover(); p != nil {
			msg.errs = append(msg.errs, fmt.Errorf("internal error while loading: %v", p))
		}
	}()
	// take adds a result received, or marks the stream ended, and
	// reports whether the stream goes on.
	take := func(r load.Result, ok bool) bool {
		switch {
		case !ok:
			msg.done = true
		case r.Err != nil:
			msg.errs = append(msg.errs, r.Err)
		case r.Articles != nil:
			msg.arts = append(msg.arts, r.Articles...)
		}
		return ok
	}
	select {
	case r, ok := <-ch:
		if !take(r, ok) {
			return msg
		}
	case <-ctx.Done():
		msg.done = true
		return msg
	}
	if window <= 0 {
		// Only the results there already, which a stream that never
		// pauses cannot make endless, and the end of a stream that
		// ended with them.
		for range len(ch) + 1 {
			if len(msg.arts) >= maxBatch {
				break
			}
			select {
			case r, ok := <-ch:
				if !take(r, ok) {
					return msg
				}
			default:
				return msg
			}
		}
		return msg
	}
	timer := time.NewTimer(window)
	defer timer.Stop()
gather:
	for len(msg.arts) < maxBatch {
		select {
		case r, ok := <-ch:
			if !take(r, ok) {
				break gather
			}
		case <-timer.C:
			break gather
		case <-ctx.Done():
			msg.done = true
			break gather
		}
	}
	return msg
}
