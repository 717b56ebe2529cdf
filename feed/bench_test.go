package feed

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// corpusDir returns a directory of n generated articles in the reference
// format, made once with the shared corpus generator.
func corpusDir(b *testing.B, n int) string {
	b.Helper()
	gen, err := filepath.Abs("../../shared/bench/gen-corpus")
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

// BenchmarkParseCorpus parses the articles of the generated corpus from
// memory, without reading files: the work a first load does per article
// beyond the floor, with and without country detection.
func BenchmarkParseCorpus(b *testing.B) {
	dir := corpusDir(b, 10_000)
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var docs []Doc
	size := 0
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, Doc{Location: path, Data: data, Key: path})
		size += len(data)
	}
	for _, detect := range []bool{false, true} {
		b.Run(fmt.Sprintf("detect=%v", detect), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				for _, d := range docs {
					if _, err := parseDoc(d, detect); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(docs)), "ns/article")
			b.ReportMetric(0, "ns/op")
		})
	}
}
