//go:build unix

package safefile

import (
	"os"
	"syscall"
)

// openFile opens path to read without blocking: O_NONBLOCK makes opening a
// FIFO return at once instead of waiting for a writer. With noLinks,
// O_NOFOLLOW refuses a link in the last place of the path, in the same
// step as the open, so no link can be put there in between.
func openFile(path string, noLinks bool) (*os.File, error) {
	flags := os.O_RDONLY | syscall.O_NONBLOCK
	if noLinks {
		flags |= syscall.O_NOFOLLOW
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		// Systems differ in the errno of a refused link (ELOOP, EMLINK,
		// EFTYPE): look at what is there instead.
		if noLinks && isLink(path) {
			return nil, errBecameLink
		}
		return nil, CleanPathErr(err)
	}
	return f, nil
}

// OpenDir opens a directory to list it. O_DIRECTORY refuses anything else,
// and O_NONBLOCK keeps a directory swapped for a FIFO since it was listed
// from being waited on.
func OpenDir(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NONBLOCK, 0)
}

// readFlags open a file under a root to read: O_NONBLOCK, as in openFile,
// keeps a FIFO from being waited on.
const readFlags = os.O_RDONLY | syscall.O_NONBLOCK

// dirFlags open a directory under a root to list it, as OpenDir does.
const dirFlags = os.O_RDONLY | syscall.O_DIRECTORY | syscall.O_NONBLOCK
