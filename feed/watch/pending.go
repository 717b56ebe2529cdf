package watch

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxPending is how many paths one root may collect in a batch before the
// batch gives up on naming them and asks for a rescan instead: a reader
// rescans through its header cache faster than it applies a list that
// long, and the watcher's memory stays bounded however long the reader
// takes to come back for the batch.
const maxPending = 20000

// presence is what the watcher knows of whether a path exists.
type presence int8

// The states of a path's presence.
const (
	absent presence = iota + 1
	present
)

// entry is one path's life within a batch: whether it existed before the
// batch's first event for it, and whether it exists after the last.
type entry struct {
	before, now presence
	// dir marks a directory removed in this batch: it stands for every
	// path under it.
	dir bool
	// first and last are the times of the path's first and last event.
	first, last time.Time
}

// pending is what one root has collected toward its next batch.
type pending struct {
	// rescan, when set, says why the paths are no longer worth naming.
	rescan string
	paths  map[string]*entry
}

// empty reports whether there is nothing to send.
func (p *pending) empty() bool { return p.rescan == "" && len(p.paths) == 0 }

// setRescan gives up on the paths; the first reason stays, as the one
// that lost precision.
func (p *pending) setRescan(why string) {
	if p.rescan == "" {
		p.rescan = why
	}
	p.paths = nil
}

// get returns rel's entry, touched at at, making one whose past is
// before if there is none; nil once the batch is a rescan.
func (p *pending) get(rel string, before presence, at time.Time) *entry {
	if p.rescan != "" {
		return nil
	}
	if e := p.paths[rel]; e != nil {
		e.last = at
		return e
	}
	if len(p.paths) >= maxPending {
		p.setRescan("more than " + strconv.Itoa(maxPending) + " paths changed at once")
		return nil
	}
	if p.paths == nil {
		p.paths = make(map[string]*entry)
	}
	e := &entry{before: before, first: at, last: at}
	p.paths[rel] = e
	return e
}

// created records that a file appeared at rel. Whether it replaced one is
// unknown (a rename over a file looks like a creation), so a reader takes
// Added as "read this path", not as a promise that it is new.
func (p *pending) created(rel string, at time.Time) {
	if e := p.get(rel, absent, at); e != nil {
		e.now = present
	}
}

// changed records that the file at rel was written or its metadata
// changed.
func (p *pending) changed(rel string, at time.Time) {
	if e := p.get(rel, present, at); e != nil {
		e.now = present
	}
}

// removed records that the file at rel is gone.
func (p *pending) removed(rel string, at time.Time) {
	if e := p.get(rel, present, at); e != nil {
		e.now = absent
	}
}

// removedDir records that the directory at rel is gone with everything
// under it: what the batch knew of its contents is dropped, and the one
// path stands for them all.
func (p *pending) removedDir(rel string, at time.Time) {
	if p.rescan != "" {
		return
	}
	prefix := rel + string(filepath.Separator)
	for k := range p.paths {
		if strings.HasPrefix(k, prefix) {
			delete(p.paths, k)
		}
	}
	if e := p.get(rel, present, at); e != nil {
		e.before, e.now, e.dir = present, absent, true
	}
}

// dirGone reports whether rel names a directory removed in this batch, so
// that something new there means the directory came back.
func (p *pending) dirGone(rel string) bool {
	e := p.paths[rel]
	return e != nil && e.dir && e.now == absent
}

// split takes from p what is ready to be sent at now, and leaves in p
// what is still moving: a path touched within quiet, unless it has waited
// latency already. A batch sent because a stream of writes elsewhere hit
// the latency would otherwise cut an editor's save, or a file being
// moved away and back, in two, and the reader would see the file vanish
// and return.
func (p *pending) split(now time.Time, quiet, latency time.Duration) pending {
	ready := pending{rescan: p.rescan}
	if p.rescan != "" {
		*p = pending{}
		return ready
	}
	for rel, e := range p.paths {
		if now.Sub(e.last) < quiet && now.Sub(e.first) < latency {
			continue
		}
		if ready.paths == nil {
			ready.paths = make(map[string]*entry)
		}
		ready.paths[rel] = e
		delete(p.paths, rel)
	}
	return ready
}

// times returns the first first and the last last of p's entries; zero
// times when it has none.
func (p *pending) times() (first, last time.Time) {
	for _, e := range p.paths {
		if first.IsZero() || e.first.Before(first) {
			first = e.first
		}
		if e.last.After(last) {
			last = e.last
		}
	}
	return first, last
}

// change turns what was collected into the batch's Change for root.
func (p *pending) change(root string) Change {
	c := Change{Root: root, Rescan: p.rescan}
	for rel, e := range p.paths {
		switch {
		case e.before == absent && e.now == present:
			c.Added = append(c.Added, rel)
		case e.before == present && e.now == present:
			c.Changed = append(c.Changed, rel)
		case e.before == present && e.now == absent:
			c.Removed = append(c.Removed, rel)
		}
		// Absent before and after: a temporary file (an editor's swap or
		// backup, vim's 4913 probe) that came and went inside the window.
	}
	slices.Sort(c.Added)
	slices.Sort(c.Changed)
	slices.Sort(c.Removed)
	return c
}
