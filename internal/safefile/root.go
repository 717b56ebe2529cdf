package safefile

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/gazette-news/gazette/internal/humanize"
)

// OpenIn is Open for a file named relative to root. No open can leave the
// root: each step of the name is opened relative to the one before
// (openat), and a link or a ".." that would lead out is refused in that
// same step, so a directory swapped for a link since it was listed cannot
// lead anywhere else. Links that stay inside are followed, unless noLinks
// is set and the file itself is a link now.
func OpenIn(root *os.Root, name string, noLinks bool) (*os.File, fs.FileInfo, error) {
	f, err := root.OpenFile(name, readFlags, 0)
	if err != nil {
		// A link in the file's own place says so, wherever it leads.
		if lfi, lerr := root.Lstat(name); noLinks && lerr == nil && lfi.Mode()&fs.ModeSymlink != 0 {
			return nil, nil, errBecameLink
		}
		return nil, nil, CleanPathErr(err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, CleanPathErr(err)
	}
	if noLinks {
		// The open followed a link inside the root, if one is there now:
		// harmless, but not the file that was listed.
		if lfi, err := root.Lstat(name); err == nil && lfi.Mode()&fs.ModeSymlink != 0 {
			f.Close()
			return nil, nil, errBecameLink
		}
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("not a regular file")
	}
	return f, fi, nil
}

// ReadIntoIn is ReadInto for a file named relative to root; see OpenIn.
func ReadIntoIn(root *os.Root, name string, max int64, noLinks bool, buf []byte) ([]byte, fs.FileInfo, error) {
	f, fi, err := OpenIn(root, name, noLinks)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if fi.Size() > max {
		return nil, nil, fmt.Errorf("file is %s, over the %s limit", humanize.Bytes(fi.Size()), humanize.Bytes(max))
	}
	data, err := readSized(f, fi.Size(), max, buf)
	return data, fi, err
}

// OpenDirIn is OpenDir for a directory named relative to root: as for
// OpenIn, the open cannot leave the root.
func OpenDirIn(root *os.Root, name string) (*os.File, error) {
	f, err := root.OpenFile(name, dirFlags, 0)
	if err != nil {
		return nil, CleanPathErr(err)
	}
	return f, nil
}
