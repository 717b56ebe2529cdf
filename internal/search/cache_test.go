package search

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/gazette-news/gazette/feed/query"
)

// sizedIndex answers a lookup of the word "nNNN" with NNN keys, and counts
// the lookups.
type sizedIndex struct {
	anyIndex
	lookups int
}

// anyIndex names Index for embedding: its other methods are not called.
type anyIndex = Index

func (x *sizedIndex) Match(ctx context.Context, expr string) (map[string]float64, error) {
	x.lookups++
	n, _ := strconv.Atoi(strings.Trim(expr, `"n`))
	m := make(map[string]float64, n)
	for i := range n {
		m[strconv.Itoa(i)] = 1
	}
	return m, nil
}

// TestCacheBounded shows that the lookups a Searcher keeps hold at most
// maxCachedKeys keys together, that a lookup too large is not kept, and
// that a small one is.
func TestCacheBounded(t *testing.T) {
	ctx := context.Background()
	idx := &sizedIndex{}
	s := NewSearcher(idx)
	find := func(word string) {
		t.Helper()
		q, err := query.Parse(word)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Search(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		find("n" + strconv.Itoa(maxCachedKeys/4+i))
		if s.keys > maxCachedKeys || len(s.cache) > maxCachedTerms {
			t.Fatalf("after %d lookups the cache holds %d keys in %d lookups", i+1, s.keys, len(s.cache))
		}
	}
	before := idx.lookups
	big := "n" + strconv.Itoa(maxCachedKeys/2+1)
	find(big)
	find(big)
	if idx.lookups != before+2 {
		t.Errorf("a lookup of %s keys was kept", big[1:])
	}
	find("n7")
	find("n7")
	if idx.lookups != before+3 {
		t.Error("a small lookup was not kept")
	}
}
