package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/fetch"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/internal/state"
)

// sourceStat is what `gazette sources` tells of one source beside its
// config: how many articles it holds now, when it was last fetched, and
// what reading it gives as an error. It reads the network never: a URL
// is read from the cache, as --offline does.
type sourceStat struct {
	// Articles is the number of articles the source holds, as cached for
	// a URL.
	Articles int `json:"articles"`
	// Fetched is when a URL was last fetched (or found unchanged); nil
	// for a path, or a URL never fetched.
	Fetched *time.Time `json:"last_fetch,omitempty"`
	// Error is the first error reading the source gives, sanitized; for a
	// URL never fetched, that it is not cached.
	Error string `json:"last_error,omitempty"`
	// Unread is the number of its articles not read yet, as the store last
	// recorded them; nil when no store knows the source.
	Unread *int `json:"unread,omitempty"`
}

// statWorkers bounds the sources read at once.
const statWorkers = 4

// sourceStats reads every source, URLs from the cache only, and counts.
func (a *app) sourceStats(ctx context.Context, srcs []load.Source) []sourceStat {
	out := make([]sourceStat, len(srcs))
	live := a.fetcher()
	offline := &fetch.Fetcher{Offline: true, Cache: live.Cache, UserAgent: live.UserAgent}
	l := a.headLoader()
	l.Fetch = offline.Fetch
	sem := make(chan struct{}, statWorkers)
	var wg sync.WaitGroup
	for i, src := range srcs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = statOf(ctx, l, offline.Cache, src)
		}()
	}
	wg.Wait()
	// The unread counts are the store's, kept per source: one row each.
	if st := a.openStore(readState); st != nil {
		for i, src := range srcs {
			key := state.SourceKey(src)
			if key == "" {
				continue
			}
			if c, err := st.UnreadCount(ctx, key); err == nil && len(c.Unknown) == 0 {
				out[i].Unread = &c.Unread
			}
		}
	}
	return out
}

// statOf reads one source for its figures.
func statOf(ctx context.Context, l *load.Loader, cache *fetch.Cache, src load.Source) sourceStat {
	var st sourceStat
	if feed.IsURL(src.Location) && cache != nil {
		if e, ok := cache.Get(src.Location); ok {
			t := e.FetchedAt
			st.Fetched = &t
		}
	}
	arts, errs := load.Collect(l.Load(ctx, []load.Source{src}))
	st.Articles = len(arts)
	if len(errs) > 0 {
		st.Error = feed.SanitizeLine(errs[0].Error())
		if errors.Is(errs[0], fetch.ErrNotCached) {
			st.Error = "not fetched yet"
		}
		if len(errs) > 1 {
			st.Error += fmt.Sprintf(" (and %d more)", len(errs)-1)
		}
	}
	return st
}

// fetchedText says when a source was fetched, for a terminal: "fetched
// 2h ago", "never fetched", or nothing for a path.
func (s sourceStat) fetchedText(isURL bool, now time.Time) string {
	switch {
	case !isURL:
		return ""
	case s.Fetched == nil:
		return "never fetched"
	}
	return "fetched " + humanize.Ago(now.Sub(*s.Fetched))
}

// fetchedStamp is the fetch time for a pipe: RFC 3339 in UTC, or empty.
func (s sourceStat) fetchedStamp() string {
	if s.Fetched == nil {
		return ""
	}
	return s.Fetched.UTC().Format(time.RFC3339)
}

// articlesText counts the articles for a terminal, and the unread ones
// among them when the store knows.
func (s sourceStat) articlesText() string {
	text := humanize.Plural(s.Articles, "article", "articles")
	if s.Unread != nil {
		text += ", " + humanize.Thousands(*s.Unread) + " unread"
	}
	return text
}

// unreadField is the unread count for a pipe: a number, or empty when the
// store does not know the source.
func (s sourceStat) unreadField() string {
	if s.Unread == nil {
		return ""
	}
	return strconv.Itoa(*s.Unread)
}
