package search_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/store"
)

// TestIndexerRead checks that Read sees each article of the plan once,
// with its body, or nil when its file is gone, and that what it saw is
// what was indexed.
func TestIndexerRead(t *testing.T) {
	fx, p := plannedCorpus(t, 40, 6)
	ctx := context.Background()
	gone := p.Todo[7]
	if err := os.Remove(gone.Location); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := make(map[int]*feed.Article)
	x := search.Indexer{Index: fx.st, Body: fx.loader.Body, Batch: 9, Read: func(i int, full *feed.Article) {
		mu.Lock()
		defer mu.Unlock()
		if _, twice := seen[i]; twice {
			t.Errorf("article %d read twice", i)
		}
		seen[i] = full
	}}
	if err := x.Run(ctx, p); err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(p.Todo) {
		t.Fatalf("Read saw %d articles of %d", len(seen), len(p.Todo))
	}
	indexed, err := fx.st.Indexed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range p.Todo {
		full := seen[i]
		_, in := indexed[a.Key]
		switch {
		case a == gone:
			if full != nil || in {
				t.Errorf("the removed file: read %v, indexed %v; want neither", full != nil, in)
			}
		case full == nil || full.Key != a.Key || full.Body == nil:
			t.Errorf("article %d (%s): Read got %+v, want it with its body", i, a.Location, full)
		case !in:
			t.Errorf("article %d (%s) was read but not indexed", i, a.Location)
		}
	}
}

// gatedIndex takes no document until open is closed, and then, when
// fail is set, writes one batch and fails.
type gatedIndex struct {
	*store.Store
	open chan struct{}
	fail error
}

func (g *gatedIndex) IndexFrom(ctx context.Context, docs <-chan store.IndexDoc, batch int, committed func(int)) error {
	select {
	case <-g.open:
	case <-time.After(10 * time.Second):
		return errors.New("the writer waited 10 s")
	}
	if g.fail == nil {
		return g.Store.IndexFrom(ctx, docs, batch, committed)
	}
	first := make([]store.IndexDoc, 0, batch)
	for d := range docs {
		if first = append(first, d); len(first) == batch {
			break
		}
	}
	if err := g.Store.Index(ctx, first); err != nil {
		return err
	}
	committed(len(first))
	return g.fail
}

// TestIndexerHoldsFewTexts checks that the readers stop a short queue
// ahead of the writer, rather than a batch or the whole plan ahead: the
// texts waiting to be written are all the build holds of them. While the
// writer takes nothing, the readers read no more than the queue holds
// and one each in hand; once it takes them, every article is indexed.
func TestIndexerHoldsFewTexts(t *testing.T) {
	fx, p := plannedCorpus(t, 600, 7)
	ctx := context.Background()
	g := &gatedIndex{Store: fx.st, open: make(chan struct{})}
	var read atomic.Int32
	const workers = 2
	x := search.Indexer{Index: g, Body: fx.loader.Body, Batch: 500, Workers: workers, Read: func(int, *feed.Article) {
		read.Add(1)
	}}
	done := make(chan error, 1)
	go func() { done <- x.Run(ctx, p) }()
	// Wait for the readers to stop.
	last := int32(-1)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		n := read.Load()
		if n == last {
			break
		}
		last = n
	}
	if n, most := read.Load(), int32(search.Queue+workers); n > most {
		t.Errorf("%d articles read while the writer took none, want at most %d", n, most)
	}
	close(g.open)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	indexed, err := fx.st.Indexed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(indexed) != len(p.Todo) {
		t.Errorf("%d articles indexed, want %d", len(indexed), len(p.Todo))
	}
}

// TestIndexerStopsReading checks that a run the index fails returns its
// error, and that no article is read after Run has returned.
func TestIndexerStopsReading(t *testing.T) {
	fx, p := plannedCorpus(t, 200, 8)
	ctx := context.Background()
	full := errors.New("disk full")
	g := &gatedIndex{Store: fx.st, open: make(chan struct{}), fail: full}
	close(g.open)
	var returned, late atomic.Bool
	// A slow body, read to the end whatever the context says, as a file
	// read is.
	slow := func(_ context.Context, a *feed.Article) (*feed.Article, error) {
		time.Sleep(20 * time.Millisecond)
		return fx.loader.Body(ctx, a)
	}
	x := search.Indexer{Index: g, Body: slow, Batch: 10, Read: func(int, *feed.Article) {
		if returned.Load() {
			late.Store(true)
		}
	}}
	err := x.Run(ctx, p)
	returned.Store(true)
	if !errors.Is(err, full) {
		t.Errorf("Run returned %v, want the index's error", err)
	}
	time.Sleep(50 * time.Millisecond)
	if late.Load() {
		t.Error("an article was read after Run returned")
	}
	indexed, err := fx.st.Indexed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(indexed) != 10 {
		t.Errorf("%d articles indexed, want the first batch's 10", len(indexed))
	}
}
