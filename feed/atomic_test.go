package feed

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWriteFileAtomicReaders rewrites a file over and over while another
// goroutine reads it: every read sees one whole version, never a mix or a
// truncated file, and no temporary file is left behind.
func TestWriteFileAtomicReaders(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state")
	versions := [][]byte{bytes.Repeat([]byte("a"), 1<<20), bytes.Repeat([]byte("b"), 1<<20+17)}
	if err := WriteFileAtomic(path, versions[0], 0o600); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var bad []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		for reads := 0; ; reads++ {
			select {
			case <-stop:
				if reads == 0 {
					bad = append(bad, "no reads")
				}
				return
			default:
			}
			data, err := os.ReadFile(path)
			if err != nil {
				bad = append(bad, err.Error())
				continue
			}
			if !bytes.Equal(data, versions[0]) && !bytes.Equal(data, versions[1]) {
				bad = append(bad, "a read of "+strings.TrimSpace(humanBytes(int64(len(data))))+" matching neither version")
			}
		}
	}()
	for i := range 40 {
		if err := WriteFileAtomic(path, versions[i%2], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if len(bad) > 0 {
		t.Fatalf("%d bad reads, first: %s", len(bad), bad[0])
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %q", left)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v", fi.Mode(), err)
	}
}

// TestWriteFileAtomicFailure makes the final rename fail (the target is a
// directory): the old contents stay, the error says so, and the
// temporary file is removed.
func TestWriteFileAtomicFailure(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "config.toml")
	if err := os.MkdirAll(filepath.Join(target, "keep"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(target, []byte("new"), 0o600)
	if err == nil || !strings.Contains(err.Error(), "rename") {
		t.Fatalf("error %v, want a rename failure", err)
	}
	if strings.Contains(err.Error(), dir) {
		t.Errorf("error %q embeds the raw path", err)
	}
	if _, err := os.Stat(filepath.Join(target, "keep")); err != nil {
		t.Errorf("the old contents were touched: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %q", left)
	}
}

// TestWriteFileAtomicSymlink checks that a link planted at the state path
// is replaced, not written through: the file it points to is untouched.
func TestWriteFileAtomicSymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	writeFile(t, victim, []byte("precious"))
	path := filepath.Join(dir, "config.toml")
	symlink(t, victim, path)
	if err := WriteFileAtomic(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(victim); string(data) != "precious" {
		t.Errorf("written through the link: victim holds %q", data)
	}
	if fi, err := os.Lstat(path); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("path is %v, %v; want a regular file", fi.Mode(), err)
	}
}

// TestConfigCrashMidWrite simulates a crash during Save: a temporary file
// holding half a config is left beside the real one. Loading reads the
// real config, whole; the next Save succeeds and replaces it.
func TestConfigCrashMidWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gazette", "config.toml")
	c, _ := LoadConfig(path)
	if _, err := c.Add("https://example.org/feed.xml", "Example", []string{"Russia"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// What a crash after half a write leaves: the temporary file.
	half := append([]byte(nil), whole[:len(whole)/2]...)
	writeFile(t, filepath.Join(filepath.Dir(path), ".tmp-config.toml-123456"), half)

	got, err := LoadConfig(path)
	if err != nil {
		t.Fatalf("load after the crash: %v", err)
	}
	if srcs := got.Sources(); len(srcs) != 1 || srcs[0].Location != "https://example.org/feed.xml" {
		t.Errorf("sources %+v", srcs)
	}
	if _, err := got.Add(filepath.Join(dir, "news"), "", nil); err != nil {
		t.Fatal(err)
	}
	if err := got.Save(path); err != nil {
		t.Fatalf("save after the crash: %v", err)
	}
	again, err := LoadConfig(path)
	if err != nil || len(again.Sources()) != 2 {
		t.Fatalf("reload: %v", err)
	}

	// A config that is itself cut short (written by hand, or by another
	// program without a rename) is an error with a line, never a crash
	// and never a silently shorter list.
	data, _ := os.ReadFile(path)
	for cut := 1; cut < len(data); cut += max(1, len(data)/40) {
		if err := os.WriteFile(path, data[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := LoadConfig(path)
		if err == nil && len(c.Sources()) > 2 {
			t.Fatalf("cut at %d: %d sources", cut, len(c.Sources()))
		}
	}
}

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
