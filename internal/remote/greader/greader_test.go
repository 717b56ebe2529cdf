package greader

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazette-news/gazette/internal/remote"
	"github.com/gazette-news/gazette/internal/remote/miniflux"
	"github.com/gazette-news/gazette/internal/remotetest"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// entriesOf returns the entries of one subscription, by title.
func entriesOf(t *testing.T, a remote.Account, subID string, f remote.Filter) map[string]remote.Entry {
	t.Helper()
	all, err := a.Entries(ctx(t), f)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]remote.Entry{}
	for _, e := range all {
		if e.SubscriptionID == subID {
			out[e.Article.Title] = e
		}
	}
	return out
}

// TestAgainstMiniflux uses Miniflux's Google Reader API, with its REST API
// as the other side: what one protocol changes, the other reads back.
func TestAgainstMiniflux(t *testing.T) {
	svc := remotetest.Miniflux(t)
	g := newClient(t, Config{Endpoint: remote.Endpoint{URL: svc.URL}, User: svc.GReaderUser, Password: remote.NewSecret(svc.GReaderPassword)})
	rest, err := miniflux.New(miniflux.Config{Endpoint: remote.Endpoint{URL: svc.URL}, Token: remote.NewSecret(svc.Token)})
	if err != nil {
		t.Fatal(err)
	}

	day := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	f := remotetest.ServeFeed(t, "Greader wire & co",
		remotetest.Item{GUID: "a", Title: "Kyiv &amp; Lviv \x1b]0;owned\x07", Link: "https://news.example/ga",
			HTML: `<p>Power is back in <a href="https://news.example/kyiv">Kyiv</a>.</p><img src="javascript:x">`, Date: day},
		remotetest.Item{GUID: "b", Title: "Other", Link: "https://news.example/gb", HTML: "<p>Two</p>", Date: day.Add(time.Hour)},
	)
	sub, err := g.Subscribe(ctx(t), f.URL, "ukraine")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		g.Unsubscribe(ctx, sub.ID)
	})
	if sub.URL != f.URL || sub.Title != "Greader wire & co" || len(sub.Tags) != 1 || sub.Tags[0].Name != "Ukraine" {
		t.Errorf("subscription %+v", sub)
	}
	restID := strings.TrimPrefix(sub.ID, "feed/")

	t.Run("entries arrive clean", func(t *testing.T) {
		got := entriesOf(t, g, sub.ID, remote.Filter{Unread: true})
		if len(got) != 2 {
			t.Fatalf("%d entries, want 2: %v", len(got), got)
		}
		var a *remote.Entry
		for title, e := range got {
			if strings.HasPrefix(title, "Kyiv") {
				a = &e
			}
		}
		if a == nil {
			t.Fatalf("no Kyiv entry in %v", got)
		}
		art := a.Article
		if strings.ContainsAny(art.Title, "\x1b\x07") || art.Format != "greader" || art.Link != "https://news.example/ga" {
			t.Errorf("title %q, format %q, link %q", art.Title, art.Format, art.Link)
		}
		if len(art.Tags) != 1 || art.Tags[0].Name != "Ukraine" || !art.Tags[0].Country {
			t.Errorf("tags %v: the label, canonical", art.Tags)
		}
		if len(art.Refs) != 1 || art.Refs[0].URL != "https://news.example/kyiv" {
			t.Errorf("refs %v", art.Refs)
		}
		if !art.Date.Equal(day) {
			t.Errorf("date %v, want %v", art.Date, day)
		}
	})

	t.Run("refresh on the server brings new entries", func(t *testing.T) {
		f.Add(remotetest.Item{GUID: "c", Title: "Third", Link: "https://news.example/gc", HTML: "<p>Three</p>", Date: day.Add(2 * time.Hour)})
		if err := rest.Refresh(ctx(t), restID); err != nil {
			t.Fatal(err)
		}
		if got := entriesOf(t, g, sub.ID, remote.Filter{}); len(got) != 3 {
			t.Errorf("%d entries after the refresh, want 3", len(got))
		}
	})

	t.Run("marks both ways", func(t *testing.T) {
		gID := entriesOf(t, g, sub.ID, remote.Filter{})["Other"].ID
		rID := entriesOf(t, rest, restID, remote.Filter{})["Other"].ID
		if gID != rID {
			t.Fatalf("the two APIs name one entry %q and %q", gID, rID)
		}
		steps := []struct {
			by            remote.Account
			change        remote.Change
			read, starred bool
		}{
			{g, remote.MarkRead, true, false},
			{rest, remote.Star, true, true},
			{g, remote.MarkUnread, false, true},
			{g, remote.Star, false, true}, // again: no error
			{rest, remote.MarkRead, true, true},
			{g, remote.Unstar, true, false},
			{rest, remote.MarkUnread, false, false},
		}
		for _, s := range steps {
			if err := s.by.Mark(ctx(t), s.change, []string{gID}); err != nil {
				t.Fatal(err)
			}
			other, otherSub := remote.Account(rest), restID
			if s.by == remote.Account(rest) {
				other, otherSub = g, sub.ID
			}
			e := entriesOf(t, other, otherSub, remote.Filter{})["Other"]
			if e.Read != s.read || e.Starred != s.starred {
				t.Errorf("after %v: read %v starred %v, want %v %v", s.change, e.Read, e.Starred, s.read, s.starred)
			}
			unread, err := g.EntryIDs(ctx(t), remote.Filter{Unread: true})
			if err != nil {
				t.Fatal(err)
			}
			starred, err := g.EntryIDs(ctx(t), remote.Filter{Starred: true})
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(unread, gID) == s.read || slices.Contains(starred, gID) != s.starred {
				t.Errorf("after %v: in unread IDs %v, in starred IDs %v", s.change, slices.Contains(unread, gID), slices.Contains(starred, gID))
			}
			both, err := g.EntryIDs(ctx(t), remote.Filter{Unread: true, Starred: true})
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(both, gID) != (!s.read && s.starred) {
				t.Errorf("after %v: in unread and starred IDs %v", s.change, slices.Contains(both, gID))
			}
		}
	})

	t.Run("limit and paging", func(t *testing.T) {
		ids, err := g.EntryIDs(ctx(t), remote.Filter{Limit: 2})
		if err != nil || len(ids) != 2 {
			t.Errorf("%v, %v; want two IDs", ids, err)
		}
	})

	t.Run("since", func(t *testing.T) {
		got := entriesOf(t, g, sub.ID, remote.Filter{Since: day.Add(90 * time.Minute)})
		if len(got) != 1 {
			t.Errorf("%d entries published since, want 1 (Third)", len(got))
		}
	})

	t.Run("unsubscribe", func(t *testing.T) {
		if err := g.Unsubscribe(ctx(t), sub.ID); err != nil {
			t.Fatal(err)
		}
		subs, err := g.Subscriptions(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(subs, func(s remote.Subscription) bool { return s.ID == sub.ID }) {
			t.Errorf("still subscribed to %s", sub.ID)
		}
	})
}

