package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
)

// While a load runs, the memory limit follows the live heap; when it ends,
// or is cancelled, the limit is what it was. A limit the user set stands.
func TestLimitHeadroom(t *testing.T) {
	waitPacedIdle(t)
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	if ch := make(chan load.Result); LimitHeadroom(context.Background(), ch, pacing{userLimit: true, userGC: true}) != ch {
		t.Error("a limit from GOMEMLIMIT was overridden")
	}

	in := make(chan load.Result, 8)
	out := LimitHeadroom(context.Background(), in, pacing{userGC: true})
	in <- load.Result{Articles: []*feed.Article{{ID: "a"}}}
	if r := <-out; len(r.Articles) != 1 || r.Articles[0].ID != "a" {
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
	out = LimitHeadroom(ctx, in, pacing{userGC: true})
	go func() { in <- load.Result{Err: errors.New("never read")} }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	waitLimit(t, before)
	_ = out
}

// A load counts among those running while it runs, and its pacing's
// loaded is called as it ends, once it counts no more, but not when it
// was cancelled.
func TestLimitHeadroomLoaded(t *testing.T) {
	waitPacedIdle(t)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	// The loads of tests before may take a moment to end.
	var calls atomic.Int32
	var runningThen atomic.Int32
	p := pacing{userGC: true, loaded: func() {
		runningThen.Store(int32(loadsRunning()))
		calls.Add(1)
	}}
	in := make(chan load.Result)
	out := LimitHeadroom(context.Background(), in, p)
	if got := loadsRunning(); got != 1 {
		t.Errorf("%d loads running during one", got)
	}
	close(in)
	for range out {
	}
	waitUntil(t, func() bool { return calls.Load() == 1 }, func() string { return "loaded not called as the load ended" })
	if got := runningThen.Load(); got != 0 {
		t.Errorf("%d loads running as loaded is called", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	in = make(chan load.Result)
	LimitHeadroom(ctx, in, p)
	cancel()
	go func() { in <- load.Result{Err: errors.New("never read")} }()
	waitUntil(t, func() bool { return loadsRunning() == 0 }, func() string { return "a cancelled load still counted" })
	time.Sleep(10 * time.Millisecond)
	if got := calls.Load(); got != 1 {
		t.Errorf("loaded called %d times, the second after a cancel", got)
	}
}

// waitPacedIdle waits for the loads and holds that tests before began to
// end, as they do soon after, or fails: the pacing that a test looks at
// is otherwise theirs.
func waitPacedIdle(t *testing.T) {
	t.Helper()
	running := func() int {
		paced.mu.Lock()
		defer paced.mu.Unlock()
		return paced.loads + paced.holds
	}
	waitUntil(t, func() bool { return running() == 0 }, func() string {
		return fmt.Sprintf("%d loads and holds running before the test", running())
	})
}

// addLoads counts n more loads running, as if they had begun, or -n
// fewer, without their pacing.
func addLoads(n int) {
	paced.mu.Lock()
	defer paced.mu.Unlock()
	paced.loads += n
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

// waitFollowed waits up to ten seconds for the memory limit to meet ok,
// as a limit that follows the live heap comes to after a collection, and
// fails with what failure says otherwise. The limit is set again soon
// after each collection, and a setting may lag one collection behind the
// live heap it is compared with (one that came while the last was being
// made): while ok is not met, each look makes a collection of its own.
func waitFollowed(t *testing.T, ok func(limit int64) bool, failure func() string) {
	t.Helper()
	waitUntil(t, func() bool {
		if ok(debug.SetMemoryLimit(-1)) {
			return true
		}
		runtime.GC()
		return false
	}, failure)
}

// After a load, a command keeps the headroom for good, and the limit
// alone paces the collector: GOGC is back to its default, whatever the
// load settled on. A limit or a GOGC the user set stands.
func TestKeepHeadroom(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	debug.SetMemoryLimit(math.MaxInt64)
	debug.SetGCPercent(20)
	KeepHeadroom(pacing{userLimit: true})
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("a limit from GOMEMLIMIT was overridden: %d", got)
	}
	if got := gogc(); got != 20 {
		t.Errorf("GOGC %d under a limit from GOMEMLIMIT, want it left at 20", got)
	}
	KeepHeadroom(pacing{})
	if got := debug.SetMemoryLimit(-1); got == math.MaxInt64 || got < loadHeadroom {
		t.Errorf("limit %d, want the live heap plus %d", got, loadHeadroom)
	}
	if got := gogc(); got != defaultGOGC {
		t.Errorf("GOGC %d after KeepHeadroom, want %d", got, defaultGOGC)
	}
	debug.SetMemoryLimit(1 << 20)
	debug.SetGCPercent(20)
	KeepHeadroom(pacing{userGC: true})
	if got := debug.SetMemoryLimit(-1); got != 1<<20 {
		t.Errorf("a lower limit was raised to %d", got)
	}
	if got := gogc(); got != 20 {
		t.Errorf("GOGC from the user is %d after KeepHeadroom, want 20", got)
	}
}

// A load's pacing is put back before its results end: what a command sets
// as it sees the end (KeepHeadroom) is not undone by it.
func TestLimitHeadroomEndsPaced(t *testing.T) {
	waitPacedIdle(t)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	// From a collection: garbage the tests before left, past the load's
	// limit, would be held as the load ends, and GOGC kept off until the
	// next collection (see holdUncollected), which a test that allocates
	// nothing more never brings about.
	runtime.GC()
	for range 50 {
		in := make(chan load.Result)
		out := LimitHeadroom(context.Background(), in, pacing{})
		close(in)
		for range out {
		}
		if got := gogc(); got == -1 {
			t.Fatal("GOGC still off as the results ended")
		}
		KeepHeadroom(pacing{})
		time.Sleep(time.Millisecond)
		if got := debug.SetMemoryLimit(-1); got == math.MaxInt64 {
			t.Fatal("the limit KeepHeadroom set was undone by the load's end")
		}
		if got := gogc(); got != defaultGOGC {
			t.Fatalf("GOGC %d after KeepHeadroom, want %d", got, defaultGOGC)
		}
		debug.SetMemoryLimit(math.MaxInt64)
	}
}

// While a command indexes, the limit is lifted and the collector keeps the
// settled headroom; both are put back for its output. A limit or a GOGC
// the user set stands.
func TestLiftLimitForIndexing(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	debug.SetMemoryLimit(1 << 30)
	restore := liftLimitForIndexing(pacing{})
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit %d while indexing, want none", got)
	}
	if got := gogc(); got < minSettledPercent || got > 100 {
		t.Errorf("GOGC %d while indexing, want it settled between %d and 100", got, minSettledPercent)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("limit %d after indexing, want %d back", got, 1<<30)
	}
	if got := gogc(); got != 100 {
		t.Errorf("GOGC %d after indexing, want 100 back", got)
	}

	debug.SetGCPercent(33)
	restore = liftLimitForIndexing(pacing{userGC: true})
	if got := gogc(); got != 33 {
		t.Errorf("GOGC from the user is %d while indexing, want 33", got)
	}
	restore()
	restore = liftLimitForIndexing(pacing{userLimit: true})
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("a limit from GOMEMLIMIT was lifted to %d", got)
	}
	restore()
}

// A load whose heap grew within the load's limit is not held: what it
// grew by may be garbage, and the live heap is the last collection's. A
// large live heap's limit is half of it above it, more than the headroom.
func TestHeapWithinTheLoadLimitNotHeld(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	live := make([]byte, 5*loadHeadroom/2)
	runtime.GC()
	before, _ := liveHeap()
	grown := make([]byte, 9*loadHeadroom/8) // past the headroom, within half the live heap
	if _, held := holdUncollected(); held {
		t.Errorf("a heap %d MiB above the live heap of %d MiB was held", len(grown)>>20, before>>20)
	}
	if got, _ := liveHeap(); got != before {
		t.Errorf("live heap %d MiB, want the last collection's %d MiB", got>>20, before>>20)
	}
	runtime.KeepAlive(live)
	runtime.KeepAlive(grown)
}

// collections returns how many collections have completed.
func collections() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// gogc returns GOGC as it is now, -1 when it is off. It reads it, never
// sets it: setting it off and back, as debug.SetGCPercent alone can tell
// it, put back the value from before a setting that came in between (the
// one waitForCollection makes after a collection), and GOGC stayed off.
func gogc() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(int64(s[0].Value.Uint64()))
}

