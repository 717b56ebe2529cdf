package load

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestReadDirRaw shows that the raw listing gives each entry the name,
// type and FileInfo os.ReadDir and os.Lstat give, in a directory of every
// kind of entry, and in a directory below the root.
func TestReadDirRaw(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	for _, d := range []string{sub} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"a.txt", "b.md", "sub/c.txt"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.txt", filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Enough entries to take more than one read of the buffer.
	for i := range 2000 {
		name := filepath.Join(sub, "file-with-a-rather-long-name-to-fill-the-buffer-"+string(rune('a'+i%26))+"-"+strconv.Itoa(i)+".txt")
		if err := os.WriteFile(name, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for _, rel := range []string{"", "sub"} {
		want, err := os.ReadDir(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		var got []fs.DirEntry
		var kept []*os.File
		keep := func(f *os.File) bool { kept = append(kept, f); return true }
		if rel == "sub" {
			keep = nil // looked up through the root
		}
		more, err := readDir(root, rel, keep, func(d fs.DirEntry) bool { got = append(got, d); return true })
		if err != nil || !more {
			t.Fatalf("%q: more %v, err %v", rel, more, err)
		}
		byName := func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) }
		slices.SortFunc(got, byName)
		if len(got) != len(want) {
			t.Fatalf("%q: %d entries, want %d", rel, len(got), len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.Name() != w.Name() || g.Type() != w.Type() || g.IsDir() != w.IsDir() {
				t.Errorf("%q: entry %q %v, want %q %v", rel, g.Name(), g.Type(), w.Name(), w.Type())
			}
			gi, err := g.Info()
			if err != nil {
				t.Fatal(err)
			}
			wi, err := os.Lstat(filepath.Join(dir, rel, w.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if fileStamp(gi) != fileStamp(wi) || gi.Mode() != wi.Mode() || gi.Size() != wi.Size() || !gi.ModTime().Equal(wi.ModTime()) || gi.IsDir() != wi.IsDir() || gi.Name() != wi.Name() {
				t.Errorf("%q: info of %q differs from lstat", rel, g.Name())
			}
			// The stamp a cache lookup takes, made without a FileInfo in a
			// kept directory, is the one the FileInfo gives.
			if st, err := entryStamp(g); err != nil || st != fileStamp(wi) {
				t.Errorf("%q: stamp of %q is %+v (%v), want %+v", rel, g.Name(), st, err, fileStamp(wi))
			}
		}
		// A file gone since it was listed has no stamp.
		i := slices.IndexFunc(got, func(d fs.DirEntry) bool { return d.Type().IsRegular() })
		gone := got[i]
		if err := os.Remove(filepath.Join(dir, rel, gone.Name())); err != nil {
			t.Fatal(err)
		}
		if _, err := entryStamp(gone); err == nil {
			t.Errorf("%q: a stamp for %q, removed", rel, gone.Name())
		}
		for _, f := range kept {
			f.Close()
		}
	}
	// Stopping early says so.
	n := 0
	if more, err := readDir(root, "sub", nil, func(fs.DirEntry) bool { n++; return n < 3 }); more || err != nil || n != 3 {
		t.Errorf("stopped: more %v, err %v after %d", more, err, n)
	}
}
