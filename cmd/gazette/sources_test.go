package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// xdgEnv returns an environment whose config and cache live in a fresh
// temporary directory.
func xdgEnv(t *testing.T) (env map[string]string, configPath string) {
	t.Helper()
	dir := t.TempDir()
	env = map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"XDG_CACHE_HOME":  filepath.Join(dir, "cache"),
		"HOME":            filepath.Join(dir, "home"),
	}
	return env, filepath.Join(dir, "config", "gazette", "config.toml")
}

// oneArticleDir returns a directory holding one sample article.
func oneArticleDir(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../testdata/sample/001_geneva-security-talks.txt")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "geneva.txt"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const genevaTitle = "Security talks in Geneva end without breakthrough on Ukraine"

func TestAddSourcesExport(t *testing.T) {
	env, cfgPath := xdgEnv(t)
	dir := oneArticleDir(t)

	r := runGazette(t, "", env, "add", "https://example.org/feed.xml", "--name", "Example", "--tag", "russia", "--tag", "PRC")
	if r.code != 0 || r.stdout != "added https://example.org/feed.xml\n" {
		t.Fatalf("add URL: %+v", r)
	}
	if r := runGazette(t, "", env, "add", dir); r.code != 0 {
		t.Fatalf("add dir: %+v", r)
	}
	if r := runGazette(t, "", env, "add", "https://example.org/feed.xml"); r.code != 0 || !strings.Contains(r.stdout, "already configured") {
		t.Errorf("add twice: %+v", r)
	}
	for _, bad := range []string{"file:///etc/passwd", "javascript:alert(1)", "exec:/bin/sh"} {
		if r := runGazette(t, "", env, "add", bad); r.code != exitUsage || !strings.Contains(r.stderr, "only http and https") {
			t.Errorf("add %s: %+v", bad, r)
		}
	}
	if r := runGazette(t, "", env, "add", filepath.Join(dir, "missing")); r.code != exitFailed {
		t.Errorf("add a missing path: %+v", r)
	}
	if _, err := os.Stat(cfgPath); err != nil {
		t.Fatal(err)
	}

	r = runGazette(t, "", env, "sources")
	want := "https://example.org/feed.xml\tExample\tRussia, China\t0\t\tnot fetched yet\t\n" + dir + "\t\t\t1\t\t\t\n"
	if r.code != 0 || r.stdout != want {
		t.Errorf("sources: %+v\nwant %q", r, want)
	}

	r = runGazette(t, "", env, "sources", "--json")
	var got []sourceJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 2 {
		t.Fatalf("sources --json: %v\n%s", err, r.stdout)
	}
	if got[0].URL != "https://example.org/feed.xml" || got[1].Path != dir || got[1].Tags == nil {
		t.Errorf("sources --json: %+v", got)
	}

	r = runGazette(t, "", env, "export")
	if r.code != 0 || !strings.Contains(r.stdout, `xmlUrl="https://example.org/feed.xml"`) ||
		!strings.Contains(r.stdout, `category="Russia,China"`) || !strings.Contains(r.stderr, "left out 1 file source") {
		t.Errorf("export: %+v", r)
	}

	// The export reads back into a fresh config.
	opml := filepath.Join(t.TempDir(), "out.opml")
	if err := os.WriteFile(opml, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	env2, _ := xdgEnv(t)
	if r := runGazette(t, "", env2, "import", opml); r.code != 0 || r.stdout != "imported 1 feed\n" {
		t.Errorf("import of the export: %+v", r)
	}
	if r := runGazette(t, "", env2, "sources"); r.stdout != "https://example.org/feed.xml\tExample\tRussia, China\t0\t\tnot fetched yet\t\n" {
		t.Errorf("after import: %+v", r)
	}
}

func TestImportHostileOPML(t *testing.T) {
	env, _ := xdgEnv(t)
	opml := `<?xml version="1.0"?>
<opml version="2.0"><body>
  <outline text="News">
    <outline text="Good" xmlUrl="https://example.org/good.xml"/>
    <outline text="Run me" xmlUrl="exec:touch /tmp/gazette-pwned"/>
    <outline text="Filter" xmlUrl="filter:sh:https://example.org/x"/>
    <outline text="JS" xmlUrl="javascript:alert(1)"/>
    <outline text="Local" xmlUrl="file:///etc/passwd"/>
  </outline>
</body></opml>`
	r := runGazette(t, opml, env, "import", "-")
	if r.code != 0 || r.stdout != "imported 1 feed, 4 skipped\n" {
		t.Fatalf("import: %+v", r)
	}
	for _, s := range []string{`"exec:touch /tmp/gazette-pwned"`, `"filter:sh:https://example.org/x"`, `"javascript:alert(1)"`, `"file:///etc/passwd"`} {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr does not name %s:\n%s", s, r.stderr)
		}
	}
	r = runGazette(t, "", env, "sources")
	if r.stdout != "https://example.org/good.xml\tGood\tNews\t0\t\tnot fetched yet\t\n" {
		t.Errorf("sources: %q", r.stdout)
	}
	if r := runGazette(t, "<html></html>", env, "import", "-"); r.code != exitFailed || !strings.Contains(r.stderr, "not an OPML file") {
		t.Errorf("import of HTML: %+v", r)
	}
}

func TestDefaultSources(t *testing.T) {
	env, cfgPath := xdgEnv(t)
	// No config: the sample feed.
	r := runGazette(t, "", env, "list")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 15 {
		t.Fatalf("without a config: %+v", r)
	}
	// A config: its sources, with their tags.
	dir := oneArticleDir(t)
	text := "[[source]]\npath = \"" + dir + "\"\ntags = [\"Switzerland\"]\n"
	if err := os.MkdirAll(filepath.Dir(cfgPath), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfgPath, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	r = runGazette(t, "", env, "list")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stdout, genevaTitle) || !strings.Contains(r.stdout, "Switzerland") {
		t.Errorf("with a config: %+v", r)
	}
	// Plain gazette in a pipe lists the same.
	if r2 := runGazette(t, "", env); r2.stdout != r.stdout {
		t.Errorf("plain gazette: %+v", r2)
	}
	// --config names another file.
	other := filepath.Join(t.TempDir(), "other.toml")
	os.WriteFile(other, []byte(""), 0o600)
	if r := runGazette(t, "", env, "--config", other, "list"); strings.Count(r.stdout, "\n") != 15 {
		t.Errorf("--config with no sources: %+v", r)
	}
}

func TestConfigErrorsOnCommandLine(t *testing.T) {
	env, cfgPath := xdgEnv(t)
	os.MkdirAll(filepath.Dir(cfgPath), 0o700)
	os.WriteFile(cfgPath, []byte("[[source]]\nurl = \"https://example.org/\"\nname = \"unterminated\n"), 0o600)
	for _, args := range [][]string{{"list"}, {"sources"}, {"add", "https://example.org/x"}} {
		r := runGazette(t, "", env, args...)
		if r.code != exitFailed || !strings.Contains(r.stderr, cfgPath+":3: ") {
			t.Errorf("%v: %+v", args, r)
		}
	}
	missing := filepath.Join(t.TempDir(), "missing.toml")
	if r := runGazette(t, "", nil, "--config", missing, "list"); r.code != exitFailed || !strings.Contains(r.stderr, "--config") {
		t.Errorf("missing --config: %+v", r)
	}
	// add starts the file --config names.
	if r := runGazette(t, "", nil, "--config", missing, "add", "https://example.org/feed"); r.code != 0 {
		t.Errorf("add to a new --config: %+v", r)
	}
	if r := runGazette(t, "", nil, "--timeout", "0s", "list"); r.code != exitUsage {
		t.Errorf("--timeout 0: %+v", r)
	}
}

func TestURLSourceAndCache(t *testing.T) {
	env, _ := xdgEnv(t)
	article, err := os.ReadFile("../../testdata/sample/001_geneva-security-talks.txt")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/article.txt":
			if r.Header.Get("User-Agent") != "gazette/"+appVersion() {
				t.Errorf("User-Agent %q", r.Header.Get("User-Agent"))
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write(article)
		case "/hostile":
			conn, buf, _ := w.(http.Hijacker).Hijack()
			defer conn.Close()
			buf.WriteString("HTTP/1.1 500 Bad\x1b]0;pwned\x07 things\r\nContent-Length: 0\r\n\r\n")
			buf.Flush()
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	url := srv.URL + "/article.txt"

	r := runGazette(t, "", env, "list", url)
	if r.code != 0 || !strings.Contains(r.stdout, genevaTitle) || r.stderr != "" {
		t.Fatalf("list URL: %+v", r)
	}
	r = runGazette(t, "", env, "list", srv.URL+"/hostile", url)
	if r.code != exitFailed || !strings.Contains(r.stdout, genevaTitle) {
		t.Errorf("one failing URL: %+v", r)
	}
	if want := "gazette: " + srv.URL + `/hostile: HTTP 500 "Bad]0;pwned things"` + "\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	if r := runGazette(t, "", env, "--offline", "list", url); r.code != 0 || !strings.Contains(r.stdout, genevaTitle) || r.stderr != "" {
		t.Errorf("--offline, cached: %+v", r)
	}
	if r := runGazette(t, "", env, "--offline", "list", srv.URL+"/other.txt"); r.code != exitFailed ||
		r.stderr != "gazette: "+srv.URL+"/other.txt: not in the offline cache\n" {
		t.Errorf("--offline, not cached: %+v", r)
	}
	srv.Close()
	r = runGazette(t, "", env, "list", url)
	if r.code != 0 || !strings.Contains(r.stdout, genevaTitle) || !strings.HasPrefix(r.stderr, "gazette: "+url+": offline: cached just now (") {
		t.Errorf("server gone: %+v", r)
	}
}
