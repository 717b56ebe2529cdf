package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed/load"
)

// sampleArticle is a reference-format article served over HTTP.
func sampleArticle(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile("../../testdata/sample/001_geneva-security-talks.txt")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// serve starts a loopback server whose handlers may block until the test
// ends: done is closed before the server shuts down.
func serve(t *testing.T, h http.HandlerFunc) (srv *httptest.Server, done <-chan struct{}) {
	t.Helper()
	srv = httptest.NewServer(h)
	ch := make(chan struct{})
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(ch) })
	return srv, ch
}

// testFetcher returns a fetcher with short limits for tests.
func testFetcher(srv *httptest.Server) *Fetcher {
	return &Fetcher{Client: srv.Client(), Timeout: 2 * time.Second, MaxBody: 1 << 20}
}

func TestFetchTextArticle(t *testing.T) {
	body := sampleArticle(t)
	var ua atomic.Value
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.Header.Get("User-Agent"))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(body)
	})
	f := testFetcher(srv)
	f.UserAgent = "gazette/test"
	l := &load.Loader{Fetch: f.Fetch}
	arts, errs := l.LoadAll(context.Background(), []load.Source{{Location: srv.URL + "/a.txt", Tags: []string{"Geneva"}}})
	if len(errs) != 0 || len(arts) != 1 {
		t.Fatalf("got %d articles, errors %v", len(arts), errs)
	}
	if want := "Security talks in Geneva end without breakthrough on Ukraine"; arts[0].Title != want {
		t.Errorf("title %q, want %q", arts[0].Title, want)
	}
	if !arts[0].HasTag("Geneva", false) {
		t.Errorf("source tag missing: %v", arts[0].Tags)
	}
	if got := ua.Load(); got != "gazette/test" {
		t.Errorf("User-Agent %q", got)
	}
}

func TestFetchRefusesSchemes(t *testing.T) {
	f := &Fetcher{}
	for _, u := range []string{"file:///etc/passwd", "javascript:alert(1)", "ftp://example.org/x", "-http://x", ""} {
		if _, err := f.Fetch(context.Background(), u); err == nil {
			t.Errorf("Fetch(%q) succeeded", u)
		}
	}
}

func TestFetchRedirects(t *testing.T) {
	body := sampleArticle(t)
	var srv *httptest.Server
	srv, _ = serve(t, func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		var n int
		switch {
		case p == "/final":
			w.Header().Set("Content-Type", "text/plain")
			w.Write(body)
		case p == "/to-file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case p == "/to-js":
			w.Header().Set("Location", "javascript:alert(document.cookie)")
			w.WriteHeader(http.StatusMovedPermanently)
		case p == "/loop-a":
			http.Redirect(w, r, "/loop-b", http.StatusFound)
		case p == "/loop-b":
			http.Redirect(w, r, "/loop-a", http.StatusFound)
		case p == "/self":
			http.Redirect(w, r, "/self", http.StatusFound)
		default:
			if _, err := fmt.Sscanf(p, "/hops/%d", &n); err != nil {
				http.NotFound(w, r)
				return
			}
			if n == 0 {
				http.Redirect(w, r, "/final", http.StatusFound)
				return
			}
			http.Redirect(w, r, fmt.Sprintf("/hops/%d", n-1), http.StatusFound)
		}
	})
	tests := []struct {
		path    string
		wantErr string // empty: success
	}{
		{"/hops/0", ""},
		{"/hops/4", ""}, // five redirects in all
		{"/hops/5", "more than 5 redirects"},
		{"/hops/40", "more than 5 redirects"},
		{"/to-file", `redirect to "file:///etc/passwd" refused`},
		{"/to-js", `redirect to "javascript:alert(document.cookie)" refused`},
		{"/loop-a", "redirect loop"},
		{"/self", "redirect loop"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			doc, err := testFetcher(srv).Fetch(context.Background(), srv.URL+tt.path)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if doc.Base == nil || doc.Base.Path != "/final" {
					t.Errorf("Base %v, want the final URL", doc.Base)
				}
				if doc.Location != srv.URL+tt.path {
					t.Errorf("Location %q, want the URL asked for", doc.Location)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			var re *RedirectError
			if !errors.As(err, &re) {
				t.Errorf("error %T is not a *RedirectError", err)
			}
		})
	}
}

