package watch

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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

// get returns rel's entry, making one whose past is before if there is
// none; nil once the batch is a rescan.
func (p *pending) get(rel string, before presence) *entry {
	if p.rescan != "" {
		return nil
	}
	if e := p.paths[rel]; e != nil {
		return e
	}
	if len(p.paths) >= maxPending {
		p.setRescan("more than " + strconv.Itoa(maxPending) + " paths changed at once")
		return nil
	}
	if p.paths == nil {
		p.paths = make(map[string]*entry)
	}
	e := &entry{before: before}
	p.paths[rel] = e
	return e
}

// created records that a file appeared at rel. Whether it replaced one is
// unknown (a rename over a file looks like a creation), so a reader takes
// Added as "read this path", not as a promise that it is new.
func (p *pending) created(rel string) {
	if e := p.get(rel, absent); e != nil {
		e.now = present
	}
}

// changed records that the file at rel was written or its metadata
// changed.
func (p *pending) changed(rel string) {
	if e := p.get(rel, present); e != nil {
		e.now = present
	}
}

// removed records that the file at rel is gone.
func (p *pending) removed(rel string) {
	if e := p.get(rel, present); e != nil {
		e.now = absent
	}
}

// removedDir records that the directory at rel is gone with everything
// under it: what the batch knew of its contents is dropped, and the one
// path stands for them all.
func (p *pending) removedDir(rel string) {
	if p.rescan != "" {
		return
	}
	prefix := rel + string(filepath.Separator)
	for k := range p.paths {
		if strings.HasPrefix(k, prefix) {
			delete(p.paths, k)
		}
	}
	if e := p.get(rel, present); e != nil {
		e.before, e.now, e.dir = present, absent, true
	}
}

// dirGone reports whether rel names a directory removed in this batch, so
// that something new there means the directory came back.
func (p *pending) dirGone(rel string) bool {
	e := p.paths[rel]
	return e != nil && e.dir && e.now == absent
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
