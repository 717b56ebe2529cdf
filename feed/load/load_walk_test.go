//go:build unix

package load

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-news/gazette/internal/safefile"
)

// A directory swapped for a FIFO between listing and reading is refused
// at once: opening a FIFO to read would wait for a writer forever.
func TestReadDirFIFO(t *testing.T) {
	base := t.TempDir()
	fifo := filepath.Join(base, "dir")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	root, err := os.OpenRoot(base)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	done := make(chan error, 1)
	go func() {
		_, err := readDir(root, "dir", nil, func(fs.DirEntry) bool { return true })
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("readDir of a FIFO: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("readDir waited on a FIFO")
	}
}

// A file listed as a regular file and then swapped for a link is refused,
// not followed: the link could lead out of the directory.
func TestReadFileListedRegular(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.txt")
	writeFile(t, secret, article("Secret"))
	link := filepath.Join(dir, "swapped.txt")
	symlink(t, secret, link)
	if _, _, err := safefile.ReadInto(link, 1<<20, true, nil); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("reading a link in place of a listed file: %v", err)
	}
	if data, _, err := safefile.ReadInto(link, 1<<20, false, nil); err != nil || !strings.Contains(string(data), "Secret") {
		t.Errorf("a link named on the command line is followed: %q, %v", data, err)
	}
}
