package safefile

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWriteFileAtomicReaders rewrites a file over and over while another
// goroutine reads it: every read sees one whole version, never a mix or a
// truncated file, and no temporary file is left behind. A cache file,
// written without the sync, is the same to a reader.
func TestWriteFileAtomicReaders(t *testing.T) {
	t.Run("synced", func(t *testing.T) { checkAtomicReaders(t, WriteFileAtomic) })
	t.Run("cache", func(t *testing.T) { checkAtomicReaders(t, WriteCacheFile) })
}

func checkAtomicReaders(t *testing.T, write func(string, []byte, os.FileMode) error) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state")
	versions := [][]byte{bytes.Repeat([]byte("a"), 1<<20), bytes.Repeat([]byte("b"), 1<<20+17)}
	if err := write(path, versions[0], 0o600); err != nil {
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
				bad = append(bad, "a read of "+strconv.Itoa(len(data))+" bytes"+" matching neither version")
			}
		}
	}()
	for i := range 40 {
		if err := write(path, versions[i%2], 0o600); err != nil {
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

// writeFile writes a test file, failing the test if it cannot.
func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// symlink makes a symbolic link, skipping the test where there are none.
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// A cache file's temporary files that a killed program left behind go at
// its next write; one being written now, another file's, and one that is
// not a regular file stay.
func TestWriteCacheFileRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "copy")
	prefix := filepath.Join(dir, TempPrefix(path))
	old := time.Now().Add(-2 * StaleTemp)
	stale, fresh, other := prefix+"killed", prefix+"running", filepath.Join(dir, TempPrefix("other")+"killed")
	for _, name := range []string{stale, fresh, other} {
		if err := os.WriteFile(name, []byte("part"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	staleDir := prefix + "dir"
	if err := os.Mkdir(staleDir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{stale, other, staleDir} {
		if err := os.Chtimes(name, old, old); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteCacheFile(path, []byte("whole"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a stale temporary file stayed: %v", err)
	}
	for _, name := range []string{fresh, other, staleDir} {
		if _, err := os.Stat(name); err != nil {
			t.Errorf("%s went: %v", filepath.Base(name), err)
		}
	}
	if data, err := os.ReadFile(path); err != nil || string(data) != "whole" {
		t.Errorf("the file: %q, %v", data, err)
	}
}
