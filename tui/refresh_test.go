package tui

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/fetch"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/feed/watch"
	"github.com/gazette-news/gazette/store"
)

// liveDriver drives the model as Bubble Tea does: commands run in
// goroutines of their own, and their messages come back through one
// channel, so that a command that waits (the watch, a timer) waits
// without holding the test up.
type liveDriver struct {
	t      testing.TB
	m      model
	msgs   chan tea.Msg
	cancel context.CancelFunc
	wg     sync.WaitGroup
	quit   bool
}

// newLiveDriver starts a model on opt, at 100×30, as Run would.
func newLiveDriver(t testing.TB, opt Options) *liveDriver {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if opt.Getenv == nil {
		opt.Getenv = testEnv(map[string]string{"TERM": "xterm-256color", "NO_COLOR": "1"})
	}
	opt.Opener = "gazette-test-no-such-opener"
	d := &liveDriver{t: t, m: newModel(ctx, opt), msgs: make(chan tea.Msg, 1024), cancel: cancel}
	t.Cleanup(d.stop)
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	d.run(d.m.Init())
	return d
}

// stop cancels the model's context and waits for every command.
func (d *liveDriver) stop() {
	d.cancel()
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-d.msgs:
			case <-done:
				return
			}
		}
	}()
	d.wg.Wait()
	close(done)
}

// send passes msg to Update and starts the commands that come back.
func (d *liveDriver) send(msg tea.Msg) {
	next, cmd := d.m.Update(msg)
	d.m = next.(model)
	d.run(cmd)
}

// run starts cmd in a goroutine; a batch is started command by command.
func (d *liveDriver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				d.run(c)
			}
			return
		}
		if msg != nil {
			d.msgs <- msg
		}
	}()
}

// waitFor handles messages until ok holds, failing after 5 s.
func (d *liveDriver) waitFor(what string, ok func(m *model) bool) {
	d.t.Helper()
	deadline := time.After(5 * time.Second)
	for !ok(&d.m) {
		select {
		case msg := <-d.msgs:
			if _, q := msg.(tea.QuitMsg); q {
				d.quit = true
				continue
			}
			d.send(msg)
		case <-deadline:
			d.t.Fatalf("waited 5s for %s; the screen:\n%s", what, plainScreen(d.m.View().Content))
		}
	}
}

// settle handles messages until none has come for a while.
func (d *liveDriver) settle() {
	for {
		select {
		case msg := <-d.msgs:
			if _, q := msg.(tea.QuitMsg); q {
				d.quit = true
				continue
			}
			d.send(msg)
		case <-time.After(300 * time.Millisecond):
			return
		}
	}
}

// key presses a key, by name as keyPress knows it.
func (d *liveDriver) key(names ...string) {
	for _, n := range names {
		d.send(keyPress(n))
	}
}

func (d *liveDriver) screen() string { return plainScreen(d.m.View().Content) }

// loadedWith reports that the first load ended with n articles listed.
func loadedWith(n int) func(m *model) bool {
	return func(m *model) bool {
		return !m.list.loading && !m.list.refreshing && !m.live.running && len(m.list.all) == n
	}
}

