package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addURL returns an Update change that adds one URL source.
func addURL(u string) func(*Config) error {
	return func(c *Config) error {
		_, err := c.Add(u, "", nil)
		return err
	}
}

// sourceCount loads path and returns how many sources it holds.
func sourceCount(t *testing.T, path string) int {
	t.Helper()
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	return len(c.Source)
}

func TestUpdateKeepsOthersChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gazette", "config.toml")
	if err := Update(path, addURL("https://example.org/a.xml")); err != nil {
		t.Fatal(err)
	}
	// Another process adds a source after this one read the config.
	stale, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Update(path, addURL("https://example.org/b.xml")); err != nil {
		t.Fatal(err)
	}
	// This one's change is made to the config read under the lock, not
	// to its stale copy.
	if _, err := stale.Add("https://example.org/c.xml", "", nil); err != nil {
		t.Fatal(err)
	}
	if err := Update(path, addURL("https://example.org/c.xml")); err != nil {
		t.Fatal(err)
	}
	if n := sourceCount(t, path); n != 3 {
		t.Errorf("%d sources, want 3", n)
	}
}

func TestUpdateChangeErrorWritesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := Update(path, addURL("https://example.org/a.xml")); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	errStop := errors.New("stop")
	err := Update(path, func(c *Config) error {
		c.Source = nil
		return errStop
	})
	if err != errStop {
		t.Fatalf("Update returned %v, want the change's own error", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("a change that failed was written")
	}
}

func TestUpdateBrokenConfigIsLeftAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	broken := "[[source]]\nurl = \"https://example.org/a.xml\"\nbogus = 1\n"
	writeFile(t, path, []byte(broken))
	err := Update(path, addURL("https://example.org/b.xml"))
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Line != 3 {
		t.Fatalf("error %v, want a ConfigError on line 3", err)
	}
	if data, _ := os.ReadFile(path); string(data) != broken {
		t.Error("a broken config was overwritten")
	}
}

// TestUpdateSymlink writes a linked config through the link, as dotfile
// managers need: the file the link points to changes, the link stays.
func TestUpdateSymlink(t *testing.T) {
	for _, tc := range []struct {
		name     string
		relative bool
		chain    bool
		dangling bool
	}{
		{name: "absolute"},
		{name: "relative", relative: true},
		{name: "link to a link", chain: true},
		{name: "link to a file not made yet", dangling: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dots := filepath.Join(root, "dotfiles", "gazette")
			cfgDir := filepath.Join(root, "config", "gazette")
			for _, d := range []string{dots, cfgDir} {
				if err := os.MkdirAll(d, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			target := filepath.Join(dots, "config.toml")
			if !tc.dangling {
				writeFile(t, target, []byte("[[source]]\nurl = \"https://example.org/a.xml\"\n"))
			}
			link := filepath.Join(cfgDir, "config.toml")
			dest := target
			if tc.relative {
				dest = filepath.Join("..", "..", "dotfiles", "gazette", "config.toml")
			}
			if tc.chain {
				mid := filepath.Join(root, "mid.toml")
				if err := os.Symlink(target, mid); err != nil {
					t.Fatal(err)
				}
				dest = mid
			}
			if err := os.Symlink(dest, link); err != nil {
				t.Fatal(err)
			}
			if err := Update(link, addURL("https://example.org/b.xml")); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Lstat(link)
			if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
			}
			if got, _ := os.Readlink(link); got != dest {
				t.Errorf("the link points to %q now, want %q", got, dest)
			}
			want := 2
			if tc.dangling {
				want = 1
			}
			if n := sourceCount(t, target); n != want {
				t.Errorf("the linked file has %d sources, want %d", n, want)
			}
			entries, _ := os.ReadDir(cfgDir)
			if len(entries) != 1 {
				t.Errorf("%d files beside the link, want only the link", len(entries))
			}
		})
	}
}

