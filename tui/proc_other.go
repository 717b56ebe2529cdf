//go:build !unix

package tui

import "os/exec"

// setProcessGroup does nothing where process groups are not available;
// cancelling kills the shell alone.
func setProcessGroup(*exec.Cmd) {}