// forcedCollections returns how many collections the program forced.
func forcedCollections() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// A body pacer starts with the first body read once the load has ended:
// it gives back what the load freed (a forced collection) and holds a
// limit above the collector's goal, until done puts the one before back.
// Before, a body read (one shown during the load) leaves all as it is, and
// so does the start alone (a launch with nothing to read again).
func TestBodyPacer(t *testing.T) {
	// No limit to begin with: other tests of the package may leave one.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	before := int64(math.MaxInt64)
	body := func(_ context.Context, a *feed.Article) (*feed.Article, error) { return a, nil }
	b := newBodyPacer(pacing{})
	read := b.wrap(body)

	forced := forcedCollections()
	untouched := func(when string) {
		t.Helper()
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
		if got := debug.SetMemoryLimit(-1); got != before {
			t.Errorf("limit %d %s, want %d", got, when, before)
		}
		if got := forcedCollections(); got != forced+1 {
			t.Errorf("%d collections forced %s", got-forced-1, when)
		}
		forced = forcedCollections()
	}
	if _, err := read(context.Background(), &feed.Article{}); err != nil {
		t.Fatal(err)
	}
	untouched("after a body read before the start")
	b.start()
	untouched("after the start, with no body read")

	read(context.Background(), &feed.Article{})
	waitUntil(t, func() bool { return forcedCollections() > forced }, func() string {
		return "nothing given back at the first body read after the start"
	})
	// The limit is set from the live heap of the last collection, and
	// again after each.
	want := func() int64 {
		live, _ := liveHeap()
		return bodyLimit(live, before)
	}
	waitFollowed(t, func(limit int64) bool { return limit == want() }, func() string {
		return fmt.Sprintf("limit %d while reading, want %d", debug.SetMemoryLimit(-1), want())
	})
	// While a load runs, its limit stands.
	addLoads(1)
	debug.SetMemoryLimit(1 << 40)
	runtime.GC()
	read(context.Background(), &feed.Article{})
	time.Sleep(10 * time.Millisecond)
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("limit %d while a load ran, want the load's", got)
	}
	addLoads(-1)
	for range headroomEvery {
		read(context.Background(), &feed.Article{})
	}
	waitFollowed(t, func(limit int64) bool { return limit == want() }, func() string {
		return fmt.Sprintf("limit %d after the load, want %d", debug.SetMemoryLimit(-1), want())
	})
	b.done()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit %d after, want %d", got, before)
	}
	forced = forcedCollections()
	read(context.Background(), &feed.Article{})
	untouched("after a collection and a body once done")

	// With GOGC from the user, the limit is the load's, well above
	// their goal.
	forced = forcedCollections()
	b = newBodyPacer(pacing{userGC: true})
	b.start()
	b.wrap(body)(context.Background(), &feed.Article{})
	waitUntil(t, func() bool { return forcedCollections() > forced }, func() string {
		return "nothing given back as the index build started, with GOGC set"
	})
	if got := debug.SetMemoryLimit(-1); got < loadHeadroom || got == before {
		t.Errorf("limit %d while reading with GOGC set, want the live heap plus %d", got, loadHeadroom)
	}
	b.done()

	// With GOMEMLIMIT from the user, nothing is done.
	debug.SetMemoryLimit(1 << 40)
	forced = forcedCollections()
	b = newBodyPacer(pacing{userLimit: true})
	b.start()
	b.wrap(body)(context.Background(), &feed.Article{})
	b.done()
	time.Sleep(20 * time.Millisecond)
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("user limit: %d, want %d", got, int64(1<<40))
	}
	if got := forcedCollections(); got != forced {
		t.Errorf("%d collections forced under the user's limit", got-forced)
	}
}

