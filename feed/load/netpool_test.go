package load

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
)

// stalledServer is a loopback server that accepts every request and never
// answers until the test releases it.
type stalledServer struct {
	*httptest.Server
	release chan struct{}
	once    sync.Once
}

func newStalledServer(tb testing.TB) *stalledServer {
	s := &stalledServer{release: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-s.release:
		case <-r.Context().Done():
		}
		http.Error(w, "released", http.StatusServiceUnavailable)
	}))
	tb.Cleanup(func() {
		s.free()
		s.Close()
	})
	return s
}

func (s *stalledServer) free() { s.once.Do(func() { close(s.release) }) }

// httpFetch is a plain fetch function for a Loader, with no timeout of its
// own: only the server decides when it ends.
func httpFetch(ctx context.Context, rawURL string) (feed.Doc, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return feed.Doc{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return feed.Doc{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return feed.Doc{}, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return feed.Doc{Location: rawURL, Data: data}, err
}

// stalledSources returns eight URLs of srv that never answer, then a
// directory of n articles.
func stalledSources(tb testing.TB, srv *stalledServer, n int) []Source {
	dir := tb.TempDir()
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("a%03d.txt", i)), []byte(fmt.Sprintf("Local %d\n\nRussia | 17 January 2022 | Wire\n\nBody text.\n", i)), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	var srcs []Source
	for i := range 8 {
		srcs = append(srcs, Source{Location: fmt.Sprintf("%s/feed%d.xml", srv.URL, i)})
	}
	return append(srcs, Source{Location: dir})
}

// TestSlowURLsDoNotDelayFiles gives eight URLs that accept and never
// answer before a local directory: every local article arrives while the
// URLs still hang, and the URLs are reported as waiting meanwhile.
func TestSlowURLsDoNotDelayFiles(t *testing.T) {
	const local = 20
	srv := newStalledServer(t)
	var mu sync.Mutex
	var waiting [][]string
	l := &Loader{
		Workers: 4,
		Fetch:   httpFetch,
		Waiting: func(locs []string) {
			mu.Lock()
			waiting = append(waiting, locs)
			mu.Unlock()
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := l.Load(ctx, stalledSources(t, srv, local))
	// Nothing from the network can arrive before the server is released:
	// every result until then must be a local article.
	guard := time.After(30 * time.Second)
	for got := 0; got < local; {
		select {
		case r, ok := <-ch:
			if !ok {
				t.Fatal("load ended before the local articles arrived")
			}
			if r.Err != nil {
				t.Fatalf("unexpected error while the URLs hang: %v", r.Err)
			}
			got += len(r.Articles)
		case <-guard:
			t.Fatalf("only %d of %d local articles arrived while the URLs hung", got, local)
		}
	}
	mu.Lock()
	last := waiting[len(waiting)-1]
	mu.Unlock()
	if len(last) != 8 {
		t.Errorf("waiting while the URLs hang = %d sources %q, want 8", len(last), last)
	}
	srv.free()
	errs := 0
	for r := range ch {
		if r.Err == nil {
			t.Errorf("unexpected articles after the release: %d", len(r.Articles))
		}
		errs++
	}
	if errs != 8 {
		t.Errorf("got %d URL errors after the release, want 8", errs)
	}
	mu.Lock()
	defer mu.Unlock()
	if last := waiting[len(waiting)-1]; len(last) != 0 {
		t.Errorf("still waiting at the end: %q", last)
	}
}

// TestHostLimit checks that no more URLs of one host are fetched at once
// than the limit allows, while another host is not held up.
func TestHostLimit(t *testing.T) {
	var mu sync.Mutex
	running, most := map[string]int{}, map[string]int{}
	l := &Loader{
		HostLimit: 2,
		Fetch: func(ctx context.Context, rawURL string) (feed.Doc, error) {
			h := hostOf(rawURL)
			mu.Lock()
			running[h]++
			most[h] = max(most[h], running[h])
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			running[h]--
			mu.Unlock()
			return feed.Doc{}, fmt.Errorf("no")
		},
	}
	var srcs []Source
	for i := range 10 {
		srcs = append(srcs, Source{Location: fmt.Sprintf("https://a.example/%d", i)})
		srcs = append(srcs, Source{Location: fmt.Sprintf("https://b.example/%d", i)})
	}
	_, errs := l.LoadAll(context.Background(), srcs)
	if len(errs) != 20 {
		t.Fatalf("got %d errors, want 20", len(errs))
	}
	for _, h := range []string{"a.example", "b.example"} {
		if most[h] > 2 || most[h] == 0 {
			t.Errorf("%s: %d fetches at once, want 1 or 2", h, most[h])
		}
	}
}

// BenchmarkLocalBehindStalledURLs measures how long the articles of a
// local directory take to arrive when eight URLs listed before it accept
// and never answer. The target is 300 ms.
func BenchmarkLocalBehindStalledURLs(b *testing.B) {
	const local = 200
	srv := newStalledServer(b)
	srcs := stalledSources(b, srv, local)
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		ch := (&Loader{Workers: 4, Fetch: httpFetch}).Load(ctx, srcs)
		for got := 0; got < local; {
			r := <-ch
			if r.Err != nil {
				b.Fatal(r.Err)
			}
			got += len(r.Articles)
		}
		cancel()
		for range ch {
		}
	}
}
