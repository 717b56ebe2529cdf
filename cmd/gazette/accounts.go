package main

import (
	"context"
	"errors"
	"sync"

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
		// In the reader, each load (the launch, `r`) also starts a sync
		// in the background, whose news the next `r` shows.
		a.bgSync.start(a)
		for _, acct := range a.net.cfg.Account {
			src := syncer.SourceName(acct.Name)
			arts, err := st.History(ctx, src)
			if len(arts) > 0 {
				select {
				case out <- load.Result{Articles: arts}:
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

// backgroundSync runs the accounts' sync beside the reader, one at a
// time. Its zero value does nothing: only the reader turns it on.
type backgroundSync struct {
	mu      sync.Mutex
	ctx     context.Context
	running bool
	wg      sync.WaitGroup
}

// enable lets start run syncs until ctx ends.
func (b *backgroundSync) enable(ctx context.Context) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ctx = ctx
}

// start begins a sync of every account unless one is running. What it
// did is told as a notice, which waits for the reader to end.
func (b *backgroundSync) start(a *app) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ctx == nil || b.running || b.ctx.Err() != nil {
		return
	}
	b.running = true
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		defer func() {
			b.mu.Lock()
			b.running = false
			b.mu.Unlock()
		}()
		st, err := a.openSyncStore()
		if err != nil {
			a.notice("sync", err.Error())
			return
		}
		defer st.Close()
		for _, r := range syncer.SyncAll(b.ctx, st, a.syncConfig(a.net.cfg.Account)) {
			if r.Err != nil && !errors.Is(r.Err, context.Canceled) {
				a.notice(r.Account, "sync failed: "+r.Err.Error())
			}
			for _, why := range r.Rejected {
				a.notice(r.Account, "change dropped: "+why)
			}
		}
	}()
}

// wait waits for a running sync to end.
func (b *backgroundSync) wait() { b.wg.Wait() }