// writeArticle writes a small Markdown article dated day into dir.
func writeArticle(t testing.TB, dir, name, title string, day int, body string) {
	t.Helper()
	text := fmt.Sprintf("---\ntitle: %s\ndate: 2024-03-%02dT10:00:00Z\nsource: Test Wire\n---\n\n%s\n", title, day, body)
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// headLoader is a loader as the reader has it: bodies left out, heads
// cached.
func headLoader(t testing.TB) *load.Loader {
	return &load.Loader{DropBodies: true, Heads: &load.HeadCache{Dir: t.TempDir(), Build: "test"}}
}

// selectedTitle is the title under the list's cursor.
func (d *liveDriver) selectedTitle() string {
	if d.m.list.sel == nil {
		return ""
	}
	return d.m.list.sel.a.Title
}

func TestRefreshDirectoryKeepsCursorAndFilter(t *testing.T) {
	dir := t.TempDir()
	writeArticle(t, dir, "a.md", "Alpha harbour news", 1, "First.")
	writeArticle(t, dir, "b.md", "Bravo harbour news", 2, "Second.")
	writeArticle(t, dir, "c.md", "Charlie inland news", 3, "Third.")
	opt := Options{Sources: []load.Source{{Location: dir}}, Loader: headLoader(t)}
	opt.watch.Poll, opt.watch.Interval = true, time.Hour // r alone, no watch
	d := newLiveDriver(t, opt)
	d.waitFor("the first load", loadedWith(3))

	d.key("/")
	for _, r := range "harbour" {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	d.key("enter")
	d.waitFor("the filter", func(m *model) bool { return len(m.list.visible) == 2 && m.list.fltText == "harbour" })
	d.key("j")
	if got := d.selectedTitle(); got != "Alpha harbour news" {
		t.Fatalf("selected %q before the refresh", got)
	}

	writeArticle(t, dir, "d.md", "Delta harbour news", 4, "Fourth.")
	writeArticle(t, dir, "e.md", "Echo inland news", 5, "Fifth.")
	d.key("r")
	if !d.m.list.refreshing {
		t.Fatal("r did not start a refresh")
	}
	if !strings.Contains(d.screen(), "refreshing…") {
		t.Errorf("the status line does not say it refreshes:\n%s", d.screen())
	}
	d.waitFor("the refresh", loadedWith(5))
	d.waitFor("the filter over the new list", func(m *model) bool { return len(m.list.visible) == 3 })
	if got := d.selectedTitle(); got != "Alpha harbour news" {
		t.Errorf("the cursor moved to %q", got)
	}
	if d.m.list.fltText != "harbour" {
		t.Errorf("the filter became %q", d.m.list.fltText)
	}
	screen := d.screen()
	if !strings.Contains(screen, "+ ") || !strings.Contains(screen, "Delta harbour news") {
		t.Errorf("the new row is not marked:\n%s", screen)
	}
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, "Bravo") && strings.HasPrefix(line, "+ ") {
			t.Errorf("an old row is marked new: %q", line)
		}
	}

	// The next refresh, with nothing new, takes the marks away.
	d.key("r")
	d.waitFor("the second refresh", func(m *model) bool { return !m.list.refreshing && !m.live.running })
	if n := len(d.m.newKeys); n != 0 {
		t.Errorf("%d rows still new after a refresh that brought nothing", n)
	}
}

func TestRefreshCoalesces(t *testing.T) {
	dir := t.TempDir()
	writeArticle(t, dir, "a.md", "Alpha", 1, "First.")
	opt := Options{Sources: []load.Source{{Location: dir}}, Loader: headLoader(t)}
	opt.watch.Poll, opt.watch.Interval = true, time.Hour
	d := newLiveDriver(t, opt)
	d.waitFor("the first load", loadedWith(1))
	d.key("r", "r", "r")
	if !d.m.live.running {
		t.Fatal("no refresh running")
	}
	if got := len(d.m.live.queued.whole); got != 1 {
		t.Fatalf("queued %d sources after three presses, want the one source once", got)
	}
	d.waitFor("both refreshes", func(m *model) bool { return !m.live.running && m.live.queued.empty() })
}

