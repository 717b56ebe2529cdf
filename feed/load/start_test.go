//go:build unix

package load

import (
	"context"
	"testing"
	"time"
)

// A load given Start lists and reads nothing until it is closed: no
// result comes before, and a file written after Load returned is loaded.
// A load whose context ends while it is held ends, having read nothing.
func TestLoadStart(t *testing.T) {
	dir := t.TempDir()
	writeStory(t, dir, "a.txt", "First")
	start := make(chan struct{})
	results := (&Loader{Start: start}).Load(context.Background(), []Source{{Location: dir}})
	select {
	case r := <-results:
		t.Fatalf("a result before the start: %+v", r)
	case <-time.After(50 * time.Millisecond):
	}
	writeStory(t, dir, "b.txt", "Second")
	close(start)
	arts, errs := Collect(results)
	if len(errs) > 0 || len(arts) != 2 {
		t.Fatalf("%d articles, errors %v; want both files'", len(arts), errs)
	}

	ctx, cancel := context.WithCancel(context.Background())
	results = (&Loader{Start: make(chan struct{})}).Load(ctx, []Source{{Location: dir}})
	cancel()
	done := make(chan int)
	go func() {
		arts, _ := Collect(results)
		done <- len(arts)
	}()
	select {
	case n := <-done:
		if n != 0 {
			t.Errorf("cancelled while held: %d articles", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a load cancelled while held never ended")
	}
}