func TestFetchTimeouts(t *testing.T) {
	tests := []struct {
		name string
		h    func(done <-chan struct{}) http.HandlerFunc
	}{
		{"never answers", func(done <-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-done:
				}
			}
		}},
		{"slowloris", func(done <-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(http.StatusOK)
				tick := time.NewTicker(5 * time.Millisecond)
				defer tick.Stop()
				for {
					w.Write([]byte("x"))
					w.(http.Flusher).Flush()
					select {
					case <-tick.C:
					case <-r.Context().Done():
						return
					case <-done:
						return
					}
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			srv := httptest.NewServer(tt.h(done))
			defer srv.Close()
			defer close(done)
			f := testFetcher(srv)
			f.Timeout = 150 * time.Millisecond
			start := time.Now()
			_, err := f.Fetch(context.Background(), srv.URL)
			var te *TimeoutError
			if !errors.As(err, &te) {
				t.Fatalf("error %v (%T), want a timeout", err, err)
			}
			if err.Error() != "timed out after 150ms" {
				t.Errorf("message %q", err)
			}
			// Generous: the point is that the request did not run on.
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestFetchCancelled(t *testing.T) {
	done := make(chan struct{})
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	})
	t.Cleanup(func() { close(done) })
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err := testFetcher(srv).Fetch(ctx, srv.URL)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

// gzipBomb returns n MiB of zero bytes, gzip-compressed: one compressed
// MiB repeated as n gzip members, which a reader decodes as one stream.
func gzipBomb(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Repeat(b.Bytes(), n)
}

func TestFetchSizeCaps(t *testing.T) {
	bomb := gzipBomb(t, 64)
	tests := []struct {
		name string
		h    func(done <-chan struct{}) http.HandlerFunc
	}{
		{"oversize with length", func(<-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				w.Write(bytes.Repeat([]byte("a"), 2<<20))
			}
		}},
		{"endless body", func(done <-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				chunk := bytes.Repeat([]byte("a"), 32<<10)
				for {
					if _, err := w.Write(chunk); err != nil {
						return
					}
					select {
					case <-done:
						return
					default:
					}
				}
			}
		}},
		{"gzip bomb", func(<-chan struct{}) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(bomb)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, done := serve(t, nil)
			srv.Config.Handler = tt.h(done)
			f := testFetcher(srv)
			_, err := f.Fetch(context.Background(), srv.URL)
			var tl *TooLargeError
			if !errors.As(err, &tl) {
				t.Fatalf("error %v (%T), want too large", err, err)
			}
			if want := "response is larger than the 1 MiB limit"; err.Error() != want {
				t.Errorf("message %q, want %q", err, want)
			}
		})
	}
	if len(bomb) > 1<<20 {
		t.Errorf("the bomb is %d bytes compressed; it should fit under the cap", len(bomb))
	}
}

func TestFetchUnderCapGzip(t *testing.T) {
	body := sampleArticle(t)
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(body)
	zw.Close()
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(b.Bytes())
	})
	doc, err := testFetcher(srv).Fetch(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc.Data, body) {
		t.Errorf("body not decoded: %d bytes", len(doc.Data))
	}
}

// rawStatus answers with a status line written by hand, which
// http.ResponseWriter cannot do.
func rawStatus(status string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprintf(buf, "HTTP/1.1 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status)
		buf.Flush()
	}
}

func TestFetchStatus(t *testing.T) {
	tests := []struct {
		status string
		want   string
	}{
		{"404 Not Found", "HTTP 404 Not Found"},
		{"500 Internal Server Error", "HTTP 500 Internal Server Error"},
		{"500 Oops\x1b]0;pwned\x07\x1b[2J\x9b31m", `HTTP 500 "Oops]0;pwned[2J�31m"`},
		{"503 " + strings.Repeat("z", 500), `HTTP 503 "` + strings.Repeat("z", maxReason) + `…"`},
		{"502", "HTTP 502"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			srv, _ := serve(t, rawStatus(tt.status))
			_, err := testFetcher(srv).Fetch(context.Background(), srv.URL)
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want a status error", err, err)
			}
			if err.Error() != tt.want {
				t.Errorf("message %q, want %q", err, tt.want)
			}
			// Through the loader, the line names the source and stays clean.
			l := &load.Loader{Fetch: testFetcher(srv).Fetch}
			_, errs := l.LoadAll(context.Background(), []load.Source{{Location: srv.URL + "/feed"}})
			if len(errs) != 1 {
				t.Fatalf("loader errors %v", errs)
			}
			line := errs[0].Error()
			if !strings.HasPrefix(line, srv.URL+"/feed: HTTP ") || strings.ContainsAny(line, "\x1b\x07\u009b") {
				t.Errorf("loader line %q", line)
			}
		})
	}
}

