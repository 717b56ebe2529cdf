package safefile

import (
	"encoding/binary"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Dirents calls visit with the name and type of each entry of the open
// directory f but "." and "..", in the order the system gives them, until
// visit returns false; more is false then. The entries are read raw
// (getdents64) into buf, a chunk at a time, so that a directory of
// 100,000 files costs no allocation per file: the name is valid only
// during the call. An entry whose type the file system does not give is
// looked at (fstatat in f, never following a link), and one gone since it
// was listed is left out.
func Dirents(f *os.File, buf []byte, visit func(name []byte, typ fs.FileMode) bool) (more bool, err error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return true, err
	}
	for {
		var n int
		var rerr error
		if err := rc.Control(func(fd uintptr) {
			rerr = RetryEINTR(func() (err error) {
				n, err = syscall.ReadDirent(int(fd), buf)
				return err
			})
		}); err != nil {
			return true, err
		}
		if rerr != nil {
			return true, &os.PathError{Op: "readdirent", Path: f.Name(), Err: rerr}
		}
		if n <= 0 {
			return true, nil
		}
		for b := buf[:n]; len(b) > 0; {
			name, typ, rest, ok := nextDirent(b)
			if !ok {
				return true, &os.PathError{Op: "readdirent", Path: f.Name(), Err: syscall.EIO}
			}
			b = rest
			if len(name) == 0 || string(name) == "." || string(name) == ".." {
				continue
			}
			if typ == typeUnknown {
				t, err := lstatType(rc, name)
				if err != nil {
					continue // gone since it was listed
				}
				typ = t
			}
			if !visit(name, typ) {
				return false, nil
			}
		}
	}
}

// lstatType returns the type of the entry name of the directory open as
// rc, as lstat gives it.
func lstatType(rc syscall.RawConn, name []byte) (fs.FileMode, error) {
	fi := &StatInfo{FileName: string(name)}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = RetryEINTR(func() error { return unix.Fstatat(int(fd), fi.FileName, &fi.Stat, unix.AT_SYMLINK_NOFOLLOW) })
	}); err != nil {
		return 0, err
	}
	if serr != nil {
		return 0, serr
	}
	return fi.Mode().Type(), nil
}

// typeUnknown marks an entry whose type the file system did not give.
const typeUnknown = fs.ModeIrregular | fs.ModeTemporary

// Offsets in a struct linux_dirent64.
const (
	direntReclen = 16
	direntType   = 18
	direntName   = 19
)

// nextDirent decodes the first entry of b, a buffer getdents64 filled,
// and returns its name, its type, and the entries after it.
func nextDirent(b []byte) (name []byte, typ fs.FileMode, rest []byte, ok bool) {
	if len(b) < direntName {
		return nil, 0, nil, false
	}
	reclen := int(binary.NativeEndian.Uint16(b[direntReclen:]))
	if reclen < direntName || reclen > len(b) {
		return nil, 0, nil, false
	}
	name = b[direntName:reclen]
	for i, c := range name {
		if c == 0 {
			name = name[:i]
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
		typ = typeUnknown
	}
	return name, typ, b[reclen:], true
}
