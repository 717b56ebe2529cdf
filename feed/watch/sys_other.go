//go:build !unix

package watch

import (
	"io/fs"
	"os"
)

// stamp is what says a file has not changed between two rescans.
type stamp struct {
	size, mtime int64
}

// fileStamp returns fi's stamp.
func fileStamp(fi fs.FileInfo) stamp {
	return stamp{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
}

// openDir opens a directory for listing.
func openDir(dir string) (*os.File, error) {
	return os.Open(dir)
}
