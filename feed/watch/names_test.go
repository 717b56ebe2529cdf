package watch

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"testing"
)

// readNames gives every entry os.ReadDir gives, each with whether it is
// a directory; a link to a directory is not one, and is never followed.
func TestReadNames(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"sub", ".hidden"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Enough names to take more than one read of the buffer.
	for i := range 1500 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("story-with-a-long-name-%04d.txt", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("sub", filepath.Join(dir, "link")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	want := map[string]bool{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		want[e.Name()] = e.IsDir()
	}
	got := map[string]bool{}
	err = readNames(dir, func(name []byte, isDir bool) {
		if _, twice := got[string(name)]; twice {
			t.Errorf("%q given twice", name)
		}
		got[string(name)] = isDir
	})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("%d names, want %d; sub %v, link %v", len(got), len(want), got["sub"], got["link"])
	}
	if !got["sub"] || got["link"] {
		t.Errorf("sub a directory: %v, link one: %v", got["sub"], got["link"])
	}
	if err := readNames(filepath.Join(dir, "gone"), func([]byte, bool) {}); err == nil {
		t.Error("a missing directory listed")
	}
}