// feedServer serves an RSS feed whose items can be added to, with an
// ETag, and counts the full responses and the 304s.
type feedServer struct {
	mu          sync.Mutex
	items       []string
	full, fresh atomic.Int64
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	items := append([]string(nil), s.items...)
	s.mu.Unlock()
	etag := fmt.Sprintf(`"v%d"`, len(items))
	if r.Header.Get("If-None-Match") == etag {
		s.fresh.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.full.Add(1)
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml")
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Wire</title>`)
	for i, it := range items {
		fmt.Fprintf(&b, `<item><title>%s</title><guid>item-%d</guid><pubDate>Mon, %02d Mar 2024 10:00:00 GMT</pubDate><description>Text %d.</description></item>`, it, i, i+1, i)
	}
	b.WriteString(`</channel></rss>`)
	w.Write([]byte(b.String()))
}

func TestRefreshFeedGainsAnItem(t *testing.T) {
	srv := &feedServer{items: []string{"First loopback story"}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	f := &fetch.Fetcher{Cache: &fetch.Cache{Dir: t.TempDir()}}
	loader := &load.Loader{Fetch: f.Fetch}
	opt := Options{Sources: []load.Source{{Location: ts.URL + "/feed.xml"}}, Loader: loader}
	d := newLiveDriver(t, opt)
	d.waitFor("the first load", loadedWith(1))

	// Read the article while the feed refreshes with nothing new: it is
	// not rendered again.
	d.key("enter")
	d.waitFor("the article", func(m *model) bool { return m.reader.shown.id != "" })
	shown := d.m.reader.shown
	d.key("r")
	d.waitFor("a refresh with nothing new", func(m *model) bool { return !m.live.running })
	// Checked as soon as the reload is in, before any rendering could be.
	if d.m.reader.shown != shown {
		t.Errorf("the open article is to be rendered again after a refresh that changed nothing")
	}
	d.settle()
	d.key("esc")
	if srv.fresh.Load() == 0 {
		t.Errorf("the refresh did not revalidate: %d full responses, no 304", srv.full.Load())
	}
	if len(d.m.list.all) != 1 {
		t.Fatalf("%d articles after a 304, want 1", len(d.m.list.all))
	}

	srv.mu.Lock()
	srv.items = append(srv.items, "Second loopback story")
	srv.mu.Unlock()
	d.key("r")
	d.waitFor("the second item", loadedWith(2))
	var marked []string
	for _, e := range d.m.list.all {
		if d.m.newKeys[e.a.Key] {
			marked = append(marked, e.a.Title)
		}
	}
	if len(marked) != 1 || marked[0] != "Second loopback story" {
		t.Errorf("marked new: %q, want only the second story", marked)
	}
}

func TestRefreshFailingSourceKeepsItsArticles(t *testing.T) {
	dir := t.TempDir()
	writeArticle(t, dir, "a.md", "Alpha", 1, "First.")
	var up atomic.Bool
	up.Store(true)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>Feed story</title><guid>g1</guid></item></channel></rss>`))
	}))
	defer ts.Close()
	f := &fetch.Fetcher{}
	loader := headLoader(t)
	loader.Fetch = f.Fetch
	opt := Options{Sources: []load.Source{{Location: ts.URL}, {Location: dir}}, Loader: loader}
	opt.watch.Poll, opt.watch.Interval = true, time.Hour
	d := newLiveDriver(t, opt)
	d.waitFor("the first load", loadedWith(2))
	up.Store(false)
	writeArticle(t, dir, "b.md", "Bravo", 2, "Second.")
	d.key("r")
	d.waitFor("the refresh", loadedWith(3))
	if len(d.m.errs) != 1 || !strings.Contains(d.m.errs[0], ts.URL) {
		t.Errorf("errors: %q, want one naming the feed", d.m.errs)
	}
	d.key("r")
	d.waitFor("another refresh", func(m *model) bool { return !m.live.running })
	if len(d.m.errs) != 1 {
		t.Errorf("the same failure is listed %d times", len(d.m.errs))
	}
}

func TestReloadNeverMarksWhatWasSeenOrRead(t *testing.T) {
	seen := map[string]struct{}{"k-old": {}}
	arts := []*feed.Article{
		{ID: "1", Title: "Old", Key: "k-old"},
		{ID: "2", Title: "Read", Key: "k-read", State: feed.State{Read: true}},
		{ID: "3", Title: "New", Key: "k-new"},
	}
	msg := reloadDoneMsg{fresh: map[string]bool{}}
	for _, a := range arts {
		if _, ok := seen[a.Key]; !ok && !a.State.Read {
			msg.fresh[a.Key] = true
		}
	}
	// The same rule, through the command: a directory whose files carry
	// these keys is not needed, the rule is in one place.
	dir := t.TempDir()
	writeArticle(t, dir, "n.md", "New", 1, "x")
	l := &load.Loader{}
	first, _ := l.LoadAll(context.Background(), []load.Source{{Location: dir}})
	all := newEntries(first, newTagTable())
	got := reloadCmd(context.Background(), l, nil, reloadJob{whole: []load.Source{{Location: dir}}}, all, nil)().(reloadDoneMsg)
	if len(got.fresh) != 0 {
		t.Errorf("an article already listed is new again: %v", got.fresh)
	}
	// Removed, then back: seen before, so not new.
	got = reloadCmd(context.Background(), l, nil, reloadJob{removed: []string{filepath.Join(dir, "n.md")}}, all, got.seen)().(reloadDoneMsg)
	if len(got.keep) != 0 {
		t.Fatalf("the removed article is kept")
	}
	got = reloadCmd(context.Background(), l, nil, reloadJob{whole: []load.Source{{Location: dir}}}, nil, got.seen)().(reloadDoneMsg)
	if len(got.fresh) != 0 {
		t.Errorf("an article seen earlier in the session is new again: %v", got.fresh)
	}
	if len(msg.fresh) != 1 || !msg.fresh["k-new"] {
		t.Errorf("fresh = %v", msg.fresh)
	}
}

