// Package safefile reads files that may be hostile, within a cap and
// without blocking, and writes files atomically. It is a leaf: it imports
// nothing of gazette's, so that feed/load, feed/fetch and internal/config
// share one way to touch the disk.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"

	"github.com/gazette-news/gazette/internal/humanize"
)

// ReadFile reads at most max bytes of a regular file. It never blocks on a
// FIFO or reads a device: the file is opened non-blocking and checked after
// opening, so a file swapped for something else between listing and
// reading is refused too.
func ReadFile(path string, max int64) ([]byte, error) {
	data, _, err := ReadInto(path, max, false, nil)
	return data, err
}

// ReadInto is ReadFile, also returning what fstat said of the file. With
// noLinks, a symbolic link is refused rather than followed. The file is
// read into buf when it fits, so that a worker reading file after file
// keeps one buffer.
func ReadInto(path string, max int64, noLinks bool, buf []byte) ([]byte, fs.FileInfo, error) {
	f, fi, err := Open(path, noLinks)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if fi.Size() > max {
		return nil, nil, fmt.Errorf("file is %s, over the %s limit", humanize.Bytes(fi.Size()), humanize.Bytes(max))
	}
	data, err := readSized(f, fi.Size(), max, buf)
	return data, fi, err
}

// Open opens a regular file to read, never blocking on a FIFO, and returns
// it with what fstat said of it. Anything but a regular file is refused
// after opening, so a file swapped for something else since it was listed
// is refused too. With noLinks, a symbolic link is refused rather than
// followed. Errors carry no path: the caller names the file itself.
func Open(path string, noLinks bool) (*os.File, fs.FileInfo, error) {
	f, err := openFile(path, noLinks)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, CleanPathErr(err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, errors.New("not a regular file")
	}
	return f, fi, nil
}

// errBecameLink refuses a file listed as a regular file that is a link now.
var errBecameLink = errors.New("became a symbolic link after it was listed; skipped")

// isLink reports whether path is a symbolic link now, for the message of a
// refused open.
func isLink(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}

// readSized reads all of r, whose size is probably size, failing rather
// than truncating past max bytes. One buffer of the right size is read
// into (buf, when it is large enough), where io.ReadAll would grow one
// through several; a file that grew since it was measured is read to its
// end all the same.
//
// From a reader that stops short only at the end of its file (endsShort),
// a read asked for more than size bytes that stops at size has found the
// end: the read that would say so (io.EOF) is spared, one system call of
// the five a file costs. A file that grew since it was measured gives the
// byte more, and is read on.
func readSized(r io.Reader, size, max int64, buf []byte) ([]byte, error) {
	_, short := r.(endsShort)
	if want := min(size, max) + 1; int64(cap(buf)) < want {
		buf = make([]byte, 0, want)
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(len(buf), 1<<20))
		}
		ask := buf[len(buf):min(int64(cap(buf)), max+1)]
		n, err := r.Read(ask)
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, fmt.Errorf("larger than the %s limit", humanize.Bytes(max))
		}
		if err == io.EOF || short && err == nil && n < len(ask) && int64(len(buf)) == size {
			return buf, nil
		}
		if err != nil {
			return nil, CleanPathErr(err)
		}
	}
}

// endsShort marks a reader whose reads stop short of what they were asked
// only at the end of its file, as a regular file's do on Linux, where a
// signal never cuts a read of one.
type endsShort interface{ endsShort() }

// ReadCapped reads all of r, failing rather than truncating past max bytes.
func ReadCapped(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, CleanPathErr(err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than the %s limit", humanize.Bytes(max))
	}
	return data, nil
}

// CleanPathErr drops the path that os errors embed: the caller names the
// source itself, sanitized, and a raw file name is untrusted text. What
// is left is the system's own error, so errors.Is still tells a missing
// file (fs.ErrNotExist) or a refused one (fs.ErrPermission).
func CleanPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
