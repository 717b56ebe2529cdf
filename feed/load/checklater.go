package load

import (
	"context"
	"hash/maphash"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// unlookedFile is a file taken from its record without a look: its path,
// its path's key in the cache (see relKey), and the sum of the stamp its
// record has (see stampSum), which is all the look needs of the record.
type unlookedFile struct {
	path     string
	key, sum uint64
}

// readFile is a file read before the caller's watch was in place (see
// readUnwatched): its path and the sum of the stamp it was read with.
type readFile struct {
	path string
	sum  uint64
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
	h.fresh.each(func(k freshKey) bool {
		fresh[h.relKey(k.rel)] = true
		return true
	})
	return func(key uint64) bool { return !h.stale[key] && !fresh[key] }
}

// recheck looks at the files taken from their records without a look,
// once the load's workers are done, and returns those changed or gone
// since their records were made, each as the directory's source with
// the file's path for Location. Their records are dropped, so that the
// cache file is written without them and the next load reads them. It
// looks at the files read before the caller's watch was in place too,
// and returns those changed or gone since they were read: the records
// made of them are outdated, and the cache file says so (see tombs).
func (h *headSource) recheck(ctx context.Context) []Source {
	h.mu.Lock()
	defer h.mu.Unlock()
	var stale []Source
	look := openLook(h.dir)
	defer look.close()
	changed := func(path string, sum uint64) bool {
		st, err := look.stamp(path, h.relOf(path))
		if err != nil || h.stampSum(st) != sum {
			h.same = false
			src := h.src
			src.Location = path
			stale = append(stale, src)
			return true
		}
		return false
	}
	if h.unwatched {
		i := 0
		h.read.each(func(f readFile) bool {
			if i++; i%1024 == 0 && ctx.Err() != nil {
				return false
			}
			if changed(f.path, f.sum) {
				h.tombs = append(h.tombs, h.relOf(f.path))
			}
			return true
		})
		if ctx.Err() != nil {
			return nil
		}
		if h.relisted() {
			// Read the directory again whole: its listing may have
			// missed a file added since, or kept one gone.
			stale = append(stale, h.src)
		}
		h.unwatched, h.read, h.listed = false, blockList[readFile]{}, nil
	}
	for i, f := range h.unlooked {
		if i%1024 == 0 && ctx.Err() != nil {
			// A cancelled load writes no cache.
			return nil
		}
		if !changed(f.path, f.sum) {
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
	}
	h.unlooked = nil
	if len(stale) == 0 {
		h.foundAfterLook()
	}
	return stale
}

// tookUnlooked reports whether the load took a file from its record
// without a look.
func (h *headSource) tookUnlooked() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.unlooked) > 0
}

// listing records the stamp of a directory the load is about to list,
// at path as the load names it and rel in root, before the caller's
// watch is in place: a file added, removed or renamed in it since changes
// the stamp, which recheck looks at. A directory that cannot be looked
// at fails its listing too, and is not recorded.
func (h *headSource) listing(root *os.Root, path, rel string) {
	d := listedDir{path: path, root: rel == ""}
	if d.root {
		rel = "."
	}
	fi, err := root.Lstat(rel)
	if err != nil {
		return
	}
	d.st = fileStamp(fi)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.listed = append(h.listed, d)
}

// relisted reports whether a directory the load listed may have gained or
// lost a file since its listing: its stamp is not the one it had, or was
// too recent to tell a later change by (see racyWindow). The caller
// holds mu.
func (h *headSource) relisted() bool {
	limit := h.since.Add(-racyWindow).UnixNano()
	for _, d := range h.listed {
		var st stamp
		var err error
		if d.root {
			var fi fs.FileInfo
			if fi, err = os.Stat(d.path); err == nil {
				st = fileStamp(fi)
			}
		} else {
			st, err = lstatStamp(d.path)
		}
		if err != nil || st != d.st || d.st.mtime >= limit || d.st.ctime >= limit {
			return true
		}
	}
	return false
}

// waits reports whether the load has files to look at: taken unlooked,
// or read before the caller's watch was in place.
func (h *headSource) waits() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.unlooked) > 0 || h.rereads()
}

// rereads reports whether recheck has files to look at again that the
// load read before the caller's watch was in place. The caller holds mu.
func (h *headSource) rereads() bool { return h.unwatched && (h.read.n > 0 || len(h.listed) > 0) }

// relOf returns the path in the directory of the file at path, which the
// load named joining dir and it.
func (h *headSource) relOf(path string) string {
	switch {
	case runtime.GOOS == "windows" || h.dir == "" || h.dir == ".":
		if r, err := filepath.Rel(h.dir, path); err == nil {
			return r
		}
		return path
	case os.IsPathSeparator(h.dir[len(h.dir)-1]):
		return path[len(h.dir):]
	}
	return path[len(h.dir)+1:]
}

