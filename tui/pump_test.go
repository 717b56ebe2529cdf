package tui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
)

// The pump delivers every result, in batches that are sorted and bounded,
// and says when the stream ends.
func TestPump(t *testing.T) {
	arts := synthCorpus(10_000)
	ch := make(chan feed.Result, 64)
	go func() {
		for i, a := range arts {
			ch <- feed.Result{Article: a}
			if i%1000 == 0 {
				ch <- feed.Result{Err: errors.New("bad file")}
			}
		}
		close(ch)
	}()
	var got, errs, batches int
	for {
		msg := pump(context.Background(), ch, time.Second)
		batches++
		if len(msg.arts) > maxBatch {
			t.Fatalf("batch of %d", len(msg.arts))
		}
		for i := 1; i < len(msg.arts); i++ {
			if feed.Newer(msg.arts[i], msg.arts[i-1]) {
				t.Fatal("batch not sorted newest first")
			}
		}
		got += len(msg.arts)
		errs += len(msg.errs)
		if msg.done {
			break
		}
	}
	if got != len(arts) || errs != 10 {
		t.Errorf("got %d articles and %d errors, want %d and 10", got, errs, len(arts))
	}
	if batches > 2*len(arts)/maxBatch+2 {
		t.Errorf("%d batches for %d articles", batches, len(arts))
	}
}

// A cancelled load ends the pump instead of blocking it.
func TestPumpCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	msg := pump(ctx, make(chan feed.Result), time.Second)
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

// While a load runs, the memory limit follows the live heap; when it ends,
// or is cancelled, the limit is what it was. A limit the user set stands.
func TestLimitHeadroom(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	if ch := make(chan feed.Result); limitHeadroom(context.Background(), ch, true) != ch {
		t.Error("a limit from GOMEMLIMIT was overridden")
	}

	in := make(chan feed.Result, 8)
	out := limitHeadroom(context.Background(), in, false)
	in <- feed.Result{Article: &feed.Article{ID: "a"}}
	if r := <-out; r.Article == nil || r.Article.ID != "a" {
		t.Fatalf("forwarded %+v", r)
	}
	during := debug.SetMemoryLimit(-1)
	if before == math.MaxInt64 && during >= before {
		t.Errorf("limit %d while loading, want below %d", during, before)
	}
	for i := range headroomEvery + 10 {
		in <- feed.Result{Err: fmt.Errorf("e%d", i)}
		<-out
	}
	close(in)
	if _, open := <-out; open {
		t.Fatal("results after the end")
	}
	waitLimit(t, before)

	ctx, cancel := context.WithCancel(context.Background())
	in = make(chan feed.Result)
	out = limitHeadroom(ctx, in, false)
	go func() { in <- feed.Result{Err: errors.New("never read")} }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	waitLimit(t, before)
	_ = out
}

// waitLimit waits for the memory limit to be want, which the forwarding
// goroutine puts back as it ends.
func waitLimit(t *testing.T, want int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for debug.SetMemoryLimit(-1) != want {
		if time.Now().After(deadline) {
			t.Fatalf("memory limit %d, want it put back to %d", debug.SetMemoryLimit(-1), want)
		}
		time.Sleep(time.Millisecond)
	}
}
