package load

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"unsafe"
)

// TestQueueBatches checks that the first jobs go out alone and the
// batches double up to maxBatch, that flush passes on what is left, and
// that no job is lost or passed twice.
func TestQueueBatches(t *testing.T) {
	ctx := context.Background()
	jobs := make(chan []job, 100)
	q := &queue{jobs: jobs, free: make(chan []job, 1)}
	for i := range 300 {
		if !q.add(ctx, job{path: fmt.Sprint(i)}) {
			t.Fatalf("add %d refused", i)
		}
	}
	if !q.flush(ctx) {
		t.Fatal("flush refused")
	}
	// Nothing is left: a second flush passes nothing on, and says so.
	if !q.flush(ctx) {
		t.Fatal("an empty flush refused")
	}
	close(jobs)
	var sizes []int
	n := 0
	for b := range jobs {
		sizes = append(sizes, len(b))
		for _, j := range b {
			if j.path != fmt.Sprint(n) {
				t.Fatalf("job %d is %q", n, j.path)
			}
			n++
		}
	}
	if want := []int{1, 2, 4, 8, 16, 32, 64, 64, 64, 45}; !slices.Equal(sizes, want) {
		t.Errorf("batches %v, want %v", sizes, want)
	}
}

// TestQueueCancelled checks that a queue whose workers are gone gives up
// once ctx ends, rather than waiting for them.
func TestQueueCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	q := &queue{jobs: make(chan []job), free: make(chan []job, 1)}
	cancel()
	if q.add(ctx, job{path: "a"}) {
		t.Error("add passed a job to no worker")
	}
	if q.flush(ctx) {
		t.Error("an empty flush after cancel reported success")
	}
}

// TestQueueRecycle checks that a batch a worker is done with is filled
// again, and holds nothing of its last jobs meanwhile.
func TestQueueRecycle(t *testing.T) {
	ctx := context.Background()
	jobs := make(chan []job, 100)
	free := make(chan []job, 1)
	q := &queue{jobs: jobs, free: free, size: maxBatch}
	for i := range maxBatch {
		q.add(ctx, job{path: fmt.Sprint(i)})
	}
	b := <-jobs
	recycle(free, b)
	kept := <-free
	if len(kept) != 0 || cap(kept) != maxBatch {
		t.Fatalf("recycled batch len %d cap %d", len(kept), cap(kept))
	}
	if kept[:1][0].path != "" {
		t.Error("a recycled batch still holds its jobs")
	}
	free <- kept
	q.add(ctx, job{path: "next"})
	if &q.batch[:1][0] != &b[:1][0] {
		t.Error("the queue did not fill the recycled batch")
	}
	// A small batch is let go rather than recycled.
	recycle(free, make([]job, 0, 4))
	select {
	case <-free:
		t.Error("a small batch was recycled")
	default:
	}
}

// TestJobSize checks that a job stays the size the queue was measured at:
// what a source's jobs share is behind a pointer, not copied into each.
func TestJobSize(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("the figure is for 64-bit machines")
	}
	if got := unsafe.Sizeof(job{}); got != 64 {
		t.Errorf("a job takes %d bytes, want 64", got)
	}
}
