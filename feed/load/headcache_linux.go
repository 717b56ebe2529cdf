package load

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// fileStamp returns what says a file has not changed: its size, its
// modification and change times, inode and device. The change time moves
// on every write and cannot be set back, and a file saved by renaming a
// new one over it has a new inode.
func fileStamp(fi fs.FileInfo) stamp {
	st := stamp{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	switch sys := fi.Sys().(type) {
	case *syscall.Stat_t:
		st.ctime = sys.Ctim.Nano()
		st.ino, st.dev = sys.Ino, uint64(sys.Dev)
	case *unix.Stat_t: // from readDir's entries
		return statStamp(sys)
	}
	return st
}

// statStamp returns the stamp of the file lstat described as st.
func statStamp(st *unix.Stat_t) stamp {
	return stamp{size: st.Size, mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(), ino: st.Ino, dev: uint64(st.Dev)}
}

// lstatStamp returns the stamp of the file at path, not following a
// link, as fileStamp would of its Lstat, without the FileInfo.
func lstatStamp(path string) (stamp, error) {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return stamp{}, err
	}
	return statStamp(&st), nil
}
