package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/config"
	"github.com/gazette-news/gazette/internal/remote"
	"github.com/gazette-news/gazette/internal/syncer"
	"github.com/gazette-news/gazette/store"
)

func (a *app) syncCommand() *cobra.Command {
	var account string
	cmd := newCommand("sync [--account NAME]", "Sync read state and entries with the accounts in the config")
	cmd.Long = `Sync sends the read, unread, star and unstar changes made in gazette to
each [[account]] of the config, and brings the account's unread and
starred entries, and the changes made elsewhere, into gazette. When both
sides changed an entry, the newer change wins. Changes made while the
server cannot be reached stay queued until the next sync.

It prints what changed, one line per account, and exits 1 with the reason
when an account could not be synced.`
	cmd.Example = `  gazette sync
  gazette sync --account home`
	cmd.Args = cobra.NoArgs
	cmd.Flags().StringVar(&account, "account", "", "sync only this account")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return a.sync(cmd.Context(), account)
	}
	return cmd
}

// accounts returns the configured accounts, or the one named.
func (a *app) accounts(name string) ([]config.AccountConfig, error) {
	var all []config.AccountConfig
	if a.net.cfg != nil {
		all = a.net.cfg.Account
	}
	if name == "" {
		if len(all) == 0 {
			return nil, errors.New("no [[account]] in the config: see 'Sync accounts' in the README")
		}
		return all, nil
	}
	if a.net.cfg == nil {
		return nil, usagef("--account %q: there is no config file", feed.SanitizeLine(name))
	}
	acct, ok := a.net.cfg.FindAccount(name)
	if !ok {
		return nil, usagef("--account %q: no such account in the config", feed.SanitizeLine(name))
	}
	return []config.AccountConfig{acct}, nil
}

// syncConfig is how this run syncs accounts: its --timeout for every
// request, the process's environment for secrets.
func (a *app) syncConfig(accts []config.AccountConfig) syncer.Config {
	return syncer.Config{Accounts: accts, Getenv: a.io.getenv, Endpoint: remote.Endpoint{Timeout: a.timeout}}
}

// openSyncStore opens the database the sync keeps its entries and queue
// in, the one that keeps read marks and stars (see storePath). Unlike
// openStore it never falls back to memory: a sync into memory would be lost.
func (a *app) openSyncStore() (*store.Store, error) {
	path, err := a.storePath()
	if err != nil {
		return nil, err
	}
	return store.Open(path, storeOptions)
}

func (a *app) sync(ctx context.Context, name string) error {
	accts, err := a.accounts(name)
	if err != nil {
		return err
	}
	if a.offline {
		return usagef("--offline: a sync needs the network")
	}
	st, err := a.openSyncStore()
	if err != nil {
		return err
	}
	defer st.Close()
	results := syncer.SyncAll(ctx, st, a.syncConfig(accts))
	failed := false
	for _, r := range results {
		line := r.Summary.String()
		if len(results) > 1 {
			line = r.Account + ": " + line
		}
		fmt.Fprintln(a.stdout, feed.SanitizeLine(line))
		for _, why := range r.Rejected {
			a.warn(fmt.Errorf("%s: change dropped: %s", r.Account, why))
		}
		if r.Err != nil {
			a.warn(r.Err)
			failed = true
		}
	}
	if failed {
		return errSourcesFailed
	}
	return nil
}
