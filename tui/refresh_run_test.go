package tui

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed/load"
)

// TestQuitDuringRefresh quits while r reads a directory again: Run
// returns, the header cache leaves no temporary file, and every goroutine
// the reader started (loads, the watch, timers) ends.
func TestQuitDuringRefresh(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	for i := range 2000 {
		writeArticle(t, dir, fmt.Sprintf("%04d.md", i), fmt.Sprintf("Story %d", i), 1+i%28, strings.Repeat("Text. ", 50))
	}
	heads := &load.HeadCache{Dir: cache, Build: "test"}
	// The runtime's signal goroutine starts with the first Notify and
	// never ends: start it before counting.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	signal.Stop(sig)
	before := runtime.NumGoroutine()
	pr, pw := io.Pipe()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Options{
			Sources: []load.Source{{Location: dir}},
			Loader:  &load.Loader{DropBodies: true, Heads: heads},
			Input:   pr,
			Output:  out,
			Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
		})
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "2,000 articles") {
		if time.Now().After(deadline) {
			t.Fatal("the list never finished loading")
		}
		time.Sleep(10 * time.Millisecond)
	}
	heads.Wait()
	// Every file changed: the refresh parses them all again, and writes
	// the cache anew, unless it is stopped.
	later := time.Now().Add(time.Hour)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		os.Chtimes(filepath.Join(dir, e.Name()), later, later)
	}
	if _, err := pw.Write([]byte("r")); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(out.String(), "refreshing…") {
		if time.Now().After(deadline) {
			t.Fatal("the refresh never showed")
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := pw.Write([]byte("\x03")); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, done); err != nil {
		t.Fatalf("Run: %v", err)
	}
	pw.Close()
	heads.Wait()
	left, _ := filepath.Glob(filepath.Join(cache, "*", ".tmp-*"))
	top, _ := filepath.Glob(filepath.Join(cache, ".tmp-*"))
	if left = append(left, top...); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before Run:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
