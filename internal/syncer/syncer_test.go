package syncer

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/remote"
	"github.com/gazette-news/gazette/internal/remote/miniflux"
	"github.com/gazette-news/gazette/internal/remotetest"
	"github.com/gazette-news/gazette/store"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "state.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// account is a Miniflux user of the test's own, with a feed of three
// entries it is subscribed to.
type account struct {
	svc        remotetest.Service
	user, pass string
	client     *miniflux.Client
	feed       *remotetest.Feed
	sub        remote.Subscription
	ids        map[string]string // entry ID by link
}

func newAccount(t *testing.T, url string, user, pass string) *miniflux.Client {
	t.Helper()
	c, err := miniflux.New(miniflux.Config{Endpoint: remote.Endpoint{URL: url, Timeout: 10 * time.Second}, User: user, Password: remote.NewSecret(pass)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func setup(t *testing.T) *account {
	t.Helper()
	svc := remotetest.Miniflux(t)
	a := &account{svc: svc}
	a.user, a.pass = svc.NewUser(t)
	a.client = newAccount(t, svc.URL, a.user, a.pass)
	day := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	a.feed = remotetest.ServeFeed(t, "Wire",
		remotetest.Item{GUID: "a", Title: "Grain ships sail", Link: "https://news.example/a", HTML: "<p>Ships left Odesa.</p>", Date: day},
		remotetest.Item{GUID: "b", Title: "Second", Link: "https://news.example/b", HTML: "<p>Two</p>", Date: day.Add(time.Hour)},
		remotetest.Item{GUID: "c", Title: "Third", Link: "https://news.example/c", HTML: "<p>Three</p>", Date: day.Add(2 * time.Hour)},
	)
	sub, err := a.client.Subscribe(ctx(t), a.feed.URL, "ukraine")
	if err != nil {
		t.Fatal(err)
	}
	a.sub = sub
	entries, err := a.client.Entries(ctx(t), remote.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	a.ids = map[string]string{}
	for _, e := range entries {
		a.ids[e.Article.Link] = e.ID
	}
	if len(a.ids) != 3 {
		t.Fatalf("%d entries on the server, want 3", len(a.ids))
	}
	return a
}

// mark changes entries on the server, as another reader would.
func (a *account) mark(t *testing.T, c remote.Change, links ...string) {
	t.Helper()
	var ids []string
	for _, l := range links {
		ids = append(ids, a.ids[l])
	}
	if err := a.client.Mark(ctx(t), c, ids); err != nil {
		t.Fatal(err)
	}
}

// serverState returns whether the entry is unread and starred on the
// server.
func (a *account) serverState(t *testing.T, link string) (unread, starred bool) {
	t.Helper()
	u, err := a.client.EntryIDs(ctx(t), remote.Filter{Unread: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := a.client.EntryIDs(ctx(t), remote.Filter{Starred: true})
	if err != nil {
		t.Fatal(err)
	}
	return slices.Contains(u, a.ids[link]), slices.Contains(s, a.ids[link])
}

func localState(t *testing.T, st *store.Store, key string) feed.State {
	t.Helper()
	m, err := st.States(ctx(t), []string{key})
	if err != nil {
		t.Fatal(err)
	}
	return m[key]
}

func run(t *testing.T, st *store.Store, acct remote.Account) Summary {
	t.Helper()
	sum, err := Run(ctx(t), st, "home", acct, Options{})
	if err != nil {
		t.Fatalf("sync: %v (summary %s)", err, sum)
	}
	return sum
}

// tick lets the clocks move on, so that changes made one after the
// other have times in that order (the store keeps milliseconds).
func tick() { time.Sleep(20 * time.Millisecond) }

const (
	linkA = "https://news.example/a"
	linkB = "https://news.example/b"
	linkC = "https://news.example/c"
)

func TestSyncAgainstMiniflux(t *testing.T) {
	a := setup(t)
	st := openStore(t)
	// Read and starred on the server before the first sync: it arrives so.
	a.mark(t, remote.MarkRead, linkC)
	a.mark(t, remote.Star, linkC)

	t.Run("first sync", func(t *testing.T) {
		sum := run(t, st, a.client)
		if sum.New != 3 || sum.Read != 1 || sum.Starred != 1 || sum.Queued != 0 || sum.Subscriptions != 1 {
			t.Errorf("summary %+v", sum)
		}
		if got, want := sum.String(), "3 new · 1 marked read · 1 starred · queue empty"; got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
		arts, err := st.History(ctx(t), SourceName("home"))
		if err != nil {
			t.Fatal(err)
		}
		if len(arts) != 3 {
			t.Fatalf("%d articles kept, want 3", len(arts))
		}
		for _, art := range arts {
			if len(art.Body) == 0 || !slices.ContainsFunc(art.Tags, func(tag feed.Tag) bool { return tag.Name == "Ukraine" && tag.Country }) {
				t.Errorf("article %q: body %d blocks, tags %v; want its content and the category as a canonical tag", art.Title, len(art.Body), art.Tags)
			}
		}
		if s := localState(t, st, linkC); !s.Read || !s.Starred {
			t.Errorf("c arrived %+v, want read and starred", s)
		}
		if s := localState(t, st, linkA); s.Read || s.Starred {
			t.Errorf("a arrived %+v, want unread", s)
		}
	})

	t.Run("a second sync changes nothing", func(t *testing.T) {
		sum := run(t, st, a.client)
		if got := sum.String(); got != "nothing new · queue empty" {
			t.Errorf("second sync: %q, want nothing new", got)
		}
	})

	t.Run("a mark made in gazette reaches the server", func(t *testing.T) {
		if err := st.Mark(ctx(t), store.OpRead, linkA); err != nil {
			t.Fatal(err)
		}
		if err := st.Mark(ctx(t), store.OpStar, linkB); err != nil {
			t.Fatal(err)
		}
		sum := run(t, st, a.client)
		if sum.Sent != 2 || sum.Queued != 0 || sum.Read != 0 {
			t.Errorf("summary %+v, want 2 sent", sum)
		}
		if unread, _ := a.serverState(t, linkA); unread {
			t.Error("a is still unread on the server")
		}
		if _, starred := a.serverState(t, linkB); !starred {
			t.Error("b is not starred on the server")
		}
		if sum := run(t, st, a.client); sum.String() != "nothing new · queue empty" {
			t.Errorf("the sync after sending: %q", sum)
		}
	})

	t.Run("a mark made on the server reaches gazette", func(t *testing.T) {
		a.mark(t, remote.MarkRead, linkB)
		a.mark(t, remote.MarkUnread, linkC)
		sum := run(t, st, a.client)
		if sum.Read != 1 || sum.Unread != 1 || sum.Sent != 0 {
			t.Errorf("summary %+v, want 1 read and 1 unread", sum)
		}
		if !localState(t, st, linkB).Read || localState(t, st, linkC).Read {
			t.Error("the server's marks did not arrive")
		}
	})

	t.Run("conflict: the server's later change wins", func(t *testing.T) {
		// Made in gazette first (offline, say), then unmade and made
		// again on the server: the server's last change is the newer.
		if err := st.Mark(ctx(t), store.OpRead, linkC); err != nil {
			t.Fatal(err)
		}
		tick()
		a.mark(t, remote.MarkRead, linkC)
		a.mark(t, remote.MarkUnread, linkC)
		sum := run(t, st, a.client)
		if sum.Conflicts != 1 || sum.Sent != 0 || sum.Queued != 0 {
			t.Errorf("summary %+v, want 1 conflict, nothing sent", sum)
		}
		if localState(t, st, linkC).Read {
			t.Error("c is read in gazette; the server's newer unread should have won")
		}
		if unread, _ := a.serverState(t, linkC); !unread {
			t.Error("c became read on the server")
		}
	})

	t.Run("conflict: gazette's later change wins", func(t *testing.T) {
		// Starred on the server, then unstarred in gazette later.
		a.mark(t, remote.Unstar, linkB)
		tick()
		if err := st.Mark(ctx(t), store.OpUnstar, linkB); err != nil {
			t.Fatal(err)
		}
		// Unread on the server, then read in gazette later.
		a.mark(t, remote.MarkUnread, linkA)
		tick()
		if err := st.Mark(ctx(t), store.OpRead, linkA); err != nil {
			t.Fatal(err)
		}
		sum := run(t, st, a.client)
		if sum.Conflicts != 0 || sum.Sent != 1 || sum.Queued != 0 {
			t.Errorf("summary %+v, want 1 sent (the unstar needs none), no conflict", sum)
		}
		if unread, _ := a.serverState(t, linkA); unread {
			t.Error("a is unread on the server; gazette's newer read should have won")
		}
		if s := localState(t, st, linkA); !s.Read {
			t.Error("a became unread in gazette")
		}
		if _, starred := a.serverState(t, linkB); starred {
			t.Error("b is starred on the server")
		}
	})
}

// closedURL returns the URL of a loopback port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + l.Addr().String()
	l.Close()
	return u
}

func TestSyncServerDown(t *testing.T) {
	a := setup(t)
	st := openStore(t)
	run(t, st, a.client)

	if err := st.Mark(ctx(t), store.OpRead, linkA); err != nil {
		t.Fatal(err)
	}
	if err := st.Mark(ctx(t), store.OpStar, linkA); err != nil {
		t.Fatal(err)
	}
	down := newAccount(t, closedURL(t), a.user, a.pass)
	sum, err := Run(ctx(t), st, "home", down, Options{})
	if !errors.Is(err, remote.ErrUnreachable) || !remote.Temporary(err) {
		t.Fatalf("error %v, want the server unreachable", err)
	}
	if sum.Queued != 2 {
		t.Errorf("queue %d after a failed sync, want the 2 changes kept", sum.Queued)
	}
	if s := localState(t, st, linkA); !s.Read || !s.Starred {
		t.Errorf("a is %+v in gazette, want read and starred as marked", s)
	}
	// The server is back: the changes go, in order.
	sum = run(t, st, a.client)
	if sum.Sent != 2 || sum.Queued != 0 {
		t.Errorf("summary %+v after the server came back", sum)
	}
	if unread, starred := a.serverState(t, linkA); unread || !starred {
		t.Errorf("a on the server: unread %v, starred %v; want read and starred", unread, starred)
	}
}

func TestSyncWrongPassword(t *testing.T) {
	a := setup(t)
	st := openStore(t)
	run(t, st, a.client)
	if err := st.Mark(ctx(t), store.OpRead, linkB); err != nil {
		t.Fatal(err)
	}
	const wrong = "not-the-password-4242"
	bad := newAccount(t, a.svc.URL, a.user, wrong)
	sum, err := Run(ctx(t), st, "home", bad, Options{})
	if !errors.Is(err, remote.ErrAuth) {
		t.Fatalf("error %v, want the credentials refused", err)
	}
	if strings.Contains(err.Error(), wrong) || strings.Contains(sum.String(), wrong) {
		t.Errorf("the password shows: %v", err)
	}
	if sum.Queued != 1 {
		t.Errorf("queue %d, want the change kept for when the password is right", sum.Queued)
	}
}

// refusing is an account that refuses to mark one entry: a fault a real
// server produces only with a bug.
type refusing struct {
	remote.Account
	id string
}

func (r refusing) Mark(ctx context.Context, c remote.Change, ids []string) error {
	if slices.Contains(ids, r.id) {
		return &remote.Error{Server: "miniflux test", Op: "mark", Status: 400, Kind: remote.ErrRejected}
	}
	return r.Account.Mark(ctx, c, ids)
}

func TestSyncRejectedChangeIsDropped(t *testing.T) {
	a := setup(t)
	st := openStore(t)
	run(t, st, a.client)
	if err := st.Mark(ctx(t), store.OpRead, linkA, linkB); err != nil {
		t.Fatal(err)
	}
	sum := run(t, st, refusing{a.client, a.ids[linkA]})
	if len(sum.Rejected) != 1 || sum.Sent != 1 || sum.Queued != 0 {
		t.Fatalf("summary %+v, want one refused and dropped, one sent", sum)
	}
	if !strings.Contains(sum.Rejected[0], "news.example/a") {
		t.Errorf("rejection %q does not name the article", sum.Rejected[0])
	}
	if unread, _ := a.serverState(t, linkB); unread {
		t.Error("b, which the server took, is still unread there")
	}
}

func TestSyncFaults(t *testing.T) {
	st := openStore(t)
	if err := st.PutRemoteEntries(ctx(t), "home", []store.RemoteEntry{{ID: "1", Key: "k"}}); err != nil {
		t.Fatal(err)
	}
	if err := st.Mark(ctx(t), store.OpRead, "k"); err != nil {
		t.Fatal(err)
	}
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		timeout  time.Duration
		deadline time.Duration
		kind     error
		says     string
	}{
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) }, 5 * time.Second, 0, remote.ErrServer, "HTTP 500"},
		{"request hangs", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-hang:
			case <-r.Context().Done():
			}
		}, 200 * time.Millisecond, 0, remote.ErrTimeout, "no answer"},
		{"sync outlives its deadline", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-hang:
			case <-r.Context().Done():
			}
		}, time.Minute, 300 * time.Millisecond, remote.ErrTimeout, "did not finish within 300ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			c, err := miniflux.New(miniflux.Config{Endpoint: remote.Endpoint{URL: srv.URL, Timeout: tt.timeout}, Token: remote.NewSecret("tok")})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			sum, err := Run(ctx(t), st, "home", c, Options{Deadline: tt.deadline})
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("error %v, want %v saying %q", err, tt.kind, tt.says)
			}
			if time.Since(start) > 20*time.Second {
				t.Errorf("the sync took %v", time.Since(start))
			}
			if sum.Queued != 1 {
				t.Errorf("queue %d, want the change kept", sum.Queued)
			}
		})
	}
}
