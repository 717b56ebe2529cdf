package search_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/store"
)

// benchCorpus returns the directory of a large corpus to measure with
// (GAZETTE_BENCH_CORPUS, as gen-corpus writes it), or skips.
func benchCorpus(b *testing.B) string {
	dir := os.Getenv("GAZETTE_BENCH_CORPUS")
	if dir == "" {
		b.Skip("GAZETTE_BENCH_CORPUS names no corpus")
	}
	return dir
}

// BenchmarkFirstBuild measures a first index build of the whole corpus,
// and reports the index file's size against the size of the text it
// indexes (the bodies' IndexText), and the most the Go heap held at once
// above what it held before the build (its objects, garbage not yet swept
// among them, sampled every few milliseconds).
func BenchmarkFirstBuild(b *testing.B) {
	dir := benchCorpus(b)
	ctx := context.Background()
	l := &load.Loader{DropBodies: true}
	heads, _ := l.LoadAll(ctx, []load.Source{{Location: dir}})
	if n, err := strconv.Atoi(os.Getenv("GAZETTE_BENCH_N")); err == nil && n < len(heads) {
		heads = heads[:n]
	}
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "gazette.db")
		st, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		base := heapObjects()
		peak := make(chan uint64)
		stop := make(chan struct{})
		go func() { peak <- heapPeak(stop) }()
		b.StartTimer()
		p, err := search.MakePlan(ctx, st, heads, []string{dir})
		if err != nil {
			b.Fatal(err)
		}
		if err := (&search.Indexer{Index: st, Body: l.Body}).Run(ctx, p); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		close(stop)
		most := <-peak
		b.ReportMetric(float64(most-min(base, most))/(1<<20), "heapMiB")
		st.Close()
		size := int64(0)
		for _, suffix := range []string{"", "-wal"} {
			if fi, err := os.Stat(path + suffix); err == nil {
				size += fi.Size()
			}
		}
		var text int64
		for _, a := range heads {
			full, err := l.Body(ctx, a)
			if err == nil {
				text += int64(len(query.IndexText(query.BodyText(full))))
			}
		}
		b.ReportMetric(float64(len(heads)), "articles")
		b.ReportMetric(float64(size)/float64(text), "index/text")
		b.ReportMetric(float64(text)/(1<<20), "textMiB")
		b.StartTimer()
	}
}

// heapObjects is the size of the objects in the Go heap now.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// heapPeak samples heapObjects until stop is closed, and returns the most
// it saw.
func heapPeak(stop <-chan struct{}) uint64 {
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	most := heapObjects()
	for {
		select {
		case <-stop:
			return max(most, heapObjects())
		case <-t.C:
			most = max(most, heapObjects())
		}
	}
}

// indexedCorpus loads the corpus without its bodies and indexes all of
// it in a store of its own, closed when the benchmark ends; rooted counts
// the documents under the corpus's directory, as a complete load does.
func indexedCorpus(b *testing.B, rooted bool) ([]*feed.Article, *store.Store) {
	b.Helper()
	dir := benchCorpus(b)
	ctx := context.Background()
	l := &load.Loader{DropBodies: true}
	heads, _ := l.LoadAll(ctx, []load.Source{{Location: dir}})
	st, err := store.Open(filepath.Join(b.TempDir(), "gazette.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	var roots []string
	if rooted {
		roots = []string{dir}
	}
	p, err := search.MakePlan(ctx, st, heads, roots)
	if err != nil {
		b.Fatal(err)
	}
	if err := (&search.Indexer{Index: st, Body: l.Body}).Run(ctx, p); err != nil {
		b.Fatal(err)
	}
	return heads, st
}

// BenchmarkSearch measures one body word looked up in a complete index of
// the corpus and matched over every article, as a keystroke does.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	heads, st := indexedCorpus(b, false)
	folded := make([]query.Folded, len(heads))
	for i, a := range heads {
		folded[i] = query.Fold(a)
	}
	for _, word := range []string{"samarkand", "pipeline", "the"} {
		q, _ := query.Parse(word)
		b.Run(word, func(b *testing.B) {
			n := 0
			for b.Loop() {
				h, err := search.NewSearcher(st).Search(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				n = 0
				for _, a := range heads {
					if h.Match(a) {
						n++
					}
				}
			}
			b.ReportMetric(float64(n), "hits")
		})
		// As the reader filters: no ranking, titles folded once.
		b.Run(word+"/filter", func(b *testing.B) {
			n := 0
			for b.Loop() {
				h, err := search.NewSearcher(st).Find(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				n = 0
				for i, a := range heads {
					if h.MatchFolded(a, &folded[i]) {
						n++
					}
				}
			}
			b.ReportMetric(float64(n), "hits")
		})
		// As the reader filters once its rows are bound: document
		// numbers, a bit per row.
		b.Run(word+"/rows", func(b *testing.B) {
			s := search.NewSearcher(st)
			if err := s.Bind(ctx, len(heads), headRows(heads)); err != nil {
				b.Fatal(err)
			}
			n := 0
			for b.Loop() {
				s.Changed()
				h, err := s.FindRows(ctx, q, len(heads))
				if err != nil || h == nil {
					b.Fatal(h, err)
				}
				n = 0
				for i, a := range heads {
					if h.Match(a, &folded[i], i) {
						n++
					}
				}
			}
			b.ReportMetric(float64(n), "hits")
		})
	}
}

// headRows numbers the articles by their place.
type headRows []*feed.Article

func (r headRows) Len() int { return len(r) }

func (r headRows) At(i int) (int, string) { return i, r[i].Key }

// BenchmarkPlanComplete measures what a launch spends on an index that is
// already complete: the plan of every article of the corpus, which finds
// nothing to do.
func BenchmarkPlanComplete(b *testing.B) {
	ctx := context.Background()
	heads, st := indexedCorpus(b, true)
	roots := []string{benchCorpus(b)}
	for b.Loop() {
		p, err := search.MakePlan(ctx, st, heads, roots)
		if err != nil {
			b.Fatal(err)
		}
		if !p.Complete() || len(p.Gone) > 0 {
			b.Fatalf("a complete index: %d to do, %d gone", len(p.Todo), len(p.Gone))
		}
	}
}
