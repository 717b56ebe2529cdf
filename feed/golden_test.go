package feed

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aymanbagabas/go-udiff"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// goldenInputs are the documents whose parse, Markdown and text are kept
// as golden files: the sample feed, the feeds under testdata, and this
// package's own pages and feeds.
func goldenInputs(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"../testdata/sample/*", "../testdata/feeds/*", "testdata/pages/*"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no golden inputs found")
	}
	return files
}

// TestGolden parses every testdata document and compares the Articles as
// JSON, their Markdown and their text with testdata/golden/NAME.txtar.
// Regenerate with: go test ./feed -run TestGolden -update
func TestGolden(t *testing.T) {
	for _, path := range goldenInputs(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// A fixed location keeps IDs the same on every machine.
			loc := "testdata/" + filepath.Base(filepath.Dir(path)) + "/" + name
			arts, err := ParseDoc(Doc{Location: loc, Data: data, Key: loc})
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			got := goldenArchive(t, loc, arts)
			file := filepath.Join("testdata", "golden", strings.TrimSuffix(name, filepath.Ext(name))+".txtar")
			if *update {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file; run with -update and read the diff:\n%s", name, udiff.Unified("golden", "got", string(want), string(got)))
			}
		})
	}
}

func goldenArchive(t *testing.T, loc string, arts []*Article) []byte {
	t.Helper()
	ar := &txtar.Archive{Comment: []byte("Parsed from " + loc + ": the Articles as JSON, their Markdown, and their text at 72 columns.\n")}
	var js, md, txt bytes.Buffer
	for i, a := range arts {
		b, err := json.MarshalIndent(a, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		js.Write(b)
		js.WriteByte('\n')
		if i > 0 {
			md.WriteString("\n---\n\n")
			txt.WriteString("\n---\n\n")
		}
		md.WriteString(a.Markdown(MarkdownOptions{}))
		txt.WriteString(a.Text(72))
	}
	ar.Files = []txtar.File{
		{Name: "article.json", Data: js.Bytes()},
		{Name: "article.md", Data: md.Bytes()},
		{Name: "article.txt", Data: txt.Bytes()},
	}
	return txtar.Format(ar)
}
