package store

import (
	"syscall"
	"testing"
)

// mountTmpfs mounts a tmpfs of the given options at dir for the test, or
// skips the test where that needs a privilege the test does not have.
func mountTmpfs(t *testing.T, dir, data string, readOnly bool) {
	t.Helper()
	var flags uintptr
	if readOnly {
		flags = syscall.MS_RDONLY
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, data); err != nil {
		t.Skipf("cannot mount a tmpfs here (needs root): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
}

// remountReadOnly makes the tmpfs at dir read-only, or skips the test.
func remountReadOnly(t *testing.T, dir string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
		t.Skipf("cannot remount read-only: %v", err)
	}
}
