package tui

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/store"
)

// benchKeyed returns the benchmark corpus with a story key on every
// article: the synthetic one has none of its own.
func benchKeyed(b *testing.B) []*feed.Article {
	b.Helper()
	arts, err := benchCorpus()
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range arts {
		if a.Key == "" {
			a.Key = "c:" + a.ID
		}
	}
	return arts
}

// benchStateStore returns a database in a temporary directory that knows
// the keys, every other one read.
func benchStateStore(b *testing.B, keys []string) *store.Store {
	b.Helper()
	st := openStore(b)
	ctx := context.Background()
	if err := st.Seen(ctx, "bench", keys, true); err != nil {
		b.Fatal(err)
	}
	half := make([]string, 0, len(keys)/2)
	for i := 0; i < len(keys); i += 2 {
		half = append(half, keys[i])
	}
	if err := st.Mark(ctx, store.OpRead, half...); err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkMarkAll measures A over 100,000 unread articles: the time to
// the next frame (Update and View, frame-ms), and the write the command
// then makes in the background (write-ms), in one transaction.
func BenchmarkMarkAll(b *testing.B) {
	arts := benchKeyed(b)
	st := openStore(b)
	d := newStateDriver(b, 120, 40, arts, st, true)
	ctx := context.Background()
	keys := make([]string, len(d.m.list.all))
	for i, e := range d.m.list.all {
		keys[i] = e.a.Key
	}
	var write, frame, frameCPU, writeCPU time.Duration
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		// Every article unread again, in memory and in the database.
		for _, e := range d.m.list.all {
			e.state.Store(0)
		}
		d.m.list.recountUnread()
		if err := st.Mark(ctx, store.OpUnread, keys...); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0, c0 := time.Now(), cpuTime()
		next, cmd := d.m.Update(keyPress("A"))
		d.m = next.(model)
		_ = d.m.View()
		frame += time.Since(t0)
		frameCPU += cpuTime() - c0
		b.StopTimer()
		if d.m.list.unread != 0 || cmd == nil {
			b.Fatalf("%d unread after A", d.m.list.unread)
		}
		start, c1 := time.Now(), cpuTime()
		msg := cmd()
		write += time.Since(start)
		writeCPU += cpuTime() - c1
		n++
		if mm, ok := msg.(markedMsg); !ok || mm.err != nil {
			b.Fatalf("write: %#v", msg)
		}
		next, _ = d.m.Update(msg)
		d.m = next.(model)
		b.StartTimer()
	}
	b.ReportMetric(float64(write.Milliseconds())/float64(n), "write-ms")
	b.ReportMetric(float64(writeCPU.Milliseconds())/float64(n), "write-cpu-ms")
	b.ReportMetric(float64(frame.Microseconds())/1000/float64(n), "frame-ms")
	b.ReportMetric(float64(frameCPU.Microseconds())/1000/float64(n), "frame-cpu-ms")
}

// BenchmarkLaunchStates measures a launch up to the full count and its
// frame, 100,000 articles arriving in batches as the loader sends them,
// without a store and with the states of all of them (half read) loaded
// beside, as Init starts both. What the sources listed is recorded after
// loading ends, off the count; seen-ms reports it.
func BenchmarkLaunchStates(b *testing.B) {
	arts := benchKeyed(b)
	shuffled := append([]*feed.Article(nil), arts...)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	keys := make([]string, len(arts))
	for i, a := range arts {
		keys[i] = a.Key
	}
	batches := make([][]*feed.Article, 0, len(shuffled)/maxBatch+1)
	for k := 0; k < len(shuffled); k += maxBatch {
		batch := append([]*feed.Article(nil), shuffled[k:min(k+maxBatch, len(shuffled))]...)
		feed.SortNewest(batch)
		batches = append(batches, batch)
	}
	launch := func(b *testing.B, st *store.Store) tea.Cmd {
		ctx := context.Background()
		opt := Options{
			Sources: []load.Source{{Location: "testdata/articles"}},
			Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
			Store:   st,
		}
		d := &driver{t: b, m: newModel(ctx, opt)}
		d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
		var states chan tea.Msg
		if st != nil {
			states = make(chan tea.Msg, 1)
			cmd := loadStates(ctx, st, nil)
			go func() { states <- cmd() }()
		}
		var seen tea.Cmd
		for i, batch := range batches {
			select {
			case msg := <-states:
				d.send(msg)
				states = nil
			default:
			}
			next, cmd := d.m.Update(loadBatchMsg{arts: batch, done: i == len(batches)-1})
			d.m = next.(model)
			if i == len(batches)-1 {
				seen = cmd
			}
		}
		if states != nil {
			d.send(<-states)
		}
		_ = d.m.View()
		if d.m.list.loading || len(d.m.list.all) != len(arts) {
			b.Fatalf("%d articles, loading %v", len(d.m.list.all), d.m.list.loading)
		}
		if st != nil && d.m.list.unread != len(arts)/2 {
			b.Fatalf("%d unread, want %d", d.m.list.unread, len(arts)/2)
		}
		return seen
	}
	b.Run("store=none", func(b *testing.B) {
		var cpu time.Duration
		n := 0
		b.ReportAllocs()
		for b.Loop() {
			c0 := cpuTime()
			launch(b, nil)
			cpu += cpuTime() - c0
			n++
		}
		b.ReportMetric(float64(cpu.Milliseconds())/float64(n), "cpu-ms")
	})
	b.Run("store=half-read", func(b *testing.B) {
		st := benchStateStore(b, keys)
		var seen, cpu time.Duration
		n := 0
		b.ReportAllocs()
		for b.Loop() {
			c0 := cpuTime()
			cmd := launch(b, st)
			cpu += cpuTime() - c0
			b.StopTimer()
			// The directory's listing, recorded after the count (the
			// filter the states started runs first, as in the reader).
			start := time.Now()
			runSeen(b, cmd)
			seen += time.Since(start)
			n++
			b.StartTimer()
		}
		b.ReportMetric(float64(seen.Milliseconds())/float64(n), "seen-ms")
		b.ReportMetric(float64(cpu.Milliseconds())/float64(n), "cpu-ms")
	})
}

