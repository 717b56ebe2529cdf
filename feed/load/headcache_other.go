//go:build !linux

package load

import "io/fs"

// fileStamp returns what says a file has not changed: its size and
// modification time. Linux adds the change time, inode and device.
func fileStamp(fi fs.FileInfo) stamp {
	t := fi.ModTime().UnixNano()
	return stamp{size: fi.Size(), mtime: t, ctime: t}
}
