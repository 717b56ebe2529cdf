//go:build profile

package main

import (
	"fmt"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"time"
)

// With the profile build tag, GAZETTE_CPUPROFILE names a file that gets a
// CPU profile of the whole run, and GAZETTE_MEMPROFILE one that gets a heap
// profile at exit, or GAZETTE_MEMPROFILE_AT after the run started (the
// heap as the last collection before then found it), and GAZETTE_TRACE one
// that gets an execution trace (go tool trace), and GAZETTE_MEMSTATS one
// that gets the runtime's memory classes at exit: go build -tags profile
// ./cmd/gazette.
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
		if at, err := time.ParseDuration(os.Getenv("GAZETTE_MEMPROFILE_AT")); err == nil {
			time.AfterFunc(at, func() { writeHeap(path) })
		} else {
			atExit = append(atExit, func() { writeHeap(path) })
		}
	}
	if path := os.Getenv("GAZETTE_MEMSTATS"); path != "" {
		atExit = append(atExit, func() { writeMemClasses(path) })
	}
}

// writeHeap writes a heap profile to path.
func writeHeap(path string) {
	if f, err := os.Create(path); err == nil {
		pprof.Lookup("heap").WriteTo(f, 0)
		f.Close()
	}
}

// writeMemClasses writes to path, a line each, the runtime's memory
// classes (how much of what it mapped holds objects, is free, was given
// back, serves stacks and metadata) and the heap goal, in MiB.
func writeMemClasses(path string) {
	var samples []metrics.Sample
	for _, d := range metrics.All() {
		if d.Kind == metrics.KindUint64 && (strings.HasPrefix(d.Name, "/memory/classes/") || d.Name == "/gc/heap/goal:bytes") {
			samples = append(samples, metrics.Sample{Name: d.Name})
		}
	}
	metrics.Read(samples)
	f, err := os.Create(path)
	if err != nil {
		return
	}
	defer f.Close()
	for _, s := range samples {
		fmt.Fprintf(f, "%-48s %8.1f MiB\n", s.Name, float64(s.Value.Uint64())/(1<<20))
	}
}