func TestFetchCharset(t *testing.T) {
	tests := []struct {
		name, ctype string
		body        []byte
		want        string
		wantType    string
	}{
		{"html header latin-1", "text/html; charset=iso-8859-1", []byte("<p>caf\xe9</p>"), "<p>café</p>", "text/html; charset=utf-8"},
		{"html meta windows-1251", "text/html", []byte(`<meta charset="windows-1251"><p>` + "\xcf\xf0\xe8" + `</p>`), `<meta charset="windows-1251"><p>При</p>`, "text/html; charset=utf-8"},
		{"html utf-8 despite meta", "text/html", []byte(`<meta charset="iso-8859-1"><p>café</p>`), `<meta charset="iso-8859-1"><p>café</p>`, "text/html"},
		{"html no type", "", []byte("<!DOCTYPE html><p>caf\xe9</p>"), "<!DOCTYPE html><p>café</p>", "text/html; charset=utf-8"},
		{"text latin-1", "text/plain; charset=ISO-8859-1", []byte("Caf\xe9\n"), "Café\n", "text/plain; charset=utf-8"},
		{"text utf-16 bom", "text/plain", []byte("\xff\xfeH\x00i\x00"), "Hi", "text/plain; charset=utf-8"},
		{"text utf-8", "text/plain; charset=utf-8", []byte("Café"), "Café", "text/plain; charset=utf-8"},
		{"xml left alone", "application/rss+xml", []byte("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss>caf\xe9</rss>"), "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss>caf\xe9</rss>", "application/rss+xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tt.ctype}
				w.Write(tt.body)
			})
			doc, err := testFetcher(srv).Fetch(context.Background(), srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if string(doc.Data) != tt.want {
				t.Errorf("data %q, want %q", doc.Data, tt.want)
			}
			if doc.ContentType != tt.wantType {
				t.Errorf("content type %q, want %q", doc.ContentType, tt.wantType)
			}
		})
	}
}

func TestFetchProgress(t *testing.T) {
	body := bytes.Repeat([]byte("news\n"), 40<<10)
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body)
	})
	var mu sync.Mutex
	var reads []int64
	f := testFetcher(srv)
	f.Progress = func(u string, read, total int64) {
		mu.Lock()
		defer mu.Unlock()
		if total != int64(len(body)) {
			t.Errorf("total %d", total)
		}
		reads = append(reads, read)
	}
	if _, err := f.Fetch(context.Background(), srv.URL); err != nil {
		t.Fatal(err)
	}
	if len(reads) < 3 || reads[0] != 0 || reads[len(reads)-1] != int64(len(body)) {
		t.Errorf("progress %v", reads)
	}
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestFetchConditionalGET(t *testing.T) {
	body := sampleArticle(t)
	var full, notModified atomic.Int32
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		const etag = `"v1"`
		const lm = "Mon, 10 Jan 2022 10:00:00 GMT"
		if r.Header.Get("If-None-Match") == etag && r.Header.Get("If-Modified-Since") == lm {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lm)
		w.Header().Set("Content-Type", "text/plain")
		w.Write(body)
	})
	clk := &clock{now: time.Date(2022, 1, 10, 12, 0, 0, 0, time.UTC)}
	f := testFetcher(srv)
	f.Cache = &Cache{Dir: t.TempDir()}
	f.Now = clk.Now
	for i := range 3 {
		doc, err := f.Fetch(context.Background(), srv.URL+"/feed")
		if err != nil {
			t.Fatalf("fetch %d: %v", i, err)
		}
		if !bytes.Equal(doc.Data, body) || doc.Note != "" {
			t.Fatalf("fetch %d: %d bytes, note %q", i, len(doc.Data), doc.Note)
		}
		clk.advance(time.Hour)
	}
	if full.Load() != 1 || notModified.Load() != 2 {
		t.Errorf("%d full answers and %d 304s, want 1 and 2", full.Load(), notModified.Load())
	}
	e, ok := f.Cache.Get(srv.URL + "/feed")
	if !ok || !e.FetchedAt.Equal(clk.Now().Add(-time.Hour)) {
		t.Errorf("revalidation did not refresh the entry: %+v", e)
	}
}

