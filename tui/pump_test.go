package tui

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
)

// The pump delivers every result, in batches that are bounded and in the
// order the results came, a result's articles together, and says when the
// stream ends.
func TestPump(t *testing.T) {
	arts := synthCorpus(10_000)
	wantErrs := 0
	for i := 0; i < len(arts); i += 3 {
		if i%999 == 0 {
			wantErrs++
		}
	}
	ch := make(chan load.Result, 64)
	go func() {
		for i := 0; i < len(arts); i += 3 {
			ch <- load.Result{Articles: arts[i:min(i+3, len(arts))]}
			if i%999 == 0 {
				ch <- load.Result{Err: errors.New("bad file")}
			}
		}
		close(ch)
	}()
	var got []*feed.Article
	var errs, batches int
	for {
		msg := pump(context.Background(), ch, time.Second)
		batches++
		if len(msg.arts) > maxBatch+2 {
			t.Fatalf("batch of %d", len(msg.arts))
		}
		got = append(got, msg.arts...)
		errs += len(msg.errs)
		if msg.done {
			break
		}
	}
	if !slices.Equal(got, arts) || errs != wantErrs {
		t.Errorf("got %d articles and %d errors, want the %d sent, in order, and %d", len(got), errs, len(arts), wantErrs)
	}
	if batches > 2*len(arts)/maxBatch+2 {
		t.Errorf("%d batches for %d articles", batches, len(arts))
	}
}

// A cancelled load ends the pump instead of blocking it.
func TestPumpCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	msg := pump(ctx, make(chan load.Result), time.Second)
	if !msg.done {
		t.Error("pump did not end on a cancelled context")
	}
}

func TestBatchWindowGrows(t *testing.T) {
	if batchWindow(0) != minBatchWait || batchWindow(1_000_000) != maxBatchWait {
		t.Errorf("window %s at 0, %s at 1M", batchWindow(0), batchWindow(1_000_000))
	}
	if batchWindow(50_000) <= batchWindow(1_000) {
		t.Error("window does not grow with the list")
	}
}

// A batch ends when its window does, even while results keep coming
// faster than they are taken: errors, which count towards no batch's
// size, could otherwise hold the list back for as long as they came.
// A cancelled context ends a stream that never pauses, too.
func TestPumpWindowWhileResultsFlow(t *testing.T) {
	const n = 500_000
	ch := make(chan load.Result, n)
	for range n {
		ch <- load.Result{Err: errors.New("bad file")}
	}
	msg := pump(context.Background(), ch, time.Millisecond)
	if len(msg.errs) == 0 || len(msg.errs) >= n || msg.done {
		t.Fatalf("took %d of %d errors always waiting (done %v), want the window to end the batch first", len(msg.errs), n, msg.done)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	left := len(ch)
	msg = pump(ctx, ch, time.Hour)
	if !msg.done || len(msg.errs) >= left {
		t.Fatalf("a cancelled pump took %d of %d errors, done %v", len(msg.errs), left, msg.done)
	}
}

// The first batch (no window) takes the first result and those there
// already, and waits for no more: a stream that has nothing yet to give
// does not hold it, one that never pauses does not make it endless, and
// one that ended says so.
func TestPumpWithoutWindow(t *testing.T) {
	arts := synthCorpus(9)
	ch := make(chan load.Result, 8)
	for i := range 3 {
		ch <- load.Result{Articles: arts[3*i : 3*i+3]}
	}
	done := make(chan loadBatchMsg)
	go func() { done <- pump(context.Background(), ch, firstBatchWait) }()
	select {
	case msg := <-done:
		if !slices.Equal(msg.arts, arts) || msg.done {
			t.Fatalf("took %d articles, done %v; want the 9 there, not done", len(msg.arts), msg.done)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the first batch waited for a result that was not coming")
	}

	flow := make(chan load.Result, 1000)
	for range cap(flow) {
		flow <- load.Result{Err: errors.New("bad file")}
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case flow <- load.Result{Err: errors.New("bad file")}:
			case <-stop:
				return
			}
		}
	}()
	if msg := pump(context.Background(), flow, firstBatchWait); len(msg.errs) > cap(flow)+2 {
		t.Fatalf("took %d errors from a stream that never pauses, more than were there", len(msg.errs))
	}

	ended := make(chan load.Result, 2)
	ended <- load.Result{Articles: arts[:1]}
	close(ended)
	if msg := pump(context.Background(), ended, firstBatchWait); !msg.done || len(msg.arts) != 1 {
		t.Fatalf("took %d articles of an ended stream, done %v; want its one, done", len(msg.arts), msg.done)
	}
}
