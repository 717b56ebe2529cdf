package main

import (
	"context"
	"runtime/debug"
	"sync/atomic"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/tui"
)

// headroomBody returns body, keeping the soft memory limit of a load (see
// LimitHeadroom) while it is called, and done, which puts the limit back
// as it was. The reader reads every put-off article again after its load
// to detect its countries, which makes garbage as fast as the load did;
// without the limit, which the load's end lifted, the heap would grow to
// twice the live heap meanwhile. A limit the user set (userLimit) stands.
func headroomBody(body tui.BodyFunc, userLimit bool) (wrapped tui.BodyFunc, done func()) {
	if userLimit || body == nil {
		return body, func() {}
	}
	ceiling := debug.SetMemoryLimit(-1)
	var n atomic.Int64
	var over atomic.Bool
	wrapped = func(ctx context.Context, a *feed.Article) (*feed.Article, error) {
		if n.Add(1)%headroomEvery == 1 && !over.Load() {
			setHeadroom(ceiling)
		}
		return body(ctx, a)
	}
	return wrapped, func() {
		over.Store(true)
		debug.SetMemoryLimit(ceiling)
	}
}
