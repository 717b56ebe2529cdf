package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
)

// While a load runs, the memory limit follows the live heap; when it ends,
// or is cancelled, the limit is what it was. A limit the user set stands.
func TestLimitHeadroom(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	if ch := make(chan load.Result); LimitHeadroom(context.Background(), ch, true, true) != ch {
		t.Error("a limit from GOMEMLIMIT was overridden")
	}

	in := make(chan load.Result, 8)
	out := LimitHeadroom(context.Background(), in, false, true)
	in <- load.Result{Article: &feed.Article{ID: "a"}}
	if r := <-out; r.Article == nil || r.Article.ID != "a" {
		t.Fatalf("forwarded %+v", r)
	}
	during := debug.SetMemoryLimit(-1)
	if before == math.MaxInt64 && during >= before {
		t.Errorf("limit %d while loading, want below %d", during, before)
	}
	for i := range headroomEvery + 10 {
		in <- load.Result{Err: fmt.Errorf("e%d", i)}
		<-out
	}
	close(in)
	if _, open := <-out; open {
		t.Fatal("results after the end")
	}
	waitLimit(t, before)

	ctx, cancel := context.WithCancel(context.Background())
	in = make(chan load.Result)
	out = LimitHeadroom(ctx, in, false, true)
	go func() { in <- load.Result{Err: errors.New("never read")} }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	waitLimit(t, before)
	_ = out
}

// waitLimit waits for the memory limit to be want, which the forwarding
// goroutine puts back as it ends.
func waitLimit(t *testing.T, want int64) {
	t.Helper()
	waitUntil(t, func() bool { return debug.SetMemoryLimit(-1) == want }, func() string {
		return fmt.Sprintf("memory limit %d, want it put back to %d", debug.SetMemoryLimit(-1), want)
	})
}

// waitUntil waits up to ten seconds for done, which another goroutine or
// the runtime brings about, and fails with what failure says otherwise.
func waitUntil(t *testing.T, done func() bool, failure func() string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatal(failure())
		}
		time.Sleep(time.Millisecond)
	}
}

// After a load, a command keeps the headroom for good, unless the user set
// a limit.
func TestKeepHeadroom(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	debug.SetMemoryLimit(math.MaxInt64)
	KeepHeadroom(true)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("a limit from GOMEMLIMIT was overridden: %d", got)
	}
	KeepHeadroom(false)
	if got := debug.SetMemoryLimit(-1); got == math.MaxInt64 || got < loadHeadroom {
		t.Errorf("limit %d, want the live heap plus %d", got, loadHeadroom)
	}
	debug.SetMemoryLimit(1 << 20)
	KeepHeadroom(false)
	if got := debug.SetMemoryLimit(-1); got != 1<<20 {
		t.Errorf("a lower limit was raised to %d", got)
	}
}

// headroomBody holds a limit while the bodies are read, and puts the one
// before back when they are done; a limit the user set stands.
func TestHeadroomBody(t *testing.T) {
	// No limit to begin with: other tests of the package may leave one.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	before := int64(math.MaxInt64)
	body := func(_ context.Context, a *feed.Article) (*feed.Article, error) { return a, nil }
	wrapped, done := headroomBody(body, false)
	if _, err := wrapped(context.Background(), &feed.Article{}); err != nil {
		t.Fatal(err)
	}
	if got := debug.SetMemoryLimit(-1); got >= before {
		t.Errorf("limit %d while reading, want below %d", got, before)
	}
	done()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d after, want %d", got, before)
	}
	wrapped, done = headroomBody(body, true)
	wrapped(context.Background(), &feed.Article{})
	done()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("user limit: %d, want %d", got, before)
	}
}

// When a load ends, the collector keeps a headroom in proportion to the
// live heap, unless the user set GOGC.
func TestSettleHeadroom(t *testing.T) {
	for _, c := range []struct {
		live int64
		want int
	}{
		{0, 100}, {1 << 20, 100}, {settledHeadroom, 100}, {2 * settledHeadroom, 50},
		{64 << 20, 25}, {100 << 20, minSettledPercent}, {1 << 30, minSettledPercent},
	} {
		if got := settledPercent(c.live); got != c.want {
			t.Errorf("live %d: GOGC %d, want %d", c.live, got, c.want)
		}
	}
	before := debug.SetGCPercent(77)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	in := make(chan load.Result)
	out := LimitHeadroom(context.Background(), in, false, true)
	close(in)
	for range out {
	}
	waitLimit(t, debug.SetMemoryLimit(-1))
	time.Sleep(10 * time.Millisecond)
	if got := debug.SetGCPercent(77); got != 77 {
		t.Errorf("GOGC from the user overridden: %d", got)
	}
}

