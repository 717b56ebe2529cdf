//go:build unix

package tui

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts the command in a process group of its own and
// makes cancelling it kill the whole group, so that a pipeline the user
// typed ("grep x | sort") stops entirely on timeout.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