// While bodies are read, the limit follows the live heap from each
// collection, not only every headroomEvery bodies: it stands so near the
// collector's goal that a live heap grown since would have the collector
// run again and again.
func TestBodyPacerFollowsCollections(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	body := func(_ context.Context, a *feed.Article) (*feed.Article, error) { return a, nil }
	b := newBodyPacer(pacing{})
	defer b.done()
	b.start()
	b.wrap(body)(context.Background(), &feed.Article{})
	checkFollowsLiveHeap(t, bodyLimit)
}

// checkFollowsLiveHeap checks that the limit in force is limitFor the
// live heap, then makes 64 MiB more live, and checks that the limit rises
// with it after the next collection.
func checkFollowsLiveHeap(t *testing.T, limitFor func(live, ceiling int64) int64) {
	t.Helper()
	// The limit to start from is that of a collection made now: the last
	// one may have counted live what a test before left behind, which
	// this one frees, and the limit would then not rise.
	runtime.GC()
	live, _ := liveHeap()
	first := limitFor(live, math.MaxInt64)
	waitFollowed(t, func(limit int64) bool { return limit <= first+8<<20 }, func() string {
		return fmt.Sprintf("limit %d, want about %d", debug.SetMemoryLimit(-1), first)
	})
	held := make([][]byte, 0, 64)
	for range 64 {
		held = append(held, make([]byte, 1<<20))
	}
	runtime.GC()
	waitFollowed(t, func(limit int64) bool { return limit >= first+48<<20 }, func() string {
		return fmt.Sprintf("limit %d after 64 MiB more came to be live, was %d", debug.SetMemoryLimit(-1), first)
	})
	runtime.KeepAlive(held)
}

