package syncer

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gazette-news/gazette/internal/config"
	"github.com/gazette-news/gazette/internal/remote"
	"github.com/gazette-news/gazette/internal/remote/greader"
	"github.com/gazette-news/gazette/internal/remote/miniflux"
	"github.com/gazette-news/gazette/store"
)

// Dial returns a client of the configured account, its secrets resolved
// through getenv (os.Getenv in the program) or the account's command.
// The endpoint's limits (timeout, size cap) apply to every request; its
// URL is the account's. It makes no request to the server.
func Dial(ctx context.Context, a config.AccountConfig, getenv func(string) string, ep remote.Endpoint) (remote.Account, error) {
	secrets, err := a.Resolve(ctx, getenv)
	if err != nil {
		return nil, err
	}
	ep.URL = a.URL
	var acct remote.Account
	switch a.Kind {
	case config.KindMiniflux:
		acct, err = miniflux.New(miniflux.Config{Endpoint: ep, Token: secrets.Token, User: a.User, Password: secrets.Password})
	case config.KindGReader:
		acct, err = greader.New(greader.Config{Endpoint: ep, User: a.User, Password: secrets.Password})
	default:
		return nil, fmt.Errorf("account %q: unknown kind %q", a.Name, a.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("account %q: %w", a.Name, err)
	}
	return acct, nil
}

// Result is how the sync of one account went.
type Result struct {
	// Summary is what changed, as far as the sync went.
	Summary
	// Err is why the sync failed, or nil.
	Err error
}

// String returns "NAME: summary", and the reason when it failed.
func (r Result) String() string {
	s := r.Account + ": " + r.Summary.String()
	if r.Err != nil {
		s += " · failed: " + r.Err.Error()
	}
	return s
}

// Config is what SyncAll needs.
type Config struct {
	// Accounts are the accounts to sync, in order.
	Accounts []config.AccountConfig
	// Getenv reads the environment; nil means none.
	Getenv func(string) string
	// Endpoint sets the request limits; its URL is ignored.
	Endpoint remote.Endpoint
	// Options tunes each sync.
	Options Options
}

// SyncAll syncs each account once, one after the other, and returns how
// each went. One account failing leaves the others.
func SyncAll(ctx context.Context, st *store.Store, cfg Config) []Result {
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	out := make([]Result, 0, len(cfg.Accounts))
	for _, a := range cfg.Accounts {
		acct, err := Dial(ctx, a, getenv, cfg.Endpoint)
		if err != nil {
			out = append(out, Result{Summary: Summary{Account: a.Name}, Err: err})
			continue
		}
		sum, err := Run(ctx, st, a.Name, acct, cfg.Options)
		out = append(out, Result{Summary: sum, Err: err})
	}
	return out
}

// Hook returns a function that syncs every account once and returns how
// it went: what the reader runs inside a tea.Cmd, at launch and on `r`,
//
//	func() tea.Msg { return syncDoneMsg(hook()) }
//
// so that the list, read from the store, is usable while the servers
// answer. The whole run is bounded by timeout (every account's deadline
// within it); ctx cancels it when the reader quits.
func Hook(ctx context.Context, st *store.Store, cfg Config, timeout time.Duration) func() []Result {
	return func() []Result {
		if st == nil || len(cfg.Accounts) == 0 {
			return nil
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return SyncAll(ctx, st, cfg)
	}
}

// Summarize joins results on one line for a status bar.
func Summarize(rs []Result) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = r.String()
	}
	return strings.Join(parts, "; ")
}
