package feed

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// corpusDir returns a directory of n generated articles in the reference
// format, made once per run with the shared corpus generator. The
// GAZETTE_CORPUS environment variable names an existing corpus instead.
func corpusDir(b *testing.B, n int) string {
	b.Helper()
	if dir := os.Getenv("GAZETTE_CORPUS"); dir != "" {
		return dir
	}
	gen, err := filepath.Abs("../../shared/bench/gen-corpus")
	if err == nil {
		_, err = os.Stat(gen)
	}
	if err != nil {
		b.Skip("corpus generator not found; set GAZETTE_CORPUS to a corpus directory")
	}
	dir := filepath.Join(os.TempDir(), "gazette-bench-corpus-"+strconv.Itoa(n))
	if _, err := os.Stat(filepath.Join(dir)); err == nil {
		return dir
	}
	out, err := exec.Command("python3", gen, dir, strconv.Itoa(n), "--no-md", "--no-rss").CombinedOutput()
	if err != nil {
		b.Fatalf("gen-corpus: %v\n%s", err, out)
	}
	return dir
}

func BenchmarkParseText(b *testing.B) {
	data, err := os.ReadFile("../testdata/sample/000_c5e2517048094a15.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseText("x.txt", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad loads a generated directory of 10,000 articles; the floor
// beside it only opens and reads every file with the same parallelism.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10_000} {
		dir := corpusDir(b, n)
		b.Run(fmt.Sprintf("articles=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				arts, errs := (&Loader{}).LoadAll(context.Background(), []Source{{Location: dir}})
				if len(errs) > 0 || len(arts) != n {
					b.Fatalf("%d articles, errors %v", len(arts), errs)
				}
			}
		})
		b.Run(fmt.Sprintf("floor=%d", n), func(b *testing.B) {
			for b.Loop() {
				readAllFloor(b, dir, (&Loader{}).workers())
			}
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
