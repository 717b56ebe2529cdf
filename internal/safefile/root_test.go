//go:build unix

package safefile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOpenIn opens files under a root: one inside reads, a link or a
// directory link leading out is refused, a FIFO is refused at once, and
// with noLinks a link inside is refused too.
func TestOpenIn(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(root, "sub"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "sub", "in.txt"), "inside")
	write(filepath.Join(outside, "secret.txt"), "secret")
	for link, target := range map[string]string{
		"out-dir":      outside,
		"out-file.txt": filepath.Join(outside, "secret.txt"),
		"in-link.txt":  "sub/in.txt",
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	tests := []struct {
		name    string
		noLinks bool
		want    string // the content, or "" for an error
	}{
		{"sub/in.txt", true, "inside"},
		{"in-link.txt", false, "inside"},
		{"in-link.txt", true, ""},
		{"out-dir/secret.txt", false, ""},
		{"out-file.txt", false, ""},
		{"../outside/secret.txt", false, ""},
		{"fifo", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, _, err := ReadIntoIn(r, tt.name, 1<<10, tt.noLinks, nil)
			if tt.want == "" {
				if err == nil {
					t.Errorf("read %q, want an error", data)
				}
				return
			}
			if err != nil || string(data) != tt.want {
				t.Errorf("got %q, %v; want %q", data, err, tt.want)
			}
		})
	}
	if _, err := OpenDirIn(r, "out-dir"); err == nil {
		t.Error("OpenDirIn followed a link out of the root")
	}
}
