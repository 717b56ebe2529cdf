package main

import (
	"context"
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"

	"github.com/gazette-news/gazette/feed/load"
)

// loadHeadroom is how much garbage the collector lets pile up above the
// live heap while a load runs (see LimitHeadroom): this much, or half the
// live heap when that is more.
//
// Loading makes garbage fast (each article is read, decoded and copied
// into the list), and by default the collector lets the heap grow to twice
// what was live at its last cycle: at 100,000 articles the live heap is
// under 90 MB but the process peaked past 200 MB of memory. A soft memory
// limit of the live heap plus the headroom makes it collect sooner, for a
// few percent more time (measured: 205 MB down to 185 MB, 1.45 s up to
// 1.55 s). It follows the live heap up, so a larger list is never starved
// of memory, and it is lifted when the load ends.
const loadHeadroom = 64 << 20

// headroomEvery is how many results pass between updates of the limit.
const headroomEvery = 4096

// pacing says how a command paces the garbage collector.
type pacing struct {
	// userLimit: the user set GOMEMLIMIT, and its limit stands.
	userLimit bool
	// userGC: the user set GOGC, and it stands.
	userGC bool
	// loaded, when set, is called as each load ends, unless it was
	// cancelled, once the limit is put back.
	loaded func()
}

// pacing returns the pacing the environment asks for.
func (a *app) pacing() pacing {
	return pacing{userLimit: a.io.getenv("GOMEMLIMIT") != "", userGC: a.io.getenv("GOGC") != ""}
}

// paced is what paces the collector while loads run (see LimitHeadroom)
// or the reader readies its search (see holdCollector): the first of them
// to begin finds the pacing that the last to end puts back, whatever the
// order they end in. Each putting back the pacing it found as it began,
// two that overlapped and ended out of order left the first's limit in
// place after both, for good.
var paced struct {
	mu sync.Mutex
	// loads and holds count those running: while a load runs, the limit
	// is its own (see bodyPacer, loadsRunning).
	loads, holds int
	// bytes sums what load.Loader.Expect told of the running loads.
	bytes int64
	// limit is the memory limit before the first of them began, gc
	// GOGC then, and gcOff whether one of them turned GOGC off.
	limit int64
	gc    int
	gcOff bool
	// stopFollowing stops the limit following each collection.
	stopFollowing func()
	// mapped is the memory the runtime held, and had not given back, as
	// the first hold of those running began (see holdLimit).
	mapped int64
}

// expect is load.Loader.Expect: the heap the articles of a header cache
// will take once decoded raises the limit of the running loads to that
// heap plus loadHeadroom, so that a second launch, whose heap grows with
// its list and makes little garbage, is not collected again and again on
// its way there, each time finding almost nothing to free. A warm `list
// --json` collected three times in its load, for ~90 ms of CPU, most of
// it in vain.
//
// What a load reads from its files instead of the cache makes garbage
// freely: the collector waits for it until the heap reaches that limit,
// no higher than a load of unchanged files peaks anyway.
func expect(bytes int64) {
	paced.mu.Lock()
	defer paced.mu.Unlock()
	if paced.loads == 0 {
		// The user's limit stands (see LimitHeadroom).
		return
	}
	paced.bytes += bytes
	followLocked()
}

