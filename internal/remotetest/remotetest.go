// Package remotetest finds the real Miniflux that scripts/test-services
// starts, and serves feeds for it to subscribe to, for the tests of the
// remote clients, the sync engine and the commands that use them.
package remotetest

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// Service is the Miniflux the tests use, as scripts/test-services
// describes it.
type Service struct {
	URL, User, Password, Token   string
	GReaderUser, GReaderPassword string
}

// envNames are the variables scripts/test-services writes.
var envNames = []string{
	"GAZETTE_MINIFLUX_URL", "GAZETTE_MINIFLUX_USER", "GAZETTE_MINIFLUX_PASSWORD",
	"GAZETTE_MINIFLUX_TOKEN", "GAZETTE_MINIFLUX_GREADER_USER", "GAZETTE_MINIFLUX_GREADER_PASSWORD",
}

// Miniflux returns the running Miniflux, from the environment or else
// from the file GAZETTE_SERVICES_ENV names. Without one it skips the test,
// saying how to start one; in CI (CI=true) it fails it instead, since CI
// starts the server and a missing one is a broken run, not a reason to
// pass.
func Miniflux(t testing.TB) Service {
	t.Helper()
	env := map[string]string{}
	for _, n := range envNames {
		env[n] = os.Getenv(n)
	}
	if env["GAZETTE_MINIFLUX_URL"] == "" {
		if path := os.Getenv("GAZETTE_SERVICES_ENV"); path != "" {
			if err := readEnvFile(path, env); err != nil {
				t.Fatalf("GAZETTE_SERVICES_ENV: %v", err)
			}
		}
	}
	if env["GAZETTE_MINIFLUX_URL"] == "" {
		const how = "no Miniflux to test against: run scripts/test-services and set GAZETTE_SERVICES_ENV to the file it prints"
		if os.Getenv("CI") != "" && os.Getenv("CI") != "false" {
			t.Fatal(how + " (CI must start it: see .ci/run)")
		}
		t.Skip(how)
	}
	return Service{
		URL: env["GAZETTE_MINIFLUX_URL"], User: env["GAZETTE_MINIFLUX_USER"],
		Password: env["GAZETTE_MINIFLUX_PASSWORD"], Token: env["GAZETTE_MINIFLUX_TOKEN"],
		GReaderUser: env["GAZETTE_MINIFLUX_GREADER_USER"], GReaderPassword: env["GAZETTE_MINIFLUX_GREADER_PASSWORD"],
	}
}

// readEnvFile reads `export NAME=value` lines into env.
func readEnvFile(path string, env map[string]string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
		if name, value, ok := strings.Cut(line, "="); ok {
			if _, known := env[name]; known {
				env[name] = value
			}
		}
	}
	return sc.Err()
}

// Item is one item of a served feed.
type Item struct {
	GUID, Title, Link, HTML string
	Categories              []string
	Date                    time.Time
}

// Feed is an RSS feed served on 127.0.0.1, whose items a test changes.
type Feed struct {
	// URL is the feed's address.
	URL string

	mu    sync.Mutex
	title string
	items []Item
}

// ServeFeed serves a feed with these items until the test ends.
func ServeFeed(t testing.TB, title string, items ...Item) *Feed {
	t.Helper()
	f := &Feed{title: title, items: items}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	// httptest listens on 127.0.0.1 already; say so, as nothing may
	// leave the loopback.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	f.URL = srv.URL + "/feed.xml"
	return f
}

// Add adds items to the feed, first.
func (f *Feed) Add(items ...Item) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items = append(append([]Item(nil), items...), f.items...)
}

func (f *Feed) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/feed.xml" {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/rss+xml")
	// No caching headers: every fetch sees the items as they are now.
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>`)
	fmt.Fprintf(&b, "<title>%s</title><link>http://%s/</link>", html.EscapeString(f.title), r.Host)
	for _, it := range f.items {
		fmt.Fprintf(&b, "<item><guid>%s</guid><title>%s</title><link>%s</link>",
			html.EscapeString(it.GUID), html.EscapeString(it.Title), html.EscapeString(it.Link))
		for _, c := range it.Categories {
			fmt.Fprintf(&b, "<category>%s</category>", html.EscapeString(c))
		}
		if !it.Date.IsZero() {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", it.Date.UTC().Format(time.RFC1123Z))
		}
		fmt.Fprintf(&b, "<description>%s</description></item>", html.EscapeString(it.HTML))
	}
	b.WriteString("</channel></rss>")
	w.Write([]byte(b.String()))
}

// NewUser creates a Miniflux user of its own for one test, so that the
// test sees only its own feeds and entries whatever else runs against
// the server; the user is deleted when the test ends. It returns the
// user's name and password, for basic authentication.
func (s Service) NewUser(t testing.TB) (user, password string) {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	user = "t" + hex.EncodeToString(b[:])
	password = "p" + hex.EncodeToString(b[:]) + "x"
	body, _ := json.Marshal(map[string]any{"username": user, "password": password})
	var created struct {
		ID int64 `json:"id"`
	}
	if err := s.admin(http.MethodPost, "/v1/users", body, &created); err != nil {
		t.Fatalf("create a Miniflux user: %v", err)
	}
	t.Cleanup(func() {
		s.admin(http.MethodDelete, fmt.Sprintf("/v1/users/%d", created.ID), nil, nil)
	})
	return user, password
}

// admin makes a call to Miniflux's API as its admin.
func (s Service) admin(method, path string, body []byte, out any) error {
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.SetBasicAuth(s.User, s.Password)
	req.Header.Set("Content-Type", "application/json")
	cl := &http.Client{Timeout: 30 * time.Second}
	resp, err := cl.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
