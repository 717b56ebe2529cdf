package main

import (
	"context"

	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/syncer"
)

// withAccounts adds to a load stream the articles each configured sync
// account brought into the store at its last sync ("account:NAME"), when
// the configured sources are the ones read. They come from the store
// only, with their bodies: listing them never waits on a server.
func (a *app) withAccounts(ctx context.Context, in <-chan load.Result) <-chan load.Result {
	if !a.configSources || a.net.cfg == nil || len(a.net.cfg.Account) == 0 {
		return in
	}
	out := make(chan load.Result)
	go func() {
		defer close(out)
		for r := range in {
			select {
			case out <- r:
			case <-ctx.Done():
				return
			}
		}
		st, err := a.openSyncStore()
		if err != nil {
			out <- load.Result{Err: &load.SourceError{Source: "accounts", Err: err}}
			return
		}
		defer st.Close()
		for _, acct := range a.net.cfg.Account {
			src := syncer.SourceName(acct.Name)
			arts, err := st.History(ctx, src)
			for _, art := range arts {
				select {
				case out <- load.Result{Article: art}:
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				out <- load.Result{Err: &load.SourceError{Source: src, Err: err}}
			}
		}
	}()
	return out
}
