package load

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
)

// TestLoadDeeperThanPathMax nests directories past PATH_MAX (4096 bytes of
// path), which only *at system calls can create. The shallow article
// loads; the too-long path is one error, and the load ends.
func TestLoadDeeperThanPathMax(t *testing.T) {
	root := t.TempDir()
	name := strings.Repeat("d", 200)
	fd, err := syscall.Open(root, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	const levels = 30 // 30 × 201 bytes: past 4096 at level 21
	for i := range levels {
		if i == 5 || i == levels-1 {
			f, err := syscall.Openat(fd, fmt.Sprintf("level%d.txt", i), syscall.O_CREAT|syscall.O_WRONLY, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			syscall.Write(f, article(fmt.Sprintf("Level %d", i)))
			syscall.Close(f)
		}
		if i == levels-1 {
			break
		}
		if err := syscall.Mkdirat(fd, name, 0o755); err != nil {
			t.Fatal(err)
		}
		next, err := syscall.Openat(fd, name, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
		if err != nil {
			t.Fatal(err)
		}
		syscall.Close(fd)
		fd = next
	}
	syscall.Close(fd)

	r := loadWithin(t, &Loader{}, Source{Location: root})
	if got := r.titles(); len(got) != 1 || got[0] != "Level 5" {
		t.Errorf("loaded %q, want only the shallow article", got)
	}
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "file name too long") {
		t.Errorf("errors %q, want one about the long path", r.errs)
	}
}
