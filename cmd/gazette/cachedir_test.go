package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A cache directory others may write to is not used: one warning names
// it, the command still succeeds, and nothing is written there.
func TestForeignCacheDirRefused(t *testing.T) {
	env, _ := xdgEnv(t)
	cache := filepath.Join(env["XDG_CACHE_HOME"], "gazette")
	if err := os.MkdirAll(cache, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(cache, 0o777); err != nil {
		t.Fatal(err)
	}
	dir := oneArticleDir(t)
	article, err := os.ReadFile("../../testdata/sample/001_geneva-security-talks.txt")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(article)
	}))
	defer srv.Close()
	r := runGazette(t, "", env, "list", dir, srv.URL+"/a.txt")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if n := strings.Count(r.stderr, "is not used"); n != 1 || !strings.Contains(r.stderr, "writable by others") {
		t.Errorf("want one warning about the cache directory, got %q", r.stderr)
	}
	if ents, _ := os.ReadDir(cache); len(ents) != 0 {
		t.Errorf("wrote into the refused cache directory: %v", ents)
	}

	// The user's own directory is used, without a word.
	if err := os.Chmod(cache, 0o700); err != nil {
		t.Fatal(err)
	}
	r = runGazette(t, "", env, "list", dir, srv.URL+"/a.txt")
	if r.code != 0 || r.stderr != "" {
		t.Errorf("own cache directory: exit %d, stderr %q", r.code, r.stderr)
	}
	if ents, _ := os.ReadDir(cache); len(ents) == 0 {
		t.Error("the user's own cache directory was not used")
	}
}
