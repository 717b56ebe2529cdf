package search_test

import (
	"context"
	"testing"

	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/store"
)

// memos are the memos of one directory, held in memory.
type memos struct {
	unchanged bool
	memo      []byte
	sets      int
}

func (m *memos) Unchanged(string) bool { return m.unchanged }
func (m *memos) Memo(string) []byte    { return m.memo }
func (m *memos) SetMemo(_ string, b []byte) error {
	if m.unchanged {
		m.memo = b
		m.sets++
	}
	return nil
}

// MakePlanMemo keeps the sums of a load that found its directory
// unchanged, and answers from them the next time: an empty plan, without
// summing the articles or reading the index's keys. A memo that is not
// the index's sum, a directory not found unchanged, or more than one
// root, make the plan as MakePlan does.
func TestMakePlanMemo(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeCorpus(t, dir, 12, 3)
	arts, l := loadDirs(t, "", dir)
	idx := newCountingIndex(t)
	p, err := search.MakePlanMemo(ctx, idx, nil, arts, []string{dir})
	if err != nil || len(p.Todo) != 12 {
		t.Fatalf("first plan, no memos: %d to do, %v", len(p.Todo), err)
	}
	if err := (&search.Indexer{Index: idx, Body: l.Body}).Run(ctx, p); err != nil {
		t.Fatal(err)
	}
	sums, err := idx.RootDigests(ctx, []string{dir})
	if err != nil || sums[dir].N != 12 {
		t.Fatalf("the index's sum %+v, %v", sums[dir], err)
	}
	m := &memos{}
	// step plans n of the articles, and checks whether the plan is empty,
	// whether the articles were summed, and the memo kept after.
	step := func(what string, n int, roots []string, empty, summed bool, memo store.Digest) {
		t.Helper()
		p, err := search.MakePlanMemo(ctx, idx, m, arts[:n], roots)
		if err != nil || p.Empty() != empty || (p.Sums != nil) != summed {
			t.Fatalf("%s: plan empty %v, summed %v, %v; want %v, %v", what, p.Empty(), p.Sums != nil, err, empty, summed)
		}
		var got store.Digest
		if m.memo != nil {
			if err := got.UnmarshalBinary(m.memo); err != nil {
				t.Fatalf("%s: memo %q: %v", what, m.memo, err)
			}
		}
		if got != memo {
			t.Errorf("%s: memo %+v, want %+v", what, got, memo)
		}
	}
	step("not found unchanged", 12, []string{dir}, true, true, store.Digest{})
	m.unchanged = true
	step("found unchanged, no memo", 12, []string{dir}, true, true, sums[dir])
	step("found unchanged, the memo the index's sum", 12, []string{dir}, true, false, sums[dir])
	// Trusted: an article left out of the load goes unnoticed, as none
	// can be in a directory found as its cache recorded it.
	reads := idx.reads
	step("the memo trusted", 11, []string{dir}, true, false, sums[dir])
	if idx.reads != reads || m.sets != 1 {
		t.Errorf("the index read %d times, %d memos kept; want none, and one", idx.reads-reads, m.sets)
	}
	// A memo that is not the index's sum is not trusted, nor is one that
	// does not decode; the load's sum is kept instead.
	other := sums[dir]
	other.N++
	m.memo, _ = other.MarshalBinary()
	step("a memo not the index's sum", 12, []string{dir}, true, true, sums[dir])
	m.memo = []byte("not a digest")
	step("a damaged memo", 12, []string{dir}, true, true, sums[dir])
	step("two roots", 11, []string{dir, t.TempDir()}, false, true, sums[dir])
	step("no root: a load not whole", 11, nil, true, false, sums[dir])
}
