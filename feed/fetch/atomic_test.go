package fetch

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestCacheCrashMidWrite leaves what a crash during Put would leave, a
// temporary file beside the entry, and writes entries while another
// goroutine reads them: Get returns the old entry or the new one, whole.
func TestCacheCrashMidWrite(t *testing.T) {
	cache := &Cache{Dir: t.TempDir()}
	const u = "https://example.org/feed"
	old := &CacheEntry{URL: u, ETag: `"old"`, FetchedAt: time.Unix(1, 0).UTC(), Body: bytes.Repeat([]byte("o"), 200<<10)}
	if err := cache.Put(old); err != nil {
		t.Fatal(err)
	}
	entry, err := os.ReadFile(cache.path(u))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(cache.Dir, ".tmp-"+filepath.Base(cache.path(u))+"-99"), entry[:len(entry)/3])
	if e, ok := cache.Get(u); !ok || e.ETag != `"old"` || !bytes.Equal(e.Body, old.Body) {
		t.Fatalf("entry after the crash: %v", ok)
	}

	newer := &CacheEntry{URL: u, ETag: `"new"`, FetchedAt: time.Unix(2, 0).UTC(), Body: bytes.Repeat([]byte("n"), 300<<10)}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			e, ok := cache.Get(u)
			switch {
			case !ok:
				bad = append(bad, "missing")
			case e.ETag == `"old"` && bytes.Equal(e.Body, old.Body), e.ETag == `"new"` && bytes.Equal(e.Body, newer.Body):
			default:
				bad = append(bad, "mixed entry "+e.ETag)
			}
		}
	}()
	for i := range 30 {
		e := old
		if i%2 == 0 {
			e = newer
		}
		if err := cache.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("%d bad reads, first: %s", len(bad), bad[0])
	}
}

// writeFile writes a test file, failing the test if it cannot.
func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
