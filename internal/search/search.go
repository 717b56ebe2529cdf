package search

import (
	"context"
	"sync"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
)

// Searcher answers the body terms of queries from the index: one index
// lookup per term, kept for the next query that has the same term, so
// that typing one more word of a query asks only for that word.
type Searcher struct {
	idx Index

	mu sync.Mutex
	// gen counts the changes of the index the cache has seen; a lookup
	// made before a change is not kept after it.
	gen   int
	cache map[lookupKey]map[string]float64
	// keys counts the keys the cache holds.
	keys int
	// docs keeps the lookups of FindRows, as document numbers, and ndocs
	// counts them.
	docs  map[string][]int32
	ndocs int
	// bound is the last Bind's, nil before; bindMu keeps two from running
	// at once.
	bound  *binding
	bindMu sync.Mutex
}

// lookupKey names a lookup the cache keeps: an expression, ranked or not.
type lookupKey struct {
	expr   string
	ranked bool
}

// unranked is an index that can look an expression up without ranking
// the matches; *store.Store is one.
type unranked interface {
	MatchKeys(ctx context.Context, expr string) (map[string]float64, error)
}

// warmExpr is the expression Warm looks up: a word no text holds.
const warmExpr = `"gazettewarmupzq"`

// maxCachedTerms bounds the lookups a Searcher keeps, and maxCachedKeys
// the keys they hold together: a lookup of a common word holds a key for
// most articles, about 10 MB at 100,000, and 32 of them would hold far
// more than the list itself.
const (
	maxCachedTerms = 32
	maxCachedKeys  = 200_000
)

// NewSearcher returns a Searcher over the index.
func NewSearcher(idx Index) *Searcher {
	return &Searcher{idx: idx, cache: make(map[lookupKey]map[string]float64), docs: make(map[string][]int32)}
}

// Changed forgets the lookups made so far: the index has changed. The
// rows stay bound: a document indexed since is numbered above those the
// binding knows, and FindRows leaves a lookup that finds one to Find.
// Only a number given up and taken again by another key (the highest,
// unindexed, then a new key indexed) needs a new Bind.
func (s *Searcher) Changed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	clear(s.cache)
	s.keys = 0
	clear(s.docs)
	s.ndocs = 0
}

// Hits is the index's answer to the body terms of one query.
type Hits struct {
	q query.Query
	// leaves holds, for each of the query's TextLeaves, the keys whose
	// indexed body holds it, with their relevance.
	leaves []map[string]float64
}

// Search looks each body term of q up in the index, ranked: Hits.Score
// weighs the body terms by their relevance.
func (s *Searcher) Search(ctx context.Context, q query.Query) (*Hits, error) {
	return s.search(ctx, q, true)
}

// Find looks each body term of q up in the index as Search does, but
// leaves the ranking out: its Hits match as Search's do, and Hits.Score
// gives the body terms no weight. A filter needs no more, and the ranking
// costs twice the rest of a lookup. An index that cannot leave it out
// ranks anyway.
func (s *Searcher) Find(ctx context.Context, q query.Query) (*Hits, error) {
	return s.search(ctx, q, false)
}

func (s *Searcher) search(ctx context.Context, q query.Query, ranked bool) (*Hits, error) {
	leaves := q.TextLeaves()
	h := &Hits{q: q, leaves: make([]map[string]float64, len(leaves))}
	for i, l := range leaves {
		m, err := s.lookup(ctx, l.FTS(), ranked)
		if err != nil {
			return nil, err
		}
		h.leaves[i] = m
	}
	return h, nil
}

// Warm makes one lookup that finds nothing and is not kept, so that the
// first query typed does not pay for opening the index: a connection to
// the database, its schema, the first pages of the full-text tables.
func (s *Searcher) Warm(ctx context.Context) error {
	_, err := s.match(ctx, warmExpr, false)
	return err
}

// lookup runs one FTS expression, or takes its answer from the cache: a
// ranked answer serves an unranked lookup too.
func (s *Searcher) lookup(ctx context.Context, expr string, ranked bool) (map[string]float64, error) {
	s.mu.Lock()
	m, ok := s.cache[lookupKey{expr, true}]
	if !ok && !ranked {
		m, ok = s.cache[lookupKey{expr, false}]
	}
	gen := s.gen
	s.mu.Unlock()
	if ok {
		return m, nil
	}
	m, err := s.match(ctx, expr, ranked)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen == gen && len(m) <= maxCachedKeys/2 {
		if len(s.cache) >= maxCachedTerms || s.keys+len(m) > maxCachedKeys {
			clear(s.cache)
			s.keys = 0
		}
		s.cache[lookupKey{expr, ranked}] = m
		s.keys += len(m)
	}
	return m, nil
}

// match asks the index, with ranking or, when it can, without.
func (s *Searcher) match(ctx context.Context, expr string, ranked bool) (map[string]float64, error) {
	if u, ok := s.idx.(unranked); ok && !ranked {
		return u.MatchKeys(ctx, expr)
	}
	return s.idx.Match(ctx, expr)
}

// Match reports whether the article satisfies the query. An article that
// carries its body is matched on it, as query.Match does; one without is
// matched through the index, so that an article not indexed yet matches
// on its other fields alone.
func (h *Hits) Match(a *feed.Article) bool {
	if a.Body != nil || len(h.leaves) == 0 {
		return h.q.Match(a)
	}
	return h.q.MatchWith(a, func(leaf int) bool {
		_, ok := h.leaves[leaf][a.Key]
		return ok
	})
}

// MatchFolded is Match with the article's title and source read from f,
// which is query.Fold(a): a caller that matches the same articles query
// after query folds them once.
func (h *Hits) MatchFolded(a *feed.Article, f *query.Folded) bool {
	if a.Body != nil || len(h.leaves) == 0 {
		return h.q.MatchFolded(a, f, nil)
	}
	return h.q.MatchFolded(a, f, func(leaf int) bool { return h.Has(leaf, a.Key) })
}

// Has reports whether the indexed body of the story key holds body term
// leaf of the query (its TextLeaves()[leaf]).
func (h *Hits) Has(leaf int, key string) bool {
	if leaf < 0 || leaf >= len(h.leaves) {
		return false
	}
	_, ok := h.leaves[leaf][key]
	return ok
}

// EachKey calls fn with each story key whose indexed body holds body term
// leaf of the query, in no order.
func (h *Hits) EachKey(leaf int, fn func(key string)) {
	if leaf < 0 || leaf >= len(h.leaves) {
		return
	}
	for key := range h.leaves[leaf] {
		fn(key)
	}
}

// Score rates the article for sort:relevance, with the index's BM25
// score for the body terms of an article without its body.
func (h *Hits) Score(a *feed.Article) float64 {
	if a.Body != nil || len(h.leaves) == 0 {
		return h.q.Score(a, nil)
	}
	return h.q.Score(a, func(leaf int) float64 { return h.leaves[leaf][a.Key] })
}
