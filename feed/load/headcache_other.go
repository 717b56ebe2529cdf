//go:build !linux

package load

import (
	"io/fs"
	"os"
)

// fileStamp returns what says a file has not changed: its size and
// modification time. Linux adds the change time, inode and device.
func fileStamp(fi fs.FileInfo) stamp {
	t := fi.ModTime().UnixNano()
	return stamp{size: fi.Size(), mtime: t, ctime: t}
}

// lstatStamp returns the stamp of the file at path, not following a
// link.
func lstatStamp(path string) (stamp, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return stamp{}, err
	}
	return fileStamp(fi), nil
}

// fileLook looks at the files of one directory, by their paths: see the
// Linux version.
type fileLook struct{}

func openLook(string) fileLook { return fileLook{} }

// stamp returns the stamp of the file at path, not following a link.
func (fileLook) stamp(path, _ string) (stamp, error) { return lstatStamp(path) }

func (fileLook) close() {}
