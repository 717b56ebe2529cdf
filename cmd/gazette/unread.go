package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/state"
	"github.com/gazette-news/gazette/store"
)

func (a *app) unreadCommand() *cobra.Command {
	cmd := newCommand("unread [SOURCE...]", "Print the number of unread articles")
	cmd.Long = `Unread prints how many articles are unread, for a status bar: of the
SOURCEs given, else of the configured sources, else of every source gazette
has read. A story two sources carry counts once.

The count is the one kept when the sources were last read (by the reader,
list or mark), so it comes back at once however many articles there are,
and a directory is not read again. A source gazette has never read is read
once, and counted.`
	cmd.Example = `  gazette unread
  gazette unread ~/news
  set -g status-right '#(gazette unread) unread'    # tmux`
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return a.unread(cmd.Context(), args)
	}
	return cmd
}

func (a *app) unread(ctx context.Context, args []string) error {
	srcs := a.sources(args)
	all := len(args) == 0 && (a.net.cfg == nil || len(a.net.cfg.Source) == 0)
	st := a.openStore(readState)
	if st == nil {
		// Nothing is remembered yet: every article is unread.
		arts, failed := a.loadState(ctx, a.headLoader(), srcs, nil)
		fmt.Fprintln(a.stdout, len(arts))
		if failed {
			return errSourcesFailed
		}
		return nil
	}
	var keys []string
	if !all {
		for _, src := range srcs {
			if k := state.SourceKey(src); k != "" {
				keys = append(keys, k)
			}
		}
	}
	c, err := countUnread(ctx, st, keys)
	if err != nil {
		return err
	}
	failed := false
	if len(c.Unknown) > 0 {
		// Read once the sources never read, which records them.
		var unknown []load.Source
		for _, src := range srcs {
			for _, k := range c.Unknown {
				if state.SourceKey(src) == k {
					unknown = append(unknown, src)
					break
				}
			}
		}
		_, failed = a.loadState(ctx, a.headLoader(), unknown, st)
		if c, err = countUnread(ctx, st, keys); err != nil {
			return err
		}
	}
	fmt.Fprintln(a.stdout, c.Unread)
	if failed {
		return errSourcesFailed
	}
	return nil
}

// countUnread counts the unread articles of the sources (SourceKeys), or
// of all when there are none. When the sources asked about are every one
// the store knows, the count of all is the same and is one row to read.
func countUnread(ctx context.Context, st *store.Store, keys []string) (store.Count, error) {
	if len(keys) > 1 {
		known, err := st.Sources(ctx)
		if err != nil {
			return store.Count{}, err
		}
		asked := make(map[string]bool, len(keys))
		for _, k := range keys {
			asked[k] = true
		}
		every := true
		for _, k := range known {
			every = every && asked[k]
		}
		if every && len(known) == len(asked) {
			return st.UnreadCount(ctx)
		}
	}
	return st.UnreadCount(ctx, keys...)
}
