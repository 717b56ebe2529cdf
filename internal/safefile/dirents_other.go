//go:build !linux

package safefile

import (
	"io"
	"io/fs"
	"os"
)

// direntChunk is how many directory entries are read at a time.
const direntChunk = 256

// Dirents calls visit with the name and type of each entry of the open
// directory f, in the order the system gives them, until visit returns
// false; more is false then. The name is valid only during the call; buf
// is not used here (see the Linux version).
func Dirents(f *os.File, _ []byte, visit func(name []byte, typ fs.FileMode) bool) (more bool, err error) {
	for {
		ents, err := f.ReadDir(direntChunk)
		for _, d := range ents {
			if !visit([]byte(d.Name()), d.Type()) {
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