// While a load runs, the memory limit alone paces the collector: GOGC is
// off, and settled in proportion to the live heap when the load ends.
// GOGC from the user stands throughout.
func TestLimitHeadroomTurnsGOGCOff(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	gogc := func() int {
		v := debug.SetGCPercent(-1)
		debug.SetGCPercent(v)
		return v
	}
	in := make(chan load.Result)
	out := LimitHeadroom(context.Background(), in, false, false)
	in <- load.Result{Article: &feed.Article{ID: "a"}}
	<-out
	if got := gogc(); got != -1 {
		t.Errorf("GOGC %d while loading, want off", got)
	}
	if got := debug.SetMemoryLimit(-1); got == math.MaxInt64 {
		t.Error("no memory limit while loading, with GOGC off")
	}
	close(in)
	for range out {
	}
	waitUntil(t, func() bool { return gogc() != -1 }, func() string { return "GOGC still off after the load" })
	if got := gogc(); got < minSettledPercent || got > 100 {
		t.Errorf("GOGC %d after the load, want it settled between %d and 100", got, minSettledPercent)
	}

	debug.SetGCPercent(77)
	in = make(chan load.Result)
	out = LimitHeadroom(context.Background(), in, false, true)
	in <- load.Result{Article: &feed.Article{ID: "b"}}
	<-out
	if got := gogc(); got != 77 {
		t.Errorf("GOGC from the user is %d while loading, want 77", got)
	}
	close(in)
	for range out {
	}
}

// Skimmed articles, many to a result, each count towards the next update
// of the limit: a search that skims 100,000 of them in a few hundred
// results would otherwise load under the limit it began with.
func TestLimitHeadroomSkimmed(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	in := make(chan load.Result)
	out := LimitHeadroom(context.Background(), in, false, true)
	in <- load.Result{Article: &feed.Article{ID: "a"}}
	<-out
	// As if the live heap had been tiny when the limit was last set.
	debug.SetMemoryLimit(1 << 20)
	skimmed := make([]*feed.Article, headroomEvery)
	for i := range skimmed {
		skimmed[i] = &feed.Article{Skimmed: true}
	}
	in <- load.Result{Skimmed: skimmed}
	if r := <-out; len(r.Skimmed) != headroomEvery {
		t.Fatalf("forwarded %d skimmed", len(r.Skimmed))
	}
	if got := debug.SetMemoryLimit(-1); got < loadHeadroom {
		t.Errorf("limit %d after %d skimmed articles, want it set again from the live heap", got, headroomEvery)
	}
	close(in)
	<-out
	waitLimit(t, math.MaxInt64)
}

// afterEachCollection calls its function after every collection, until
// it is stopped.
func TestAfterEachCollection(t *testing.T) {
	var n atomic.Int32
	stop := afterEachCollection(func() { n.Add(1) })
	for i := range int32(3) {
		runtime.GC()
		waitUntil(t, func() bool { return n.Load() > i }, func() string {
			return fmt.Sprintf("called %d times after %d collections", n.Load(), i+1)
		})
	}
	stop()
	was := n.Load()
	runtime.GC()
	runtime.GC()
	time.Sleep(20 * time.Millisecond)
	if got := n.Load(); got != was {
		t.Errorf("called %d times more after stop", got-was)
	}
}

// While a load runs, the limit follows a live heap that grows before any
// result comes, as when the header cache is read first, from the next
// collection: the collector would otherwise run again and again, each
// time finding nothing to free.
func TestLimitHeadroomFollowsCollections(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	in := make(chan load.Result)
	out := LimitHeadroom(context.Background(), in, false, true)
	in <- load.Result{Article: &feed.Article{ID: "a"}}
	<-out
	first := debug.SetMemoryLimit(-1)
	held := make([][]byte, 0, 64)
	for range 64 {
		held = append(held, make([]byte, 1<<20))
	}
	runtime.GC()
	waitUntil(t, func() bool { return debug.SetMemoryLimit(-1) >= first+48<<20 }, func() string {
		return fmt.Sprintf("limit %d after 64 MiB more came to be live, was %d", debug.SetMemoryLimit(-1), first)
	})
	runtime.KeepAlive(held)
	runtime.GC()
	close(in)
	for range out {
	}
	waitLimit(t, math.MaxInt64)
}
