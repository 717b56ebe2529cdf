package main

import (
	"context"
	"runtime/debug"
	"sync"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/tui"
)

// bodySlack is how far above the collector's goal the memory limit stands
// while bodies are read after a load (see bodyPacer).
const bodySlack = 16 << 20

// bodyPacer paces the collector while the reader reads articles again
// after its load, to build its search index and to detect the countries
// the load put off: that makes garbage as fast as the load did, for ten
// times as long, while the index's database grows beside it.
//
// It starts with the first body read once the first load has ended (see
// start): the memory the load's garbage held goes back to the system,
// which the runtime would keep mapped for a while, with the database's
// pages, the index's and the bodies' garbage coming on top. Then a soft
// memory limit stands bodySlack above the collector's goal, which the
// load's end settled at about 16 MB above the live heap (see
// settleHeadroom), following the live heap from each collection: the goal
// paces the collector, and the limit bounds how much of what it freed the
// runtime keeps mapped, a tenth more than its goal otherwise. The first
// launch of 100,000 articles peaked at 192–203 MiB, as its index build
// began or as it ended; it peaks at 183–191 MiB. A launch with nothing to
// read again (its index current, its countries saved) is left as it was.
//
// While a load runs (a refresh), its limit stands. A limit the user set
// (GOMEMLIMIT) stands, and nothing is done; with GOGC set, the limit is
// the load's (see setHeadroom), well above their goal, which paces the
// collector.
type bodyPacer struct {
	p       pacing // what the user set; p.loaded is not used
	ceiling int64  // the limit before, put back by done

	mu      sync.Mutex // guards what follows, and the setting of the limit
	started bool       // the first load ended
	n       int        // bodies read since
	over    bool       // done was called
	stopped func()     // stops following collections; nil until a body is read
}

// newBodyPacer returns a pacer for bodies to be read, under what the user
// set (p.userLimit, p.userGC).
func newBodyPacer(p pacing) *bodyPacer {
	return &bodyPacer{p: p, ceiling: debug.SetMemoryLimit(-1)}
}

// start has the bodies read from now on paced: the reader calls it as its
// first load ends.
func (b *bodyPacer) start() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.started = true
}

// wrap returns body, paced once the pacer has started.
func (b *bodyPacer) wrap(body tui.BodyFunc) tui.BodyFunc {
	if b.p.userLimit || body == nil {
		return body
	}
	return func(ctx context.Context, a *feed.Article) (*feed.Article, error) {
		b.read()
		return body(ctx, a)
	}
}

// read counts a body read since the start. The first gives back what the
// load freed, and has the limit set after each collection from then on;
// it is also set every headroomEvery bodies.
func (b *bodyPacer) read() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.over || !b.started {
		return
	}
	if b.n++; b.n == 1 {
		go debug.FreeOSMemory()
		b.stopped = afterEachCollection(b.set)
	}
	if b.n%headroomEvery == 1 {
		b.limit()
	}
}

// set sets the limit from the live heap, unless done was called.
func (b *bodyPacer) set() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.over {
		b.limit()
	}
}

// limit sets the limit from the live heap, unless a load runs; b.mu is
// held.
func (b *bodyPacer) limit() {
	switch live, ok := liveHeap(); {
	case loadsRunning() > 0 || !ok:
	case b.p.userGC:
		setHeadroom(b.ceiling)
	default:
		setMemoryLimit(bodyLimit(live, b.ceiling))
	}
}

// done puts the limit back as it was before; bodies read since are not
// paced.
func (b *bodyPacer) done() {
	b.mu.Lock()
	b.over = true
	stop := b.stopped
	b.mu.Unlock()
	// Not under mu: a collection's call of set holds what stop waits for.
	if stop != nil {
		stop()
	}
	if !b.p.userLimit {
		setMemoryLimit(b.ceiling)
	}
}

// bodyLimit is the memory limit while bodies are read, for a live heap of
// live bytes: bodySlack above the collector's goal, which settleHeadroom
// set from the live heap, and no higher than ceiling.
func bodyLimit(live, ceiling int64) int64 {
	return min(ceiling, live+live*int64(settledPercent(live))/100+bodySlack)
}