func TestFetchOfflineFallback(t *testing.T) {
	body := sampleArticle(t)
	var fail atomic.Bool
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write(body)
	})
	clk := &clock{now: time.Date(2022, 1, 10, 12, 0, 0, 0, time.UTC)}
	var mu sync.Mutex
	var notes []string
	cache := &Cache{Dir: t.TempDir()}
	f := testFetcher(srv)
	f.Cache = cache
	f.Now = clk.Now
	f.Notice = func(u, note string) {
		mu.Lock()
		notes = append(notes, u+": "+note)
		mu.Unlock()
	}
	if _, err := f.Fetch(context.Background(), srv.URL); err != nil {
		t.Fatal(err)
	}
	clk.advance(2*time.Hour + 5*time.Minute)

	t.Run("server error", func(t *testing.T) {
		fail.Store(true)
		doc, err := f.Fetch(context.Background(), srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		if want := "offline: cached 2h ago (HTTP 503 Service Unavailable)"; doc.Note != want {
			t.Errorf("note %q, want %q", doc.Note, want)
		}
		if !bytes.Equal(doc.Data, body) {
			t.Error("cached body differs")
		}
	})
	t.Run("server gone", func(t *testing.T) {
		// A fresh pool: no kept-alive connection to the closed server.
		g := &Fetcher{Client: &http.Client{}, Timeout: f.Timeout, MaxBody: f.MaxBody, Cache: f.Cache, Now: f.Now, Notice: f.Notice}
		url := srv.URL
		srv.Close()
		doc, err := g.Fetch(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(doc.Note, "offline: cached 2h ago (") {
			t.Errorf("note %q", doc.Note)
		}
	})
	t.Run("through the loader", func(t *testing.T) {
		l := &load.Loader{Fetch: f.Fetch}
		arts, errs := l.LoadAll(context.Background(), []load.Source{{Location: srv.URL}})
		if len(arts) != 1 || len(errs) != 0 {
			t.Fatalf("%d articles, errors %v", len(arts), errs)
		}
	})
	mu.Lock()
	defer mu.Unlock()
	if len(notes) != 3 || !strings.HasPrefix(notes[0], srv.URL+": offline: cached 2h ago") {
		t.Errorf("notices %q", notes)
	}
}

func TestFetchNoFallbackOnAnswers(t *testing.T) {
	body := sampleArticle(t)
	var status atomic.Int32
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if s := status.Load(); s != 0 {
			w.WriteHeader(int(s))
			return
		}
		w.Write(body)
	})
	f := testFetcher(srv)
	f.Cache = &Cache{Dir: t.TempDir()}
	if _, err := f.Fetch(context.Background(), srv.URL); err != nil {
		t.Fatal(err)
	}
	// A 404 or 410 is the server's answer: the feed is gone, and an old
	// copy would hide that.
	for _, code := range []int{404, 410} {
		status.Store(int32(code))
		if _, err := f.Fetch(context.Background(), srv.URL); err == nil {
			t.Errorf("%d answered from the cache", code)
		}
	}
}

