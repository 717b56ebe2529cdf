package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// The digest of each root follows every write of the index: documents
// added, replaced, skipped, moved and removed.
// Index and IndexFrom write alike.
func TestRootDigests(t *testing.T) {
	t.Run("Index", func(t *testing.T) { testRootDigests(t, false) })
	t.Run("IndexFrom", func(t *testing.T) { testRootDigests(t, true) })
}

func testRootDigests(t *testing.T, stream bool) {
	s := openTest(t, Options{})
	ctx := context.Background()
	// want is the index as it should be: root, then key to stamp.
	want := map[string]map[string]string{"/a": {}, "/b": {}}
	check := func(step string) {
		t.Helper()
		got, err := s.RootDigests(ctx, []string{"/a", "/b", "/none"})
		if err != nil {
			t.Fatal(err)
		}
		for root, docs := range want {
			var d Digest
			for k, st := range docs {
				d.Add(k, st)
			}
			if got[root] != d {
				t.Errorf("%s: digest of %s is %+v, want %+v", step, root, got[root], d)
			}
		}
		if got["/none"] != (Digest{}) {
			t.Errorf("%s: a root with nothing indexed has digest %+v", step, got["/none"])
		}
	}
	steps := []struct {
		name  string
		docs  []IndexDoc
		gone  []string
		apply func()
	}{
		{"add", []IndexDoc{
			{Key: "k1", Stamp: "1", Root: "/a", Text: "one"},
			{Key: "k2", Stamp: "1", Root: "/a", Text: "two"},
			{Key: "k3", Stamp: "1", Root: "/b", Text: "three"},
			{Key: "k4", Stamp: "1", Text: "four"},
		}, nil, func() {
			want["/a"]["k1"], want["/a"]["k2"], want["/b"]["k3"] = "1", "1", "1"
		}},
		{"replace and skip", []IndexDoc{
			{Key: "k1", Stamp: "2", Root: "/a", Text: "one again"},
			{Key: "k2", Stamp: "1", Root: "/a", Text: "ignored"},
		}, nil, func() { want["/a"]["k1"] = "2" }},
		{"move", []IndexDoc{
			{Key: "k2", Stamp: "1", Root: "/b", Move: true},
			{Key: "k4", Stamp: "1", Root: "/b", Move: true},
			// Changed since the move was planned: left as it is.
			{Key: "k3", Stamp: "9", Root: "/a", Move: true},
			// Not indexed: nothing to move.
			{Key: "k5", Stamp: "1", Root: "/a", Move: true},
		}, nil, func() {
			delete(want["/a"], "k2")
			want["/b"]["k2"], want["/b"]["k4"] = "1", "1"
		}},
		{"changed under another root", []IndexDoc{
			{Key: "k3", Stamp: "2", Root: "/a", Text: "three again"},
		}, nil, func() {
			delete(want["/b"], "k3")
			want["/a"]["k3"] = "2"
		}},
		{"unindex", nil, []string{"k1", "k4", "k3", "k2"}, func() {
			want["/a"], want["/b"] = map[string]string{}, map[string]string{}
		}},
	}
	for _, step := range steps {
		if err := indexEither(ctx, s, step.docs, stream); err != nil {
			t.Fatal(err)
		}
		if len(step.gone) > 0 {
			if err := s.Unindex(ctx, step.gone...); err != nil {
				t.Fatal(err)
			}
		}
		step.apply()
		check(step.name)
	}
	if m, _ := s.Match(ctx, "five"); len(m) != 0 {
		t.Errorf("a moved key that was not indexed was indexed: %v", m)
	}
	ix, err := s.Indexed(ctx)
	if err != nil || len(ix) != 0 {
		t.Errorf("Indexed after removing all: %v, %v", ix, err)
	}
}

// indexEither indexes docs with Index, or sends them to IndexFrom two to
// a transaction.
func indexEither(ctx context.Context, s *Store, docs []IndexDoc, stream bool) error {
	if !stream {
		return s.Index(ctx, docs)
	}
	ch := make(chan IndexDoc, len(docs))
	for _, d := range docs {
		ch <- d
	}
	close(ch)
	return s.IndexFrom(ctx, ch, 2, nil)
}

// TestIndexFrom checks that IndexFrom commits a batch at a time and
// reports each commit when it is visible to others, commits what it has
// once a sender pauses, leaving the lock to other writers, and rolls
// back only the transaction under way when it is stopped.
func TestIndexFrom(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gazette.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	other, err := Open(path, Options{BusyTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	docs := make(chan IndexDoc)
	type result struct {
		commits []int
		err     error
	}
	seen := make(chan int, 16)
	res := make(chan result, 1)
	go func() {
		var r result
		r.err = s.IndexFrom(ctx, docs, 3, func(n int) {
			ix, err := other.Indexed(context.Background())
			if err != nil || len(ix) != n {
				t.Errorf("after the commit of %d, another connection sees %d (%v)", n, len(ix), err)
			}
			r.commits = append(r.commits, n)
			seen <- n
		})
		res <- r
	}()
	doc := func(i int) IndexDoc {
		return IndexDoc{Key: fmt.Sprintf("k%d", i), Stamp: "1", Root: "/a", Text: fmt.Sprintf("word%d", i)}
	}
	for i := range 7 {
		docs <- doc(i)
	}
	// Three and three are committed; the seventh waits for more, until
	// the sender has paused for indexHold.
	for _, want := range []int{3, 6, 7} {
		select {
		case n := <-seen:
			if n != want {
				t.Fatalf("committed %d, want %d", n, want)
			}
		case <-time.After(indexHold + 5*time.Second):
			t.Fatalf("no commit of %d documents", want)
		}
	}
	// The lock is free while the sender pauses.
	if err := other.Mark(context.Background(), OpRead, "k0"); err != nil {
		t.Errorf("another writer while the sender pauses: %v", err)
	}
	docs <- doc(7)
	cancel()
	r := <-res
	if !errors.Is(r.err, context.Canceled) {
		t.Errorf("IndexFrom stopped returns %v, want context.Canceled", r.err)
	}
	ix, err := other.Indexed(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ix) != 7 {
		t.Errorf("%d documents indexed, want the 7 committed before the stop", len(ix))
	}
	if _, ok := ix["k7"]; ok {
		t.Error("the document of the transaction stopped was kept")
	}
}

// TestDigestMerge checks that pairs summed in parts and merged give the
// digest of all of them, in any order, as do stamps given as bytes, and
// that a digest tells one set of pairs from another.
func TestDigestMerge(t *testing.T) {
	var all, a, b, other, bytes Digest
	for i := range 100 {
		key, stamp := fmt.Sprintf("c:%d", i), fmt.Sprintf("%d 1 /news/%d.txt", i, i)
		all.Add(key, stamp)
		bytes.AddBytes(key, []byte(stamp))
		if i%3 == 0 {
			a.Add(key, stamp)
		} else {
			b.Add(key, stamp)
		}
		if i == 99 {
			stamp += "x"
		}
		other.Add(key, stamp)
	}
	b.Merge(a)
	if b != all {
		t.Errorf("merged %+v, want %+v", b, all)
	}
	if bytes != all {
		t.Errorf("summed from bytes %+v, want %+v", bytes, all)
	}
	if other == all {
		t.Error("one changed stamp left the digest as it was")
	}
}
