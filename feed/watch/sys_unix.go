//go:build unix

package watch

import (
	"io/fs"
	"os"
	"syscall"
)

// stamp is what says a file has not changed between two rescans.
type stamp struct {
	size, mtime int64
	ino         uint64
}

// fileStamp returns fi's stamp. A file saved by renaming a new one over
// it has a new inode even when its size and time match.
func fileStamp(fi fs.FileInfo) stamp {
	st := stamp{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.ino = uint64(sys.Ino)
	}
	return st
}

// openDir opens a directory for listing. One swapped for a FIFO since it
// was listed is refused, never waited on.
func openDir(dir string) (*os.File, error) {
	return os.OpenFile(dir, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NONBLOCK, 0)
}
