package load

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"
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

// TestQueueHolds checks that while the workers wait, a queue whose
// channel is full holds its batches rather than waiting too, and passes
// them all on, in their order, once the workers no longer wait.
func TestQueueHolds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	jobs := make(chan []job, 2)
	wait := make(chan struct{})
	q := &queue{jobs: jobs, free: make(chan []job, 1)}
	q.holdWhile(wait)
	const n = 1000
	// Nothing takes from jobs: an add that waited would not return.
	added := make(chan error)
	go func() {
		for i := range n {
			if !q.add(ctx, job{path: fmt.Sprint(i)}) {
				added <- fmt.Errorf("add %d refused", i)
				return
			}
		}
		if !q.flush(ctx) {
			added <- errors.New("a flush while holding refused")
			return
		}
		added <- nil
	}()
	select {
	case err := <-added:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the queue waited for the workers while they waited")
	}
	if len(jobs) != cap(jobs) || len(q.held)-q.next == 0 {
		t.Fatalf("%d batches passed on, %d held: want the channel full and the rest held", len(jobs), len(q.held)-q.next)
	}
	close(wait)
	got := make(chan []string)
	go func() {
		var paths []string
		for b := range jobs {
			for _, j := range b {
				paths = append(paths, j.path)
			}
		}
		got <- paths
	}()
	if !q.add(ctx, job{path: fmt.Sprint(n)}) || !q.flush(ctx) {
		t.Fatal("the flush after the wait refused")
	}
	if len(q.held) != 0 || q.next != 0 {
		t.Errorf("%d batches still held after the flush", len(q.held)-q.next)
	}
	close(jobs)
	paths := <-got
	if len(paths) != n+1 {
		t.Fatalf("%d jobs passed on, want %d", len(paths), n+1)
	}
	for i, p := range paths {
		if p != fmt.Sprint(i) {
			t.Fatalf("job %d is %q: the order was lost", i, p)
		}
	}
}

// TestQueueHoldsUpToCap checks that a queue holds at most maxHeld jobs,
// and waits for the workers past that, like any queue (here until ctx
// ends); and that the flush that ends a hold waits too.
func TestQueueHoldsUpToCap(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	q := &queue{jobs: make(chan []job), free: make(chan []job, 1)}
	q.holdWhile(make(chan struct{}))
	var added atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for q.add(ctx, job{}) {
			added.Add(1)
		}
	}()
	// The queue waits once the count stops growing.
	for last, deadline := int64(-1), time.Now().Add(10*time.Second); ; {
		time.Sleep(100 * time.Millisecond)
		select {
		case <-done:
			t.Fatal("the queue refused a job with ctx still live")
		default:
		}
		n := added.Load()
		if n == last || time.Now().After(deadline) {
			break
		}
		last = n
	}
	cancel()
	<-done
	// The first batches are small, and the cap counts batches of
	// maxBatch: it holds a little less.
	if held := added.Load() + 1; held < maxHeld-8*maxBatch || held > maxHeld+maxBatch {
		t.Errorf("%d jobs taken before the queue waited, want about maxHeld (%d)", held, maxHeld)
	}

	q = &queue{jobs: make(chan []job), free: make(chan []job, 1)}
	q.holdWhile(make(chan struct{}))
	q.add(context.Background(), job{path: "a"})
	q.holdWhile(nil)
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if q.flush(ctx) {
		t.Error("the flush ending a hold passed its jobs to no worker")
	}
}
