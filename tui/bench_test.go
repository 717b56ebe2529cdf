package tui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
)

// The benchmarks run on 100,000 articles. By default they are synthetic,
// built in Go after the recipe of ../shared/bench/gen-corpus (the same
// country weights, title patterns, sources and body sizes), so that a plain
// `go test -bench` needs no 270 MB of files. Set GAZETTE_BENCH_CORPUS to a
// directory made by gen-corpus to load that instead.

const benchSize = 100_000

var benchCountries = []struct {
	name, code string
	weight     int
}{
	{"Russia", "RU", 30}, {"China", "CN", 28}, {"United States", "US", 12}, {"India", "IN", 9},
	{"Ukraine", "UA", 9}, {"Pakistan", "PK", 6}, {"Iran", "IR", 6}, {"Japan", "JP", 5},
	{"Germany", "DE", 5}, {"France", "FR", 5}, {"United Kingdom", "GB", 5}, {"Turkey", "TR", 4},
	{"Israel", "IL", 4}, {"Saudi Arabia", "SA", 3}, {"Taiwan", "TW", 4}, {"North Korea", "KP", 3},
	{"South Korea", "KR", 3}, {"Brazil", "BR", 3}, {"Belarus", "BY", 3}, {"Kazakhstan", "KZ", 2},
	{"Syria", "SY", 2}, {"Vietnam", "VN", 2}, {"Indonesia", "ID", 2}, {"Poland", "PL", 2},
	{"Egypt", "EG", 1}, {"Nigeria", "NG", 1}, {"Mexico", "MX", 1}, {"Cuba", "CU", 1},
}

var benchTitles = []string{
	"%[1]s and %[2]s sign deal on %[3]s",
	"%[1]s warns %[2]s over %[3]s",
	"%[4]s arrives in Москва for talks on %[3]s",
	"Why %[3]s matters for %[1]s",
	"%[1]s, %[2]s hold joint drills near 東京",
	"Explained: the %[1]s-%[2]s dispute over %[3]s",
	"%[4]s meets %[5]s in Zürich",
	"Opinion: %[1]s needs a new strategy on %[3]s",
}

var benchTopics = []string{"energy security", "grain exports", "the gas pipeline", "sanctions relief",
	"arms control", "semiconductor supply chains", "maritime disputes", "the Winter Olympics"}
var benchPeople = []string{"Xi Jinping", "Vladimir Putin", "Narendra Modi", "Recep Tayyip Erdoğan",
	"Nguyễn Văn An", "习近平", "Zoë Müller", "Björn Østergaard"}
var benchSources = []string{"Virtual Wire", "Staff Reporter", "Global Desk", "Eurasia Desk",
	"Asia Correspondent", "Newsroom", "Wire Services", "Analysis Desk"}

// synthCorpus builds n articles, newest first, deterministically.
func synthCorpus(n int) []*feed.Article {
	r := rand.New(rand.NewPCG(1, 2))
	total := 0
	for _, c := range benchCountries {
		total += c.weight
	}
	pick := func() int {
		x := r.IntN(total)
		for i, c := range benchCountries {
			if x < c.weight {
				return i
			}
			x -= c.weight
		}
		return 0
	}
	para := strings.Repeat("Officials in Geneva described the talks as constructive and forward-looking, and said the two sides would meet again. ", 6)
	start := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	arts := make([]*feed.Article, n)
	for i := range arts {
		k := 1 + r.IntN(3)
		var tags []feed.Tag
		seen := map[int]bool{}
		for len(tags) < k {
			c := pick()
			if seen[c] {
				continue
			}
			seen[c] = true
			tags = append(tags, feed.Tag{Name: benchCountries[c].name, Country: true, Code: benchCountries[c].code})
		}
		c2 := tags[len(tags)-1].Name
		title := fmt.Sprintf(benchTitles[r.IntN(len(benchTitles))], tags[0].Name, c2,
			benchTopics[r.IntN(len(benchTopics))], benchPeople[r.IntN(len(benchPeople))], benchPeople[r.IntN(len(benchPeople))])
		if i == n/2 {
			title = "Zyzzyva " + title
		}
		a := &feed.Article{
			ID:     fmt.Sprintf("%016x", i),
			Title:  title,
			Tags:   tags,
			Date:   start.Add(time.Duration(r.IntN(10*365*24)) * time.Hour),
			Source: benchSources[r.IntN(len(benchSources))],
			Format: "txt",
			Refs: []feed.Ref{
				{N: 1, URL: fmt.Sprintf("https://cdn1.i-scmp.com/%d.jpg", i), Kind: feed.RefImage},
				{N: 2, URL: fmt.Sprintf("https://storage.googleapis.com/%d.jpg", i), Kind: feed.RefImage},
			},
		}
		a.Body = []feed.Block{{Kind: feed.Image, Ref: 1}}
		for p := 0; p < 8; p++ {
			a.Body = append(a.Body, feed.Block{Kind: feed.Paragraph, Text: para})
			if p == 4 {
				a.Body = append(a.Body, feed.Block{Kind: feed.Image, Ref: 2})
			}
		}
		arts[i] = a
	}
	feed.SortNewest(arts)
	return arts
}

