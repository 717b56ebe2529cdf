//go:build unix

package feed

import (
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A directory swapped for a FIFO between listing and reading is refused
// at once: opening a FIFO to read would wait for a writer forever.
func TestReadDirFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "dir")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := readDir(fifo, func(fs.DirEntry) bool { return true })
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
