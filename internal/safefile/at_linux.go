package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/gazette-news/gazette/internal/humanize"
)

// ReadIntoAt is ReadIntoIn for a regular file listed in an open directory
// (dirFD, opened through a root), by its name there, which holds no
// separator: one openat with O_NOFOLLOW refuses a link put in its place
// since it was listed, in the same step as the open, where a root must
// open and then look again. path names the file in the result. What fstat
// says of the file is put in fi, which it returns, when fi is not nil: a
// caller that reads file after file lends one, and keeps nothing of it.
func ReadIntoAt(dirFD int, name, path string, max int64, buf []byte, fi *StatInfo) ([]byte, fs.FileInfo, error) {
	if name == "" || name == "." || name == ".." || filepath.Base(name) != name {
		return nil, nil, fmt.Errorf("%q is not a name in a directory", name)
	}
	var fd int
	err := RetryEINTR(func() (err error) {
		fd, err = unix.Openat(dirFD, name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		return err
	})
	if errors.Is(err, unix.ELOOP) {
		return nil, nil, errBecameLink
	}
	if err != nil {
		return nil, nil, err
	}
	defer unix.Close(fd)
	if fi == nil {
		fi = new(StatInfo)
	}
	*fi = StatInfo{FileName: name}
	if err := RetryEINTR(func() error { return unix.Fstat(fd, &fi.Stat) }); err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, errors.New("not a regular file")
	}
	if fi.Size() > max {
		return nil, nil, fmt.Errorf("file is %s, over the %s limit", humanize.Bytes(fi.Size()), humanize.Bytes(max))
	}
	// A regular file: its reads never wait, O_NONBLOCK or not.
	data, err := readSized(fdReader(fd), fi.Size(), max, buf)
	return data, fi, err
}
