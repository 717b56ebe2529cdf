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
// detections of its files among recs.
func (c *HeadCache) saveDetected(root string, recs map[string]lateDetection) error {
	prefix := root + string(filepath.Separator)
	mine := false
	for path := range recs {
		if strings.HasPrefix(path, prefix) {
			mine = true
			break
		}
	}
	if !mine {
		return nil
	}
	h := c.openHeads(root)
	if h == nil {
		return nil
	}
	<-h.ready
	h.patch = true
	for rel, rec := range h.old {
		rec.used = true
		d, ok := recs[filepath.Join(root, rel)]
		if !ok || d.st != rec.st {
			continue
		}
		a, err := feed.DecodeHead(rec.body, nil)
		if err != nil || !a.Undetected {
			continue
		}
		a.Mentions, a.Undetected = d.mentions, false
		rec.used = false
		h.store(rel, rec.st, a)
	}
	if len(h.freshKeys) == 0 {
		h.discard()
		return nil
	}
	h.hits.Add(1)
	return h.write()
}
