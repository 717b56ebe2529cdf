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
func WriteFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
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
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync: %w", CleanPathErr(err))
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
