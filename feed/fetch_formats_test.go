package feed

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestFetchEveryFormat serves each test feed and page over loopback, once
// with its proper content type and once with none that helps, and checks
// that the articles read from the URL are those read from the file.
func TestFetchEveryFormat(t *testing.T) {
	files := []struct{ file, ctype string }{
		{"../testdata/feeds/world-desk.rss", "application/rss+xml; charset=utf-8"},
		{"../testdata/feeds/summaries-only.rss", "text/xml"},
		{"../testdata/feeds/asia-desk.atom", "application/atom+xml"},
		{"../testdata/feeds/morning-briefing.json", "application/feed+json"},
		{"../testdata/feeds/election-page.html", "text/html; charset=utf-8"},
		{"../testdata/feeds/port-strike-page.html", "text/html"},
		{"../testdata/feeds/air-traffic-strike-latin1.html", "text/html; charset=iso-8859-1"},
		{"../testdata/feeds/fisheries-talks.md", "text/markdown; charset=utf-8"},
		{"../testdata/sample/001_geneva-security-talks.txt", "text/plain; charset=utf-8"},
	}
	for _, f := range files {
		data, err := os.ReadFile(f.file)
		if err != nil {
			t.Fatal(err)
		}
		fromFile, err := ParseDoc(Doc{Location: f.file, Data: data})
		if err != nil || len(fromFile) == 0 {
			t.Fatalf("%s from disk: %d articles, %v", f.file, len(fromFile), err)
		}
		for _, ctype := range []string{f.ctype, "application/octet-stream", ""} {
			t.Run(filepath.Base(f.file)+"/"+ctype, func(t *testing.T) {
				srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header()["Content-Type"] = []string{ctype}
					w.Write(data)
				})
				l := &Loader{Fetch: testFetcher(srv).Fetch}
				arts, errs := l.LoadAll(context.Background(), []Source{{Location: srv.URL + "/doc"}})
				if len(errs) != 0 {
					t.Fatalf("errors %v", errs)
				}
				if got, want := titles(arts), titles(sortedCopy(fromFile)); !slices.Equal(got, want) {
					t.Errorf("titles\n got %q\nwant %q", got, want)
				}
				for _, a := range arts {
					if a.Format != fromFile[0].Format {
						t.Errorf("format %q, want %q", a.Format, fromFile[0].Format)
					}
				}
			})
		}
	}
}

func titles(arts []*Article) []string {
	out := make([]string, len(arts))
	for i, a := range arts {
		out[i] = a.Title
	}
	return out
}

func sortedCopy(arts []*Article) []*Article {
	c := slices.Clone(arts)
	SortNewest(c)
	return c
}
