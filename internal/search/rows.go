package search

import (
	"context"
	"errors"
	"hash/maphash"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
)

// numbered is an index that answers with the numbers of its documents
// and tells whose they are; *store.Store is one.
type numbered interface {
	MatchDocs(ctx context.Context, expr string) ([]int64, error)
	DocKeys(ctx context.Context, fn func(doc int64, key string) error) error
}

// Rows are the articles a caller matches: Len of them, the i-th with
// the row it is numbered by (from 0) and its key.
type Rows interface {
	Len() int
	At(i int) (row int, key string)
}

// binding ties the index's document numbers to a caller's rows, so that
// a lookup's matches become rows without one key lookup per article.
type binding struct {
	// rows is how many rows were numbered: rows from 0 to rows-1.
	rows int
	// docRow[doc] is 1 + the row of the document's key, 0 for none.
	docRow []int32
	// more holds the other rows of a key that several rows share, by
	// the first row.
	more map[int32][]int32
	// last is the highest document number bound: a document numbered
	// above it was indexed since, and its key is not known.
	last int64
}

// maxBoundDoc bounds the document numbers a binding maps, and so its
// table: an index whose numbers went that high is answered by keys.
const maxBoundDoc = 1 << 25

// errUnbound says the index's numbers went beyond what a binding maps.
var errUnbound = errors.New("index: document numbers too high to bind")

// Bind numbers the index's documents by the caller's rows, so that
// FindRows answers over them, the rows below n ("" keys are skipped). It
// reads every key the index holds once, some 200 ms of CPU at 100,000
// (half of it SQLite's), and holds 4 bytes per document number after,
// some 50 bytes a row while it runs; the rows are bound until the next
// Bind. An index that cannot say whose its numbers are is not bound, and
// FindRows answers nothing.
func (s *Searcher) Bind(ctx context.Context, n int, rows Rows) error {
	idx, ok := s.idx.(numbered)
	if !ok {
		return nil
	}
	s.bindMu.Lock()
	defer s.bindMu.Unlock()
	keys := newKeyTable(rows, n)
	b := &binding{rows: n, more: keys.more, docRow: make([]int32, 0, rows.Len()+rows.Len()/4+1)}
	err := idx.DocKeys(ctx, func(doc int64, key string) error {
		if doc <= 0 || doc > maxBoundDoc {
			return errUnbound
		}
		b.last = max(b.last, doc)
		row, ok := keys.find(key)
		if !ok {
			return nil
		}
		if int(doc) >= len(b.docRow) {
			b.docRow = append(b.docRow, make([]int32, int(doc)+1-len(b.docRow))...)
		}
		b.docRow[doc] = row + 1
		return nil
	})
	if errors.Is(err, errUnbound) {
		s.setBinding(nil)
		return nil
	}
	if err != nil {
		return err
	}
	s.setBinding(b)
	return nil
}

// keyTable finds the row of a key among Rows: open addressing, each slot
// a part of the key's hash beside the key's place, and the keys copied
// one after another. Reading a key from its row goes through the entry,
// its article and the key's own allocation, three reads far apart in
// memory; at 100,000 rows, the lookups of the keys the index holds
// spent most of Bind so (the rows read once a probe).
type keyTable struct {
	seed maphash.Seed
	// slots holds 0 for an empty slot, else the high half of the key's
	// hash over 1 + the key's place in rows and ends; their number is a
	// power of two.
	slots []uint64
	// text holds the keys one after another, the i-th ending at ends[i];
	// rows[i] is its row.
	text []byte
	ends []int
	rows []int32
	more map[int32][]int32
}

func newKeyTable(rows Rows, n int) *keyTable {
	size := 1
	for size < 2*rows.Len() {
		size *= 2
	}
	t := &keyTable{
		seed:  maphash.MakeSeed(),
		slots: make([]uint64, size),
		// Keys of stories are 18 bytes (see feed.StoryKey).
		text: make([]byte, 0, 18*rows.Len()),
		ends: make([]int, 0, rows.Len()),
		rows: make([]int32, 0, rows.Len()),
	}
	for i := range rows.Len() {
		row, key := rows.At(i)
		if key == "" || row < 0 || row >= n {
			continue
		}
		h := maphash.String(t.seed, key)
		slot, at, found := t.lookup(h, key)
		if found {
			// Two rows of one story: the first stands for both.
			if t.more == nil {
				t.more = make(map[int32][]int32)
			}
			first := t.rows[at]
			t.more[first] = append(t.more[first], int32(row))
			continue
		}
		t.text = append(t.text, key...)
		t.ends = append(t.ends, len(t.text))
		t.rows = append(t.rows, int32(row))
		t.slots[slot] = h&^placeBits | uint64(len(t.rows))
	}
	return t
}

// placeBits are the bits of a slot that hold the key's place.
const placeBits = 1<<32 - 1