// laterChecks are the loads whose looks CheckLater put off, until
// Stale takes what they found; looking are those whose looks are not
// done yet (see Looked).
type laterChecks struct {
	mu      sync.Mutex
	loads   []*laterLoad
	looking []*laterLoad
}

// laterLoad is one load with CheckLater.
type laterLoad struct {
	// delivered is closed once the load's last article is out, and heads
	// set before.
	delivered chan struct{}
	heads     []*headSource
	once      sync.Once
	// watched, when not nil, is the gate the look waits behind: the
	// caller's watch, once in place, tells of every change after it
	// (see Loader.WatchLater).
	watched *gate
	// checked is closed once the files were looked at, and stale holds
	// those found changed or gone.
	checked chan struct{}
	stale   []Source
	// of are the checks the load is one of.
	of *laterChecks
}

// laterWait is how long a load waits for Stale to ask for its looks,
// before it looks of its own accord: the caller chooses when, so that the
// looks take no core it wants (a reader's, while the user types); the
// cache file waits for them. A variable, for tests.
var laterWait = 5 * time.Second

// add counts in a load about to start; its look waits for watched when
// that is not nil.
func (c *laterChecks) add(watched *gate) *laterLoad {
	p := &laterLoad{delivered: make(chan struct{}), checked: make(chan struct{}), watched: watched, of: c}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.loads = append(c.loads, p)
	c.looking = append(c.looking, p)
	return p
}

// check looks at the load's files, once, when the caller's watch is in
// place (or ctx ends, and the look finds nothing); a load with no file to
// look at waits for nothing.
func (p *laterLoad) check(ctx context.Context) {
	p.once.Do(func() {
		if p.watched != nil && slices.ContainsFunc(p.heads, (*headSource).waits) {
			p.watched.wait(ctx)
		}
		for _, h := range p.heads {
			p.stale = append(p.stale, h.recheck(ctx)...)
		}
		close(p.checked)
		c := p.of
		c.mu.Lock()
		defer c.mu.Unlock()
		c.looking = slices.DeleteFunc(c.looking, func(q *laterLoad) bool { return q == p })
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
	if slices.ContainsFunc(heads, (*headSource).waits) {
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
// a watched directory is read again. With WatchLater, it looks at the
// files read and the directories listed before the caller's watch was in
// place too: a directory source whose listing may have missed a file
// added or removed since is returned itself, its Location unchanged, to
// be read again whole. Each is returned once. It returns nil at once when
// no such load is left, and ctx's error if ctx ends first.
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
			if err := ctx.Err(); err != nil {
				// The look may have been cut short.
				return nil, err
			}
			stale = append(stale, p.stale...)
		}
	}
}

// Looked waits until the looks that CheckLater put off, of the loads
// started so far, are done, for at most max or until ctx ends; it takes
// nothing of what Stale returns. A look waits until Stale asks for it (or
// laterWait passes) and, with WatchLater, until Watched is called: a
// caller that waits for it has those called meanwhile.
func (l *Loader) Looked(ctx context.Context, max time.Duration) {
	l.later.mu.Lock()
	looking := slices.Clone(l.later.looking)
	l.later.mu.Unlock()
	if len(looking) == 0 {
		return
	}
	timer := time.NewTimer(max)
	defer timer.Stop()
	for _, p := range looking {
		select {
		case <-p.checked:
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// WatchesLater reports whether a caller may start watching the
// directories it loads once the load is over: WatchLater is set,
// with CheckLater, DropBodies and Heads, without which no file is looked
// at again.
func (l *Loader) WatchesLater() bool {
	return l.WatchLater && l.CheckLater && l.DropBodies && l.Heads != nil
}

// Watched tells a load with WatchLater that the caller's watch of its
// directories is in place: the files read from now on are not looked at
// again, and the look at those read before, and at those taken from
// their records unlooked, goes ahead. A caller that sets WatchLater
// calls it once, whether or not it could watch; it is safe to call more
// than once, and from any goroutine.
func (l *Loader) Watched() { l.watched.open() }

// gate is closed until opened, once; its zero value is ready to use.
type gate struct {
	once   sync.Once
	ch     chan struct{}
	isOpen atomic.Bool
}

func (g *gate) init() { g.once.Do(func() { g.ch = make(chan struct{}) }) }

// open opens the gate.
func (g *gate) open() {
	g.init()
	if g.isOpen.CompareAndSwap(false, true) {
		close(g.ch)
	}
}

// opened reports whether the gate is open.
func (g *gate) opened() bool { return g.isOpen.Load() }

// wait waits until the gate is open or ctx is done.
func (g *gate) wait(ctx context.Context) {
	g.init()
	select {
	case <-g.ch:
	case <-ctx.Done():
	}
}
