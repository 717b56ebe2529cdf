package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// TestAddDiscoversFeeds checks that adding a home page adds the feed it
// names, listing them when there are several, and that a page naming
// none is added as given.
func TestAddDiscoversFeeds(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/":
			w.Write([]byte(`<html><head><title>Site</title>
<link rel="alternate" type="application/rss+xml" title="All stories" href="/feed.xml">
<link rel="alternate" type="application/atom+xml" title="Comments" href="/comments.atom">
</head><body><p>Latest</p></body></html>`))
		case "/one/":
			w.Write([]byte(`<html><head><meta property="og:type" content="website">
<link rel="alternate" type="application/feed+json" href="/one/feed.json"></head><body></body></html>`))
		default:
			w.Write([]byte(`<html><head><title>Plain</title></head><body><p>No feeds here.</p></body></html>`))
		}
	}))
	defer srv.Close()
	env, cfgPath := xdgEnv(t)

	r := runGazette(t, "", env, "add", srv.URL+"/")
	want := srv.URL + "/ names 2 feeds; adding the first:\n" +
		"  " + srv.URL + "/feed.xml  All stories\n" +
		"  " + srv.URL + "/comments.atom  Comments\n" +
		"added " + srv.URL + "/feed.xml\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("add home page: %+v\nwant stdout %q", r, want)
	}
	if r := runGazette(t, "", env, "add", srv.URL+"/one/"); r.code != 0 || r.stdout != "added "+srv.URL+"/one/feed.json\n" {
		t.Fatalf("add page with one feed: %+v", r)
	}
	if r := runGazette(t, "", env, "add", srv.URL+"/plain"); r.code != 0 || r.stdout != "added "+srv.URL+"/plain\n" {
		t.Fatalf("add page with no feed: %+v", r)
	}
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"/feed.xml", "/one/feed.json", "/plain"} {
		if !strings.Contains(string(cfg), srv.URL+u) {
			t.Errorf("config lacks %s:\n%s", u, cfg)
		}
	}
	if strings.Contains(string(cfg), "comments.atom") {
		t.Errorf("config holds the second feed:\n%s", cfg)
	}
}
