package tui

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/store"
)

// benchIndexedDriver returns a driver over the corpus GAZETTE_BENCH_CORPUS
// names, loaded without bodies as the reader loads it, with a store whose
// index is complete for it, after the start-up plan of the index found
// nothing to do. It skips without a corpus: the index of 100,000 articles
// takes a few seconds to build, once per benchmark.
func benchIndexedDriver(b *testing.B) (*driver, *store.Store) {
	b.Helper()
	dir := os.Getenv("GAZETTE_BENCH_CORPUS")
	if dir == "" {
		b.Skip("GAZETTE_BENCH_CORPUS names no corpus")
	}
	ctx := context.Background()
	l := &load.Loader{DropBodies: true}
	heads, _ := l.LoadAll(ctx, []load.Source{{Location: dir}})
	if len(heads) == 0 {
		b.Fatalf("no articles in %s", dir)
	}
	st, err := store.Open(filepath.Join(b.TempDir(), "gazette.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	p, err := search.MakePlan(ctx, st, heads, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := (&search.Indexer{Index: st, Body: l.Body}).Run(ctx, p); err != nil {
		b.Fatal(err)
	}
	// No Body: the background detection of countries would read every
	// file again, and the plan finds nothing to index.
	opt := Options{
		Sources: []load.Source{{Location: dir}},
		Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
		Opener:  "gazette-test-no-such-opener",
		Store:   st,
	}
	d := &driver{t: b, m: newModel(ctx, opt)}
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	d.send(loadBatchMsg{arts: heads, done: true})
	if d.m.index.building {
		b.Fatal("the index is still being built")
	}
	return d, st
}

// frame passes a key to Update and, in place of the frame timer the
// filter box arms, the frame's message at once; every command that comes
// back runs to its end, its messages fed back in.
func (d *driver) frame(k tea.KeyPressMsg) {
	d.t.Helper()
	next, _ := d.m.Update(k)
	d.m = next.(model)
	d.send(frameUp())
}

// BenchmarkBodySearch measures a body word typed into the filter box over
// 100,000 articles with a complete index, from the keystroke to the frame
// with its result count: Update, the filter command (the index lookup and
// the run over the list), its result through Update, and View. Each
// keystroke completes a word ("samarkand", "pipeline"), then deletes its
// last letter; the lookups the searcher keeps and the list's cached
// results are dropped before each, so that every keystroke asks the index.
func BenchmarkBodySearch(b *testing.B) {
	d, _ := benchIndexedDriver(b)
	for _, word := range []string{"samarkand", "pipeline"} {
		b.Run(word, func(b *testing.B) {
			d.keys("/")
			for _, r := range word[:len(word)-1] {
				d.frame(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			last := rune(word[len(word)-1])
			hits := 0
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				d.m.list.results = resultCache{}
				d.m.index.searcher.Changed()
				d.m.list.visVersion = -1
				if i%2 == 0 {
					d.frame(tea.KeyPressMsg{Code: last, Text: string(last)})
					hits = len(d.m.list.visible)
				} else {
					d.frame(keyPress("backspace"))
				}
				_ = d.m.View()
			}
			b.StopTimer()
			b.ReportMetric(float64((cpuTime()-c0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(hits), "hits")
			d.keys("esc")
		})
	}
}

// BenchmarkBodySearchTyping measures a body word typed letter by letter,
// each letter a frame of its own (the slowest typist), from an empty box
// to the frame with the word's count, then the box cleared: every prefix
// of the word is a query of its own, and none is cached.
func BenchmarkBodySearchTyping(b *testing.B) {
	d, _ := benchIndexedDriver(b)
	const word = "samarkand"
	hits := 0
	var cpu time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.m.list.results = resultCache{}
		d.m.index.searcher.Changed()
		c0 := cpuTime()
		d.keys("/")
		for _, r := range word {
			d.frame(tea.KeyPressMsg{Code: r, Text: string(r)})
			_ = d.m.View()
		}
		cpu += cpuTime() - c0
		hits = len(d.m.list.visible)
		b.StopTimer()
		d.keys("esc")
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(hits), "hits")
}