// TestUpdateReadOnly refuses to replace a read-only config, as a
// home-manager link into its store is, and leaves both the link and the
// file as they were.
func TestUpdateReadOnly(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(root, "store", "config.toml")
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		t.Fatal(err)
	}
	text := "[[source]]\nurl = \"https://example.org/a.xml\"\n"
	writeFile(t, target, []byte(text))
	if err := os.Chmod(target, 0o444); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "config.toml")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	err := Update(link, addURL("https://example.org/b.xml"))
	if err == nil || !strings.Contains(err.Error(), "read-only") || !strings.Contains(err.Error(), "store/config.toml") {
		t.Fatalf("error %v, want one naming the read-only file the link points to", err)
	}
	if data, _ := os.ReadFile(target); string(data) != string(text) {
		t.Error("the read-only file changed")
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Error("the link was replaced")
	}
	// The same for a config that is no link.
	if err := Update(target, addURL("https://example.org/b.xml")); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("error %v, want read-only", err)
	}
}

// TestUpdateReadOnlyDir refuses a config in a directory that cannot be
// written, with the reason, and changes nothing. Root writes anywhere, so
// the case needs another user.
func TestUpdateReadOnlyDir(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write into a read-only directory")
	}
	dir := filepath.Join(t.TempDir(), "store")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "config.toml")
	writeFile(t, path, []byte("[[source]]\nurl = \"https://example.org/a.xml\"\n"))
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o700) })
	err := Update(path, addURL("https://example.org/b.xml"))
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("error %v, want permission denied", err)
	}
	if n := sourceCount(t, path); n != 1 {
		t.Errorf("%d sources, want 1", n)
	}
}

// TestSizeRule holds the writing and the reading side of MaxConfigSize
// against each other: every config Update writes, LoadConfig reads, and a
// change that would pass the limit is refused with the numbers before
// anything is written.
func TestSizeRule(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	// Sources of about 2 KB each: a first batch that fits, then one that
	// would pass the limit.
	long := strings.Repeat("x", 2000)
	addBatch := func(batch, n int) error {
		return Update(path, func(c *Config) error {
			for i := range n {
				if _, err := c.Add(fmt.Sprintf("https://example.org/%s/%d/%d.xml", long, batch, i), "", nil); err != nil {
					return err
				}
			}
			return nil
		})
	}
	const fits = 1800
	if err := addBatch(1, fits); err != nil {
		t.Fatal(err)
	}
	if n := sourceCount(t, path); n != fits {
		t.Fatalf("%d sources read back, want %d", n, fits)
	}
	refused := addBatch(2, 400)
	if !errors.Is(refused, ErrConfigTooLarge) {
		t.Fatalf("refused with %v", refused)
	}
	msg := refused.Error()
	for _, want := range []string{"4,194,304 bytes", "sources it would be", "nothing was written"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() > MaxConfigSize {
		t.Fatalf("the config is %d bytes after the refusal: %v", fi.Size(), err)
	}
	if n := sourceCount(t, path); n != fits {
		t.Errorf("%d sources after the refusal, want %d", n, fits)
	}

	// The reading side: one byte over the limit is refused, at the limit
	// is read.
	over := filepath.Join(t.TempDir(), "config.toml")
	pad := func(n int) []byte {
		head := "[[source]]\nurl = \"https://example.org/a.xml\"\n"
		return []byte(head + "#" + strings.Repeat("x", n-len(head)-2) + "\n")
	}
	writeFile(t, over, pad(MaxConfigSize))
	if _, err := LoadConfig(over); err != nil {
		t.Errorf("a config of exactly the limit: %v", err)
	}
	writeFile(t, over, pad(MaxConfigSize+1))
	if _, err := LoadConfig(over); err == nil {
		t.Error("a config one byte over the limit was read")
	}
}

func TestLoadConfigUnderAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "xdg")
	writeFile(t, file, []byte("not a directory"))
	c, err := LoadConfig(filepath.Join(file, "gazette", "config.toml"))
	if !errors.Is(err, fs.ErrNotExist) || c == nil {
		t.Fatalf("a config under a file: %v, want fs.ErrNotExist", err)
	}
}
