package safefile

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestNextDirentDamaged(t *testing.T) {
	for _, b := range [][]byte{nil, make([]byte, 18), append(make([]byte, 16), 0xff, 0xff, 0, 'a'), append(make([]byte, 16), 5, 0, 0, 'a')} {
		if _, _, _, ok := nextDirent(b); ok {
			t.Errorf("%v decoded", b)
		}
	}
}

// lstatType, which Dirents asks of an entry whose type the file system
// does not give, tells each kind as lstat does, never following a link,
// and fails for an entry gone since it was listed.
func TestLstatType(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("sub", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]fs.FileMode{"a.txt": 0, "sub": fs.ModeDir, "link": fs.ModeSymlink} {
		if got, err := lstatType(rc, []byte(name)); err != nil || got != want {
			t.Errorf("%s: %v, %v; want %v", name, got, err, want)
		}
	}
	if _, err := lstatType(rc, []byte("gone")); err == nil {
		t.Error("a missing entry has a type")
	}
}