// benchCorpus returns the benchmark corpus, built once per process.
var benchCorpus = sync.OnceValues(func() ([]*feed.Article, error) {
	if dir := os.Getenv("GAZETTE_BENCH_CORPUS"); dir != "" {
		arts, errs := (&load.Loader{}).LoadAll(context.Background(), []load.Source{{Location: dir}})
		if len(arts) == 0 {
			return nil, fmt.Errorf("no articles in %s: %v", dir, errs)
		}
		return arts, nil
	}
	return synthCorpus(benchSize), nil
})

func benchDriver(b *testing.B, w, h int) *driver {
	b.Helper()
	arts, err := benchCorpus()
	if err != nil {
		b.Fatal(err)
	}
	d := newDriver(b, w, h, arts, nil)
	if len(d.m.list.all) != len(arts) {
		b.Fatalf("%d articles in the list, want %d", len(d.m.list.all), len(arts))
	}
	return d
}

// BenchmarkFilterKeystroke measures one keystroke in the filter box over
// the whole list, until the new frame is ready: Update, the filter command,
// its result through Update, and View. Keys alternate between typing and
// deleting a letter; the result cache is emptied and narrowing prevented
// before each, so that every keystroke filters all 100,000 articles.
func BenchmarkFilterKeystroke(b *testing.B) {
	cases := []struct{ name, query, key string }{
		{"word", "olympi", "c"},
		{"tag", "tag:china -tag:russi", "a"},
		{"source", "source:desk energ", "y"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			d := benchDriver(b, 120, 40)
			d.keys("/")
			d.typeText(c.query)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d.m.list.results = resultCache{}
				d.m.list.visVersion = -1
				if i%2 == 0 {
					d.typeText(c.key)
				} else {
					d.keys("backspace")
				}
				_ = d.m.View()
			}
			b.StopTimer()
			b.ReportMetric(float64(len(d.m.list.visible)), "matches")
		})
	}
}

// BenchmarkFilterTyping measures keystrokes as typed: a word letter by
// letter into an empty box, then deleted, with narrowing and the result
// cache at work.
func BenchmarkFilterTyping(b *testing.B) {
	d := benchDriver(b, 120, 40)
	d.keys("/")
	word := "beijing"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if k := i % (2 * len(word)); k < len(word) {
			d.typeText(word[k : k+1])
		} else {
			d.keys("backspace")
		}
		_ = d.m.View()
	}
}

// BenchmarkTagToggle measures applying the tag picker: the filter over the
// whole list with facet counts, and the frame.
func BenchmarkTagToggle(b *testing.B) {
	d := benchDriver(b, 120, 40)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.keys("t", "space", "enter")
		_ = d.m.View()
	}
}

// BenchmarkListView measures drawing the list of 100,000 articles: only
// the rows on screen are rendered.
func BenchmarkListView(b *testing.B) {
	d := benchDriver(b, 120, 40)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.keys("j")
		_ = d.m.View()
	}
}

// BenchmarkListRows measures drawing a screen of rows afresh, as after a
// filter's result or a jump: 39 rows of 100,000 articles at 120 columns,
// under a filter whose word the titles highlight.
func BenchmarkListRows(b *testing.B) {
	d := benchDriver(b, 120, 40)
	d.keys("/")
	d.typeText("the")
	d.send(frameUp())
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.m.list.rowsFor = rowsKey{}
		d.m.list.prepare()
	}
}

