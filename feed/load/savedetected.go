package load

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/gazette-news/gazette/feed"
)

// lateDetections are the countries detected in files that a lazy load
// put off (see Loader.LazyDetect), found by Body since, by absolute path.
type lateDetections struct {
	mu   sync.Mutex
	recs map[string]lateDetection
}

// lateDetection is one file's detected countries, and the file's stamp
// when they were detected in it.
type lateDetection struct {
	st       stamp
	mentions []feed.Mention
}

// maxLate bounds the detections kept for SaveDetected: the files of
// DefaultMaxFiles, at a few dozen bytes each.
const maxLate = DefaultMaxFiles

func (d *lateDetections) add(path string, st stamp, ms []feed.Mention) {
	if path == "" {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.recs == nil {
		d.recs = make(map[string]lateDetection)
	}
	if len(d.recs) < maxLate {
		d.recs[path] = lateDetection{st: st, mentions: slices.Clip(ms)}
	}
}

// take returns the detections kept, and forgets them.
func (d *lateDetections) take() map[string]lateDetection {
	d.mu.Lock()
	defer d.mu.Unlock()
	recs := d.recs
	d.recs = nil
	return recs
}

// SaveDetected writes the countries Body detected in put-off articles
// into the header cache of each directory source, so that the next load
// takes them from there, detected, instead of reading those files again
// (a load that is not lazy would) or detecting them again in the
// background (a lazy one would). A file changed since it was cached keeps
// its record as it was: the next load reads it again anyway. It writes
// nothing without a cache or a detection to save.
func (l *Loader) SaveDetected(srcs []Source) error {
	if l.Heads == nil {
		return nil
	}
	recs := l.Heads.late.take()
	if len(recs) == 0 {
		return nil
	}
	st := newLoadState()
	var first error
	for _, src := range srcs {
		root := st.absPath(src.Location)
		if src.FS != nil || root == "" || feed.IsURL(src.Location) {
			continue
		}
		if err := l.Heads.saveDetected(root, recs); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// saveDetected rewrites the cache of the directory root with the
// detections of its files among recs. It copies the cache file record by
// record, as it reads it, so that the reader's memory does not hold a
// second copy of every header meanwhile.
func (c *HeadCache) saveDetected(root string, recs map[string]lateDetection) error {
	prefix := root + string(filepath.Separator)
	mine := false
	for path := range recs {
		if strings.HasPrefix(path, prefix) {
			mine = true
			break
		}
	}
	build := c.build()
	if !mine || build == "" {
		return nil
	}
	h := &headSource{cache: c, root: root, build: build, since: c.clock()}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.create(); err != nil {
		return err
	}
	saved := 0
	err := h.scan(func(rec, rel, rest []byte) {
		st, n, ok := readStamp(rest)
		d, found := recs[filepath.Join(root, string(rel))]
		if ok && found && d.st == st {
			// The file is as it was when detected in, and as cached.
			if a, err := feed.DecodeHead(string(rest[n:]), nil); err == nil && a.Undetected {
				a.Mentions, a.Undetected = d.mentions, false
				e := &h.scratch
				e.b = e.b[:0]
				e.str(string(rel))
				e.stamp(st)
				e.b = feed.AppendHead(e.b, a)
				h.put(e.b)
				saved++
				return
			}
		}
		h.put(rec)
	}, nil)
	if err == nil {
		err = h.outErr
	}
	if err == nil && saved > 0 {
		err = h.finish()
	}
	if err != nil || saved == 0 {
		h.drop()
	}
	return err
}
