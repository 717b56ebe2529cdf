package tui

import (
	"context"
	"runtime"

	tea "charm.land/bubbletea/v2"

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

// foldChunk is how many entries foldEntries folds between two looks at
// the context and two chances for the UI to run.
const foldChunk = 1024

// foldEntries folds the titles and sources of the entries in the
// background, once the list is complete, so that the first body word
// typed finds them folded: a body word is matched against 100,000 titles
// at every key, and folding them each time costs five times the match.
func foldEntries(ctx context.Context, all []*entry) tea.Cmd {
	if len(all) == 0 {
		return nil
	}
	return safeCmd(func() tea.Msg {
		for i, e := range all {
			if i%foldChunk == 0 {
				if ctx.Err() != nil {
					return nil
				}
				runtime.Gosched()
			}
			e.foldedView()
		}
		return nil
	})
}
