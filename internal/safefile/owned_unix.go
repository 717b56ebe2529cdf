//go:build unix

package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// OwnDir returns nil when dir is safe to keep a cache in: owned by the
// user and writable by no one else, or not there yet under a parent that
// no one else can swap it in. Otherwise it says why not: whoever else can
// write there can plant entries that gazette would read as its own.
func OwnDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Made by gazette, 0700, when first written; what matters then is
		// whether someone else could put another in its place.
		return sharedParent(filepath.Dir(dir))
	case err != nil:
		return CleanPathErr(err)
	case !fi.IsDir():
		return errors.New("not a directory")
	}
	if err := ownedAndPrivate(fi); err != nil {
		return err
	}
	return sharedParent(filepath.Dir(dir))
}

// ownedAndPrivate refuses a file of another user, or one that others may
// write.
func ownedAndPrivate(fi fs.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("owned by another user (uid %d)", st.Uid)
	}
	if othersWrite(fi) {
		return fmt.Errorf("writable by others (mode %04o)", fi.Mode().Perm())
	}
	return nil
}

// othersWrite reports whether someone other than the owner may write to
// a file. Group write counts unless the group is the user's own primary
// group: with the user-private-group convention (umask 002) that group is
// the user alone, and ~/.cache is often 0775.
func othersWrite(fi fs.FileInfo) bool {
	perm := fi.Mode().Perm()
	if perm&0o002 != 0 {
		return true
	}
	if perm&0o020 == 0 {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return !ok || int(st.Gid) != os.Getgid()
}

// sharedParent refuses a parent directory where others may rename or
// replace entries: writable by group or others without the sticky bit
// (which /tmp has, and which stops that).
func sharedParent(parent string) error {
	fi, err := os.Stat(parent)
	if err != nil {
		// Not there: gazette makes it, 0700.
		return nil
	}
	if othersWrite(fi) && fi.Mode()&fs.ModeSticky == 0 {
		return fmt.Errorf("in a directory others may write to (mode %04o)", fi.Mode().Perm())
	}
	return nil
}
