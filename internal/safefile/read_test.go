package safefile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// readSized reads what is there whatever size the file said it had, and
// fails past the cap rather than cutting the text.
func TestReadSized(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		size, max int64
		err       string
	}{
		{"as measured", "twenty bytes of text", 20, 100, ""},
		{"grew since", strings.Repeat("x", 5000), 5, 10000, ""},
		{"shrank since", "short", 100, 1000, ""},
		{"measured as empty", strings.Repeat("y", 3000), 0, 10000, ""},
		{"at the cap", strings.Repeat("z", 100), 100, 100, ""},
		{"grew past the cap", strings.Repeat("z", 5000), 10, 1000, "larger than the 1000 bytes limit"},
		{"empty", "", 0, 10, ""},
	}
	// A buffer of the worker's, too small or large enough, holding the
	// last file's bytes.
	buffers := map[string][]byte{
		"no buffer":    nil,
		"small buffer": []byte("leftover"),
		"large buffer": bytes.Repeat([]byte("leftover "), 1000),
	}
	for _, tt := range tests {
		for name, buf := range buffers {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				got, err := readSized(strings.NewReader(tt.data), tt.size, tt.max, slices.Clone(buf)[:0])
				switch {
				case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
					t.Errorf("error %v, want %q", err, tt.err)
				case tt.err == "" && (err != nil || !bytes.Equal(got, []byte(tt.data))):
					t.Errorf("read %d bytes, %v; want %d", len(got), err, len(tt.data))
				}
			})
		}
	}
}

// A missing or unreadable file keeps its identity through the path being
// dropped from the message: errors.Is tells which it was, and the message
// names no path.
func TestErrorsKeepIdentity(t *testing.T) {
	dir := t.TempDir()
	locked := filepath.Join(dir, "locked\x1b[2J.txt")
	if err := os.WriteFile(locked, []byte("secret"), 0o000); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		path  string
		errno syscall.Errno
		want  error
	}{
		{"missing", filepath.Join(dir, "missing\x1b[2J.txt"), syscall.ENOENT, fs.ErrNotExist},
		{"permission denied", locked, syscall.EACCES, fs.ErrPermission},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// What the system says, as os wraps it.
			pe := &fs.PathError{Op: "open", Path: tt.path, Err: tt.errno}
			errs := map[string]error{"CleanPathErr": CleanPathErr(pe)}
			_, errs["ReadCapped"] = ReadCapped(failingReader{pe}, 10)
			if f, err := os.Open(tt.path); err == nil {
				// Root reads any file: the real open is left to the
				// errors above.
				f.Close()
			} else {
				_, errs["ReadFile"] = ReadFile(tt.path, 1<<20)
			}
			for name, err := range errs {
				if !errors.Is(err, tt.want) {
					t.Errorf("%s: %v, want errors.Is %v", name, err, tt.want)
				}
				if err != nil && (strings.Contains(err.Error(), "\x1b") || strings.Contains(err.Error(), dir)) {
					t.Errorf("%s: message %q names the path", name, err)
				}
			}
		})
	}
}

// failingReader fails every read with err.
type failingReader struct{ err error }

func (r failingReader) Read([]byte) (int, error) { return 0, r.err }
