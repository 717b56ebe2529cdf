package watch

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// limitChild marks the test process that runs in a user namespace of its
// own, where the inotify watch limit can be lowered without touching the
// rest of the machine: the limit is kept per namespace, and the system's
// (fs.inotify.max_user_watches) stays as it was.
const limitChild = "GAZETTE_WATCH_LIMIT_CHILD"

// TestWatchLimit reaches the real inotify watch limit, at the start of a
// watch and during one, and checks that the watch falls back to polling,
// says so once, and goes on reporting changes.
func TestWatchLimit(t *testing.T) {
	if os.Getenv(limitChild) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWatchLimit$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), limitChild+"=1")
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		}
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Skipf("skipped: no user namespace to lower the inotify watch limit in (%v)", err)
		}
		err := cmd.Wait()
		t.Logf("in a user namespace:\n%s", out.String())
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), "--- SKIP") {
			t.Skip("skipped in the user namespace")
		}
		return
	}
	const limit = 8
	if err := os.WriteFile("/proc/sys/user/max_inotify_watches", []byte(fmt.Sprint(limit)), 0); err != nil {
		t.Skipf("skipped: cannot lower the inotify watch limit: %v", err)
	}

	t.Run("at the start", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "root")
		for i := range limit + 4 {
			write(t, dir, fmt.Sprintf("d%02d/a.md", i), "a")
		}
		ch := start(t, []string{dir}, testOpts)
		m := collect(t, ch, dir, 0, func(m *merged) bool { return len(m.notices) > 0 })
		t.Logf("notices %q", m.notices)
		if len(m.notices) != 1 || !strings.Contains(m.notices[0], "watch limit") || len(m.rescan) > 0 {
			t.Fatalf("got %+v, want one notice of the limit and no rescan", *m)
		}
		write(t, dir, "d00/a.md", "changed")
		m = collect(t, ch, dir, 0, func(m *merged) bool { return len(m.changed) > 0 })
		if len(m.notices) > 0 || m.changed[0] != filepath.Join("d00", "a.md") {
			t.Errorf("got %+v", *m)
		}
	})

	t.Run("during a watch", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "root")
		write(t, dir, "d/a.md", "a")
		ch := start(t, []string{dir}, testOpts)
		write(t, dir, "d/b.md", "b")
		collect(t, ch, dir, 0, func(m *merged) bool { return len(m.added) > 0 })
		for i := range limit + 4 {
			write(t, dir, fmt.Sprintf("new/d%02d/a.md", i), "a")
		}
		m := collect(t, ch, dir, 0, func(m *merged) bool { return len(m.notices) > 0 && len(m.rescan) > 0 })
		t.Logf("notices %q, rescan %q", m.notices, m.rescan)
		if len(m.notices) != 1 || !strings.Contains(m.notices[0], "watch limit") {
			t.Fatalf("got %+v, want one notice of the limit", *m)
		}
		// The first rescan's stamps may be taken while the files above
		// are still being written, so they may show again; the late one
		// must.
		late := filepath.Join("new", "d11", "late.md")
		write(t, dir, late, "late")
		m = collect(t, ch, dir, 0, func(m *merged) bool { return slices.Contains(m.added, late) })
		if len(m.notices) > 0 {
			t.Errorf("notices again: %q", m.notices)
		}
	})
}
