package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestReadIntoAt(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.txt", "hello\n")
	write("big.txt", strings.Repeat("x", 100))
	if err := os.Symlink("a.txt", filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	fd := int(d.Fd())
	data, fi, err := ReadIntoAt(fd, "a.txt", filepath.Join(dir, "a.txt"), 1<<20, nil, nil)
	if err != nil || string(data) != "hello\n" || fi.Size() != 6 || !fi.Mode().IsRegular() {
		t.Fatalf("a.txt: %q, %v, %v", data, fi, err)
	}
	// The FileInfo is the one lstat gives the file: what a stamp of it
	// (size, times, inode) is made of.
	want, err := os.Lstat(filepath.Join(dir, "a.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := fi.Sys().(*unix.Stat_t)
	wantSys := want.Sys().(*syscall.Stat_t)
	if fi.Name() != "a.txt" || fi.Mode() != want.Mode() || !fi.ModTime().Equal(want.ModTime()) || fi.IsDir() ||
		got == nil || got.Ino != wantSys.Ino || got.Ctim != unix.Timespec(wantSys.Ctim) {
		t.Errorf("a.txt: FileInfo %+v, want that of %+v", fi, want)
	}
	// A StatInfo lent is filled, and returned, file after file, with
	// nothing left of the one before.
	if err := os.WriteFile(filepath.Join(dir, "b.txt"), []byte("hi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	lent := &StatInfo{FileName: "stale", Stat: unix.Stat_t{Size: 99, Nlink: 99}}
	for _, c := range []struct {
		name string
		size int64
	}{{"a.txt", 6}, {"b.txt", 3}} {
		_, fi, err := ReadIntoAt(fd, c.name, c.name, 1<<20, nil, lent)
		if err != nil || fi != fs.FileInfo(lent) || fi.Name() != c.name || fi.Size() != c.size || lent.Stat.Nlink != 1 {
			t.Errorf("%s, lent a StatInfo: %+v, %v; want it filled", c.name, fi, err)
		}
	}
	if _, _, err := ReadIntoAt(fd, "link.txt", "link.txt", 1<<20, nil, nil); !errors.Is(err, errBecameLink) {
		t.Errorf("a link: %v, want it refused", err)
	}
	done := make(chan error, 1)
	go func() { _, _, err := ReadIntoAt(fd, "fifo.txt", "fifo.txt", 1<<20, nil, nil); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("a FIFO: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a FIFO was waited on")
	}
	for _, name := range []string{"sub", "missing.txt", "sub/../a.txt", "../a.txt", "", ".."} {
		if _, _, err := ReadIntoAt(fd, name, name, 1<<20, nil, nil); err == nil {
			t.Errorf("%q read", name)
		}
	}
	if _, _, err := ReadIntoAt(fd, "big.txt", "big.txt", 10, nil, nil); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("over the cap: %v", err)
	}
}