// lookup returns the slot of key, whose hash is h, and, when found, the
// key's place.
func (t *keyTable) lookup(h uint64, key string) (slot uint64, at int, found bool) {
	mask := uint64(len(t.slots) - 1)
	for slot = h & mask; ; slot = (slot + 1) & mask {
		v := t.slots[slot]
		if v == 0 {
			return slot, 0, false
		}
		if v&^placeBits != h&^placeBits {
			continue
		}
		at = int(v&placeBits) - 1
		start := 0
		if at > 0 {
			start = t.ends[at-1]
		}
		if string(t.text[start:t.ends[at]]) == key {
			return slot, at, true
		}
	}
}

// find returns the row of key.
func (t *keyTable) find(key string) (int32, bool) {
	_, at, found := t.lookup(maphash.String(t.seed, key), key)
	if !found {
		return 0, false
	}
	return t.rows[at], true
}

func (s *Searcher) setBinding(b *binding) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bound = b
}

// Bound reports whether the rows below n are bound: FindRows answers
// over them.
func (s *Searcher) Bound(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bound != nil && n <= s.bound.rows
}

// RowHits is the index's answer to the body terms of one query, over the
// rows of a Bind.
type RowHits struct {
	q query.Query
	// leaves holds, for each of the query's TextLeaves, the rows whose
	// indexed body holds it, a bit each.
	leaves [][]uint64
}

// FindRows looks each body term of q up in the index as Find does, and
// answers over the rows below n of the last Bind. It returns nil, and no
// error, when it cannot: no rows below n are bound, or a term matches a
// document indexed since the Bind, whose key only Find knows.
func (s *Searcher) FindRows(ctx context.Context, q query.Query, n int) (*RowHits, error) {
	idx, ok := s.idx.(numbered)
	if !ok {
		return nil, nil
	}
	s.mu.Lock()
	b := s.bound
	s.mu.Unlock()
	if b == nil || n > b.rows {
		return nil, nil
	}
	leaves := q.TextLeaves()
	h := &RowHits{q: q, leaves: make([][]uint64, len(leaves))}
	for i, l := range leaves {
		docs, err := s.lookupDocs(ctx, idx, l.FTS())
		if err != nil {
			return nil, err
		}
		if len(docs) > 0 && int64(docs[len(docs)-1]) > b.last {
			return nil, nil
		}
		bits := make([]uint64, (b.rows+63)/64)
		for _, d := range docs {
			if int(d) >= len(b.docRow) {
				continue
			}
			r := b.docRow[d] - 1
			if r < 0 {
				continue
			}
			bits[r/64] |= 1 << (r % 64)
			for _, o := range b.more[r] {
				bits[o/64] |= 1 << (o % 64)
			}
		}
		h.leaves[i] = bits
	}
	return h, nil
}

// lookupDocs runs one FTS expression for its document numbers, or takes
// them from the cache.
func (s *Searcher) lookupDocs(ctx context.Context, idx numbered, expr string) ([]int32, error) {
	s.mu.Lock()
	docs, ok := s.docs[expr]
	gen := s.gen
	s.mu.Unlock()
	if ok {
		return docs, nil
	}
	all, err := idx.MatchDocs(ctx, expr)
	if err != nil {
		return nil, err
	}
	docs = make([]int32, len(all))
	for i, d := range all {
		if d <= 0 || d > maxBoundDoc {
			// Beyond any binding: FindRows leaves the lookup to Find.
			docs = []int32{maxBoundDoc + 1}
			break
		}
		docs[i] = int32(d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen == gen {
		if len(s.docs) >= maxCachedTerms || s.ndocs+len(docs) > maxCachedDocs {
			clear(s.docs)
			s.ndocs = 0
		}
		s.docs[expr] = docs
		s.ndocs += len(docs)
	}
	return docs, nil
}

// maxCachedDocs bounds the document numbers the cache of FindRows keeps
// together, 4 bytes each.
const maxCachedDocs = 1 << 20

// Match reports whether the article, bound as row, satisfies the query,
// as Hits.MatchFolded does: f is query.Fold(a). An article that carries
// its body is matched on it; a row the Bind did not number matches on its
// other fields alone.
func (h *RowHits) Match(a *feed.Article, f *query.Folded, row int) bool {
	if a.Body != nil || len(h.leaves) == 0 {
		return h.q.MatchFolded(a, f, nil)
	}
	return h.q.MatchFolded(a, f, func(leaf int) bool { return h.Has(leaf, row) })
}

// Has reports whether the indexed body of the document bound to row holds
// body term leaf of the query (its TextLeaves()[leaf]).
func (h *RowHits) Has(leaf, row int) bool {
	if leaf < 0 || leaf >= len(h.leaves) {
		return false
	}
	bits := h.leaves[leaf]
	return row >= 0 && row/64 < len(bits) && bits[row/64]&(1<<(row%64)) != 0
}