func TestFetchOfflineMode(t *testing.T) {
	body := sampleArticle(t)
	var hits atomic.Int32
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(body)
	})
	clk := &clock{now: time.Date(2022, 1, 10, 12, 0, 0, 0, time.UTC)}
	cache := &Cache{Dir: t.TempDir()}
	online := testFetcher(srv)
	online.Cache, online.Now = cache, clk.Now
	if _, err := online.Fetch(context.Background(), srv.URL+"/cached"); err != nil {
		t.Fatal(err)
	}
	clk.advance(3 * 24 * time.Hour)
	off := &Fetcher{Cache: cache, Offline: true, Now: clk.Now}
	doc, err := off.Fetch(context.Background(), srv.URL+"/cached")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Note != "offline: cached 3d ago" || !bytes.Equal(doc.Data, body) {
		t.Errorf("note %q, %d bytes", doc.Note, len(doc.Data))
	}
	_, err = off.Fetch(context.Background(), srv.URL+"/missing")
	if !errors.Is(err, ErrNotCached) {
		t.Errorf("miss: %v", err)
	}
	l := &load.Loader{Fetch: off.Fetch}
	_, errs := l.LoadAll(context.Background(), []load.Source{{Location: srv.URL + "/missing"}})
	if len(errs) != 1 || errs[0].Error() != srv.URL+"/missing: not in the offline cache" {
		t.Errorf("loader errors %v", errs)
	}
	if hits.Load() != 1 {
		t.Errorf("offline mode reached the server: %d hits", hits.Load())
	}
}

func TestFetchCorruptCacheEntry(t *testing.T) {
	body := sampleArticle(t)
	var hits atomic.Int32
	srv, _ := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("If-None-Match") != "" {
			t.Error("revalidated against a corrupt entry")
		}
		w.Header().Set("ETag", `"x"`)
		w.Write(body)
	})
	cache := &Cache{Dir: t.TempDir()}
	f := testFetcher(srv)
	f.Cache = cache
	if _, err := f.Fetch(context.Background(), srv.URL); err != nil {
		t.Fatal(err)
	}
	path := cache.path(srv.URL)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	damage := map[string][]byte{
		"flipped byte": append(append([]byte{}, data[:len(data)-10]...), append([]byte{data[len(data)-10] ^ 1}, data[len(data)-9:]...)...),
		"truncated":    data[:len(data)/2],
		"no header":    data[:len(cacheMagic)],
		"garbage":      []byte("\x00\x01not an entry"),
		"empty":        nil,
		"other url":    bytes.Replace(data, []byte(srv.URL), []byte("http://127.0.0.2:1"), 1),
	}
	for name, bad := range damage {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, ok := cache.Get(srv.URL); ok {
				t.Fatal("corrupt entry read back")
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("corrupt entry kept: %v", err)
			}
			before := hits.Load()
			doc, err := f.Fetch(context.Background(), srv.URL)
			if err != nil || !bytes.Equal(doc.Data, body) {
				t.Fatalf("refetch: %v", err)
			}
			if hits.Load() != before+1 {
				t.Error("not refetched")
			}
		})
	}
}

func TestCacheFIFOEntry(t *testing.T) {
	cache := &Cache{Dir: t.TempDir()}
	const u = "https://example.org/feed"
	if err := mkfifo(cache.path(u)); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	done := make(chan bool)
	go func() {
		_, ok := cache.Get(u)
		done <- ok
	}()
	select {
	case ok := <-done:
		if ok {
			t.Error("a FIFO read as an entry")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Get blocked on a FIFO")
	}
}

func TestCacheRoundTrip(t *testing.T) {
	cache := &Cache{Dir: filepath.Join(t.TempDir(), "new", "dir"), MaxEntry: 100}
	e := &CacheEntry{URL: "https://example.org/a", FinalURL: "https://example.org/b", ETag: `W/"1"`,
		LastModified: "Mon, 10 Jan 2022 10:00:00 GMT", ContentType: "text/plain",
		FetchedAt: time.Date(2022, 1, 10, 12, 0, 0, 0, time.UTC), Body: []byte("line\nwith \n\n newlines")}
	if err := cache.Put(e); err != nil {
		t.Fatal(err)
	}
	got, ok := cache.Get(e.URL)
	if !ok {
		t.Fatal("miss")
	}
	if fmt.Sprint(*got) != fmt.Sprint(*e) {
		t.Errorf("got %+v\nwant %+v", *got, *e)
	}
	if err := cache.Put(&CacheEntry{URL: "https://example.org/big", Body: make([]byte, 101)}); err == nil {
		t.Error("oversize entry stored")
	}
	entries, _ := os.ReadDir(cache.Dir)
	if len(entries) != 1 {
		t.Errorf("cache holds %d files, want 1 (no temp files left)", len(entries))
	}
	fi, err := os.Stat(cache.path(e.URL))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("entry mode %v, %v", fi.Mode(), err)
	}
}
