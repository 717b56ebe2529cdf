package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// gazette sources tells, per source, its articles, when a URL was last
// fetched, and the error reading it gives; it never uses the network.
func TestSourcesStats(t *testing.T) {
	env, _ := xdgEnv(t)
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>https://example.org/1</link><description>a</description></item>
<item><title>Two</title><link>https://example.org/2</link><description>b</description></item>
</channel></rss>`))
	}))
	defer srv.Close()
	dir := oneArticleDir(t)
	broken := filepath.Join(t.TempDir(), "gone")
	if err := os.Mkdir(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, loc := range []string{srv.URL + "/feed.xml", dir, broken, "https://example.org/never.xml"} {
		if r := runGazette(t, "", env, "add", loc); r.code != 0 {
			t.Fatalf("add %s: %+v", loc, r)
		}
	}
	if err := os.Remove(broken); err != nil {
		t.Fatal(err)
	}
	if r := runGazette(t, "", env, "list", srv.URL+"/feed.xml"); r.code != 0 {
		t.Fatalf("list: %+v", r)
	}
	before := hits

	r := runGazette(t, "", env, "sources", "--json")
	var got []sourceJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 4 {
		t.Fatalf("sources --json: %v\n%s\n%s", err, r.stdout, r.stderr)
	}
	if hits != before {
		t.Errorf("sources fetched the URL %d times", hits-before)
	}
	feedStat, dirStat, brokenStat, never := got[0].sourceStat, got[1].sourceStat, got[2].sourceStat, got[3].sourceStat
	if feedStat.Articles != 2 || feedStat.Fetched == nil || time.Since(*feedStat.Fetched) > time.Hour || feedStat.Error != "" {
		t.Errorf("the fetched feed: %+v", feedStat)
	}
	if dirStat.Articles != 1 || dirStat.Fetched != nil || dirStat.Error != "" {
		t.Errorf("the directory: %+v", dirStat)
	}
	if brokenStat.Articles != 0 || !strings.Contains(brokenStat.Error, "no such file") {
		t.Errorf("the missing directory: %+v", brokenStat)
	}
	if never.Fetched != nil || never.Error != "not fetched yet" {
		t.Errorf("the URL never fetched: %+v", never)
	}

	lines := strings.Split(strings.TrimSpace(runGazette(t, "", env, "sources").stdout), "\n")
	if len(lines) != 4 {
		t.Fatalf("sources: %q", lines)
	}
	if f := strings.Split(lines[0], "\t"); len(f) != 7 || f[3] != "2" || f[4] == "" || f[5] != "" {
		t.Errorf("the feed's line: %q", lines[0])
	}
	if _, err := time.Parse(time.RFC3339, strings.Split(lines[0], "\t")[4]); err != nil {
		t.Errorf("fetch time: %v", err)
	}
	if feedStat.Unread != nil || dirStat.Unread != nil {
		t.Errorf("unread counts before any store: %v, %v", feedStat.Unread, dirStat.Unread)
	}
}

// Once a command has kept state, gazette sources counts each source's
// unread articles.
func TestSourcesUnread(t *testing.T) {
	env, _ := stateEnv(t)
	dir := t.TempDir()
	for i, title := range []string{"Coal deal signed", "Fisheries talks resume", "Port terminal opens"} {
		text := title + "\nChina | " + []string{"1st", "2nd", "3rd"}[i] + " March 2024 | Wire\n\nText.\n"
		if err := os.WriteFile(filepath.Join(dir, title+".txt"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if r := runGazette(t, "", env, "add", dir); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	arts := listJSON(t, env, dir)
	if r := runGazette(t, "", env, "mark", "read", arts["Coal deal signed"].ID, dir); r.code != 0 {
		t.Fatalf("mark: %+v", r)
	}
	r := runGazette(t, "", env, "sources", "--json")
	var got []sourceJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 1 {
		t.Fatalf("sources --json: %v\n%s\n%s", err, r.stdout, r.stderr)
	}
	if u := got[0].Unread; u == nil || *u != 2 {
		t.Fatalf("unread = %v, want 2 (%s)", u, r.stdout)
	}
	line := strings.TrimSpace(runGazette(t, "", env, "sources").stdout)
	if f := strings.Split(line, "\t"); len(f) != 7 || f[6] != "2" {
		t.Errorf("the pipe line: %q", line)
	}
}
