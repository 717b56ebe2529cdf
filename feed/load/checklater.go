package load

import (
	"context"
	"hash/maphash"
	"slices"
	"sync"
	"time"
)

// unlookedFile is a file taken from its record without a look: its path,
// its path's key in the cache (see relKey), and the sum of the stamp its
// record has (see stampSum), which is all the look needs of the record.
type unlookedFile struct {
	path     string
	key, sum uint64
}

// stampSum sums a record's stamp: two stamps whose sums are equal are taken
// as equal, by the same odds as relKey's.
func (h *headSource) stampSum(st stamp) uint64 { return maphash.Comparable(h.seed, st) }

// release lets the records of the cache file go, once the load's last
// article is out, when the file is to stay as it is (same): at 300,000
// files they and their map are some 25 MB, which the wait for the look
// would otherwise keep a while longer. Should the look find a file stale,
// the file is written again from what stays (see taken).
func (h *headSource) release() {
	<-h.ready
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.same {
		h.old = nil
	}
}

// taken returns whether the record of a file, by its key, is taken again
// into the next cache file: one whose article the load used, and that
// was not found stale. The caller holds mu.
func (h *headSource) taken() func(key uint64) bool {
	if h.old != nil {
		return func(key uint64) bool {
			r, ok := h.old[key]
			return ok && r.used
		}
	}
	// Released: the file was to stay as it was, every record in it used
	// or made again the same (the fresh ones, written already).
	fresh := make(map[uint64]bool, h.fresh.n)
	h.fresh.each(func(k freshKey) { fresh[h.relKey(k.rel)] = true })
	return func(key uint64) bool { return !h.stale[key] && !fresh[key] }
}

// recheck looks at the files taken from their records without a look,
// once the load's workers are done, and returns those changed or gone
// since their records were made, each as the directory's source with
// the file's path for Location. Their records are dropped, so that the
// cache file is written without them and the next load reads them.
func (h *headSource) recheck(ctx context.Context) []Source {
	h.mu.Lock()
	defer h.mu.Unlock()
	var stale []Source
	for i, f := range h.unlooked {
		if i%1024 == 0 && ctx.Err() != nil {
			// A cancelled load writes no cache.
			return nil
		}
		if st, err := lstatStamp(f.path); err == nil && h.stampSum(st) == f.sum {
			continue
		}
		if h.old != nil {
			if r := h.old[f.key]; r != nil {
				r.used = false
			}
		} else {
			if h.stale == nil {
				h.stale = make(map[uint64]bool)
			}
			h.stale[f.key] = true
		}
		h.same = false
		src := h.src
		src.Location = f.path
		stale = append(stale, src)
	}
	h.unlooked = nil
	return stale
}

// tookUnlooked reports whether the load took a file from its record
// without a look.
func (h *headSource) tookUnlooked() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.unlooked) > 0
}

// laterChecks are the loads whose looks CheckLater put off, until
// Stale takes what they found.
type laterChecks struct {
	mu    sync.Mutex
	loads []*laterLoad
}

// laterLoad is one load with CheckLater.
type laterLoad struct {
	// delivered is closed once the load's last article is out, and heads
	// set before.
	delivered chan struct{}
	heads     []*headSource
	once      sync.Once
	// checked is closed once the files were looked at, and stale holds
	// those found changed or gone.
	checked chan struct{}
	stale   []Source
}

// laterWait is how long a load waits for Stale to ask for its looks,
// before it looks of its own accord: the caller chooses when, so that the
// looks take no core it wants (a reader's, while the user types); the
// cache file waits for them. A variable, for tests.
var laterWait = 5 * time.Second

// add counts in a load about to start.
func (c *laterChecks) add() *laterLoad {
	p := &laterLoad{delivered: make(chan struct{}), checked: make(chan struct{})}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.loads = append(c.loads, p)
	return p
}

// check looks at the load's files, once.
func (p *laterLoad) check(ctx context.Context) {
	p.once.Do(func() {
		for _, h := range p.heads {
			p.stale = append(p.stale, h.recheck(ctx)...)
		}
		close(p.checked)
	})
}

// wait is the end of load p, once its last article is out: it waits for
// Stale to look at the files, or looks itself after laterWait or once
// ctx ends; a load that took no file unlooked waits for nothing. A load
// that found nothing stale is forgotten.
func (c *laterChecks) wait(ctx context.Context, p *laterLoad, heads []*headSource) {
	p.heads = heads
	for _, h := range heads {
		h.release()
	}
	close(p.delivered)
	if slices.ContainsFunc(heads, (*headSource).tookUnlooked) {
		timer := time.NewTimer(laterWait)
		defer timer.Stop()
		select {
		case <-p.checked:
		case <-timer.C:
		case <-ctx.Done():
		}
	}
	p.check(ctx)
	if len(p.stale) == 0 {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.loads = slices.DeleteFunc(c.loads, func(q *laterLoad) bool { return q == p })
	}
}

// Stale looks at the files that the loads with CheckLater started so far
// took from their records unlooked, once each load has delivered its
// last article, and returns those found changed or gone since, each as
// its directory's source with the file's path for Location, as a file of
// a watched directory is read again. Each is returned once. It returns
// nil at once when no such load is left, and ctx's error if ctx ends
// first.
func (l *Loader) Stale(ctx context.Context) ([]Source, error) {
	var stale []Source
	for {
		l.later.mu.Lock()
		loads := l.later.loads
		l.later.loads = nil
		l.later.mu.Unlock()
		if len(loads) == 0 {
			return stale, nil
		}
		for _, p := range loads {
			select {
			case <-p.delivered:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			p.check(ctx)
			stale = append(stale, p.stale...)
		}
	}
}
