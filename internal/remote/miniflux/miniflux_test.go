package miniflux

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazette-news/gazette/internal/remote"
	"github.com/gazette-news/gazette/internal/remotetest"
)

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// subscribe subscribes to f and unsubscribes when the test ends.
func subscribe(t *testing.T, c *Client, f *remotetest.Feed, category string) remote.Subscription {
	t.Helper()
	sub, err := c.Subscribe(ctx(t), f.URL, category)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c.Unsubscribe(ctx, sub.ID)
	})
	return sub
}

// entriesOf returns the entries of one subscription.
func entriesOf(t *testing.T, c *Client, sub remote.Subscription, f remote.Filter) map[string]remote.Entry {
	t.Helper()
	all, err := c.Entries(ctx(t), f)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]remote.Entry{}
	for _, e := range all {
		if e.SubscriptionID == sub.ID {
			out[e.Article.Title] = e
		}
	}
	return out
}

func TestAgainstMiniflux(t *testing.T) {
	svc := remotetest.Miniflux(t)
	token := newClient(t, Config{Endpoint: remote.Endpoint{URL: svc.URL}, Token: remote.NewSecret(svc.Token)})
	basic := newClient(t, Config{Endpoint: remote.Endpoint{URL: svc.URL}, User: svc.User, Password: remote.NewSecret(svc.Password)})

	day := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	f := remotetest.ServeFeed(t, "Wire "+t.Name(),
		remotetest.Item{GUID: "a", Title: "Grain \x1b[31mships\x1b[0m sail", Link: "https://news.example/a",
			HTML:       `<p>Ships left <a href="javascript:alert(1)">Odesa</a> for <a href="/ports">ports</a>.</p><script>x()</script>`,
			Categories: []string{"ukraine", "Energy"}, Date: day},
		remotetest.Item{GUID: "b", Title: "Second", Link: "https://news.example/b", HTML: "<p>Two</p>", Date: day.Add(time.Hour)},
	)
	sub := subscribe(t, token, f, "united states")
	if len(sub.Tags) != 1 || sub.Tags[0].Name != "United States" || !sub.Tags[0].Country {
		t.Errorf("subscription tags %v: the category is a canonical country", sub.Tags)
	}
	if sub.URL != f.URL || sub.Title != "Wire "+t.Name() {
		t.Errorf("subscription %+v", sub)
	}

	t.Run("subscriptions", func(t *testing.T) {
		subs, err := basic.Subscriptions(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(subs, func(s remote.Subscription) bool { return s.ID == sub.ID && s.URL == f.URL }) {
			t.Errorf("subscription %s not listed in %+v", sub.ID, subs)
		}
	})

	t.Run("entries arrive clean", func(t *testing.T) {
		got := entriesOf(t, token, sub, remote.Filter{Unread: true})
		if len(got) != 2 {
			t.Fatalf("%d entries, want 2: %v", len(got), got)
		}
		a := got["Grain [31mships[0m sail"].Article
		if a == nil {
			t.Fatalf("no sanitized title among %v", got)
		}
		all := a.Title + a.Link
		for _, b := range a.Body {
			all += b.Text
		}
		for _, r := range a.Refs {
			all += r.URL
		}
		for _, bad := range []string{"\x1b", "javascript", "x()"} {
			if strings.Contains(all, bad) {
				t.Errorf("%q kept: %q", bad, all)
			}
		}
		var tags []string
		for _, tag := range a.Tags {
			tags = append(tags, tag.Name)
		}
		// Miniflux keeps an item's categories in its own order.
		slices.Sort(tags[1:])
		if !slices.Equal(tags, []string{"United States", "Energy", "Ukraine"}) {
			t.Errorf("tags %q: the category, then the item's categories, canonical", tags)
		}
		if a.Link != "https://news.example/a" || !a.Date.Equal(day) || a.Format != "miniflux" {
			t.Errorf("link %q, date %v, format %q", a.Link, a.Date, a.Format)
		}
	})

	t.Run("refresh brings new entries", func(t *testing.T) {
		f.Add(remotetest.Item{GUID: "c", Title: "Third", Link: "https://news.example/c", HTML: "<p>Three</p>", Date: day.Add(2 * time.Hour)})
		if err := token.Refresh(ctx(t), sub.ID); err != nil {
			t.Fatal(err)
		}
		if got := entriesOf(t, token, sub, remote.Filter{}); len(got) != 3 {
			t.Errorf("%d entries after the refresh, want 3", len(got))
		}
	})

	t.Run("marks both ways", func(t *testing.T) {
		id := entriesOf(t, token, sub, remote.Filter{})["Second"].ID
		steps := []struct {
			by      *Client
			change  remote.Change
			read    bool
			starred bool
		}{
			{token, remote.MarkRead, true, false},
			{token, remote.MarkRead, true, false}, // again: no error
			{basic, remote.Star, true, true},
			{token, remote.MarkUnread, false, true},
			{basic, remote.Unstar, false, false},
		}
		for _, s := range steps {
			if err := s.by.Mark(ctx(t), s.change, []string{id}); err != nil {
				t.Fatal(err)
			}
			// Read back through the other login, by both calls.
			other := token
			if s.by == token {
				other = basic
			}
			e := entriesOf(t, other, sub, remote.Filter{})["Second"]
			if e.Read != s.read || e.Starred != s.starred {
				t.Errorf("after %v: read %v starred %v, want %v %v", s.change, e.Read, e.Starred, s.read, s.starred)
			}
			unread, err := other.EntryIDs(ctx(t), remote.Filter{Unread: true})
			if err != nil {
				t.Fatal(err)
			}
			starred, err := other.EntryIDs(ctx(t), remote.Filter{Starred: true})
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(unread, id) == s.read || slices.Contains(starred, id) != s.starred {
				t.Errorf("after %v: in unread IDs %v, in starred IDs %v", s.change, slices.Contains(unread, id), slices.Contains(starred, id))
			}
			both, err := other.EntryIDs(ctx(t), remote.Filter{Unread: true, Starred: true})
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(both, id) != (!s.read && s.starred) {
				t.Errorf("after %v: in unread and starred IDs %v", s.change, slices.Contains(both, id))
			}
			if e.Changed.IsZero() {
				t.Errorf("after %v: no change time", s.change)
			}
		}
	})

	t.Run("since", func(t *testing.T) {
		before := time.Now().Add(-2 * time.Second)
		id := entriesOf(t, token, sub, remote.Filter{})["Third"].ID
		if err := token.Mark(ctx(t), remote.Star, []string{id}); err != nil {
			t.Fatal(err)
		}
		got := entriesOf(t, token, sub, remote.Filter{Since: before})
		if _, ok := got["Third"]; !ok {
			t.Errorf("the entry starred just now is not among those changed since: %v", got)
		}
		ids, err := token.EntryIDs(ctx(t), remote.Filter{Since: before})
		if err != nil || !slices.Contains(ids, id) {
			t.Errorf("IDs changed since: %v, %v", ids, err)
		}
		future := entriesOf(t, token, sub, remote.Filter{Since: time.Now().Add(time.Hour)})
		if len(future) != 0 {
			t.Errorf("%d entries changed in the future", len(future))
		}
	})

	t.Run("limit", func(t *testing.T) {
		ids, err := token.EntryIDs(ctx(t), remote.Filter{Limit: 1})
		if err != nil || len(ids) != 1 {
			t.Errorf("%v, %v; want one ID", ids, err)
		}
		es, err := token.Entries(ctx(t), remote.Filter{Limit: 2})
		if err != nil || len(es) != 2 {
			t.Errorf("%d entries, %v; want 2", len(es), err)
		}
	})

	t.Run("a rejected mark", func(t *testing.T) {
		err := token.Mark(ctx(t), remote.MarkRead, []string{"not-an-id"})
		if !errors.Is(err, remote.ErrRejected) || remote.Temporary(err) {
			t.Errorf("err %v: want a rejection, not worth retrying", err)
		}
	})

	t.Run("unsubscribe", func(t *testing.T) {
		if err := token.Unsubscribe(ctx(t), sub.ID); err != nil {
			t.Fatal(err)
		}
		subs, err := token.Subscriptions(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(subs, func(s remote.Subscription) bool { return s.ID == sub.ID }) {
			t.Errorf("still subscribed to %s", sub.ID)
		}
		err = token.Unsubscribe(ctx(t), sub.ID)
		if !errors.Is(err, remote.ErrNotFound) {
			t.Errorf("unsubscribing twice: %v, want not found", err)
		}
	})
}

func TestMinifluxWrongCredentials(t *testing.T) {
	svc := remotetest.Miniflux(t)
	const wrong = "wrong-password-Zq8"
	for _, cfg := range []Config{
		{Endpoint: remote.Endpoint{URL: svc.URL}, User: svc.User, Password: remote.NewSecret(wrong)},
		{Endpoint: remote.Endpoint{URL: svc.URL}, Token: remote.NewSecret(wrong)},
	} {
		c := newClient(t, cfg)
		_, err := c.Subscriptions(ctx(t))
		if !errors.Is(err, remote.ErrAuth) {
			t.Fatalf("err %v, want ErrAuth", err)
		}
		if strings.Contains(err.Error(), wrong) || !strings.Contains(err.Error(), svc.URL) {
			t.Errorf("error %q: must name the server and never hold the secret", err)
		}
	}
}

func TestMinifluxFaults(t *testing.T) {
	const secret = "tok-3c9f1e"
	tests := []struct {
		name    string
		handler http.HandlerFunc
		kind    error
	}{
		{"500 with the secret echoed", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			w.Write([]byte(`{"error_message":"db down for ` + r.Header.Get("X-Auth-Token") + `\u001b[2J"}`))
		}, remote.ErrServer},
		{"hangs", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}, remote.ErrTimeout},
		{"garbage", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html>not json"))
		}, remote.ErrBadAnswer},
		{"too large", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("[" + strings.Repeat(`{"id":1},`, 1000) + `{"id":1}]`))
		}, remote.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			c := newClient(t, Config{
				Endpoint: remote.Endpoint{URL: srv.URL, Timeout: 300 * time.Millisecond, MaxBody: 4096},
				Token:    remote.NewSecret(secret),
			})
			_, err := c.Subscriptions(t.Context())
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err %v, want %v", err, tt.kind)
			}
			msg := err.Error()
			if strings.Contains(msg, secret) || strings.Contains(msg, "\x1b") || !strings.Contains(msg, srv.URL) {
				t.Errorf("error %q: must name the server, be clean and hold no secret", msg)
			}
		})
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Endpoint: remote.Endpoint{URL: "ftp://rss.example"}, Token: remote.NewSecret("s3cret-x")},
		{Endpoint: remote.Endpoint{URL: "https://ada:s3cret-x@rss.example"}, Token: remote.NewSecret("t")},
		{Endpoint: remote.Endpoint{URL: "https://rss.example"}},
		{Endpoint: remote.Endpoint{URL: "https://rss.example"}, User: "ada"},
	} {
		_, err := New(cfg)
		if err == nil {
			t.Errorf("%+v accepted", cfg.Endpoint)
			continue
		}
		if strings.Contains(err.Error(), "s3cret-x") {
			t.Errorf("error %q holds the secret", err)
		}
	}
}
