//go:build unix

package tui

import (
	"os"
	"runtime"
	"strconv"
	"syscall"
)

// closeInheritedFDs marks every open descriptor above standard error
// close-on-exec, so that a program the reader starts (the opener, a pipe
// command) inherits none of ours. Go opens its own descriptors so, but
// libraries need not: the terminal input reader's epoll descriptor was
// left inheritable. The flag changes nothing for this process.
func closeInheritedFDs() {
	dir := "/dev/fd"
	if runtime.GOOS == "linux" {
		dir = "/proc/self/fd"
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}
