package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestIdleCPU measures, without asserting, what watching a large tree
// costs: the setup, and the CPU taken while nothing changes, by events and
// by polling. It is slow and writes 100,000 files, so it runs only when
// asked:
//
//	GAZETTE_WATCH_IDLE=1 go test -run TestIdleCPU -v ./feed/watch/
//
// GAZETTE_WATCH_IDLE_DIRS and GAZETTE_WATCH_IDLE_FILES change the tree's
// size (5,000 directories of 20 files by default), and
// GAZETTE_WATCH_IDLE_SECONDS the idle time measured (10 s by default).
func TestIdleCPU(t *testing.T) {
	if os.Getenv("GAZETTE_WATCH_IDLE") == "" {
		t.Skip("skipped: set GAZETTE_WATCH_IDLE=1 to measure idle CPU on a large tree")
	}
	dirs, files, secs := envInt("GAZETTE_WATCH_IDLE_DIRS", 5000), envInt("GAZETTE_WATCH_IDLE_FILES", 20), envInt("GAZETTE_WATCH_IDLE_SECONDS", 10)
	root := t.TempDir()
	for d := range dirs {
		// Two levels, as an archive by year and month would be.
		dir := filepath.Join(root, fmt.Sprintf("y%03d", d/50), fmt.Sprintf("m%03d", d))
		must(t, os.MkdirAll(dir, 0o755))
		for f := range files {
			must(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("a%02d.md", f)), nil, 0o644))
		}
	}
	t.Logf("tree: %d directories, %d files", dirs+dirs/50, dirs*files)
	for _, poll := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		cpu0, wall0 := cpuTime(), time.Now()
		ch := Watch(ctx, []string{root}, Options{Poll: poll})
		setupCPU, setupWall := cpuTime()-cpu0, time.Since(wall0)
		go func() {
			for range ch {
			}
		}()
		time.Sleep(time.Second) // the notice, if any, and the runtime settling
		cpu0, wall0 = cpuTime(), time.Now()
		time.Sleep(time.Duration(secs) * time.Second)
		idleCPU, idleWall := cpuTime()-cpu0, time.Since(wall0)
		cancel()
		mode := "events"
		if poll {
			mode = "polling every " + DefaultInterval.String()
		}
		t.Logf("%s: setup %v wall, %v CPU; idle %.3f%% of a core (%v CPU in %v); max RSS %d MiB",
			mode, setupWall.Round(time.Millisecond), setupCPU.Round(time.Millisecond),
			100*idleCPU.Seconds()/idleWall.Seconds(), idleCPU.Round(time.Microsecond), idleWall.Round(time.Millisecond), maxRSS()>>10)
	}
}

// envInt reads a positive count from the environment.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// cpuTime is the CPU the process has taken, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// maxRSS is the process's peak resident size in KiB.
func maxRSS() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return int64(ru.Maxrss)
}
