package load

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzJoinClean checks joinClean against filepath.Join for every clean
// directory and every name a directory can hold.
func FuzzJoinClean(f *testing.F) {
	for _, s := range [][2]string{{"", "a.txt"}, {".", "a"}, {"/", "a"}, {"news", "b"}, {"/tmp/news/sub", "c.md"}, {"..", "x"}, {"../..", "y"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, dir, name string) {
		if dir != "" {
			dir = filepath.Clean(dir)
		}
		if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) || strings.ContainsRune(name, 0) {
			return
		}
		if got, want := joinClean(dir, name), filepath.Join(dir, name); got != want {
			t.Errorf("joinClean(%q, %q) = %q, want %q", dir, name, got, want)
		}
	})
}
