package load

import (
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestLoadDeeperThanPathMax nests directories past PATH_MAX (4096 bytes of
// path), which only *at system calls can create. Files are opened
// relative to their directory, through the source's root, so both
// articles load, the one past PATH_MAX too, and the load ends.
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
	if got := r.titles(); len(got) != 2 || !slices.Contains(got, "Level 5") || !slices.Contains(got, "Level 29") {
		t.Errorf("loaded %q, want both articles", got)
	}
	if len(r.errs) != 0 {
		t.Errorf("errors %q, want none", r.errs)
	}
}
