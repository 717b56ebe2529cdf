package search_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/store"
)

// lookupCountingIndex is a store that counts the lookups made of it, ranked or
// not.
type lookupCountingIndex struct {
	*store.Store
	ranked, unranked int
}

func (c *lookupCountingIndex) Match(ctx context.Context, expr string) (map[string]float64, error) {
	c.ranked++
	return c.Store.Match(ctx, expr)
}

func (c *lookupCountingIndex) MatchKeys(ctx context.Context, expr string) (map[string]float64, error) {
	c.unranked++
	return c.Store.MatchKeys(ctx, expr)
}

// TestFind checks that Find matches what Search matches without asking
// the index to rank, that a ranked lookup kept serves Find, and that Warm
// keeps nothing.
func TestFind(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 120, 3)
	fx := newFixture(t, dir)
	fx.index(t)
	ctx := context.Background()
	idx := &lookupCountingIndex{Store: fx.st}
	s := search.NewSearcher(idx)

	if err := s.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if idx.unranked != 1 || idx.ranked != 0 {
		t.Errorf("Warm made %d unranked and %d ranked lookups, want 1 unranked", idx.unranked, idx.ranked)
	}
	for _, text := range []string{"samarkand", "gas OR coal", `"coal deal"`, "pipe*", "-kremlin"} {
		t.Run(text, func(t *testing.T) {
			q := mustParse(t, text)
			found, err := s.Find(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			searched, err := search.NewSearcher(fx.st).Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := matching(fx, found), matching(fx, searched); !slices.Equal(got, want) {
				t.Errorf("Find matches %v, Search %v", got, want)
			}
		})
	}
	if idx.ranked != 0 {
		t.Errorf("Find ranked %d lookups", idx.ranked)
	}

	// A ranked lookup kept answers Find; an unranked one does not answer
	// Search, which must rank.
	s = search.NewSearcher(idx)
	idx.ranked, idx.unranked = 0, 0
	q := mustParse(t, "coal")
	for _, step := range []func(context.Context, query.Query) (*search.Hits, error){s.Search, s.Find, s.Find} {
		if _, err := step(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	q = mustParse(t, "gas")
	for _, step := range []func(context.Context, query.Query) (*search.Hits, error){s.Find, s.Search, s.Search} {
		if _, err := step(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if idx.ranked != 2 || idx.unranked != 1 {
		t.Errorf("%d ranked and %d unranked lookups, want 2 and 1", idx.ranked, idx.unranked)
	}
}

// TestFindCancelled checks that a lookup whose context is done gives up
// with the context's error, which a filter superseded by a newer one
// relies on.
func TestFindCancelled(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 40, 4)
	fx := newFixture(t, dir)
	fx.index(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := search.NewSearcher(fx.st).Find(ctx, mustParse(t, "gas"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Find with a cancelled context: %v, want context.Canceled", err)
	}
}

// matching returns the locations of the fixture's articles that h matches.
func matching(fx *fixture, h *search.Hits) []string {
	var out []string
	for _, a := range fx.heads {
		if h.Match(a) {
			out = append(out, a.Location)
		}
	}
	return out
}
