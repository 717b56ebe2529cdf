package load

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// benchCorpora returns the generated corpora the load benchmarks run on,
// by size: 10,000 articles, and 100,000 too when GAZETTE_BENCH_LARGE is
// set, each made once with the shared corpus generator and kept in the
// temporary directory. GAZETTE_CORPUS names an existing corpus to use
// instead, such as the one scripts/bench-tui makes.
func benchCorpora(b *testing.B) map[int]string {
	b.Helper()
	if dir := os.Getenv("GAZETTE_CORPUS"); dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			b.Fatal(err)
		}
		return map[int]string{len(entries): dir}
	}
	sizes := []int{10_000}
	if os.Getenv("GAZETTE_BENCH_LARGE") != "" {
		sizes = append(sizes, 100_000)
	}
	out := map[int]string{}
	for _, n := range sizes {
		out[n] = corpusDir(b, n)
	}
	return out
}

// corpusDir returns a directory of n generated articles in the reference
// format, made once with the shared corpus generator.
func corpusDir(b *testing.B, n int) string {
	b.Helper()
	gen, err := filepath.Abs("../../../shared/bench/gen-corpus")
	if err == nil {
		_, err = os.Stat(gen)
	}
	if err != nil {
		b.Skip("corpus generator not found; set GAZETTE_CORPUS to a corpus directory")
	}
	dir := filepath.Join(os.TempDir(), "gazette-bench-corpus-"+strconv.Itoa(n))
	if _, err := os.Stat(dir); err == nil {
		return dir
	}
	out, err := exec.Command("python3", gen, dir, strconv.Itoa(n), "--no-md", "--no-rss").CombinedOutput()
	if err != nil {
		b.Fatalf("gen-corpus: %v\n%s", err, out)
	}
	return dir
}

// BenchmarkLoad loads a generated directory of articles, to the last
// article, sorted. Beside it:
//
//   - floor only opens and reads every file with the same parallelism:
//     the least any loader must do;
//   - full keeps every body, as show does;
//   - heads leaves bodies out, as list and the reader do, the first time;
//   - heads-lazy is heads with country detection put off, as the reader
//     loads the first time (see LazyDetect);
//   - cached is heads again with the cache of headers that the first time
//     wrote, as every later time.
//
// Run it with GAZETTE_BENCH_LARGE=1 for 100,000 articles as well.
func BenchmarkLoad(b *testing.B) {
	corpora := benchCorpora(b)
	sizes := make([]int, 0, len(corpora))
	for n := range corpora {
		sizes = append(sizes, n)
	}
	slices.Sort(sizes)
	for _, n := range sizes {
		dir := corpora[n]
		load := func(b *testing.B, l *Loader) {
			b.Helper()
			arts, errs := l.LoadAll(context.Background(), []Source{{Location: dir}})
			if len(errs) > 0 || len(arts) != n {
				b.Fatalf("%d articles, errors %v", len(arts), errs)
			}
		}
		b.Run(fmt.Sprintf("articles=%d/floor", n), func(b *testing.B) {
			for b.Loop() {
				readAllFloor(b, dir, (&Loader{}).workers())
			}
		})
		b.Run(fmt.Sprintf("articles=%d/full", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				load(b, &Loader{})
			}
		})
		b.Run(fmt.Sprintf("articles=%d/heads", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				load(b, &Loader{DropBodies: true})
			}
		})
		b.Run(fmt.Sprintf("articles=%d/heads-lazy", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				load(b, &Loader{DropBodies: true, LazyDetect: true})
			}
		})
		b.Run(fmt.Sprintf("articles=%d/cached", n), func(b *testing.B) {
			c := &HeadCache{Dir: b.TempDir(), Build: "bench"}
			load(b, &Loader{DropBodies: true, Heads: c})
			c.hits.Store(0)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				load(b, &Loader{DropBodies: true, Heads: c})
			}
			b.StopTimer()
			if c.hits.Load() == 0 {
				b.Fatal("nothing came from the cache")
			}
		})
		// As the reader loads: footnotes left out, and the list whole
		// before the files are looked at, which is timed apart, as
		// cached-looks.
		b.Run(fmt.Sprintf("articles=%d/cached-later", n), func(b *testing.B) {
			c := &HeadCache{Dir: b.TempDir(), Build: "bench"}
			l := &Loader{DropBodies: true, DropFootnotes: true, Heads: c, CheckLater: true}
			load(b, l)
			if _, err := l.Stale(context.Background()); err != nil {
				b.Fatal(err)
			}
			c.Wait()
			c.hits.Store(0)
			var looks time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				load(b, l)
				b.StopTimer()
				start := time.Now()
				if stale, err := l.Stale(context.Background()); err != nil || len(stale) > 0 {
					b.Fatalf("stale: %d, %v", len(stale), err)
				}
				looks += time.Since(start)
				c.Wait()
				b.StartTimer()
			}
			b.StopTimer()
			if c.hits.Load() == 0 {
				b.Fatal("nothing came from the cache")
			}
			b.ReportMetric(float64(looks.Milliseconds())/float64(b.N), "looks-ms/op")
		})
	}
}

// readAllFloor lists dir and reads every file with workers goroutines:
// the least any loader must do.
func readAllFloor(b *testing.B, dir string, workers int) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	paths := make(chan string, 256)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range paths {
				if _, err := os.ReadFile(p); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for _, e := range entries {
		paths <- filepath.Join(dir, e.Name())
	}
	close(paths)
	wg.Wait()
}
