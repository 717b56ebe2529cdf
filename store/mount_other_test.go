//go:build !linux

package store

import "testing"

// mountTmpfs skips: mounting a tmpfs is a Linux test fixture.
func mountTmpfs(t *testing.T, dir, data string, readOnly bool) {
	t.Helper()
	t.Skip("a tmpfs can be mounted only on Linux")
}

// remountReadOnly skips, as mountTmpfs does.
func remountReadOnly(t *testing.T, dir string) {
	t.Helper()
	t.Skip("a tmpfs can be mounted only on Linux")
}