// BenchmarkOpenArticle measures opening an article at 120 columns, until
// its frame is ready: the key through Update, the render command (Glamour,
// or nothing when cached), its result through Update, and View. The
// rendering of the next article, which that last Update starts in the
// background, is not waited for. Each iteration opens another article,
// then goes back and down one row (esc, j: a fraction of the time, and no
// timer stops, whose memory statistics cost more than an open on a big
// heap).
func BenchmarkOpenArticle(b *testing.B) {
	open := func(b *testing.B, d *driver) {
		next, cmd := d.m.Update(keyPress("enter"))
		d.m = next.(model)
		if cmd != nil {
			msg := cmd()
			if r, ok := msg.(renderedMsg); ok && r.key == d.m.reader.want {
				next, _ = d.m.Update(msg)
				d.m = next.(model)
			}
		}
		if d.m.reader.shown.id != d.m.reader.e.a.ID {
			b.Fatal("the article is not on screen")
		}
		_ = d.m.View()
		d.keys("esc", "j")
	}
	const rows = 50
	for _, cached := range []bool{false, true} {
		name := "first"
		if cached {
			name = "cached"
		}
		b.Run(name, func(b *testing.B) {
			d := benchDriver(b, 120, 40)
			if cached {
				for i := 0; i <= rows; i++ {
					open(b, d)
				}
			}
			d.keys("g")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if !cached {
					d.m.reader.cache = newRenderCache(defaultCacheSize)
				}
				open(b, d)
				if i%rows == rows-1 {
					d.keys("g")
				}
			}
		})
	}
}

// BenchmarkScroll measures one line of scrolling in an article and the
// frame.
func BenchmarkScroll(b *testing.B) {
	d := benchDriver(b, 120, 40)
	// The longest of the first articles, so that there is room to scroll.
	longest := 0
	for i, e := range d.m.list.visible[:200] {
		if len(e.a.Body) > len(d.m.list.visible[longest].a.Body) {
			longest = i
		}
	}
	d.send(tea.WindowSizeMsg{Width: 120, Height: 24})
	d.m.list = d.m.list.moveTo(longest)
	d.keys("enter")
	if d.m.reader.vp.TotalLineCount() < d.m.reader.vp.Height()+10 {
		b.Fatalf("article too short to scroll: %d lines", d.m.reader.vp.TotalLineCount())
	}
	down, up := keyPress("j"), keyPress("k")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := down
		if (i/10)%2 == 1 {
			k = up
		}
		next, _ := d.m.Update(k)
		d.m = next.(model)
		_ = d.m.View()
	}
}

// BenchmarkLoadBatches measures taking 100,000 articles into the list in
// batches as the loader delivers them, sorted, merged and counted.
func BenchmarkLoadBatches(b *testing.B) {
	arts, err := benchCorpus()
	if err != nil {
		b.Fatal(err)
	}
	shuffled := append([]*feed.Article(nil), arts...)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// The list takes the articles it is given, as it takes the
		// loader's: each round gets copies, made off the clock.
		b.StopTimer()
		fresh := make([]*feed.Article, len(shuffled))
		for k, a := range shuffled {
			c := *a
			fresh[k] = &c
		}
		b.StartTimer()
		d := newDriver(b, 120, 40, nil, nil)
		d.m.list.loading = true
		for k := 0; k < len(shuffled); k += maxBatch {
			batch := append([]*feed.Article(nil), fresh[k:min(k+maxBatch, len(fresh))]...)
			d.send(loadBatchMsg{arts: batch, done: k+maxBatch >= len(shuffled)})
		}
		_ = d.m.View()
	}
}

