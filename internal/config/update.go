package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/internal/safefile"
)

// Update changes the config file at path in one locked read-modify-write,
// so that processes changing it at the same time each keep their change:
//
//  1. A symbolic link at path is resolved, so that the file it points to
//     is the one rewritten and the link stays (dotfile managers keep the
//     config elsewhere and link it in).
//  2. An exclusive lock is taken on a lock file beside that file
//     (".config.toml.lock"), waiting for any other writer.
//  3. Temporary files a crashed writer left are removed, and the config is
//     read again under the lock; a missing file is an empty config, a
//     broken one an error that leaves it alone.
//  4. change is called. When it returns an error, nothing is written and
//     Update returns that error as it is.
//  5. The result is written to a temporary file in the same directory,
//     synced, renamed over the file, and the directory is synced, so that
//     a crash leaves the old config or the new one, never a mix.
//
// A config that would be larger than MaxConfigSize, the most LoadConfig
// reads, is refused before anything is written.
func Update(path string, change func(*Config) error) error {
	target, err := resolveLink(path)
	if err != nil {
		return &ConfigError{Path: path, Msg: err.Error()}
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return &ConfigError{Path: path, Msg: writeMsg(path, target, safefile.CleanPathErr(err))}
	}
	if err := checkWritable(target); err != nil {
		return &ConfigError{Path: path, Msg: writeMsg(path, target, err)}
	}
	unlock, err := lockFile(lockPath(target))
	if err != nil {
		return &ConfigError{Path: path, Msg: writeMsg(path, target, fmt.Errorf("lock: %w", safefile.CleanPathErr(err)))}
	}
	defer unlock()
	removeStaleTemps(target)

	// Read the file the link points to, but resolve relative paths in it
	// against the directory of path, as LoadConfig does.
	c, err := loadFrom(target, filepath.Dir(path), path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := change(c); err != nil {
		return err
	}
	data, err := c.encode()
	if err != nil {
		return fmt.Errorf("%s: %w", feed.QuoteName(path), err)
	}
	if err := writeDurable(target, data); err != nil {
		return &ConfigError{Path: path, Msg: writeMsg(path, target, err)}
	}
	return nil
}

// Save writes the config to path, replacing what is there, with the lock,
// the size rule and the atomic, durable write of Update. Commands change
// the config with Update instead, which keeps what others wrote meanwhile.
// Comments in a hand-written file are not kept.
func (c *Config) Save(path string) error {
	err := Update(path, func(disk *Config) error {
		dir := disk.dir
		*disk = *c
		disk.dir = dir
		return nil
	})
	if err == nil {
		c.dir = filepath.Dir(path)
	}
	return err
}

// configHeader starts every config file gazette writes.
const configHeader = "# gazette sources. Each [[source]] has a url or a path, and may have\n" +
	"# a name and tags that are added to all its articles.\n\n"

// encode returns the config as gazette writes it, or an error with the
// numbers when LoadConfig could not read it back.
func (c *Config) encode() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(configHeader)
	enc := toml.NewEncoder(&b)
	enc.Indent = ""
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	if b.Len() > MaxConfigSize {
		return nil, fmt.Errorf("%w: with %s it would be %s bytes, over the limit of %s bytes (%s) that gazette reads; nothing was written",
			ErrConfigTooLarge, humanize.Plural(len(c.Source), "source", "sources"), humanize.Thousands(b.Len()),
			humanize.Thousands(MaxConfigSize), humanize.Bytes(MaxConfigSize))
	}
	return b.Bytes(), nil
}

// ErrConfigTooLarge is returned by Update when the changed config would be
// larger than MaxConfigSize, so that writing it would lock every command
// out of it.
var ErrConfigTooLarge = errors.New("config too large")

// writeMsg says what could not be written, naming the link's target when
// path is a link.
func writeMsg(path, target string, err error) string {
	if target != path {
		return fmt.Sprintf("cannot write %s, the file the link points to: %v", feed.QuoteName(target), err)
	}
	return fmt.Sprintf("cannot write: %v", err)
}

// maxLinks bounds how many links resolveLink follows, as the kernel does.
const maxLinks = 40

// resolveLink returns the file path finally names after following the
// symbolic links at its end, or path itself when it is no link. A link
// whose target does not exist yet resolves to that target, so that the
// first write creates it where the link points. Links in the directories
// above are left to the system: writing into a linked directory writes
// through it already.
func resolveLink(path string) (string, error) {
	p := path
	for range maxLinks {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", safefile.CleanPathErr(err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return "", safefile.CleanPathErr(err)
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		p = filepath.Clean(dest)
	}
	return "", errors.New("too many levels of symbolic links")
}

// errReadOnly refuses a config file the user made read-only, or one in a
// read-only store (home-manager links the config into one).
var errReadOnly = errors.New("the file is read-only; nothing was changed")

// checkWritable refuses to replace a read-only file. Renaming over it
// would succeed in a writable directory, but a file without write
// permission says it is not ours to change.
func checkWritable(target string) error {
	fi, err := os.Stat(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return safefile.CleanPathErr(err)
	}
	if !fi.Mode().IsRegular() {
		return errors.New("not a regular file; nothing was changed")
	}
	if fi.Mode().Perm()&0o200 == 0 {
		return errReadOnly
	}
	return nil
}

// lockPath returns the lock file of the config at target: hidden, beside
// it, and never removed, since removing a lock file another process is
// waiting on would let a third one take a different lock.
func lockPath(target string) string {
	return filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".lock")
}

// tempPrefix starts the name of the temporary files written for the
// config at target.
func tempPrefix(target string) string {
	return "." + filepath.Base(target) + ".tmp-"
}

// removeStaleTemps removes the temporary files of a writer that crashed
// before renaming. Every writer holds the lock while its temporary file
// exists, so under the lock any that is left is stale.
func removeStaleTemps(target string) {
	dir := filepath.Dir(target)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(target)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// writeDurable replaces target with data: a temporary file in the same
// directory is written, synced and renamed over target, and the directory
// is synced so that the rename itself survives a power cut.
func writeDurable(target string, data []byte) (err error) {
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, tempPrefix(target)+"*")
	if err != nil {
		return safefile.CleanPathErr(err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write: %w", safefile.CleanPathErr(err))
	}
	if err := tmp.Chmod(0o600); err != nil {
		return safefile.CleanPathErr(err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync: %w", safefile.CleanPathErr(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close: %w", safefile.CleanPathErr(err))
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		return fmt.Errorf("rename: %w", err)
	}
	return syncDir(dir)
}
