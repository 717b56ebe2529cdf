package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// show --full fetches the page of a summary-only item through the same
// fetcher, and keeps the summary, with an error naming the page, when the
// page cannot be had.
func TestShowFull(t *testing.T) {
	env, _ := xdgEnv(t)
	page, err := os.ReadFile("../../testdata/feeds/port-strike-page.html")
	if err != nil {
		t.Fatal(err)
	}
	var srvURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.rss":
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>
<item><title>Dockers strike at the port</title><link>` + srvURL + `/story</link><guid>a</guid>
<pubDate>Wed, 19 Jan 2022 10:00:00 GMT</pubDate><description>Only a summary.</description></item>
<item><title>Second story</title><link>` + srvURL + `/gone</link><guid>b</guid>
<pubDate>Tue, 18 Jan 2022 10:00:00 GMT</pubDate><description>Another summary.</description></item>
</channel></rss>`))
		case "/story":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	srvURL = srv.URL

	plain := runGazette(t, "", env, "show", "--format", "text", srv.URL+"/feed.rss")
	if plain.code != 0 || !strings.Contains(plain.stdout, "Only a summary.") {
		t.Fatalf("show without --full: %+v", plain)
	}
	full := runGazette(t, "", env, "show", "--full", "--format", "text", srv.URL+"/feed.rss")
	if full.code != exitFailed {
		t.Errorf("exit %d, want %d for the page that is gone", full.code, exitFailed)
	}
	if strings.Contains(full.stdout, "Only a summary.") || !strings.Contains(full.stdout, "Dockers strike at the port") {
		t.Errorf("the first item still shows its summary:\n%s", full.stdout)
	}
	if len(strings.TrimSpace(full.stdout)) <= len(strings.TrimSpace(plain.stdout)) {
		t.Errorf("--full printed no more text than the summaries:\n%s", full.stdout)
	}
	if !strings.Contains(full.stdout, "Another summary.") {
		t.Errorf("the summary of the page that is gone was dropped:\n%s", full.stdout)
	}
	if want := "gazette: " + srv.URL + "/gone: HTTP 404"; !strings.Contains(full.stderr, want) {
		t.Errorf("stderr %q lacks %q", full.stderr, want)
	}
}
