//go:build profile

package main

import (
	"os"
	"runtime/pprof"
	"runtime/trace"
)

// With the profile build tag, GAZETTE_CPUPROFILE names a file that gets a
// CPU profile of the whole run, and GAZETTE_MEMPROFILE one that gets a heap
// profile at exit, and GAZETTE_TRACE one that gets an execution trace
// (go tool trace): go build -tags profile ./cmd/gazette.
func init() {
	if path := os.Getenv("GAZETTE_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			atExit = append(atExit, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := os.Getenv("GAZETTE_TRACE"); path != "" {
		if f, err := os.Create(path); err == nil && trace.Start(f) == nil {
			atExit = append(atExit, func() { trace.Stop(); f.Close() })
		}
	}
	if path := os.Getenv("GAZETTE_MEMPROFILE"); path != "" {
		atExit = append(atExit, func() {
			if f, err := os.Create(path); err == nil {
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		})
	}
}
