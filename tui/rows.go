package tui

import (
	"context"
	"iter"

	"github.com/gazette-news/gazette/internal/search"
)

// number gives new entries their rows, the numbers the searcher binds
// the index's documents to (see search.Searcher.Bind): each entry made
// gets the next, and keeps it.
func (l *listModel) number(add []*entry) {
	for _, e := range add {
		e.row = int32(l.nextRow)
		l.nextRow++
	}
}

// entryRows yields the row and the key of each entry, for Bind.
func entryRows(all []*entry) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		for _, e := range all {
			if !yield(int(e.row), e.view.Key) {
				return
			}
		}
	}
}

// bindRows binds the index's documents to the rows of all, every row
// below n, unless they are bound already. A failure leaves the filter
// to look keys up, as it does while the rows are not bound.
func bindRows(ctx context.Context, s *search.Searcher, n int, all []*entry) {
	if s == nil || s.Bound(n) {
		return
	}
	_ = s.Bind(ctx, n, entryRows(all))
}