func TestWrongPassword(t *testing.T) {
	svc := remotetest.Miniflux(t)
	const wrong = "wrong-password-Gk4"
	c := newClient(t, Config{Endpoint: remote.Endpoint{URL: svc.URL}, User: svc.GReaderUser, Password: remote.NewSecret(wrong)})
	_, err := c.Subscriptions(ctx(t))
	if !errors.Is(err, remote.ErrAuth) {
		t.Fatalf("err %v, want ErrAuth", err)
	}
	if strings.Contains(err.Error(), wrong) || !strings.Contains(err.Error(), svc.URL) {
		t.Errorf("error %q: must name the server and never hold the password", err)
	}
}

// fakeServer logs in anyone and answers the rest with h: for the faults a
// real server cannot be made to produce.
func fakeServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/accounts/ClientLogin" {
			w.Write([]byte("SID=x\nAuth=session-Ab12Cd\n"))
			return
		}
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFaults(t *testing.T) {
	const password = "pw-77e2c1"
	tests := []struct {
		name    string
		handler http.HandlerFunc
		kind    error
	}{
		{"500 echoing the session", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			w.Write([]byte("failed for " + r.Header.Get("Authorization") + " and " + password))
		}, remote.ErrServer},
		{"hangs", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, remote.ErrTimeout},
		{"not json", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("OK")) }, remote.ErrBadAnswer},
		{"redirect to another host", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://localhost.invalid/steal", http.StatusFound)
		}, remote.ErrRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeServer(t, tt.handler)
			c := newClient(t, Config{Endpoint: remote.Endpoint{URL: srv.URL, Timeout: 300 * time.Millisecond}, User: "ada", Password: remote.NewSecret(password)})
			_, err := c.Subscriptions(t.Context())
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err %v, want %v", err, tt.kind)
			}
			msg := err.Error()
			for _, secret := range []string{password, "session-Ab12Cd"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error %q holds a secret", msg)
				}
			}
			if !strings.Contains(msg, srv.URL) {
				t.Errorf("error %q does not name the server", msg)
			}
		})
	}
}

