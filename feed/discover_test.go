package feed

import (
	"net/url"
	"testing"
)

func TestDiscoverFeeds(t *testing.T) {
	base, _ := url.Parse("https://site.example/blog/")
	page := `<!DOCTYPE html><html><head>
<base href="file:///etc/">
<link rel="alternate" type="application/rss+xml" title="Posts &amp; news" href="/feed.xml">
<link rel="Alternate stylesheet" type="application/atom+xml" href="atom.xml">
<link rel="alternate" type="application/feed+json; charset=utf-8" href="https://site.example/feed.json">
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">
<link rel="alternate" type="text/html" href="/fr/">
<link rel="stylesheet" type="application/rss+xml" href="/not-a-feed.xml">
<link rel="alternate" type="application/rss+xml" title="bad` + "\x1b]0;x\x07" + `" href="/t.xml">
</head><body><p>Hello</p></body></html>`
	got := DiscoverFeeds([]byte(page), base)
	want := []DiscoveredFeed{
		{URL: "https://site.example/feed.xml", Title: "Posts & news", Type: "application/rss+xml"},
		{URL: "https://site.example/blog/atom.xml", Type: "application/atom+xml"},
		{URL: "https://site.example/feed.json", Type: "application/feed+json"},
		{URL: "https://site.example/t.xml", Title: "bad]0;x", Type: "application/rss+xml"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("feed %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if got := DiscoverFeeds([]byte(`<p>no head</p>`), base); len(got) != 0 {
		t.Errorf("no links: %+v", got)
	}
}

func TestPageFeed(t *testing.T) {
	link := `<link rel="alternate" type="application/rss+xml" href="/feed.xml"><link rel="alternate" type="application/atom+xml" href="/comments.xml">`
	tests := []struct {
		name, url, page string
		want            string
	}{
		{"home page", "https://site.example/", `<html><head>` + link + `</head><body><p>Welcome</p></body></html>`, "https://site.example/feed.xml"},
		{"listing page", "https://site.example/world/", `<html><head>` + link + `</head><body><article>a</article><article>b</article></body></html>`, "https://site.example/feed.xml"},
		{"website og:type", "https://site.example/en", `<html><head><meta property="og:type" content="website">` + link + `</head><body></body></html>`, "https://site.example/feed.xml"},
		{"article by og:type", "https://site.example/", `<html><head><meta property="og:type" content="article">` + link + `</head><body></body></html>`, ""},
		{"article by JSON-LD", "https://site.example/", `<html><head><script type="application/ld+json">{"@type":"NewsArticle"}</script>` + link + `</head><body></body></html>`, ""},
		{"article path", "https://site.example/2022/03/amur-bridge", `<html><head>` + link + `</head><body><article>story</article></body></html>`, ""},
		{"no feed", "https://site.example/", `<html><head></head><body><p>Welcome</p></body></html>`, ""},
		{"a feed itself", "https://site.example/", `<rss version="2.0"><channel><title>x</title></channel></rss>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, _ := url.Parse(tt.url)
			got, ok := PageFeed(Doc{Location: tt.url, Base: base, Data: []byte(tt.page), ContentType: "text/html"})
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("PageFeed = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
	// A file has no base: its links are not followed.
	if _, ok := PageFeed(Doc{Location: "home.html", Data: []byte(`<html><head>` + link + `</head></html>`)}); ok {
		t.Error("a saved page led to a feed")
	}
}

// FuzzDiscoverFeeds checks that discovery never panics and returns only
// http and https URLs.
func FuzzDiscoverFeeds(f *testing.F) {
	f.Add(`<link rel="alternate" type="application/rss+xml" href="/f">`)
	f.Add(`<link rel=alternate type=application/atom+xml href=" JaVaScRiPt:x">`)
	base, _ := url.Parse("https://site.example/")
	f.Fuzz(func(t *testing.T, s string) {
		for _, d := range DiscoverFeeds([]byte(s), base) {
			if !isURL(d.URL) {
				t.Fatalf("kept %q", d.URL)
			}
		}
	})
}