// watchOpts is a quick watch for tests.
var watchOpts = watch.Options{Quiet: 20 * time.Millisecond, Latency: 200 * time.Millisecond}

// The watch tells of what changes after the first load, started before
// it or, with a loader that looks again at what it read before the watch
// (load.Loader.WatchLater), after it.
func TestWatchShowsChangesWithoutAKey(t *testing.T) {
	t.Run("watched first", func(t *testing.T) { testWatchShowsChanges(t, headLoader(t)) })
	t.Run("watched later", func(t *testing.T) {
		l := headLoader(t)
		l.CheckLater, l.WatchLater = true, true
		testWatchShowsChanges(t, l)
	})
}

func testWatchShowsChanges(t *testing.T, l *load.Loader) {
	dir := t.TempDir()
	writeArticle(t, dir, "a.md", "Alpha", 1, "First body.")
	writeArticle(t, dir, "b.md", "Bravo", 2, "Second body, the original text.")
	opt := Options{Sources: []load.Source{{Location: dir}}, Loader: l}
	opt.Body = opt.Loader.Body
	opt.watch = watchOpts
	d := newLiveDriver(t, opt)
	d.waitFor("the first load", loadedWith(2))
	d.waitFor("the watch", func(m *model) bool { return len(m.live.watched) == 1 })

	writeArticle(t, dir, "c.md", "Charlie dropped in", 3, "Third.")
	d.waitFor("the dropped file", func(m *model) bool { return strings.Contains(plainScreen(m.View().Content), "Charlie dropped in") })

	if err := os.Remove(filepath.Join(dir, "a.md")); err != nil {
		t.Fatal(err)
	}
	d.waitFor("the removed file to go", loadedWith(2))
	if strings.Contains(d.screen(), "Alpha") {
		t.Errorf("the removed article is still listed:\n%s", d.screen())
	}

	// Open Bravo, change its file: the article is shown again.
	d.key("G")
	if d.selectedTitle() != "Bravo" {
		t.Fatalf("selected %q", d.selectedTitle())
	}
	d.key("enter")
	d.waitFor("the article", func(m *model) bool {
		return strings.Contains(plainScreen(m.View().Content), "the original text")
	})
	writeArticle(t, dir, "b.md", "Bravo", 2, "Second body, rewritten since.")
	d.waitFor("the article shown again", func(m *model) bool {
		return strings.Contains(plainScreen(m.View().Content), "rewritten since")
	})

	// Remove it: it stays readable, and says so.
	if err := os.Remove(filepath.Join(dir, "b.md")); err != nil {
		t.Fatal(err)
	}
	d.waitFor("the removal notice", func(m *model) bool {
		return strings.Contains(plainScreen(m.View().Content), "file was removed")
	})
	if !strings.Contains(d.screen(), "rewritten since") {
		t.Errorf("the removed article is no longer readable:\n%s", d.screen())
	}
	d.key("esc")
	if strings.Contains(d.screen(), "Bravo") {
		t.Errorf("the removed article is still listed after closing it:\n%s", d.screen())
	}
}

