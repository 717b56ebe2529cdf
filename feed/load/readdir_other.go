//go:build !linux

package load

import (
	"io"
	"io/fs"
	"os"

	"github.com/gazette-news/gazette/internal/safefile"
)

// dirChunk is how many directory entries are read at a time.
const dirChunk = 256

// readDir calls visit on each entry of dir, a path in root, in the order
// the system gives them, until visit returns false; more is false then. A
// directory swapped for a FIFO since it was listed is refused, never
// waited on, and one swapped for a link out of the root is refused too.
// keep is not called: entries have their FileInfo already.
func readDir(root *os.Root, dir string, _ func(*os.File) bool, visit func(fs.DirEntry) bool) (more bool, err error) {
	if dir == "" {
		dir = "."
	}
	f, err := safefile.OpenDirIn(root, dir)
	if err != nil {
		return true, err
	}
	defer f.Close()
	for {
		ents, err := f.ReadDir(dirChunk)
		for _, d := range ents {
			if !visit(d) {
				return false, nil
			}
		}
		if err == io.EOF {
			return true, nil
		}
		if err != nil {
			return true, err
		}
	}
}

// listedStat is where the Linux version of readListed puts what fstat
// says of a file.
type listedStat struct{}

// readListed says that the job is read through its root: see the Linux
// version.
func readListed(j job, max int64, buf []byte, stat *listedStat) (data []byte, fi fs.FileInfo, ok bool, err error) {
	return nil, nil, false, nil
}

// entryStamp returns the stamp of d's file, as lstat gives it now.
func entryStamp(d fs.DirEntry) (stamp, error) {
	fi, err := d.Info()
	if err != nil {
		return stamp{}, err
	}
	return fileStamp(fi), nil
}