// The limit while bodies are read stands bodySlack above the collector's
// goal, as settleHeadroom sets it, and never above the ceiling.
func TestBodyLimit(t *testing.T) {
	for _, c := range []struct {
		live, ceiling, want int64
	}{
		{0, math.MaxInt64, bodySlack},
		{8 << 20, math.MaxInt64, 16<<20 + bodySlack},
		{100 << 20, math.MaxInt64, 116<<20 + bodySlack},
		{1 << 30, math.MaxInt64, 1<<30 + (1<<30)*minSettledPercent/100 + bodySlack},
		{100 << 20, 120 << 20, 120 << 20},
	} {
		if got := bodyLimit(c.live, c.ceiling); got != c.want {
			t.Errorf("live %d, ceiling %d: limit %d, want %d", c.live, c.ceiling, got, c.want)
		}
	}
}

// When a load ends, the collector keeps a headroom in proportion to the
// live heap, unless the user set GOGC.
func TestSettleHeadroom(t *testing.T) {
	waitPacedIdle(t)
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
	out := LimitHeadroom(context.Background(), in, pacing{userGC: true})
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
	waitPacedIdle(t)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	// From a collection: garbage the tests before left, past the load's
	// limit, would be held as the load ends, and GOGC kept off until the
	// next collection (see holdUncollected), which a test that allocates
	// nothing more never brings about.
	runtime.GC()
	in := make(chan load.Result)
	out := LimitHeadroom(context.Background(), in, pacing{})
	in <- load.Result{Articles: []*feed.Article{{ID: "a"}}}
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
	out = LimitHeadroom(context.Background(), in, pacing{userGC: true})
	in <- load.Result{Articles: []*feed.Article{{ID: "b"}}}
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
	waitPacedIdle(t)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	in := make(chan load.Result)
	out := LimitHeadroom(context.Background(), in, pacing{userGC: true})
	in <- load.Result{Articles: []*feed.Article{{ID: "a"}}}
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
	waitPacedIdle(t)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	in := make(chan load.Result)
	out := LimitHeadroom(context.Background(), in, pacing{userGC: true})
	in <- load.Result{Articles: []*feed.Article{{ID: "a"}}}
	<-out
	checkFollowsLiveHeap(t, loadLimit)
	runtime.GC()
	close(in)
	for range out {
	}
	waitLimit(t, math.MaxInt64)
}

// What a load's header cache is expected to take raises the limit while
// the load runs, to that plus the headroom, never above the limit before
// it; without a load it changes nothing, and the limit is put back as the
// load ends.
func TestExpect(t *testing.T) {
	waitPacedIdle(t)
	before := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	expect(1 << 30)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("limit %d with no load running", got)
	}
	for _, ceiling := range []int64{math.MaxInt64, 1 << 30} {
		debug.SetMemoryLimit(ceiling)
		in := make(chan load.Result)
		out := LimitHeadroom(context.Background(), in, pacing{userGC: true})
		expect(256 << 20)
		expect(256 << 20)
		want := min(ceiling, 512<<20+loadHeadroom)
		if got := debug.SetMemoryLimit(-1); got != want {
			t.Errorf("ceiling %d: limit %d once 512 MiB were expected, want %d", ceiling, got, want)
		}
		runtime.GC()
		waitFollowed(t, func(limit int64) bool { return limit == want }, func() string {
			return fmt.Sprintf("ceiling %d: the limit fell below what was expected after a collection", ceiling)
		})
		close(in)
		for range out {
		}
		waitLimit(t, ceiling)
	}
}