func TestRefreshTimer(t *testing.T) {
	var hits atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>Story %d</title><guid>g%d</guid></item></channel></rss>`, n, n)
	}))
	defer ts.Close()
	f := &fetch.Fetcher{}
	opt := Options{Sources: []load.Source{{Location: ts.URL}}, Loader: &load.Loader{Fetch: f.Fetch}}
	opt.Refresh = Refresh{Every: 200 * time.Millisecond}
	d := newLiveDriver(t, opt)
	d.waitFor("the first load", loadedWith(1))
	if d.m.nextRefresh().IsZero() {
		t.Fatal("no refresh is due")
	}
	d.key("?")
	if !strings.Contains(panelText(d.screen()), "Next feed refresh:") {
		t.Errorf("the help screen does not say when the next refresh is:\n%s", d.screen())
	}
	d.key("esc")
	d.waitFor("a timed refresh", loadedWith(2))
}

func TestIdleArmsNoTimer(t *testing.T) {
	dir := t.TempDir()
	writeArticle(t, dir, "a.md", "Alpha", 1, "First.")
	opt := Options{Sources: []load.Source{{Location: dir}}, Loader: headLoader(t)}
	opt.watch = watchOpts
	d := newLiveDriver(t, opt)
	d.waitFor("the first load", loadedWith(1))
	d.settle()
	// Idle: no message may arrive, or something ticks.
	select {
	case msg := <-d.msgs:
		t.Fatalf("an idle reader got %T", msg)
	case <-time.After(700 * time.Millisecond):
	}
	if !d.m.nextRefresh().IsZero() {
		t.Error("a refresh is due with none configured")
	}
	d.key("?")
	if !strings.Contains(panelText(d.screen()), "Feeds do not refresh on a timer") {
		t.Errorf("the help screen does not say feeds do not refresh:\n%s", d.screen())
	}
}

// panelText is a screen's words, without the panel's borders, so that a
// sentence wrapped in a panel can be looked for whole.
func panelText(screen string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(screen, "│", " ")), " ")
}

// TestRefreshWhileTyping refreshes, and lets the watch reload, while a
// query is typed, for the race detector: reloads, filter runs and frames
// interleave as they would under a fast typist.
func TestRefreshWhileTyping(t *testing.T) {
	dir := t.TempDir()
	for i := range 40 {
		writeArticle(t, dir, fmt.Sprintf("%02d.md", i), fmt.Sprintf("Story %d harbour", i), 1+i%28, "Text.")
	}
	opt := Options{Sources: []load.Source{{Location: dir}}, Loader: headLoader(t)}
	opt.watch = watchOpts
	d := newLiveDriver(t, opt)
	d.waitFor("the first load", loadedWith(40))
	d.key("r", "/")
	for i, r := range "harbour story 1" {
		d.loop(tea.KeyPressMsg{Code: r, Text: string(r)})
		if i%3 == 0 {
			writeArticle(t, dir, fmt.Sprintf("new%02d.md", i), fmt.Sprintf("Story 1%d harbour", i), 2, "Text.")
			// In the filter box r is a letter: refresh as the timer does.
			d.run(d.m.requestReload(d.m.refreshAll()))
		}
		d.drain()
	}
	d.key("enter")
	d.waitFor("every reload", func(m *model) bool { return len(m.list.all) == 45 && !m.live.running && m.live.queued.empty() })
	d.settle()
	l := d.m.list
	res, ok := runFilter(l.all, l.flt, len(l.tags.infos), l.fltLatest, l.fltLatest.Load())
	if !ok {
		t.Fatal("the check's filter run gave up")
	}
	want := len(res.visible)
	if want == 0 {
		t.Fatalf("the query lets none of %d through", len(l.all))
	}
	if got := len(d.m.list.visible); got != want || d.m.list.fltText != "harbour story 1" {
		t.Errorf("%d rows under %q, want %d", got, d.m.list.fltText, want)
	}
}

// TestReloadRelativeDirectory rescans a directory named "./news": its
// articles are listed as "news/a.md", and a removed one must still go.
func TestReloadRelativeDirectory(t *testing.T) {
	base := t.TempDir()
	t.Chdir(base)
	if err := os.Mkdir("news", 0o755); err != nil {
		t.Fatal(err)
	}
	writeArticle(t, "news", "a.md", "Alpha", 1, "x")
	writeArticle(t, "news", "b.md", "Bravo", 2, "x")
	src := load.Source{Location: "./news/"}
	l := &load.Loader{}
	first, errs := l.LoadAll(context.Background(), []load.Source{src})
	if len(first) != 2 || len(errs) > 0 {
		t.Fatalf("loaded %d, %v", len(first), errs)
	}
	all := newEntries(first, newTagTable())
	if err := os.Remove(filepath.Join("news", "a.md")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		job  reloadJob
	}{
		{"rescan", reloadJob{whole: []load.Source{src}}},
		{"removed", reloadJob{removed: []string{filepath.Join("news", "a.md")}}},
		{"removed directory", reloadJob{removed: []string{filepath.Join(base, "news")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := reloadCmd(context.Background(), l, nil, tt.job, all, nil)().(reloadDoneMsg)
			for _, e := range got.keep {
				if e.a.Title == "Alpha" {
					t.Errorf("the removed article is kept")
				}
			}
			titles := 0
			for _, a := range got.arts {
				if a.Title == "Alpha" {
					titles++
				}
			}
			if titles > 0 {
				t.Errorf("the removed article was read again")
			}
		})
	}
}

// A reload that panics ends all the same, with the list as it was and
// the panic as an error, so that later reloads still run.
func TestReloadPanicEndsTheReload(t *testing.T) {
	all := []*entry{{}} // no article: reading it panics
	msg, ok := reloadCmd(context.Background(), &load.Loader{}, nil, reloadJob{removed: []string{"/nowhere"}}, all, nil)().(reloadDoneMsg)
	if !ok {
		t.Fatal("no reloadDoneMsg after a panic")
	}
	if len(msg.errs) != 1 || !strings.Contains(msg.errs[0].Error(), "internal error") || len(msg.keep) != 1 {
		t.Errorf("errs %v, keep %d", msg.errs, len(msg.keep))
	}
}

// A story read before keeps its state when a refresh reads its file
// again: the changed file's new entry is neither unread nor new.
func TestRefreshKeepsReadState(t *testing.T) {
	dir := t.TempDir()
	writeArticle(t, dir, "a.md", "Alpha harbour news", 1, "First.")
	writeArticle(t, dir, "b.md", "Bravo harbour news", 2, "Second.")
	st := openStore(t)
	opt := Options{Sources: []load.Source{{Location: dir}}, Loader: headLoader(t), Store: st}
	opt.watch.Poll, opt.watch.Interval = true, time.Hour // r alone, no watch
	d := newLiveDriver(t, opt)
	d.waitFor("the first load", loadedWith(2))
	var alpha *entry
	for _, e := range d.m.list.all {
		if e.a.Title == "Alpha harbour news" {
			alpha = e
		}
	}
	if err := st.Mark(context.Background(), store.OpRead, alpha.a.Key); err != nil {
		t.Fatal(err)
	}
	// The same story, its text changed: another file's stamp, one key.
	writeArticle(t, dir, "a.md", "Alpha harbour news", 1, "First, and more.")
	d.key("r")
	d.waitFor("the refresh", func(m *model) bool { return !m.list.refreshing && !m.live.running })
	for _, e := range d.m.list.all {
		if e.a.Title != "Alpha harbour news" {
			continue
		}
		if e.state.Load()&stateRead == 0 || !e.a.State.Read {
			t.Errorf("the story read before is unread after the refresh")
		}
		if d.m.newKeys[e.a.Key] {
			t.Errorf("the story read before is marked new")
		}
	}
}

// changed tells a reading of a story again that may render differently
// from one that may not: by the header, the file's size and time, and the
// footnotes when the entry keeps them.
func TestChangedRendering(t *testing.T) {
	stamp := feed.FileStamp{Size: 10, ModTime: 1}
	old := &feed.Article{Title: "T", Location: "/n/a.txt", File: stamp, Refs: []feed.Ref{{N: 1, URL: "https://example.org/"}}}
	entryOf := func(a feed.Article) *entry { return newEntries([]*feed.Article{&a}, newTagTable())[0] }
	file := *old
	file.Refs = nil
	edited := file
	edited.File.ModTime = 2
	retitled := file
	retitled.Title = "U"
	remote := *old
	remote.Location, remote.File = "https://example.org/feed", feed.FileStamp{}
	remoteOld := remote
	remote.Refs = append(slices.Clone(remote.Refs), feed.Ref{N: 2, URL: "https://example.org/2"})
	for _, c := range []struct {
		name  string
		old   *feed.Article
		fresh feed.Article
		files map[string]bool
		want  bool
	}{
		{"same file, footnotes left to the body", old, file, nil, false},
		{"the file's time changed", old, edited, nil, true},
		{"the title changed", old, retitled, nil, true},
		{"a watch saw the file change", old, file, map[string]bool{"/n/a.txt": true}, true},
		{"a feed's item gained a footnote", &remoteOld, remote, nil, true},
		{"a feed's item as it was", &remoteOld, remoteOld, nil, false},
		{"nothing rendered before", nil, file, nil, true},
	} {
		if got := changed(c.old, entryOf(c.fresh), c.files); got != c.want {
			t.Errorf("%s: changed %v, want %v", c.name, got, c.want)
		}
	}
}

// With a loader that looks again at what it read before the watch, the
// watch starts once the load is over, not before it, and tells the
// loader once it is in place, or once there is nothing to watch.
func TestWatchLaterStartsAfterTheLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writeArticle(t, dir, "a.md", "Alpha", 1, "First body.")
	plain := headLoader(t)
	later := headLoader(t)
	later.CheckLater, later.WatchLater = true, true
	srcs := []load.Source{{Location: dir}}
	for _, c := range []struct {
		l         *load.Loader
		now, late bool
	}{{plain, true, false}, {later, false, true}} {
		m := newModel(ctx, Options{Sources: srcs, Loader: c.l}.withDefaults())
		if now, late := m.watchNow() != nil, m.watchLate() != nil; now != c.now || late != c.late {
			t.Errorf("WatchLater %v: watch at Init %v, after the load %v", c.l.WatchLater, now, late)
		}
	}

	// The loader is told once the watch is in place, so that it looks
	// again at what it read before.
	opt := Options{Sources: srcs, Loader: later}
	opt.watch = watchOpts
	d := newLiveDriver(t, opt)
	d.waitFor("the first load", loadedWith(1))
	d.waitFor("the watch", func(m *model) bool { return len(m.live.watched) == 1 })
	// The load's cache is written once its files were looked at.
	written := make(chan struct{})
	go func() {
		later.Heads.Wait()
		close(written)
	}()
	select {
	case <-written:
	case <-time.After(5 * time.Second):
		t.Errorf("the look still waits for the watch")
	}
	wait, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()

	// And when there is no directory to watch.
	alone := headLoader(t)
	alone.CheckLater, alone.WatchLater = true, true
	m := newModel(ctx, Options{Sources: []load.Source{{Location: filepath.Join(dir, "a.md")}}, Loader: alone}.withDefaults())
	if cmd := m.startLate(); cmd != nil {
		if msg := cmd(); msg != nil {
			t.Errorf("a watch of a file source alone: %T", msg)
		}
	}
	alone.LoadAll(ctx, []load.Source{{Location: dir}})
	if _, err := alone.Stale(wait); err != nil {
		t.Errorf("the look waits for a watch that never comes: %v", err)
	}
}

// What a load's look found stale is read again: its files one by one,
// and a directory source it names itself (its listing may have missed a
// file) whole.
func TestStaleJob(t *testing.T) {
	dir := t.TempDir()
	src := load.Source{Location: dir, Tags: []string{"Desk"}}
	m := newModel(context.Background(), Options{Sources: []load.Source{src}}.withDefaults())
	file := src
	file.Location = filepath.Join(dir, "a.md")
	j := m.staleJob([]load.Source{file, src})
	if len(j.files) != 1 || j.files[0].Location != file.Location || len(j.whole) != 1 || j.whole[0].Location != dir {
		t.Errorf("files %+v, whole %+v", j.files, j.whole)
	}
}

// A second launch lists the header cache's records before it looks at
// their files (load.Loader.CheckLater): a file changed in place since
// the first is read again once the list is up, with no key and no watch.
func TestSecondLaunchReadsAgainWhatChanged(t *testing.T) {
	dir := t.TempDir()
	writeArticle(t, dir, "a.md", "Alpha", 1, "First body.")
	writeArticle(t, dir, "b.md", "Bravo", 2, "Second body.")
	// Files younger than the cache's racy window are not cached.
	time.Sleep(2100 * time.Millisecond)
	l := headLoader(t)
	l.CheckLater = true
	opt := Options{Sources: []load.Source{{Location: dir}}, Loader: l}
	first := newLiveDriver(t, opt)
	first.waitFor("the first launch", loadedWith(2))
	// The cache is written once the model has had the files looked at.
	l.Heads.Wait()
	first.stop()

	writeArticle(t, dir, "b.md", "Bravo, revised", 2, "Second body.")
	second := newLiveDriver(t, opt)
	second.waitFor("the changed title", func(m *model) bool {
		return loadedWith(2)(m) && strings.Contains(plainScreen(m.View().Content), "Bravo, revised")
	})
	if stale, err := l.Stale(context.Background()); err != nil || len(stale) != 0 {
		t.Errorf("left stale: %v, %v", stale, err)
	}
}
