package feed

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestLoadHomePageReadsItsFeed checks that a URL serving a home page that
// names feeds loads the first feed, and that an article page linking its
// site's feed is still read as the article.
func TestLoadHomePageReadsItsFeed(t *testing.T) {
	links := `<link rel="alternate" type="application/rss+xml" title="Main" href="/feed.xml">` +
		`<link rel="alternate" type="application/rss+xml" title="Comments" href="/comments.xml">`
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(`<!DOCTYPE html><html><head><title>Site</title>` + links + `</head><body><nav>Home</nav><p>Latest stories</p></body></html>`))
		case "/2022/story":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(page(`<title>Story</title>`+links, storyText)))
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write([]byte(rssOf("", "First story", "Second story")))
		case "/broken/":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<html><head><meta property="og:type" content="website"><link rel="alternate" type="application/rss+xml" href="/missing.xml"></head></html>`))
		default:
			http.NotFound(w, r)
		}
	})
	l := &Loader{Fetch: testFetcher(srv).Fetch}

	arts, errs := l.LoadAll(context.Background(), []Source{{Location: srv.URL + "/"}})
	if len(errs) != 0 || len(arts) != 2 || arts[0].Format != "rss" {
		t.Fatalf("home page: %q, errors %v", titles(arts), errs)
	}
	arts, errs = l.LoadAll(context.Background(), []Source{{Location: srv.URL + "/2022/story"}})
	if len(errs) != 0 || len(arts) != 1 || arts[0].Format != htmlFormatName {
		t.Fatalf("article page: %q, errors %v", titles(arts), errs)
	}
	_, errs = l.LoadAll(context.Background(), []Source{{Location: srv.URL + "/broken/"}})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "missing.xml") {
		t.Fatalf("broken feed link: errors %v", errs)
	}
}
