package state

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/store"
)

// BenchmarkSync is what a second `list --json` of a directory of 100,000
// files does once they are loaded: record them (nothing new), sort them,
// list each story once and give each its state, with every state read
// early, as the command reads them.
func BenchmarkSync(b *testing.B) {
	ctx := context.Background()
	st := openStore(b)
	src := load.Source{Location: filepath.Join(b.TempDir(), "news")}
	words := []string{"Russia", "China", "Beijing", "Moscow", "talks", "signs", "deal", "on", "gas", "coal", "summit", "after"}
	base := time.Date(2022, 1, 17, 0, 0, 0, 0, time.UTC)
	arts := make([]*feed.Article, 100000)
	for i := range arts {
		title := fmt.Sprintf("%s %s %s %d", words[i%4], words[i*7%len(words)], words[i*13%len(words)], i)
		loc := filepath.Join(src.Location, fmt.Sprintf("%06d.txt", i))
		arts[i] = &feed.Article{ID: fmt.Sprintf("%016x", i*7919), Title: title, Location: loc, Date: base.AddDate(0, 0, -(i*37)%3000)}
		arts[i].Key = feed.StoryKey("", "", "", arts[i])
	}
	sync := func() {
		loaded := []Loaded{{Source: src, Articles: arts}}
		got, errs := Sync(ctx, st, loaded, ReadEarly(ctx, st, ""))
		if len(errs) > 0 || len(got) != len(arts) {
			b.Fatalf("%d articles, %v", len(got), errs)
		}
	}
	sync() // the first launch records them all
	for b.Loop() {
		for _, a := range arts {
			a.State, a.AlsoIn = feed.State{}, nil
		}
		sync()
	}
}

// BenchmarkLoadStates reads the states of a store of 100,000 articles as
// a command does: from the table (and, with a copy, making it), or from
// the copy of the states made before.
func BenchmarkLoadStates(b *testing.B) {
	ctx := context.Background()
	st := openStore(b)
	keys := make([]string, 100000)
	for i := range keys {
		keys[i] = fmt.Sprintf("path:%016x", i*7919)
	}
	if err := st.Seen(ctx, "/news", keys, true); err != nil {
		b.Fatal(err)
	}
	if err := st.Mark(ctx, store.OpRead, keys[:50000]...); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "states")
	for _, bench := range []struct {
		name string
		run  func() (map[string]feed.State, error)
	}{
		{"table", func() (map[string]feed.State, error) { return loadStates(ctx, st, "") }},
		{"making the copy", func() (map[string]feed.State, error) {
			os.Remove(path)
			return loadStates(ctx, st, path)
		}},
		{"copy", func() (map[string]feed.State, error) { return loadStates(ctx, st, path) }},
	} {
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if m, err := bench.run(); err != nil || len(m) != len(keys) {
					b.Fatal(len(m), err)
				}
			}
		})
	}
}
