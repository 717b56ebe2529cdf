package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/config"
	"github.com/gazette-news/gazette/internal/remote"
	"github.com/gazette-news/gazette/internal/remote/miniflux"
	"github.com/gazette-news/gazette/internal/remotetest"
)

// closedLoopback returns the URL of a loopback port nothing listens on.
func closedLoopback(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "http://" + l.Addr().String()
}

func TestSyncCommands(t *testing.T) {
	svc := remotetest.Miniflux(t)
	user, pass := svc.NewUser(t)
	day := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	f := remotetest.ServeFeed(t, "Wire",
		remotetest.Item{GUID: "a", Title: "Grain ships sail from Odesa", Link: "https://news.example/a", HTML: "<p>Ships left.</p>", Date: day},
		remotetest.Item{GUID: "b", Title: "Talks resume in Geneva", Link: "https://news.example/b", HTML: "<p>Talks.</p>", Date: day.Add(time.Hour)},
	)
	env, cfgPath := xdgEnv(t)
	if err := os.MkdirAll(filepath.Dir(cfgPath), 0o700); err != nil {
		t.Fatal(err)
	}
	// The password is written in the file, which only its owner reads.
	cfg := fmt.Sprintf(`[[account]]
name = "home"
kind = "miniflux"
url = %q
user = %q
password = %q

[[account]]
name = "down"
kind = "miniflux"
url = %q
user = %q
password = %q
`, svc.URL, user, pass, closedLoopback(t), user, pass)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	noSecret := func(t *testing.T, r result) {
		t.Helper()
		if strings.Contains(r.stdout+r.stderr, pass) {
			t.Errorf("the password shows:\n%s\n%s", r.stdout, r.stderr)
		}
	}

	r := runGazette(t, "", env, "add", f.URL, "--account", "home", "--tag", "ukraine")
	noSecret(t, r)
	if r.code != 0 || !strings.Contains(r.stdout, "subscribed home to "+f.URL) {
		t.Fatalf("add --account: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	r = runGazette(t, "", env, "sync", "--account", "home")
	noSecret(t, r)
	if r.code != 0 || r.stdout != "2 new · queue empty\n" {
		t.Fatalf("sync: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runGazette(t, "", env, "sync", "--account", "home")
	if r.code != 0 || r.stdout != "nothing new · queue empty\n" {
		t.Errorf("second sync: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	r = runGazette(t, "", env, "list")
	noSecret(t, r)
	if r.code != 0 || !strings.Contains(r.stdout, "Grain ships sail from Odesa") || !strings.Contains(r.stdout, "Talks resume in Geneva") {
		t.Errorf("list: the account's articles are not listed: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, cmd := range [][]string{{"sources"}, {"export"}} {
		noSecret(t, runGazette(t, "", env, cmd...))
	}

	t.Run("a server down fails the sync, and the others still run", func(t *testing.T) {
		r := runGazette(t, "", env, "sync")
		noSecret(t, r)
		if r.code != 1 || !strings.Contains(r.stderr, "sync down") || !strings.Contains(r.stderr, "cannot reach the server") {
			t.Errorf("exit %d, stderr %q; want 1 and the reason", r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "home: nothing new · queue empty") {
			t.Errorf("stdout %q: home should still sync", r.stdout)
		}
	})

	t.Run("remove --account unsubscribes", func(t *testing.T) {
		r := runGazette(t, "", env, "remove", f.URL, "--account", "home")
		noSecret(t, r)
		if r.code != 0 || !strings.Contains(r.stdout, "unsubscribed home from "+f.URL) {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		c, err := miniflux.New(miniflux.Config{Endpoint: remote.Endpoint{URL: svc.URL}, User: user, Password: remote.NewSecret(pass)})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		if subs, err := c.Subscriptions(ctx); err != nil || len(subs) != 0 {
			t.Errorf("subscriptions left: %+v, %v", subs, err)
		}
		r = runGazette(t, "", env, "remove", f.URL, "--account", "home")
		if r.code != 1 || !strings.Contains(r.stderr, "follows no such feed") {
			t.Errorf("a second remove: exit %d, stderr %q", r.code, r.stderr)
		}
	})

	t.Run("a wrong password", func(t *testing.T) {
		const wrong = "wrong-password-7777"
		path := filepath.Join(t.TempDir(), "wrong.toml")
		writeAccountConfig(t, path, svc.URL, user, wrong)
		r := runGazette(t, "", env, "--config", path, "sync")
		if r.code != 1 || !strings.Contains(r.stderr, "refused the credentials") || strings.Contains(r.stdout+r.stderr, wrong) {
			t.Errorf("exit %d, stderr %q; want 1, the reason, and no password", r.code, r.stderr)
		}
	})

	t.Run("unknown account", func(t *testing.T) {
		r := runGazette(t, "", env, "sync", "--account", "nope")
		if r.code != 2 || !strings.Contains(r.stderr, `"nope"`) {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

func TestRemoveSource(t *testing.T) {
	env, cfgPath := xdgEnv(t)
	dir := oneArticleDir(t)
	if r := runGazette(t, "", env, "add", "https://example.org/feed.xml", "--name", "Example"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := runGazette(t, "", env, "add", dir); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	r := runGazette(t, "", env, "remove", "example")
	if r.code != 0 || r.stdout != "removed https://example.org/feed.xml\n" {
		t.Fatalf("remove by name: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	r = runGazette(t, "", env, "remove", dir)
	if r.code != 0 {
		t.Fatalf("remove by path: exit %d, %q", r.code, r.stderr)
	}
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "url =") || strings.Contains(string(data), "path =") {
		t.Errorf("config still holds a source:\n%s", data)
	}
	r = runGazette(t, "", env, "remove", "https://nowhere.example/")
	if r.code != 1 || !strings.Contains(r.stderr, "no such source") {
		t.Errorf("remove of nothing: exit %d, stderr %q", r.code, r.stderr)
	}
}

// readerApp returns an app as the reader has it: the config loaded, the
// configured sources read, syncs in the background on until ctx ends.
func readerApp(t *testing.T, ctx context.Context, env map[string]string, cfgPath string) *app {
	t.Helper()
	a := newApp(stdio{out: io.Discard, err: io.Discard, getenv: func(k string) string { return env[k] }})
	cfg, err := config.LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	a.net.cfg, a.net.cfgPath, a.timeout = cfg, cfgPath, 10*time.Second
	a.sources(nil)
	a.holdNotices()
	a.bgSync.enable(ctx)
	return a
}

// loadAccounts runs the accounts' part of a load, as the reader's
// loader does, and returns the titles it lists.
func loadAccounts(ctx context.Context, a *app) []string {
	empty := make(chan load.Result)
	close(empty)
	arts, _ := load.Collect(a.withAccounts(ctx, empty))
	var titles []string
	for _, art := range arts {
		titles = append(titles, art.Title)
	}
	return titles
}

func writeAccountConfig(t *testing.T, cfgPath, url, user, pass string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(cfgPath), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf("[[account]]\nname = \"home\"\nkind = \"miniflux\"\nurl = %q\nuser = %q\npassword = %q\n", url, user, pass)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestReaderSyncsInTheBackground(t *testing.T) {
	svc := remotetest.Miniflux(t)
	user, pass := svc.NewUser(t)
	f := remotetest.ServeFeed(t, "Wire", remotetest.Item{GUID: "a", Title: "Grain ships sail", Link: "https://news.example/a", HTML: "<p>Ships.</p>"})
	c, err := miniflux.New(miniflux.Config{Endpoint: remote.Endpoint{URL: svc.URL}, User: user, Password: remote.NewSecret(pass)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Subscribe(t.Context(), f.URL, ""); err != nil {
		t.Fatal(err)
	}
	env, cfgPath := xdgEnv(t)
	writeAccountConfig(t, cfgPath, svc.URL, user, pass)
	a := readerApp(t, t.Context(), env, cfgPath)
	// The launch lists what the store holds (nothing yet) and starts a
	// sync; the next load (`r`) lists what it brought.
	if got := loadAccounts(t.Context(), a); len(got) != 0 {
		t.Errorf("first load %q, want the empty store's nothing", got)
	}
	a.bgSync.wait()
	if got := loadAccounts(t.Context(), a); !slices.Equal(got, []string{"Grain ships sail"}) {
		t.Errorf("load after the sync %q", got)
	}
	a.bgSync.wait()
}

func TestReaderNotBlockedBySlowServer(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	env, cfgPath := xdgEnv(t)
	writeAccountConfig(t, cfgPath, srv.URL, "ada", "secret-pass")
	ctx, cancel := context.WithCancel(t.Context())
	a := readerApp(t, ctx, env, cfgPath)
	done := make(chan []string)
	go func() { done <- loadAccounts(ctx, a) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the load waited on the server")
	}
	// Quitting the reader ends the sync that still waits.
	cancel()
	stopped := make(chan struct{})
	go func() { a.bgSync.wait(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the background sync outlived the reader")
	}
}
