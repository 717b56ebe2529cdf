package load_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/fetch"
	"github.com/gazette-news/gazette/feed/load"
)

const storyPage = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Story</title>%s</head><body>
<main><article><p>The first paragraph of the story is long enough for readability to find it, with several
clauses, commas, and a good many words that make it look like the prose of a real article.</p>
<p>The second paragraph adds more words, more commas, and more sentences. It says what happened next,
and who said what about it, as news stories do.</p></article></main></body></html>`

func rssOf(titles ...string) string {
	var b strings.Builder
	b.WriteString("<rss version=\"2.0\"><channel><title>Desk</title><link>https://desk.example/</link>\n")
	for i, t := range titles {
		fmt.Fprintf(&b, "<item><title>%s</title><link>https://desk.example/%d</link><description>Text %d.</description></item>\n", t, i, i)
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

func titles(arts []*feed.Article) []string {
	out := make([]string, len(arts))
	for i, a := range arts {
		out[i] = a.Title
	}
	return out
}

// TestLoadHomePageReadsItsFeed checks that a URL serving a home page that
// names feeds loads the first feed, and that an article page linking its
// site's feed is still read as the article.
func TestLoadHomePageReadsItsFeed(t *testing.T) {
	links := `<link rel="alternate" type="application/rss+xml" title="Main" href="/feed.xml">` +
		`<link rel="alternate" type="application/rss+xml" title="Comments" href="/comments.xml">`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(`<!DOCTYPE html><html><head><title>Site</title>` + links + `</head><body><nav>Home</nav><p>Latest stories</p></body></html>`))
		case "/2022/story":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, storyPage, links)
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write([]byte(rssOf("First story", "Second story")))
		case "/broken/":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<html><head><meta property="og:type" content="website"><link rel="alternate" type="application/rss+xml" href="/missing.xml"></head></html>`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	f := &fetch.Fetcher{Client: srv.Client(), Timeout: 2 * time.Second, MaxBody: 1 << 20}
	l := &load.Loader{Fetch: f.Fetch}

	arts, errs := l.LoadAll(context.Background(), []load.Source{{Location: srv.URL + "/"}})
	if len(errs) != 0 || len(arts) != 2 || arts[0].Format != "rss" {
		t.Fatalf("home page: %q, errors %v", titles(arts), errs)
	}
	arts, errs = l.LoadAll(context.Background(), []load.Source{{Location: srv.URL + "/2022/story"}})
	if len(errs) != 0 || len(arts) != 1 || arts[0].Format != "html" {
		t.Fatalf("article page: %q, errors %v", titles(arts), errs)
	}
	_, errs = l.LoadAll(context.Background(), []load.Source{{Location: srv.URL + "/broken/"}})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "missing.xml") {
		t.Fatalf("broken feed link: errors %v", errs)
	}
}

// TestLoadLinkedAndCarried checks that the feed a home page names is
// fetched as content the page carried, and that each article of a URL
// source is reported with the URL that carried it.
func TestLoadLinkedAndCarried(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(`<!DOCTYPE html><html><head><title>Site</title><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body><p>Latest</p></body></html>`))
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write([]byte(rssOf("First story", "Second story")))
		}
	}))
	t.Cleanup(srv.Close)
	type carrierKey struct{}
	f := &fetch.Fetcher{Client: srv.Client(), Timeout: 2 * time.Second}
	var linked []string
	var mu sync.Mutex
	carried := map[string]string{}
	l := &load.Loader{
		Fetch: func(ctx context.Context, rawURL string) (feed.Doc, error) {
			if c, ok := ctx.Value(carrierKey{}).(string); ok {
				linked = append(linked, rawURL+" from "+c)
			}
			return f.Fetch(ctx, rawURL)
		},
		Linked: func(ctx context.Context, carrier string) context.Context {
			return context.WithValue(ctx, carrierKey{}, carrier)
		},
		Carried: func(a *feed.Article, carrier string) {
			mu.Lock()
			carried[a.Title] = carrier
			mu.Unlock()
		},
	}
	arts, errs := l.LoadAll(context.Background(), []load.Source{{Location: srv.URL + "/"}})
	if len(errs) != 0 || len(arts) != 2 {
		t.Fatalf("got %q, errors %v", titles(arts), errs)
	}
	if want := srv.URL + "/feed.xml from " + srv.URL + "/"; len(linked) != 1 || linked[0] != want {
		t.Errorf("linked fetches %q, want %q", linked, want)
	}
	for _, a := range arts {
		if carried[a.Title] != srv.URL+"/feed.xml" {
			t.Errorf("%q carried by %q", a.Title, carried[a.Title])
		}
	}
}
