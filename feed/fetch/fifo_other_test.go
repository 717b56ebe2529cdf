//go:build !unix

package fetch

import "errors"

// mkfifo fails: there are no FIFOs among files here.
func mkfifo(string) error { return errors.New("no FIFOs on this system") }