// TestLoginAgain: a session the server ended is opened again, once.
func TestLoginAgain(t *testing.T) {
	var logins, calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/accounts/ClientLogin":
			n := logins.Add(1)
			w.Write([]byte("Auth=s" + string(rune('0'+n)) + "\n"))
		default:
			calls.Add(1)
			if r.Header.Get("Authorization") != "GoogleLogin auth=s2" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Write([]byte(`{"subscriptions":[{"id":"feed/1","title":"T","url":"https://x.example/f","categories":[{"id":"user/-/label/usa","label":"usa"}]}]}`))
		}
	}))
	defer srv.Close()
	c := newClient(t, Config{Endpoint: remote.Endpoint{URL: srv.URL}, User: "ada", Password: remote.NewSecret("pw")})
	subs, err := c.Subscriptions(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if logins.Load() != 2 || calls.Load() != 2 {
		t.Errorf("%d logins, %d calls; want 2 and 2", logins.Load(), calls.Load())
	}
	if len(subs) != 1 || subs[0].Tags[0].Name != "United States" {
		t.Errorf("subscriptions %+v", subs)
	}
}

func TestShortID(t *testing.T) {
	for in, want := range map[string]string{
		"42": "42", "tag:google.com,2005:reader/item/000000000000002a": "42",
		"tag:google.com,2005:reader/item/ffffffffffffffff": "-1", "0042": "42",
	} {
		if got, ok := shortID(in); !ok || got != want {
			t.Errorf("shortID(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "x", "tag:google.com,2005:reader/item/zz", "1e3"} {
		if got, ok := shortID(bad); ok {
			t.Errorf("shortID(%q) = %q, want refused", bad, got)
		}
	}
}

func TestStreams(t *testing.T) {
	if labelOf("user/-/label/Ukraine") != "Ukraine" || labelOf("user/1/label/a/b") != "a/b" || labelOf("feed/1") != "" {
		t.Error("labelOf")
	}
	if !isState("user/-/state/com.google/read", "read") || !isState("user/7/state/com.google/starred", "starred") || isState("user/-/label/read", "read") {
		t.Error("isState")
	}
}

// TestPagingEnds: a server that keeps offering the same page with a new
// continuation cannot keep the client asking.
func TestPagingEnds(t *testing.T) {
	var calls atomic.Int32
	srv := fakeServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		w.Write([]byte(`{"itemRefs":[{"id":"1"},{"id":"2"}],"continuation":"c` + string(rune('a'+n%26)) + `"}`))
	})
	c := newClient(t, Config{Endpoint: remote.Endpoint{URL: srv.URL}, User: "ada", Password: remote.NewSecret("pw")})
	ids, err := c.EntryIDs(t.Context(), remote.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []string{"1", "2"}) || calls.Load() != 2 {
		t.Errorf("ids %v after %d calls; want [1 2] after 2", ids, calls.Load())
	}
}
