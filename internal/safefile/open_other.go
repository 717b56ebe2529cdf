//go:build !unix

package safefile

import (
	"errors"
	"os"
)

// openFile opens path to read. These systems have no O_NONBLOCK or
// O_NOFOLLOW to give os.OpenFile; what stands in for them:
//
//   - Blocking: Windows has no FIFOs among files (its pipes live in their
//     own namespace), and Open refuses whatever is not a regular file after
//     opening and before reading, so no read waits on a device.
//   - Links: with noLinks, the path is looked at (lstat) before it is
//     opened, and the file opened must be the one looked at. A link put in
//     its place in between is refused by that check rather than by the
//     open itself: the safest equivalent there is.
func openFile(path string, noLinks bool) (*os.File, error) {
	var before os.FileInfo
	if noLinks {
		fi, err := os.Lstat(path)
		if err != nil {
			return nil, CleanPathErr(err)
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			return nil, errBecameLink
		}
		before = fi
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, CleanPathErr(err)
	}
	if before != nil {
		fi, err := f.Stat()
		if err != nil || !os.SameFile(before, fi) {
			f.Close()
			if isLink(path) {
				return nil, errBecameLink
			}
			return nil, errors.New("changed after it was listed; skipped")
		}
	}
	return f, nil
}

// OpenDir opens a directory to list it. Without O_DIRECTORY, anything else
// is refused when it is read as a directory; there are no FIFOs among files
// here to wait on.
func OpenDir(path string) (*os.File, error) {
	return os.Open(path)
}

// readFlags open a file under a root to read; see openFile for what
// stands in for O_NONBLOCK here.
const readFlags = os.O_RDONLY

// dirFlags open a directory under a root to list it, as OpenDir does.
const dirFlags = os.O_RDONLY
