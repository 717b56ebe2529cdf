package fetch

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// DefaultCacheSize caps the cache's entries together: 256 MiB.
const DefaultCacheSize = 256 << 20

// trimmer runs one eviction at a time, off the path of the fetch that
// asked for it; a request while one runs makes it run again after.
type trimmer struct {
	mu      sync.Mutex
	running bool
	again   bool
	wg      sync.WaitGroup
	// known is set once a trim has measured the cache; total is then what
	// the entries take, counting each write since as new bytes, so that
	// the directory is listed again only when the cap may be passed.
	known bool
	total int64
}

func (c *Cache) maxSize() int64 {
	if c.MaxSize > 0 {
		return c.MaxSize
	}
	return DefaultCacheSize
}

// wrote records an entry of n bytes written, and evicts entries in the
// background when the cache may be past its cap.
func (c *Cache) wrote(n int64) {
	t := &c.trim
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.running {
		// The running trim may have listed the directory before this
		// entry was written, and the total it ends with would leave it
		// out: it runs again.
		t.again = true
		return
	}
	if t.known && t.total+n <= c.maxSize() {
		t.total += n
		return
	}
	t.running = true
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		for {
			total := c.Trim()
			t.mu.Lock()
			t.known, t.total = true, total
			if !t.again {
				t.running = false
				t.mu.Unlock()
				return
			}
			t.again = false
			t.mu.Unlock()
		}
	}()
}

// Wait waits for an eviction running in the background to end, such as
// before the program exits.
func (c *Cache) Wait() { c.trim.wg.Wait() }

// isEntryName reports whether a file name is an entry's: the SHA-256 of a
// URL in lower-case hex. Nothing else in the directory (the header cache,
// temporary files) is the cache's to evict.
func isEntryName(name string) bool {
	if len(name) != 64 {
		return false
	}
	for _, r := range name {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// Trim removes the least recently used entries (a read or a write uses
// one; its file's modification time says when) until the entries take no
// more than nine tenths of the cap, when they take more than the cap. It
// returns the bytes the entries take after.
func (c *Cache) Trim() int64 {
	ents, err := os.ReadDir(c.Dir)
	if err != nil {
		return 0
	}
	type entry struct {
		name string
		size int64
		used time.Time
	}
	var all []entry
	var total int64
	for _, d := range ents {
		if !d.Type().IsRegular() || !isEntryName(d.Name()) {
			continue
		}
		fi, err := d.Info()
		if err != nil {
			continue
		}
		all = append(all, entry{d.Name(), fi.Size(), fi.ModTime()})
		total += fi.Size()
	}
	max := c.maxSize()
	if total <= max {
		return total
	}
	slices.SortFunc(all, func(a, b entry) int { return a.used.Compare(b.used) })
	for _, e := range all {
		if total <= max/10*9 {
			break
		}
		if err := os.Remove(filepath.Join(c.Dir, e.name)); err == nil {
			total -= e.size
		}
	}
	return total
}

// touch marks an entry used now, so that eviction keeps it longer; a
// failure only makes it look older.
func touch(path string, now time.Time) {
	_ = os.Chtimes(path, now, now)
}
