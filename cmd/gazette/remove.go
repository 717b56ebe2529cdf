package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/config"
	"github.com/gazette-news/gazette/internal/remote"
	"github.com/gazette-news/gazette/internal/syncer"
)

func (a *app) removeCommand() *cobra.Command {
	var account string
	cmd := newCommand("remove [flags] URL|PATH|NAME", "Remove a source from the config, or unsubscribe an account from a feed")
	cmd.Long = `Remove takes a source out of the config file: the one with that URL, that
path, or that name. With --account it also unsubscribes the account from
the feed with that URL or title on the server.`
	cmd.Example = `  gazette remove https://example.org/feed.xml
  gazette remove "Example News"
  gazette remove https://example.org/feed.xml --account home`
	cmd.Args = oneArg("a URL, a PATH or a NAME")
	cmd.Flags().StringVar(&account, "account", "", "unsubscribe this account from the feed on the server")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return a.remove(cmd.Context(), args[0], account)
	}
	return cmd
}

func (a *app) remove(ctx context.Context, location, account string) error {
	path, err := a.editablePath()
	if err != nil {
		return err
	}
	var acct config.AccountConfig
	if account != "" {
		accts, err := a.accounts(account)
		if err != nil {
			return err
		}
		acct = accts[0]
	}
	// The config is read again, changed and written under its lock, as
	// add does; with nothing to remove, nothing is written.
	var (
		s       config.SourceConfig
		removed bool
	)
	err = config.Update(path, func(cfg *config.Config) error {
		if s, removed = cfg.Remove(location); !removed {
			return errNotConfigured
		}
		return nil
	})
	if err != nil && !errors.Is(err, errNotConfigured) {
		return err
	}
	if removed {
		fmt.Fprintf(a.stdout, "removed %s\n", feed.SanitizeLine(s.Location()))
	}
	if account == "" {
		if !removed {
			return fmt.Errorf("%q: no such source in the config", feed.SanitizeLine(location))
		}
		return nil
	}
	sub, err := a.unsubscribe(ctx, acct, location)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "unsubscribed %s from %s\n", feed.SanitizeLine(acct.Name), feed.SanitizeLine(sub.URL))
	return nil
}

// errNotConfigured stops a config update that has nothing to remove.
var errNotConfigured = errors.New("no such source in the config")

// errNoSubscription is returned when an account follows no such feed.
var errNoSubscription = errors.New("the account follows no such feed")

// unsubscribe removes the account's subscription whose URL or title is
// location.
func (a *app) unsubscribe(ctx context.Context, acct config.AccountConfig, location string) (remote.Subscription, error) {
	client, err := syncer.Dial(ctx, acct, a.io.getenv, remote.Endpoint{Timeout: a.timeout})
	if err != nil {
		return remote.Subscription{}, err
	}
	subs, err := client.Subscriptions(ctx)
	if err != nil {
		return remote.Subscription{}, err
	}
	want := strings.TrimRight(location, "/")
	for _, sub := range subs {
		if strings.EqualFold(strings.TrimRight(sub.URL, "/"), want) || strings.EqualFold(sub.Title, location) {
			return sub, client.Unsubscribe(ctx, sub.ID)
		}
	}
	return remote.Subscription{}, fmt.Errorf("%s: %q: %w", acct.Name, feed.SanitizeLine(location), errNoSubscription)
}

// subscribe subscribes the account to the feed at location, in the
// category when one is given.
func (a *app) subscribe(ctx context.Context, name, location, category string) error {
	accts, err := a.accounts(name)
	if err != nil {
		return err
	}
	if !feed.IsURL(location) {
		return usagef("%q: an account subscribes to http or https URLs only", feed.SanitizeLine(location))
	}
	client, err := syncer.Dial(ctx, accts[0], a.io.getenv, remote.Endpoint{Timeout: a.timeout})
	if err != nil {
		return err
	}
	sub, err := client.Subscribe(ctx, location, category)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "subscribed %s to %s (%s)\n", feed.SanitizeLine(accts[0].Name), feed.SanitizeLine(sub.URL), feed.SanitizeLine(sub.Title))
	return nil
}
