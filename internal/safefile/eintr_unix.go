//go:build unix

package safefile

import "golang.org/x/sys/unix"

// RetryEINTR calls fn again for as long as it fails with EINTR, a system
// call cut short by a signal, and returns its last error.
func RetryEINTR(fn func() error) error {
	for {
		if err := fn(); err != unix.EINTR {
			return err
		}
	}
}
