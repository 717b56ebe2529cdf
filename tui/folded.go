package tui

import (
	"context"
	"runtime"

	"github.com/gazette-news/gazette/feed/query"
)

// foldedView returns the entry's title and source folded as the index
// folds words, folding them on first use. Filter runs over parts of the
// list may fold the same entry at once; either result is the same.
func (e *entry) foldedView() *query.Folded {
	if f := e.folded.Load(); f != nil {
		return f
	}
	f := query.Fold(&e.view)
	e.folded.Store(&f)
	return &f
}

// foldChunk is how many entries foldAll folds between two looks at the
// context and two chances for the UI to run.
const foldChunk = 1024

// foldAll folds the titles and sources of the entries, so that the first
// body word typed finds them folded: a body word is matched against
// 100,000 titles at every key, and folding them costs five times the
// match. It runs in the background once the list is complete.
func foldAll(ctx context.Context, all []*entry) {
	for i, e := range all {
		if i%foldChunk == 0 {
			if ctx.Err() != nil {
				return
			}
			runtime.Gosched()
		}
		e.foldedView()
	}
}
