package fetch

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
)

// TestFetchEveryFormat serves each test feed and page over loopback, once
// with its proper content type and once with none that helps, and checks
// that the articles read from the URL are those read from the file.
func TestFetchEveryFormat(t *testing.T) {
	files := []struct{ file, ctype string }{
		{"../../testdata/feeds/world-desk.rss", "application/rss+xml; charset=utf-8"},
		{"../../testdata/feeds/summaries-only.rss", "text/xml"},
		{"../../testdata/feeds/asia-desk.atom", "application/atom+xml"},
		{"../../testdata/feeds/morning-briefing.json", "application/feed+json"},
		{"../../testdata/feeds/election-page.html", "text/html; charset=utf-8"},
		{"../../testdata/feeds/port-strike-page.html", "text/html"},
		{"../../testdata/feeds/air-traffic-strike-latin1.html", "text/html; charset=iso-8859-1"},
		{"../../testdata/feeds/fisheries-talks.md", "text/markdown; charset=utf-8"},
		{"../../testdata/sample/001_geneva-security-talks.txt", "text/plain; charset=utf-8"},
	}
	for _, f := range files {
		data, err := os.ReadFile(f.file)
		if err != nil {
			t.Fatal(err)
		}
		fromFile, err := feed.ParseDoc(feed.Doc{Location: f.file, Data: data})
		if err != nil || len(fromFile) == 0 {
			t.Fatalf("%s from disk: %d articles, %v", f.file, len(fromFile), err)
		}
		for _, ctype := range []string{f.ctype, "application/octet-stream", ""} {
			t.Run(filepath.Base(f.file)+"/"+ctype, func(t *testing.T) {
				srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header()["Content-Type"] = []string{ctype}
					w.Write(data)
				})
				l := &load.Loader{Fetch: testFetcher(srv).Fetch}
				arts, errs := l.LoadAll(context.Background(), []load.Source{{Location: srv.URL + "/doc"}})
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

func titles(arts []*feed.Article) []string {
	out := make([]string, len(arts))
	for i, a := range arts {
		out[i] = a.Title
	}
	return out
}

func sortedCopy(arts []*feed.Article) []*feed.Article {
	c := slices.Clone(arts)
	feed.SortNewest(c)
	return c
}

// TestFetchBaseAfterRedirect checks that relative links in a page resolve
// against where the redirects ended, not the URL asked for, and that a
// hostile xml:base in a feed still yields only http(s) links.
func TestFetchBaseAfterRedirect(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>Moved page</title></head><body><article>
<h1>Moved page</h1>
<p>The talks continue in Geneva this week, officials said, and a long paragraph
follows so that the page reads as an article: ` + strings.Repeat("Delegations met again. ", 30) + `</p>
<p>See <a href="next.html">the next report</a> and <a href="javascript:alert(1)">this</a>.</p>
</article></body></html>`
	rss := `<?xml version="1.0"?><rss version="2.0" xml:base="file:///etc/"><channel><title>T</title>
<item><title>Item</title><link>passwd</link><description>&lt;a href="shadow"&gt;x&lt;/a&gt; &lt;a href="/ok.html"&gt;y&lt;/a&gt;</description></item>
</channel></rss>`
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/old":
			http.Redirect(w, r, "/new/page.html", http.StatusMovedPermanently)
		case "/new/page.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page))
		case "/feed":
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write([]byte(rss))
		}
	})
	l := &load.Loader{Fetch: testFetcher(srv).Fetch}
	arts, errs := l.LoadAll(context.Background(), []load.Source{{Location: srv.URL + "/old"}})
	if len(errs) != 0 || len(arts) != 1 {
		t.Fatalf("%d articles, errors %v", len(arts), errs)
	}
	var urls []string
	for _, r := range arts[0].Refs {
		urls = append(urls, r.URL)
	}
	if want := []string{srv.URL + "/new/next.html"}; !slices.Equal(urls, want) {
		t.Errorf("page refs %q, want %q", urls, want)
	}

	arts, errs = l.LoadAll(context.Background(), []load.Source{{Location: srv.URL + "/feed"}})
	if len(errs) != 0 || len(arts) != 1 {
		t.Fatalf("feed: %d articles, errors %v", len(arts), errs)
	}
	for _, r := range arts[0].Refs {
		if u, ok := feed.SafeURL(r.URL, nil); !ok || u != r.URL {
			t.Errorf("feed ref %q is not http(s)", r.URL)
		}
	}
	if l := arts[0].Link; l != "" && !strings.HasPrefix(l, "http") {
		t.Errorf("feed link %q", l)
	}
}
