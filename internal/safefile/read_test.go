package safefile

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
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
	// Files read whole at once, and a few bytes at a time, as a reader
	// may give them.
	readers := map[string]func(string) io.Reader{
		"whole":   func(s string) io.Reader { return strings.NewReader(s) },
		"chunked": func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
	}
	for _, tt := range tests {
		for name, buf := range buffers {
			for rname, reader := range readers {
				t.Run(tt.name+"/"+name+"/"+rname, func(t *testing.T) {
					got, err := readSized(reader(tt.data), tt.size, tt.max, slices.Clone(buf)[:0])
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
}

// A file that ends short only at its end, read to its size as measured
// short of what was asked, is whole: it takes one read, not a second that
// says io.EOF. A file that grew is read on, and a reader that may stop
// short anywhere is read to io.EOF.
func TestReadSizedReadsOnce(t *testing.T) {
	for _, n := range []int{0, 1, 100, 5000} {
		data := strings.Repeat("x", n)
		r := &countingReader{r: strings.NewReader(data)}
		got, err := readSized(fileReader{r}, int64(n), 1<<20, nil)
		if err != nil || string(got) != data {
			t.Fatalf("%d bytes: read %d, %v", n, len(got), err)
		}
		if r.reads != 1 {
			t.Errorf("%d bytes: %d reads, want 1", n, r.reads)
		}
		r = &countingReader{r: strings.NewReader(data)}
		if _, err := readSized(r, int64(n), 1<<20, nil); err != nil || r.reads != 2 && n > 0 {
			t.Errorf("%d bytes from a reader that may stop short: %d reads, %v; want 2", n, r.reads, err)
		}
	}
	// Measured at 10 bytes, grown to 11 since: the 11th is read.
	r := fileReader{strings.NewReader("eleven byte")}
	if got, err := readSized(r, 10, 1<<20, nil); err != nil || string(got) != "eleven byte" {
		t.Errorf("a file grown by a byte: %q, %v", got, err)
	}
}

// countingReader counts the reads of r.
type countingReader struct {
	r     io.Reader
	reads int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.reads++
	return c.r.Read(p)
}

// fileReader reads as a regular file's descriptor does (endsShort).
type fileReader struct{ io.Reader }

func (fileReader) endsShort() {}

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
