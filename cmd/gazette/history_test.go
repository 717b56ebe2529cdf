package main

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/store"
)

// TestReaderHistory checks the reader's stream: an item that left its
// feed comes back from the store with its body, a failed feed keeps its
// history untouched, and a directory's articles pass as they are.
func TestReaderHistory(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "gazette.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const feedURL = "https://news.example/feed.rss"
	srcs := []load.Source{{Location: feedURL}, {Location: "/news"}}
	item := func(name string) *feed.Article {
		return &feed.Article{ID: "00000000000000" + name[:2], Key: "g:" + name, Title: "Item " + name,
			Location: "https://news.example/" + name, Body: []feed.Block{{Text: "Body of " + name + "."}}}
	}
	run := func(results ...load.Result) (titles []string, bodies map[string]string) {
		t.Helper()
		in := make(chan load.Result, len(results))
		for _, r := range results {
			in <- r
		}
		close(in)
		bodies = map[string]string{}
		for r := range withHistory(context.Background(), st, srcs, in) {
			if r.Err != nil {
				if !errors.Is(r.Err, errFeedDown) {
					t.Fatalf("unexpected error %v", r.Err)
				}
				continue
			}
			for _, a := range r.Articles {
				titles = append(titles, a.Title)
				if len(a.Body) > 0 {
					bodies[a.Title] = a.Body[0].Text
				}
			}
		}
		slices.Sort(titles)
		return titles, bodies
	}
	file := &feed.Article{ID: "00000000000000ff", Key: "c:file", Title: "A file", Location: "/news/a.txt"}
	got, _ := run(load.Result{Source: feedURL, Articles: []*feed.Article{item("one")}}, load.Result{Source: feedURL, Articles: []*feed.Article{item("two")}},
		load.Result{Source: "/news", Articles: []*feed.Article{file}})
	if want := []string{"A file", "Item one", "Item two"}; !slices.Equal(got, want) {
		t.Fatalf("first load: %q, want %q", got, want)
	}
	got, bodies := run(load.Result{Source: feedURL, Articles: []*feed.Article{item("one")}}, load.Result{Source: "/news", Articles: []*feed.Article{file}})
	if want := []string{"A file", "Item one", "Item two"}; !slices.Equal(got, want) {
		t.Fatalf("after the feed dropped an item: %q, want %q", got, want)
	}
	if bodies["Item two"] != "Body of two." {
		t.Errorf("the kept item came back without its body: %q", bodies)
	}
	// The feed is down: what it listed before is still listed.
	got, _ = run(load.Result{Source: feedURL, Err: &load.SourceError{Source: feedURL, Err: errFeedDown}})
	if want := []string{"Item one", "Item two"}; !slices.Equal(got, want) {
		t.Fatalf("with the feed down: %q, want %q", got, want)
	}
	// With no store the stream is passed on untouched.
	in := make(chan load.Result)
	if out := withHistory(context.Background(), nil, srcs, in); out != (<-chan load.Result)(in) {
		t.Error("withHistory wrapped the stream of a reader without a store")
	}
}

var errFeedDown = errors.New("connection refused")