// A load whose heap grew uncollected, as expected, ends with the live heap
// read as the heap it grew, not as what the collection before it found,
// until the next collection: the limit a command keeps as it prints is
// then above the heap, rather than one the collector would run into again
// and again. GOGC stays off until that collection, which the limit alone
// brings about, since the collector would otherwise run at once, for a
// goal of twice the live heap of before the load; the GOGC set meanwhile
// is set then, and so is the limit the load found, unless another was set
// since.
func TestExpectedHeapHeldUntilCollected(t *testing.T) {
	waitPacedIdle(t)
	before := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	defer debug.SetGCPercent(debug.SetGCPercent(defaultGOGC))
	for _, keep := range []bool{false, true} {
		runtime.GC()
		in := make(chan load.Result)
		out := LimitHeadroom(context.Background(), in, pacing{})
		expect(1 << 30)
		const grown = 3 * loadHeadroom
		kept := make([][]byte, 0, grown>>20)
		for range grown >> 20 {
			kept = append(kept, make([]byte, 1<<20))
		}
		cycles := collections()
		close(in)
		for range out {
		}
		live, ok := liveHeap()
		if !ok {
			t.Skip("the runtime does not tell the live heap")
		}
		if n := collections() - cycles; n > 0 {
			t.Errorf("%d collections as the load ended", n)
		}
		if live < grown {
			t.Errorf("live heap %d MiB after a load that grew it by %d MiB", live>>20, grown>>20)
		}
		if got := gogc(); got != -1 {
			t.Errorf("GOGC %d as the load ended, want it off until a collection", got)
		}
		limit := debug.SetMemoryLimit(-1)
		if limit < grown || limit > live+2*loadHeadroom {
			t.Errorf("limit %d MiB as the load ended, for a heap of %d MiB", limit>>20, live>>20)
		}
		want := int64(math.MaxInt64) // the limit the load found
		if keep {
			KeepHeadroom(pacing{})
			if got := gogc(); got != -1 {
				t.Errorf("GOGC %d kept before a collection, want it off", got)
			}
			want = debug.SetMemoryLimit(-1)
			if want < grown+loadHeadroom {
				t.Errorf("limit %d MiB kept after the load, below the heap of %d MiB and its headroom", want>>20, grown>>20)
			}
		}
		runtime.GC()
		waitUntil(t, func() bool { return gogc() != -1 }, func() string { return "GOGC still off after a collection" })
		if keep && gogc() != defaultGOGC {
			t.Errorf("GOGC %d after the collection, want the default KeepHeadroom set", gogc())
		}
		if got := debug.SetMemoryLimit(-1); got != want {
			t.Errorf("keep %v: limit %d after the collection, want %d", keep, got, want)
		}
		runtime.KeepAlive(kept)
	}
}

// Held while the reader readies its search, the collector is paced as
// during a load, GOGC off and the limit following the live heap,
// loadHeadroom above it; released, the limit is put back and GOGC
// settled. A limit the user set stands, and nothing is done.
func TestHoldCollector(t *testing.T) {
	waitPacedIdle(t)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	defer debug.SetGCPercent(debug.SetGCPercent(defaultGOGC))
	// As the program sets it: a limit that waited for a collection, left
	// by a test before, waits no more.
	setMemoryLimit(math.MaxInt64)
	// From a collection, as in TestLimitHeadroomTurnsGOGCOff.
	runtime.GC()
	release := holdCollector(pacing{})
	if got := gogc(); got != -1 {
		t.Errorf("GOGC %d while held, want off", got)
	}
	if got := loadsRunning(); got != 0 {
		t.Errorf("a hold counted as %d loads", got)
	}
	// What the test binary holds depends on the tests before; as if it
	// held nothing, the limit is half the headroom above the live heap,
	// and follows it (TestHoldLimit has the rest).
	paced.mu.Lock()
	mapped := paced.mapped
	paced.mapped = 0
	paced.mu.Unlock()
	if mapped <= 0 {
		t.Errorf("mapped memory %d as the hold began", mapped)
	}
	checkFollowsLiveHeap(t, func(live, ceiling int64) int64 { return min(ceiling, holdLimit(live, 0)) })
	release()
	release()
	// Until the collection the reader makes next, as a load that grew
	// the heap uncollected (see endPaced).
	if got := gogc(); got != -1 {
		t.Errorf("GOGC %d as the hold ended, want it off until a collection", got)
	}
	runtime.GC()
	waitLimit(t, math.MaxInt64)
	waitUntil(t, func() bool { return gogc() != -1 }, func() string { return "GOGC still off after the hold" })
	if got := gogc(); got < minSettledPercent || got > 100 {
		t.Errorf("GOGC %d after the hold, want it settled between %d and 100", got, minSettledPercent)
	}

	debug.SetMemoryLimit(1 << 40)
	debug.SetGCPercent(77)
	release = holdCollector(pacing{userLimit: true})
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("limit %d while held, want the user's %d", got, int64(1<<40))
	}
	if got := gogc(); got != 77 {
		t.Errorf("GOGC %d while held under the user's limit, want 77", got)
	}
	release()
}

