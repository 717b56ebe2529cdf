//go:build !unix

package tui

import "time"

// cpuTime is unknown here: the CPU metrics read zero.
func cpuTime() time.Duration { return 0 }
