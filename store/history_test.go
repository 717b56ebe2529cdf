package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
)

func TestHistoryKeepsArticlesWhole(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	a := &feed.Article{
		ID: "0123456789abcdef", Key: "g:talks", Title: "Pipeline talks", Source: "Wire",
		Date:     time.Date(2026, 3, 1, 9, 30, 15, 0, time.FixedZone("", 3600)),
		DateText: "Sun, 01 Mar 2026 09:30:15 +0100", Link: "https://wire.example/talks",
		Location: "https://wire.example/talks", Format: "rss", Partial: true,
		Tags:     []feed.Tag{{Name: "Russia", Country: true, Code: "RU"}, {Name: "energy"}},
		Mentions: []feed.Mention{{Name: "China", Code: "CN", Score: 1.5}},
		Refs:     []feed.Ref{{N: 1, URL: "https://wire.example/map.png", Kind: feed.RefImage}, {N: 2, URL: "https://wire.example/more", Kind: feed.RefLink}},
		Images:   []string{"https://wire.example/map.png"},
		Body: []feed.Block{
			{Kind: feed.Image, Ref: 1},
			{Kind: feed.Paragraph, Text: "Talks went on [2]."},
			{Kind: feed.Heading, Text: "Later", Level: 2},
			{Kind: feed.ListItem, Text: "one", Level: 1},
			{Kind: feed.Code, Text: "a\n  b"},
		},
	}
	if err := s.Keep(ctx, "https://wire.example/rss", []*feed.Article{a, {Title: "no key"}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.History(ctx, "https://wire.example/rss")
	if err != nil || len(got) != 1 {
		t.Fatalf("History = %v, %v", got, err)
	}
	if !got[0].Date.Equal(a.Date) {
		t.Errorf("date %v, want %v", got[0].Date, a.Date)
	}
	got[0].Date = a.Date
	if !reflect.DeepEqual(got[0], a) {
		t.Errorf("kept\n%+v\nread back\n%+v", a, got[0])
	}
	c, err := s.UnreadCount(ctx, "https://wire.example/rss")
	if err != nil || c.Total != 1 || c.Unread != 1 {
		t.Errorf("count %+v, %v", c, err)
	}
	// Fetched again, with a changed text: one item, the newer text.
	b := *a
	b.Title = "Pipeline talks end"
	if err := s.Keep(ctx, "https://wire.example/rss", []*feed.Article{&b}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.History(ctx, "https://wire.example/rss"); len(got) != 1 || got[0].Title != b.Title {
		t.Errorf("after a second fetch: %v", got)
	}
}

func TestPrune(t *testing.T) {
	c := &clock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := openTest(t, Options{Now: c.now})
	ctx := context.Background()
	feedURL := "https://wire.example/rss"
	item := func(key string) *feed.Article { return &feed.Article{ID: "0123456789abcdef", Key: key, Title: key} }
	// Fetched at the start, then gone from the feed.
	if err := s.Keep(ctx, feedURL, []*feed.Article{item("g:read"), item("g:starred"), item("g:unread"), item("g:still")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Seen(ctx, "/news", []string{"c:file-read", "c:file-gone"}, true); err != nil {
		t.Fatal(err)
	}
	if err := s.Mark(ctx, OpRead, "g:read", "g:starred", "g:still", "c:file-read", "c:file-gone"); err != nil {
		t.Fatal(err)
	}
	if err := s.Mark(ctx, OpStar, "g:starred"); err != nil {
		t.Fatal(err)
	}
	if err := s.Seen(ctx, "/news", []string{"c:file-read"}, true); err != nil {
		t.Fatal(err)
	}
	// 91 days later one item is still in the feed.
	c.t = c.t.Add(91 * 24 * time.Hour)
	if err := s.Keep(ctx, feedURL, []*feed.Article{item("g:still")}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Prune(ctx, c.t, time.Hour*24*100); err != nil || n != 0 {
		t.Errorf("Prune with 100 days dropped %d, %v", n, err)
	}
	n, err := s.Prune(ctx, c.t, DefaultKeepRead)
	if err != nil || n != 2 {
		t.Errorf("Prune dropped %d, %v; want 2 (g:read, c:file-gone)", n, err)
	}
	m, _ := s.LoadStates(ctx)
	for key, want := range map[string]bool{"g:read": false, "c:file-gone": false, "g:starred": true, "g:unread": true, "g:still": true, "c:file-read": true} {
		if _, ok := m[key]; ok != want {
			t.Errorf("%s kept: %v, want %v", key, ok, want)
		}
	}
	hist, _ := s.History(ctx, feedURL)
	if len(hist) != 3 {
		t.Errorf("%d items left in the history, want 3", len(hist))
	}
	checkCounts(t, s)
}

func TestQueue(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	at := time.UnixMilli(1767225600123)
	err := s.Enqueue(ctx,
		Change{Account: "home", Key: "g:1", Op: OpRead, At: at},
		Change{Account: "work", Key: "g:2", Op: OpStar, At: at},
		Change{Account: "home", Key: "g:1", Op: OpUnread, At: at.Add(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Enqueue(ctx, Change{Account: "home", Key: "g:3", Op: "toggle"}); err == nil {
		t.Error("an unknown change was queued")
	}
	q, err := s.Pending(ctx, "home", 10)
	if err != nil || len(q) != 2 || q[0].Op != OpRead || q[1].Op != OpUnread || !q[0].At.Equal(at) {
		t.Fatalf("Pending = %+v, %v", q, err)
	}
	if err := s.Retry(ctx, q[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Dequeue(ctx, q[1].ID); err != nil {
		t.Fatal(err)
	}
	q, _ = s.Pending(ctx, "home", 10)
	if len(q) != 1 || q[0].Tries != 1 {
		t.Errorf("after a retry and a dequeue: %+v", q)
	}
}

func TestIndex(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	docs := []IndexDoc{
		{Key: "c:gas", Stamp: "1", Text: "gas prices rise as winter demand peaks"},
		{Key: "c:vegas", Stamp: "1", Text: "las vegas shows gasoline"},
		{Key: "c:cafe", Stamp: "1", Text: "talks at the café in Zürich"},
		{Key: "c:ru", Stamp: "1", Text: "переговоры в Москве о газе"},
	}
	if err := s.Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		expr string
		want []string
	}{
		{"gas", []string{"c:gas"}},
		{"gas*", []string{"c:gas", "c:vegas"}},
		{`"winter demand"`, []string{"c:gas"}},
		{`"demand winter"`, nil},
		{"cafe zurich", []string{"c:cafe"}},
		{"москве", []string{"c:ru"}},
		{"gas OR vegas", []string{"c:gas", "c:vegas"}},
		{"gas NOT prices", nil},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			m, err := s.Match(ctx, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if len(m) != len(tt.want) {
				t.Errorf("Match(%q) = %v, want %v", tt.expr, m, tt.want)
			}
			for _, k := range tt.want {
				if _, ok := m[k]; !ok {
					t.Errorf("Match(%q) = %v, want %v", tt.expr, m, tt.want)
				}
			}
		})
	}
	t.Run("relevance", func(t *testing.T) {
		s.Index(ctx, []IndexDoc{{Key: "c:gasgas", Stamp: "1", Text: "gas gas gas"}})
		m, _ := s.Match(ctx, "gas")
		if m["c:gasgas"] <= m["c:gas"] {
			t.Errorf("scores %v: the text all about gas should rank first", m)
		}
	})
	t.Run("changed stamp replaces, same stamp skips", func(t *testing.T) {
		if err := s.Index(ctx, []IndexDoc{{Key: "c:gas", Stamp: "2", Text: "coal deal"}, {Key: "c:vegas", Stamp: "1", Text: "ignored"}}); err != nil {
			t.Fatal(err)
		}
		if m, _ := s.Match(ctx, "prices"); len(m) != 0 {
			t.Errorf("the old text still matches: %v", m)
		}
		if m, _ := s.Match(ctx, "coal"); len(m) != 1 {
			t.Errorf("the new text does not match: %v", m)
		}
		if m, _ := s.Match(ctx, "ignored"); len(m) != 0 {
			t.Errorf("a document with an unchanged stamp was indexed again: %v", m)
		}
		st, err := s.Indexed(ctx)
		if err != nil || st["c:gas"].Stamp != "2" || st["c:vegas"].Stamp != "1" || len(st) != 5 {
			t.Errorf("Indexed = %v, %v", st, err)
		}
	})
	t.Run("unindex", func(t *testing.T) {
		if err := s.Unindex(ctx, "c:gas", "c:none"); err != nil {
			t.Fatal(err)
		}
		if m, _ := s.Match(ctx, "coal"); len(m) != 0 {
			t.Errorf("an unindexed document matches: %v", m)
		}
		if st, _ := s.Indexed(ctx); len(st) != 4 {
			t.Errorf("Indexed after Unindex = %v", st)
		}
	})
}

func TestMatchBadExpressions(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	s.Index(ctx, []IndexDoc{{Key: "c:1", Stamp: "1", Text: "gas"}})
	for _, expr := range []string{`"unbalanced`, "(gas", "gas OR", "AND", "*", "nope:gas", "NEAR(", "\x00", ""} {
		t.Run(expr, func(t *testing.T) {
			_, err := s.Match(ctx, expr)
			if !errors.Is(err, ErrBadQuery) {
				t.Errorf("Match(%q): %v; want ErrBadQuery", expr, err)
			}
		})
	}
}

func FuzzMatch(f *testing.F) {
	for _, seed := range []string{"gas", `"a b"`, "a OR b", "(a", "a*", "NEAR(a b, 2)", "body:x", "^a", "-a", "a + b"} {
		f.Add(seed)
	}
	s, err := OpenMemory(Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Index(ctx, []IndexDoc{{Key: "c:1", Stamp: "1", Text: "gas prices rise"}, {Key: "c:2", Stamp: "1", Text: "coal deal"}}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		m, err := s.Match(ctx, expr)
		if err != nil && m != nil {
			t.Errorf("Match(%q) returned both results and %v", expr, err)
		}
		for k := range m {
			if k != "c:1" && k != "c:2" {
				t.Errorf("Match(%q) returned unknown key %q", expr, k)
			}
		}
	})
}