// A hold's limit stands loadHeadroom above the live heap, no higher than
// the memory held as it began, unless that is within half the headroom.
func TestHoldLimit(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct{ live, mapped, want int64 }{
		{100 * mib, 300 * mib, 100*mib + loadHeadroom},
		{100 * mib, 150 * mib, 150 * mib},
		{100 * mib, 110 * mib, 100*mib + loadHeadroom/2},
		{100 * mib, 0, 100*mib + loadHeadroom/2},
		{0, 0, loadHeadroom / 2},
	} {
		if got := holdLimit(c.live, c.mapped); got != c.want {
			t.Errorf("live %d MiB, mapped %d MiB: limit %d MiB, want %d MiB", c.live/mib, c.mapped/mib, got/mib, c.want/mib)
		}
	}
}

// Loads and holds that overlap keep the pacing while any of them runs,
// and the last to end puts back what the first found, whatever the order
// they end in: two loads that ended out of order each put back the limit
// it found, and the second's was the first's, kept for good.
func TestPacedOutOfOrder(t *testing.T) {
	waitPacedIdle(t)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	defer debug.SetGCPercent(debug.SetGCPercent(defaultGOGC))
	const ceiling = 1 << 40
	for _, kinds := range [][]string{{"load", "load"}, {"load", "hold"}, {"hold", "load"}, {"hold", "load", "load"}} {
		t.Run(strings.Join(kinds, "-"), func(t *testing.T) {
			// As the program sets it: a limit that waited for a
			// collection, left by a test before, waits no more.
			setMemoryLimit(ceiling)
			runtime.GC()
			ends := make([]func(), len(kinds))
			for i, k := range kinds {
				if k == "hold" {
					ends[i] = holdCollector(pacing{})
					continue
				}
				in := make(chan load.Result)
				out := LimitHeadroom(context.Background(), in, pacing{})
				ends[i] = func() {
					close(in)
					for range out {
					}
				}
			}
			// The first to begin ends first.
			for i, end := range ends {
				end()
				if i == len(ends)-1 {
					break
				}
				if got := debug.SetMemoryLimit(-1); got >= ceiling {
					t.Errorf("limit %d after %d of %d ended, want the pacing kept", got, i+1, len(ends))
				}
				if got := gogc(); got != -1 {
					t.Errorf("GOGC %d after %d of %d ended, want off", got, i+1, len(ends))
				}
			}
			// The reader collects as a hold ends (see endPaced).
			runtime.GC()
			waitLimit(t, ceiling)
			waitUntil(t, func() bool { return gogc() != -1 }, func() string { return "GOGC still off after all ended" })
		})
	}
}

// A load that begins while a limit waits for a collection to be set (see
// waitForCollection) puts back, as it ends, the limit that waited, not
// the one that paced the collector until then.
func TestPacedAfterWaitingLimit(t *testing.T) {
	waitPacedIdle(t)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	defer debug.SetGCPercent(debug.SetGCPercent(defaultGOGC))
	waitForCollection(defaultGOGC, math.MaxInt64, 1<<40)
	if got := limitSet(); got != math.MaxInt64 {
		t.Fatalf("limitSet %d while a limit waits, want the one that waits", got)
	}
	in := make(chan load.Result)
	out := LimitHeadroom(context.Background(), in, pacing{userGC: true})
	close(in)
	for range out {
	}
	runtime.GC()
	waitLimit(t, math.MaxInt64)
}
