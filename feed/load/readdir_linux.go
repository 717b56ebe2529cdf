package load

import (
	"encoding/binary"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/gazette-news/gazette/internal/safefile"
)

// readDir calls visit on each entry of dir, a path in root, in the order
// the system gives them, until visit returns false; more is false then. A
// directory swapped for a FIFO since it was listed is refused, never
// waited on, and one swapped for a link out of the root is refused too.
//
// The entries are read raw (getdents64), with the type the kernel gives
// each: a directory read through an os.Root would otherwise lstat every
// entry as it lists it, on the one goroutine that lists, which made
// listing 100,000 files the slowest step of a load from the header cache.
// An entry's FileInfo is taken when asked for (see rawEntry.Info), by the
// worker that has its file, and only for a file with a cached record: by
// fstatat in the directory when keep took the directory's file (the
// caller then closes it, after the entries are done with), else through
// root.
func readDir(root *os.Root, dir string, keep func(*os.File) bool, visit func(fs.DirEntry) bool) (more bool, err error) {
	if dir == "" {
		dir = "."
	}
	f, err := safefile.OpenDirIn(root, dir)
	if err != nil {
		return true, err
	}
	dirFD := -1
	if keep != nil && keep(f) {
		dirFD = int(f.Fd())
	} else {
		defer f.Close()
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return true, err
	}
	buf := make([]byte, 32<<10)
	for {
		var n int
		var rerr error
		if err := rc.Control(func(fd uintptr) {
			rerr = safefile.RetryEINTR(func() (err error) {
				n, err = syscall.ReadDirent(int(fd), buf)
				return err
			})
		}); err != nil {
			return true, err
		}
		if rerr != nil {
			return true, &os.PathError{Op: "readdirent", Path: dir, Err: rerr}
		}
		if n <= 0 {
			return true, nil
		}
		for b := buf[:n]; len(b) > 0; {
			name, typ, rest, ok := nextDirent(b)
			if !ok {
				return true, &os.PathError{Op: "readdirent", Path: dir, Err: syscall.EIO}
			}
			b = rest
			if name == "." || name == ".." || name == "" {
				continue
			}
			d := &rawEntry{root: root, dirFD: dirFD, dir: dir, name: name, typ: typ}
			if typ == unknownType {
				// The file system does not say: look.
				fi, err := root.Lstat(d.rel())
				if err != nil {
					continue // gone since it was listed
				}
				d.typ, d.info = fi.Mode().Type(), fi
			}
			if !visit(d) {
				return false, nil
			}
		}
	}
}

// Offsets in a struct linux_dirent64.
const (
	direntReclen = 16
	direntType   = 18
	direntName   = 19
)

// unknownType marks an entry whose type the file system did not give.
const unknownType = fs.ModeIrregular | fs.ModeTemporary

// nextDirent decodes the first entry of b, a buffer getdents64 filled,
// and returns its name, its type, and the entries after it.
func nextDirent(b []byte) (name string, typ fs.FileMode, rest []byte, ok bool) {
	if len(b) < direntName {
		return "", 0, nil, false
	}
	reclen := int(binary.NativeEndian.Uint16(b[direntReclen:]))
	if reclen < direntName || reclen > len(b) {
		return "", 0, nil, false
	}
	raw := b[direntName:reclen]
	for i, c := range raw {
		if c == 0 {
			raw = raw[:i]
			break
		}
	}
	switch b[direntType] {
	case syscall.DT_REG:
		typ = 0
	case syscall.DT_DIR:
		typ = fs.ModeDir
	case syscall.DT_LNK:
		typ = fs.ModeSymlink
	case syscall.DT_FIFO:
		typ = fs.ModeNamedPipe
	case syscall.DT_SOCK:
		typ = fs.ModeSocket
	case syscall.DT_CHR:
		typ = fs.ModeDevice | fs.ModeCharDevice
	case syscall.DT_BLK:
		typ = fs.ModeDevice
	default:
		typ = unknownType
	}
	return string(raw), typ, b[reclen:], true
}

// rawEntry is a directory entry as getdents64 gave it: its name and type.
// Its FileInfo is looked up, through the root, when first asked for.
type rawEntry struct {
	root *os.Root
	// dirFD is the open directory the entry is in, or -1.
	dirFD     int
	dir, name string
	typ       fs.FileMode
	info      fs.FileInfo
}

func (d *rawEntry) Name() string      { return d.name }
func (d *rawEntry) IsDir() bool       { return d.typ.IsDir() }
func (d *rawEntry) Type() fs.FileMode { return d.typ }

// Info returns the entry's FileInfo, as lstat gives it now: the file may
// have changed since it was listed, as with any lazy fs.DirEntry.
func (d *rawEntry) Info() (fs.FileInfo, error) {
	if d.info != nil {
		return d.info, nil
	}
	if d.dirFD < 0 {
		return d.root.Lstat(d.rel())
	}
	fi := &safefile.StatInfo{FileName: d.name}
	err := safefile.RetryEINTR(func() error { return unix.Fstatat(d.dirFD, d.name, &fi.Stat, unix.AT_SYMLINK_NOFOLLOW) })
	if err != nil {
		return nil, &os.PathError{Op: "lstat", Path: d.rel(), Err: err}
	}
	return fi, nil
}

// rel returns the entry's path in the root.
func (d *rawEntry) rel() string {
	if d.dir == "." {
		return d.name
	}
	return filepath.Join(d.dir, d.name)
}

// readListed reads the file of a job listed by readDir as a regular file,
// through the directory it was listed in when that is still open (see
// safefile.ReadIntoAt); ok is false when the job must be read through its
// root.
func readListed(j job, max int64, buf []byte) (data []byte, fi fs.FileInfo, ok bool, err error) {
	d, isRaw := j.d.(*rawEntry)
	if !isRaw || d.dirFD < 0 || !j.regular {
		return nil, nil, false, nil
	}
	data, fi, err = safefile.ReadIntoAt(d.dirFD, d.name, j.path, max, buf)
	return data, fi, true, err
}
