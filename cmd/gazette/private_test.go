package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// A link in a feed read from a file is content that no network source
// carried: show --full does not follow it to a loopback server, and says
// how to allow it; with allow_private_addresses = true in the config, it
// does.
func TestShowFullPrivateAddress(t *testing.T) {
	env, configPath := xdgEnv(t)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<html><head><title>Story</title></head><body><article><h1>Story</h1><p>The whole page text, long enough to read as an article of its own.</p></article></body></html>"))
	}))
	defer srv.Close()
	feedFile := filepath.Join(t.TempDir(), "desk.rss")
	rss := `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>
<item><title>A story</title><link>` + srv.URL + `/story</link><guid>a</guid>
<pubDate>Wed, 19 Jan 2022 10:00:00 GMT</pubDate><description>Only a summary.</description></item>
</channel></rss>`
	if err := os.WriteFile(feedFile, []byte(rss), 0o644); err != nil {
		t.Fatal(err)
	}

	r := runGazette(t, "", env, "show", "--full", "--format", "text", feedFile)
	if r.code != exitFailed || !strings.Contains(r.stderr, "allow_private_addresses") || hits.Load() != 0 {
		t.Errorf("from a file: exit %d, %d requests, stderr %q", r.code, hits.Load(), r.stderr)
	}
	if !strings.Contains(r.stdout, "Only a summary.") {
		t.Errorf("the summary was not kept:\n%s", r.stdout)
	}

	if err := os.MkdirAll(filepath.Dir(configPath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(configPath, []byte("allow_private_addresses = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runGazette(t, "", env, "show", "--full", "--format", "text", feedFile)
	if r.code != 0 || hits.Load() != 1 || !strings.Contains(r.stdout, "whole page text") {
		t.Errorf("allowed: exit %d, %d requests, stderr %q\n%s", r.code, hits.Load(), r.stderr, r.stdout)
	}
}
