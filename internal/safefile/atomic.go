package safefile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// WriteFileAtomic replaces the file at path with data, so that a reader
// (or a crash) sees either the old file or the new one, never half of
// either: the data goes to a temporary file in the same directory, is
// synced, and is then renamed over path. Missing parent directories are
// created, readable only by the user.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	return writeAtomic(path, data, perm, true)
}

// WriteCacheFile is WriteFileAtomic without the sync, for a file that is
// only a saving and is checked when read: a crash may leave it empty or
// cut short, which its reader takes for no file at all, but a reader
// running meanwhile still sees the old file or the new one whole. The
// sync was most of the time of writing a few megabytes to a disk.
func WriteCacheFile(path string, data []byte, perm os.FileMode) error {
	return writeAtomic(path, data, perm, false)
}

func writeAtomic(path string, data []byte, perm os.FileMode, sync bool) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return CleanPathErr(err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return CleanPathErr(err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write: %w", CleanPathErr(err))
	}
	if err := tmp.Chmod(perm); err != nil {
		return CleanPathErr(err)
	}
	if sync {
		if err := tmp.Sync(); err != nil {
			return fmt.Errorf("sync: %w", CleanPathErr(err))
		}
	}
	if err := tmp.Close(); err != nil {
		return CleanPathErr(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		return fmt.Errorf("rename: %w", err)
	}
	return nil
}
