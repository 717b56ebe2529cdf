package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/store"
)

func (a *app) markCommand() *cobra.Command {
	var text string
	cmd := newCommand("mark read|unread|star|unstar ARTICLE... | mark read --query QUERY [SOURCE...]", "Mark articles read or unread, starred or not")
	cmd.Long = `Mark changes what gazette remembers of articles. ARTICLE is an ID or
unique ID prefix from 'gazette list', looked up in the SOURCEs given among
them (directories, files, URLs), else in the default sources.

With --query, every article of the SOURCEs (or the default sources) that
matches QUERY is marked; --query '' marks them all.

Every change is made in one transaction: all of it is kept, or none. An
ID that names no article, or several, is an error, and nothing is marked.
What changed is printed on standard error.`
	cmd.Example = `  gazette mark read 3f2a9c1 c0bc272
  gazette mark star 3f2a ~/news
  gazette mark read --query 'tag:russia before:2022-01-01'
  gazette mark read --query '' ~/news            # everything in ~/news`
	cmd.Args = needArgs(1, "a change (read, unread, star or unstar) and the articles")
	f := cmd.Flags()
	f.StringVarP(&text, "query", "q", "", "mark every article matching this query (see 'Query language' in the README)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return a.mark(cmd.Context(), store.Op(args[0]), args[1:], text, cmd.Flags().Changed("query"))
	}
	return cmd
}

// mark applies op to the articles named by IDs among args, or to those
// matching the query when byQuery, in one transaction.
func (a *app) mark(ctx context.Context, op store.Op, args []string, text string, byQuery bool) error {
	if !op.Valid() {
		return usagef("mark: %q is not a change; write read, unread, star or unstar", op)
	}
	var paths, ids []string
	if byQuery {
		paths = args
	} else {
		for _, arg := range args {
			if isID(arg) && !exists(arg) {
				ids = append(ids, strings.ToLower(arg))
			} else {
				paths = append(paths, arg)
			}
		}
		if len(ids) == 0 {
			return usagef("mark %s needs article IDs, or --query", op)
		}
	}
	match, err := a.matcher(nil, text, false)
	if err != nil {
		return err
	}
	st := a.openStore(keepState)
	if st == nil || st.Memory() {
		// The warning said why; marking in memory would only pretend.
		return errors.New("nothing was marked")
	}
	a.state.prune = true
	l := a.headLoader()
	if q, err := query.Parse(text); err == nil && q.NeedsBody() {
		l = a.loader()
	}
	arts, failed := a.loadState(ctx, l, a.sources(paths), st)
	var picked []*feed.Article
	if byQuery {
		for _, art := range arts {
			if match(art) {
				picked = append(picked, art)
			}
		}
	} else {
		found, missing, ambiguous := findIDs(arts, ids)
		for _, err := range ambiguous {
			a.warn(err)
		}
		switch {
		case len(missing) > 0:
			return fmt.Errorf("no article with ID %s; nothing was marked", strings.Join(missing, ", "))
		case len(ambiguous) > 0:
			return errors.New("nothing was marked")
		}
		picked = found
	}
	keys := make([]string, 0, len(picked))
	changed := 0
	seen := make(map[string]bool, len(picked))
	for _, art := range picked {
		if art.Key == "" || seen[art.Key] {
			continue
		}
		seen[art.Key] = true
		keys = append(keys, art.Key)
		if changes(art.State, op) {
			changed++
		}
	}
	if len(keys) > 0 {
		if err := st.Mark(ctx, op, keys...); err != nil {
			return err
		}
	}
	fmt.Fprintln(a.stderr, markSummary(op, changed, len(keys)-changed))
	if failed {
		return errSourcesFailed
	}
	return nil
}

// changes reports whether op changes an article in state s.
func changes(s feed.State, op store.Op) bool {
	switch op {
	case store.OpRead:
		return !s.Read
	case store.OpUnread:
		return s.Read
	case store.OpStar:
		return !s.Starred
	case store.OpUnstar:
		return s.Starred
	}
	return false
}

// markSummary says what a mark changed: "marked 12 read", "starred 1
// (2 already were)". Articles already so are counted apart, so that the
// first number is what changed.
func markSummary(op store.Op, changed, already int) string {
	line := fmt.Sprintf("marked %d %s", changed, op)
	switch op {
	case store.OpStar:
		line = fmt.Sprintf("starred %d", changed)
	case store.OpUnstar:
		line = fmt.Sprintf("unstarred %d", changed)
	}
	switch {
	case already == 1:
		line += " (1 already was)"
	case already > 1:
		line += fmt.Sprintf(" (%d already were)", already)
	}
	return line
}