// LimitHeadroom forwards a load's results, keeping a soft memory limit of
// the live heap plus loadHeadroom while they come, and putting the limit
// back as it was when they end or ctx is cancelled, unless another load or
// a hold still runs (see paced). A limit the user set (p.userLimit)
// stands, and the results pass as they are.
//
// When the load ends, the collector is also told to keep a headroom like
// it from then on, in proportion to the live heap (see settleHeadroom),
// unless the user set GOGC (p.userGC).
func LimitHeadroom(ctx context.Context, ch <-chan load.Result, p pacing) <-chan load.Result {
	if p.userLimit {
		return ch
	}
	beginPaced(true, p)
	out := make(chan load.Result, cap(ch))
	go func() {
		defer func() {
			// The pacing is put back before the results end, so that
			// what their reader sets next (KeepHeadroom) stands.
			endPaced(true, p)
			close(out)
			if p.loaded != nil && ctx.Err() == nil {
				p.loaded()
			}
		}()
		n, next := 0, headroomEvery
		for r := range ch {
			// The limit was set as the load began. Articles come many to
			// a result, and count one each.
			if n += len(r.Articles) + len(r.Skimmed); n >= next {
				follow()
				next = n + headroomEvery
			}
			select {
			case out <- r:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// holdCollector paces the collector as a load does, GOGC off and a limit
// that follows the live heap (see holdLimit), until release is called;
// the reader holds it while it readies its search after a load
// (tui.Options.HoldCollector), and collects once as it is done. A limit
// the user set (p.userLimit) stands, and nothing is done.
//
// Under the headroom the reader keeps after its load (see settleHeadroom),
// some 16 MB above a live heap of 90–100 MB at 100,000 articles, the load's
// garbage and the 20 MB the titles folded and the rows bound take made two
// collections of the whole list in the third of a second before the first
// word typed, each taking a core from them; held, they make one. In
// eight second launches of each, alternated, the reader went on 212–284 ms
// after the full count (median 242) against 246–290 (272), and peaked at
// 164–167 MiB against 167–176.
func holdCollector(p pacing) (release func()) {
	if p.userLimit {
		return func() {}
	}
	beginPaced(false, p)
	var once sync.Once
	return func() { once.Do(func() { endPaced(false, p) }) }
}

// beginPaced counts a load (load) or a hold in among those running, and
// paces the collector for them: a soft memory limit that follows the live
// heap (see followLocked), and GOGC off, unless the user set it
// (p.userGC). The first to begin keeps the pacing it finds, for the last
// to end (see endPaced).
func beginPaced(load bool, p pacing) {
	paced.mu.Lock()
	defer paced.mu.Unlock()
	if paced.loads+paced.holds == 0 {
		paced.bytes, paced.limit, paced.gcOff = 0, limitSet(), false
		// The limit also follows the live heap from each collection: by
		// results alone, it lagged where the live heap grew before any
		// came (the header cache is read first, some 50 MB at 100,000
		// articles), and the collector ran eight times over in 80 ms,
		// finding nothing to free.
		paced.stopFollowing = afterEachCollection(follow)
	}
	if load {
		paced.loads++
	} else {
		if paced.holds == 0 {
			paced.mapped = mappedMemory()
		}
		paced.holds++
	}
	followLocked()
	if !p.userGC && !paced.gcOff && debug.SetMemoryLimit(-1) < math.MaxInt64 {
		// The limit alone paces the collector while the load runs.
		// Under the default GOGC it would also run each time the heap
		// doubled, which early in a load, on a heap of a few megabytes,
		// is every few milliseconds: the reader reached its full count
		// about 5% sooner without.
		paced.gcOff, paced.gc = true, setGCPercent(-1)
	}
}

// endPaced counts a load (load) or a hold out. The last to end puts back
// the pacing the first found, and has the collector keep a headroom in
// proportion to the live heap from then on (see settleHeadroom), unless
// the user set GOGC (p.userGC); before that, those still running keep
// theirs.
func endPaced(load bool, p pacing) {
	paced.mu.Lock()
	if load {
		paced.loads--
	} else {
		paced.holds--
	}
	var stop func()
	if paced.loads+paced.holds > 0 {
		followLocked()
	} else {
		stop, paced.stopFollowing = paced.stopFollowing, nil
		before := paced.limit
		if heap, held := holdUncollected(); (held || !load) && paced.gcOff {
			// Back on now, GOGC would have the collector run at once,
			// its goal twice a live heap of before the load: the
			// limit paces it until it has run, and GOGC is put back
			// then. A command that prints and exits may never collect.
			// A hold ends as the reader is about to collect: GOGC put
			// back, the heap above the goal it sets, the collector ran
			// at once, and once more for the reader.
			waitForCollection(paced.gc, before, min(before, heap+loadHeadroom))
		} else {
			setMemoryLimit(before)
			if paced.gcOff {
				setGCPercent(paced.gc)
			}
		}
		paced.gcOff = false
		if !p.userGC {
			settleHeadroom()
		}
	}
	paced.mu.Unlock()
	// Not under mu, which a collection's call of follow waits for; a
	// call that came meanwhile found nothing running, and did nothing.
	if stop != nil {
		stop()
	}
}

// loadsRunning returns how many loads keep their limit (see
// LimitHeadroom); one that ends counts until its pacing is put back.
func loadsRunning() int {
	paced.mu.Lock()
	defer paced.mu.Unlock()
	return paced.loads
}

// follow sets the limit of those running from the live heap (see
// followLocked).
func follow() {
	paced.mu.Lock()
	defer paced.mu.Unlock()
	followLocked()
}

// followLocked sets the memory limit of the loads and holds running, if
// any, from the live heap at the last collection: while a load runs, as
// setHeadroom does; while only holds run, loadHeadroom above it. It is
// never above the limit before the first of them began. paced.mu is held.
func followLocked() {
	if paced.loads+paced.holds == 0 {
		return
	}
	live, ok := liveHeap()
	if !ok {
		return
	}
	if paced.loads > 0 {
		setMemoryLimit(loadLimitExpected(live, paced.limit))
		return
	}
	setMemoryLimit(min(paced.limit, holdLimit(live, paced.mapped)))
}

// holdLimit is the memory limit while only holds run, for the live heap
// live: loadHeadroom above it, but no higher than the memory the runtime
// held as the first of them began (mapped), unless that is less than half
// of loadHeadroom above live. A hold follows a load, whose garbage is
// still there: held until the heap was live plus the headroom, the reader
// made no collection before its own, 193 ms after the full count (median
// of eight), but peaked at 177–179 MiB, and the launch that detects the
// countries a load put off at 191–195 MiB against 177.
func holdLimit(live, mapped int64) int64 {
	return min(live+loadHeadroom, max(mapped, live+loadHeadroom/2))
}

// mappedMemory returns the memory the runtime holds and has not given
// back to the system, which its memory limit is compared with; 0 when it
// does not say.
func mappedMemory() int64 {
	v, ok := readMetrics("/memory/classes/total:bytes", "/memory/classes/heap/released:bytes")
	if !ok {
		return 0
	}
	return int64(v[0] - v[1])
}

// readMetrics returns the runtime's metrics of the given names, in order;
// ok is false when one of them is not a count the runtime gives.
func readMetrics(names ...string) (values []uint64, ok bool) {
	sample := make([]metrics.Sample, len(names))
	for i, name := range names {
		sample[i].Name = name
	}
	metrics.Read(sample)
	values = make([]uint64, len(sample))
	for i, s := range sample {
		if s.Value.Kind() != metrics.KindUint64 {
			return nil, false
		}
		values[i] = s.Value.Uint64()
	}
	return values, true
}

// KeepHeadroom sets the soft memory limit that LimitHeadroom keeps during
// a load, from the live heap now, for the rest of the program, unless the
// user set one (p.userLimit, from GOMEMLIMIT). A command that prints what
// it loaded calls it once the load is over: the live heap grows no more,
// and printing makes garbage in proportion to the output, which the
// collector would otherwise let pile up to the size of the live heap.
//
// The limit alone paces the collector from then on: GOGC goes back to
// its default, unless the user set it (p.userGC). The headroom the load
// settled on as it ended (settleHeadroom) is the reader's, which lives on;
// a command about to print and exit that kept it collected its list of
// 100,000 articles once or twice more while printing it: a second `list
// --json` took 8% more CPU (median of 16 runs alternated) to peak 4 MB
// lower.
func KeepHeadroom(p pacing) {
	if p.userLimit {
		return
	}
	setHeadroom(debug.SetMemoryLimit(-1))
	if !p.userGC {
		setGCPercent(defaultGOGC)
	}
}

// defaultGOGC is the runtime's GOGC when the environment sets none.
const defaultGOGC = 100

// liftLimitForIndexing lifts the memory limit KeepHeadroom kept, while a
// command reads every body again to index it, and has the collector keep
// the settled headroom instead (see settleHeadroom); the function it
// returns puts both back, for the output. Under the limit, whose live
// heap was to grow no more, the collector ran for half of the indexing's
// time; with neither, the heap would grow to twice the live list.
func liftLimitForIndexing(p pacing) (restore func()) {
	if p.userLimit {
		return func() {}
	}
	limit := setMemoryLimit(math.MaxInt64)
	gc := -1
	if !p.userGC {
		gc = setGCPercent(defaultGOGC)
		settleHeadroom()
	}
	return func() {
		setMemoryLimit(limit)
		if gc != -1 {
			setGCPercent(gc)
		}
	}
}

// setHeadroom sets the memory limit to the live heap at the last
// collection plus the headroom, or to what the running loads expect (see
// expect) plus the headroom when that is more, but never above ceiling.
func setHeadroom(ceiling int64) {
	paced.mu.Lock()
	defer paced.mu.Unlock()
	if live, ok := liveHeap(); ok {
		setMemoryLimit(loadLimitExpected(live, ceiling))
	}
}

// loadLimitExpected is loadLimit, or what the running loads expect (see
// expect) plus loadHeadroom when that is more, but never above ceiling.
// paced.mu is held.
func loadLimitExpected(live, ceiling int64) int64 {
	limit := loadLimit(live, ceiling)
	if paced.bytes > 0 && paced.loads > 0 {
		limit = max(limit, min(ceiling, paced.bytes+loadHeadroom))
	}
	return limit
}

// loadLimit is the limit setHeadroom sets for the live heap live: live
// plus loadHeadroom, or half of live when that is more, and never above
// ceiling.
func loadLimit(live, ceiling int64) int64 {
	return min(ceiling, live+max(loadHeadroom, live/2))
}

// settledHeadroom is the garbage the collector lets pile up above the live
// heap once a load is over, as a share of the live heap then
// (settledPercent): by default it lets the heap grow to twice what was
// live, and the reader, whose list of 100,000 articles is about 110 MB
// live, then peaked past 250 MB while it searched and rendered.
//
// It was 40 MB; the first launch of 100,000 articles, which reads every
// file again to build the search index after its load, then peaked at
// 215–232 MiB; at 16 MB, 192–196 MiB, its build about a second longer
// (10.3–11.1 s), the garbage of reading the bodies again being cut by
// half meanwhile. Later the reader's garbage comes slowly: a search or
// an article opened makes a few megabytes.
const settledHeadroom = 16 << 20

// minSettledPercent is the least GOGC settledPercent gives: a larger list
// keeps a headroom in proportion, so that the collections of a build of
// its index stay as many as at 100,000, each longer, rather than growing
// in number with the list too.
const minSettledPercent = 16

// settleHeadroom sets the collector's target (GOGC) so that the next heap
// goal is about the live heap plus settledHeadroom (see settledPercent).
// Being a share, it follows the live heap if the list grows later.
func settleHeadroom() {
	if live, ok := liveHeap(); ok && live > 0 {
		setGCPercent(settledPercent(live))
	}
}

// settledPercent is the GOGC that makes the heap goal the live heap plus
// settledHeadroom, kept between minSettledPercent and 100.
func settledPercent(live int64) int {
	return int(min(100, max(minSettledPercent, settledHeadroom*100/max(live, 1))))
}

// afterEachCollection calls fn soon after each collection the garbage
// collector completes, on a goroutine of the runtime's, until stop is
// called; fn is not called once stop has returned. fn must not block.
func afterEachCollection(fn func()) (stop func()) {
	var (
		mu      sync.Mutex
		stopped bool
	)
	// An object nothing refers to is freed by the next collection, which
	// then runs its cleanup: the cleanup calls fn and leaves the next
	// such object. It holds a pointer, so that it is never packed with
	// other small objects, whose cleanups would wait for all of them.
	type sentinel struct{ _ *int }
	var arm func()
	arm = func() {
		runtime.AddCleanup(new(sentinel), func(struct{}) {
			mu.Lock()
			defer mu.Unlock()
			if !stopped {
				fn()
				arm()
			}
		}, struct{}{})
	}
	arm()
	return func() {
		mu.Lock()
		stopped = true
		mu.Unlock()
	}
}

// liveHeap returns the live heap at the last collection; ok is false when
// the runtime does not say. After a load whose heap grew uncollected (see
// expect), and until the next collection, it is the heap as the load
// ended, live or not (see holdUncollected).
func liveHeap() (live int64, ok bool) {
	v, ok := readMetrics("/gc/heap/live:bytes", "/gc/cycles/total:gc-cycles")
	if !ok {
		return 0, false
	}
	live = int64(v[0])
	uncollected.mu.Lock()
	defer uncollected.mu.Unlock()
	if uncollected.held && v[1] == uncollected.cycles {
		live = max(live, uncollected.heap)
	}
	return live, true
}

// uncollected is the heap as the last load that grew it uncollected ended,
// the count of collections then, and what waits for the next collection
// (see waitForCollection).
var uncollected struct {
	mu     sync.Mutex
	held   bool
	cycles uint64
	heap   int64
	// gc, when gcWaits, is the GOGC to set after the next collection;
	// limit, when limitWaits, the memory limit.
	gc         int
	gcWaits    bool
	limit      int64
	limitWaits bool
}

// holdUncollected, as a load ends, has liveHeap report the heap now, live
// or not, until the next collection, when the heap has grown past the
// last collection's live heap by more than a load's limit lets it (see
// loadLimit): as it does when the load expected it (see expect), and the
// collector let it grow. The live heap the last collection found is then
// the one before the load, and a limit of it plus a headroom would be far
// below the heap: the collector would collect it again and again (a
// second list --json did, ten times as it printed). A heap within the
// load's limit is not held: its garbage is the load's, which the reader
// would otherwise take for live (at 300,000 articles, whose headroom is
// half the live heap, its peak rose by 16 MiB). It returns the heap, and
// whether it is held.
func holdUncollected() (heap int64, held bool) {
	v, ok := readMetrics("/gc/heap/live:bytes", "/gc/cycles/total:gc-cycles", "/memory/classes/heap/objects:bytes")
	if !ok {
		return 0, false
	}
	live, heap := int64(v[0]), int64(v[2])
	uncollected.mu.Lock()
	defer uncollected.mu.Unlock()
	uncollected.held = heap > loadLimit(live, math.MaxInt64)
	uncollected.cycles, uncollected.heap = v[1], heap
	return heap, uncollected.held
}

// waitForCollection leaves GOGC off and sets the memory limit to until,
// which paces the collector alone, and sets GOGC to gc and the limit to
// limit after the next collection, unless they are set otherwise
// meanwhile (see setGCPercent, setMemoryLimit).
func waitForCollection(gc int, limit, until int64) {
	uncollected.mu.Lock()
	uncollected.gc, uncollected.gcWaits = gc, true
	uncollected.limit, uncollected.limitWaits = limit, true
	debug.SetMemoryLimit(until)
	uncollected.mu.Unlock()
	// The first collection's call stops the calls, once it has the
	// function that does: not from the call, which holds what it waits for.
	stops := make(chan func(), 1)
	var once sync.Once
	stops <- afterEachCollection(func() {
		once.Do(func() {
			uncollected.mu.Lock()
			defer uncollected.mu.Unlock()
			if uncollected.gcWaits {
				debug.SetGCPercent(uncollected.gc)
			}
			if uncollected.limitWaits {
				debug.SetMemoryLimit(uncollected.limit)
			}
			uncollected.gcWaits, uncollected.limitWaits = false, false
			go func() { (<-stops)() }()
		})
	})
}

// setGCPercent sets GOGC to pct, and returns it as it was; while GOGC
// waits for a collection (see waitForCollection), it is what is set then.
func setGCPercent(pct int) (was int) {
	uncollected.mu.Lock()
	defer uncollected.mu.Unlock()
	if uncollected.gcWaits {
		was, uncollected.gc = uncollected.gc, pct
		return was
	}
	return debug.SetGCPercent(pct)
}

// setMemoryLimit sets the memory limit, and returns it as it was; a limit
// that waited for a collection (see waitForCollection) waits no more.
func setMemoryLimit(limit int64) (was int64) {
	uncollected.mu.Lock()
	defer uncollected.mu.Unlock()
	uncollected.limitWaits = false
	return debug.SetMemoryLimit(limit)
}

// limitSet returns the memory limit, or the one that waits for the next
// collection to be set when one does (see waitForCollection): what a load
// that begins meanwhile is to put back, not the limit that paces the
// collector until then.
func limitSet() int64 {
	uncollected.mu.Lock()
	defer uncollected.mu.Unlock()
	if uncollected.limitWaits {
		return uncollected.limit
	}
	return debug.SetMemoryLimit(-1)
}
