package safefile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
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
//
// The temporary files of path that a killed program left behind are
// removed first (see RemoveStaleTemps).
func WriteCacheFile(path string, data []byte, perm os.FileMode) error {
	RemoveStaleTemps(path)
	return writeAtomic(path, data, perm, false)
}

// TempPrefix is how the names of the temporary files of path start: those
// WriteFileAtomic and WriteCacheFile write, and any other writer of path
// that renames a file of its own over it.
func TempPrefix(path string) string { return ".tmp-" + filepath.Base(path) + "-" }

// StaleTemp is how long a temporary file has gone unwritten when it is
// taken for one left behind by a program that was killed.
const StaleTemp = time.Hour

// RemoveStaleTemps removes the temporary files of path (see TempPrefix),
// beside it, that have not been written to for StaleTemp: those of a
// program killed while it wrote, which nothing else would remove.
func RemoveStaleTemps(path string) {
	dir, prefix := filepath.Dir(path), TempPrefix(path)
	entries, _ := os.ReadDir(dir)
	for _, d := range entries {
		if !strings.HasPrefix(d.Name(), prefix) || !d.Type().IsRegular() {
			continue
		}
		if fi, err := d.Info(); err == nil && time.Since(fi.ModTime()) > StaleTemp {
			os.Remove(filepath.Join(dir, d.Name()))
		}
	}
}

func writeAtomic(path string, data []byte, perm os.FileMode, sync bool) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return CleanPathErr(err)
	}
	tmp, err := os.CreateTemp(dir, TempPrefix(path)+"*")
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
