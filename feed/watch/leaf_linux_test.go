package watch

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// A directory is a leaf, not to be listed for subdirectories, only where
// its file system keeps the link count that says so, and only while it
// has no subdirectory.
func TestLeafDir(t *testing.T) {
	for _, base := range []string{t.TempDir(), "/dev/shm"} {
		if _, err := os.Stat(base); err != nil {
			continue
		}
		dir, err := os.MkdirTemp(base, "leaf")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		var fs unix.Statfs_t
		if err := unix.Statfs(dir, &fs); err != nil {
			t.Fatal(err)
		}
		counts := countsSubdirs(uint32(fs.Type))
		if err := os.WriteFile(filepath.Join(dir, "a.txt"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := leafDir(dir); got != counts {
			t.Errorf("%s (file system %#x): leaf %v, want %v", dir, fs.Type, got, counts)
		}
		if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if leafDir(dir) {
			t.Errorf("%s: a leaf, with a subdirectory", dir)
		}
		if got := leafDir(filepath.Join(dir, "sub")); got != counts {
			t.Errorf("%s: the empty subdirectory a leaf %v, want %v", dir, got, counts)
		}
		if err := os.Symlink("sub", filepath.Join(dir, "link")); err != nil {
			t.Fatal(err)
		}
		if leafDir(filepath.Join(dir, "link")) {
			t.Errorf("%s: a link taken for a leaf directory", dir)
		}
		if leafDir(filepath.Join(dir, "a.txt")) || leafDir(filepath.Join(dir, "gone")) {
			t.Errorf("%s: a file, or nothing, taken for a leaf directory", dir)
		}
	}
}