// BenchmarkLoadDir loads a directory through the reader's whole pipeline:
// the loader as the reader sets it up (bodies and footnotes left out),
// the pump, and every batch through Update, until loading has ended, and
// the frame:
// with an empty header cache, as a first launch; with none; and with the
// one an earlier load wrote, as every later launch. It reports the heap
// the loaded list holds (live-MiB). It needs a directory made by
// gen-corpus in GAZETTE_BENCH_CORPUS.
func BenchmarkLoadDir(b *testing.B) {
	dir := os.Getenv("GAZETTE_BENCH_CORPUS")
	if dir == "" {
		b.Skip("set GAZETTE_BENCH_CORPUS to a directory made by gen-corpus")
	}
	loadDir := func(b *testing.B, heads *load.HeadCache) {
		b.Helper()
		ctx := context.Background()
		opt := Options{
			Sources: []load.Source{{Location: dir}},
			Loader:  &load.Loader{DropBodies: true, DropFootnotes: true, Heads: heads},
			Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
		}
		d := &driver{t: b, m: newModel(ctx, opt)}
		d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
		d.run(startLoad(ctx, opt.Loader, opt.Sources))
		if d.m.list.loading || len(d.m.list.all) == 0 {
			b.Fatalf("still loading with %d articles", len(d.m.list.all))
		}
		_ = d.m.View()
		b.ReportMetric(float64(len(d.m.list.all)), "articles")
		// What the loaded list holds: the heap live after a collection,
		// the model and the benchmark's own few allocations included.
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "live-MiB")
		runtime.KeepAlive(d)
	}
	b.Run("cache=cold", func(b *testing.B) {
		// A first launch: an empty cache, written at the end.
		b.ReportAllocs()
		for b.Loop() {
			loadDir(b, &load.HeadCache{Dir: b.TempDir(), Build: "bench"})
		}
	})
	heads := &load.HeadCache{Dir: b.TempDir(), Build: "bench"}
	b.Run("cache=none", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			loadDir(b, nil)
		}
	})
	b.Run("cache=warm", func(b *testing.B) {
		loadDir(b, heads)
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			loadDir(b, heads)
		}
	})
}

// BenchmarkFacetCounts measures one tick in the tag picker: the facet
// counts of every tag under the chosen ones, over the whole list, and the
// frame.
func BenchmarkFacetCounts(b *testing.B) {
	d := benchDriver(b, 120, 40)
	d.keys("t")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.keys("space")
		_ = d.m.View()
	}
	b.StopTimer()
	if len(d.m.picker.counts) == 0 {
		b.Fatal("no facet counts")
	}
}

// BenchmarkOpenFromFile measures opening an article whose body was left
// out at load, as the reader loads a directory: reading and parsing the
// file again, rendering at 120 columns, and the frame.
func BenchmarkOpenFromFile(b *testing.B) {
	dir := b.TempDir()
	const n = 200
	for i, a := range synthCorpus(n) {
		var t strings.Builder
		t.WriteString(a.Title + "\n\n")
		for _, tag := range a.Tags {
			t.WriteString(tag.Name + " | ")
		}
		t.WriteString(a.Date.Format("2 January 2006") + " | " + a.Source + "\n\n")
		for _, blk := range a.Body {
			if blk.Kind == feed.Image {
				t.WriteString("Picture -" + a.Refs[blk.Ref-1].URL + "\n\n")
				continue
			}
			t.WriteString(blk.Text + "\n\n")
		}
		if err := os.WriteFile(fmt.Sprintf("%s/%03d.txt", dir, i), []byte(t.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	l := &load.Loader{DropBodies: true}
	arts, errs := l.LoadAll(context.Background(), []load.Source{{Location: dir}})
	if len(arts) != n || len(errs) > 0 || arts[0].Body != nil {
		b.Fatalf("%d articles, errors %v", len(arts), errs)
	}
	d := newDriver(b, 120, 40, arts, nil)
	d.m.opt.Body = l.Body
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.m.reader.cache = newRenderCache(defaultCacheSize)
		next, cmd := d.m.Update(keyPress("enter"))
		d.m = next.(model)
		if msg, ok := cmd().(renderedMsg); ok {
			next, _ = d.m.Update(msg)
			d.m = next.(model)
		}
		if d.m.reader.shown.id != d.m.reader.e.a.ID || d.m.reader.article().Body == nil {
			b.Fatal("the article is not on screen with its body")
		}
		_ = d.m.View()
		d.keys("esc", "j")
		if i%n == n-1 {
			d.keys("g")
		}
	}
}
