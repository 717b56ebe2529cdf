package fetch

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// cacheBytes sums the entry files of a cache directory.
func cacheBytes(t *testing.T, dir string) (total int64, n int) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ents {
		if isEntryName(d.Name()) {
			fi, err := d.Info()
			if err != nil {
				t.Fatal(err)
			}
			total += fi.Size()
			n++
		}
	}
	return total, n
}

// TestCacheStaysUnderCap writes far more than the cap: once the
// background eviction has run, the entries fit the cap, the newest entry
// is kept, and files that are not entries are left alone.
func TestCacheStaysUnderCap(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "heads", "x")
	if err := os.MkdirAll(filepath.Dir(other), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, bytes.Repeat([]byte("h"), 100<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &Cache{Dir: dir, MaxSize: 64 << 10}
	body := bytes.Repeat([]byte("x"), 4<<10)
	var last string
	for i := range 100 {
		last = fmt.Sprintf("https://example.org/%d", i)
		if err := c.Put(&CacheEntry{URL: last, FetchedAt: time.Unix(0, 0), Body: body}); err != nil {
			t.Fatal(err)
		}
	}
	c.Wait()
	total, n := cacheBytes(t, dir)
	if total > c.MaxSize || n == 0 {
		t.Errorf("%d entries take %d bytes, cap %d", n, total, c.MaxSize)
	}
	if _, ok := c.Get(last); !ok {
		t.Error("the newest entry was evicted")
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("a file that is no entry was removed: %v", err)
	}
}

// TestCacheEvictsLeastRecentlyUsed trims a cache past its cap: the entries
// used longest ago go first, and one read recently stays.
func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	dir := t.TempDir()
	c := &Cache{Dir: dir, MaxSize: 1 << 30}
	body := bytes.Repeat([]byte("x"), 10<<10)
	base := time.Now().Add(-time.Hour)
	for i := range 10 {
		u := fmt.Sprintf("https://example.org/%d", i)
		if err := c.Put(&CacheEntry{URL: u, Body: body}); err != nil {
			t.Fatal(err)
		}
		stamp := base.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(c.path(u), stamp, stamp); err != nil {
			t.Fatal(err)
		}
	}
	c.Wait()
	// Entry 0, the oldest, is read now: it becomes the most recent.
	if _, ok := c.Get("https://example.org/0"); !ok {
		t.Fatal("entry 0 missing")
	}
	one, _ := cacheBytes(t, dir)
	one /= 10
	c.MaxSize = one * 5
	total := c.Trim()
	if total > c.MaxSize {
		t.Errorf("after Trim: %d bytes, cap %d", total, c.MaxSize)
	}
	kept := map[int]bool{}
	for i := range 10 {
		if _, err := os.Stat(c.path(fmt.Sprintf("https://example.org/%d", i))); err == nil {
			kept[i] = true
		}
	}
	if !kept[0] || !kept[9] || kept[1] || kept[2] {
		t.Errorf("kept %v; want 0 (read last) and the newest, not 1 and 2", kept)
	}
}
