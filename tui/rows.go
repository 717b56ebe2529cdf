package tui

import (
	"context"

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

// entryRows are entries as Bind reads them: each with its row and key.
type entryRows []*entry

func (r entryRows) Len() int { return len(r) }

func (r entryRows) At(i int) (int, string) { return int(r[i].row), r[i].a.Key }

// bindRows binds the index's documents to the rows of all, every row
// below n, unless they are bound already. A failure leaves the filter
// to look keys up, as it does while the rows are not bound.
func bindRows(ctx context.Context, s *search.Searcher, n int, all []*entry) {
	if s == nil || s.Bound(n) {
		return
	}
	_ = s.Bind(ctx, n, entryRows(all))
}
