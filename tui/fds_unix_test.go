//go:build unix

package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// Programs the reader starts inherit no descriptor of ours: one left
// inheritable, as the terminal reader's epoll descriptor was, is closed
// in the child.
func TestChildInheritsNoDescriptors(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd here")
	}
	// dup2 leaves the copy inheritable. The number is high, apart from
	// the shell's own descriptors (dash keeps its script on 10 and up) and
	// from those other tests of the package may have open.
	const leak = 200
	if err := unix.Dup2(2, leak); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(leak)
	dir := t.TempDir()
	// Each script lists the descriptors of the shell running it; the
	// shell's own (dash keeps its script on 10 and up) are not ours.
	script := func(name string) string {
		path := filepath.Join(dir, name)
		body := "#!/bin/sh\nls /proc/$$/fd > '" + path + ".txt'\n"
		if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
		return path
	}
	pipe, open := script("pipe"), script("open")

	d := newDriver(t, 100, 30, testArticles(t), nil)
	d.keys("enter", "|")
	d.typeText(pipe)
	d.keys("enter")
	if om, ok := openURL("https://example.org/", lookupOpener(open, ""))().(openedMsg); !ok || om.err != nil {
		t.Fatalf("opener: %#v", om)
	}
	for _, path := range []string{pipe, open} {
		data, err := os.ReadFile(path + ".txt")
		if err != nil {
			t.Fatalf("%s did not run: %v", path, err)
		}
		if fds := strings.Fields(string(data)); slices.Contains(fds, strconv.Itoa(leak)) {
			t.Errorf("%s inherited descriptor %d: %v", filepath.Base(path), leak, fds)
		}
	}
}
