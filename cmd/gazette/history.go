package main

import (
	"context"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/state"
	"github.com/gazette-news/gazette/store"
)

// withHistory gives the reader what state.Sync gives the commands for
// URL sources: after the stream has passed on everything the load gave,
// it adds each URL source's items that the feed no longer carries, kept
// in the store with their bodies, and keeps what the feeds gave now for
// the next time. Directories and files need no history: their articles
// are their files. st may be nil, and then the stream is left alone.
func withHistory(ctx context.Context, st *store.Store, srcs []load.Source, in <-chan load.Result) <-chan load.Result {
	var urls []string
	for _, s := range srcs {
		if s.FS == nil && feed.IsURL(s.Location) {
			urls = append(urls, s.Location)
		}
	}
	if st == nil || len(urls) == 0 {
		return in
	}
	out := make(chan load.Result)
	go func() {
		defer close(out)
		fetched := make(map[string][]*feed.Article, len(urls))
		failed := make(map[string]bool, len(urls))
		for r := range in {
			if feed.IsURL(r.Source) {
				if r.Err != nil {
					failed[r.Source] = true
				} else {
					fetched[r.Source] = append(fetched[r.Source], r.Articles...)
				}
			}
			select {
			case out <- r:
			case <-ctx.Done():
				return
			}
		}
		for _, src := range urls {
			kept, err := st.History(ctx, src)
			if err != nil {
				out <- load.Result{Source: src, Err: &load.SourceError{Source: src, Err: err}}
				continue
			}
			now := fetched[src]
			have := make(map[string]bool, len(now))
			for _, a := range now {
				have[a.Key] = true
			}
			var old []*feed.Article
			for _, a := range kept {
				if a.Key == "" || have[a.Key] {
					continue
				}
				have[a.Key] = true
				old = append(old, a)
			}
			if len(old) > 0 {
				select {
				case out <- load.Result{Source: src, Articles: old}:
				case <-ctx.Done():
					return
				}
			}
			// A feed that failed to load keeps its history as it was.
			if len(now) > 0 && !failed[src] {
				if err := state.Record(ctx, st, src, now, true); err != nil {
					out <- load.Result{Source: src, Err: &load.SourceError{Source: src, Err: err}}
				}
			}
		}
	}()
	return out
}