// runSeen runs the commands a finished load returned, up to the record of
// what the sources listed.
func runSeen(b *testing.B, cmd tea.Cmd) {
	b.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			runSeen(b, c)
		}
	case seenMsg:
		if msg.err != nil {
			b.Fatal(msg.err)
		}
	}
}

// BenchmarkLoadDirStates is BenchmarkLoadDir's warm launch (the header
// cache written by an earlier load) of a directory made by gen-corpus, in
// GAZETTE_BENCH_CORPUS: without a store, and with one holding the state
// of every article, half of them read, loaded beside the directory.
func BenchmarkLoadDirStates(b *testing.B) {
	dir := os.Getenv("GAZETTE_BENCH_CORPUS")
	if dir == "" {
		b.Skip("set GAZETTE_BENCH_CORPUS to a directory made by gen-corpus")
	}
	heads := &load.HeadCache{Dir: b.TempDir(), Build: "bench"}
	arts, _ := (&load.Loader{DropBodies: true, Heads: heads}).LoadAll(context.Background(), []load.Source{{Location: dir}})
	heads.Wait()
	keys := make([]string, len(arts))
	for i, a := range arts {
		keys[i] = a.Key
	}
	loadDir := func(b *testing.B, st *store.Store) {
		b.Helper()
		ctx := context.Background()
		opt := Options{
			Sources: []load.Source{{Location: dir}},
			Loader:  &load.Loader{DropBodies: true, Heads: heads},
			Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
			Store:   st,
		}
		d := &driver{t: b, m: newModel(ctx, opt)}
		d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
		var states chan tea.Msg
		if st != nil {
			states = make(chan tea.Msg, 1)
			cmd := loadStates(ctx, st, nil)
			go func() { states <- cmd() }()
		}
		msg := startLoad(ctx, opt.Loader, opt.Sources)()
		for {
			select {
			case sm := <-states:
				d.send(sm)
				states = nil
			default:
			}
			bm := msg.(loadBatchMsg)
			next, cmd := d.m.Update(bm)
			d.m = next.(model)
			if bm.done {
				break
			}
			msg = cmd()
		}
		if states != nil {
			d.send(<-states)
		}
		_ = d.m.View()
		if d.m.list.loading || len(d.m.list.all) != len(arts) {
			b.Fatalf("%d articles, loading %v", len(d.m.list.all), d.m.list.loading)
		}
		heads.Wait()
	}
	run := func(b *testing.B, st *store.Store) {
		loadDir(b, st)
		var cpu time.Duration
		n := 0
		for b.Loop() {
			c0 := cpuTime()
			loadDir(b, st)
			cpu += cpuTime() - c0
			n++
		}
		b.ReportMetric(float64(cpu.Milliseconds())/float64(n), "cpu-ms")
	}
	b.Run("store=none", func(b *testing.B) { run(b, nil) })
	b.Run("store=half-read", func(b *testing.B) { run(b, benchStateStore(b, keys)) })
}
