package safefile

import (
	"io"
	"io/fs"
	"time"

	"golang.org/x/sys/unix"
)

// StatInfo is a FileInfo made of what fstat or fstatat gave: Stat, for
// the file named FileName. Sys returns &Stat.
type StatInfo struct {
	FileName string
	Stat     unix.Stat_t
}

func (fi *StatInfo) Name() string       { return fi.FileName }
func (fi *StatInfo) Size() int64        { return fi.Stat.Size }
func (fi *StatInfo) ModTime() time.Time { return time.Unix(fi.Stat.Mtim.Unix()) }
func (fi *StatInfo) IsDir() bool        { return fi.Mode().IsDir() }
func (fi *StatInfo) Sys() any           { return &fi.Stat }

// Mode converts the mode bits as os.Lstat does.
func (fi *StatInfo) Mode() fs.FileMode {
	m := fs.FileMode(fi.Stat.Mode & 0o777)
	switch fi.Stat.Mode & unix.S_IFMT {
	case unix.S_IFBLK:
		m |= fs.ModeDevice
	case unix.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFDIR:
		m |= fs.ModeDir
	case unix.S_IFIFO:
		m |= fs.ModeNamedPipe
	case unix.S_IFLNK:
		m |= fs.ModeSymlink
	case unix.S_IFSOCK:
		m |= fs.ModeSocket
	}
	if fi.Stat.Mode&unix.S_ISGID != 0 {
		m |= fs.ModeSetgid
	}
	if fi.Stat.Mode&unix.S_ISUID != 0 {
		m |= fs.ModeSetuid
	}
	if fi.Stat.Mode&unix.S_ISVTX != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// fdReader reads an open file with read(2) alone. An *os.File made for
// the descriptor would ask the system whether it blocks, offer it to the
// poller (which refuses a regular file), and leave a cleanup for the
// collector: at 100,000 files, more than the reads.
type fdReader int

// endsShort: the descriptors read so are regular files'.
func (fdReader) endsShort() {}

func (r fdReader) Read(p []byte) (int, error) {
	var n int
	err := RetryEINTR(func() (err error) {
		n, err = unix.Read(int(r), p)
		return err
	})
	switch {
	case err != nil:
		return 0, err
	case n == 0 && len(p) > 0:
		return 0, io.EOF
	}
	return n, nil
}
