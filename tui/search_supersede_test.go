package tui

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/store"
)

// articlesFixture is the test articles, loaded without their bodies,
// with a store in a temporary directory for their index.
type articlesFixture struct {
	src   []load.Source
	l     *load.Loader
	heads []*feed.Article
	st    *store.Store
}

// loadArticles loads the test articles without their bodies and opens a
// store for them, closed when the test ends.
func loadArticles(t *testing.T) articlesFixture {
	t.Helper()
	f := articlesFixture{src: []load.Source{{Location: "testdata/articles"}}, l: &load.Loader{DropBodies: true}}
	var errs []error
	if f.heads, errs = f.l.LoadAll(context.Background(), f.src); len(errs) > 0 {
		t.Fatal(errs)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "gazette.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.st = st
	return f
}

// options are the reader's options over the fixture: its sources and
// store, bodies read again by its loader, and no link ever opened.
func (f articlesFixture) options() Options {
	return Options{
		Sources: f.src,
		Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
		Opener:  "gazette-test-no-such-opener",
		Store:   f.st,
		Body:    f.l.Body,
	}
}

// loaded returns a driver over the fixture, 80 by 24, its articles loaded
// without their bodies and the index built over them.
func (f articlesFixture) loaded(t *testing.T) *driver {
	t.Helper()
	d := &driver{t: t, m: newModel(context.Background(), f.options())}
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.send(loadBatchMsg{arts: f.heads, done: true})
	if d.m.index.building {
		t.Fatal("the index is still being built")
	}
	return d
}

// indexedDriver returns a driver over the test articles, loaded without
// their bodies, with a store whose index is complete, and a function that
// counts the articles a query matches with their bodies.
func indexedDriver(t *testing.T) (*driver, func(string) int) {
	t.Helper()
	ctx := context.Background()
	f := loadArticles(t)
	full := make([]*feed.Article, len(f.heads))
	for i, a := range f.heads {
		var err error
		if full[i], err = f.l.Body(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	count := func(text string) int {
		q, err := query.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, a := range full {
			if q.Match(a) {
				n++
			}
		}
		return n
	}
	d := &driver{t: t, m: newModel(ctx, f.options())}
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	d.send(loadBatchMsg{arts: f.heads, done: true})
	if d.m.index.building {
		t.Fatal("the index is still being built")
	}
	return d, count
}

// typeQuery types text into the filter box, dropping the frame timers,
// and returns the command of the frame's filter run, not run.
func (d *driver) typeQuery(text string) tea.Cmd {
	d.t.Helper()
	for _, r := range text {
		next, _ := d.m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		d.m = next.(model)
	}
	next, cmd := d.m.Update(frameUp())
	d.m = next.(model)
	if cmd == nil {
		d.t.Fatalf("no filter run for %q", d.m.list.input.Value())
	}
	return cmd
}

// clearQuery empties the filter box without a filter run.
func (d *driver) clearQuery() {
	d.t.Helper()
	for d.m.list.input.Value() != "" {
		next, _ := d.m.Update(keyPress("backspace"))
		d.m = next.(model)
	}
}

// TestSupersededSearchStops checks that a body-word search overtaken by a
// newer one gives up without a result, its index lookup included, and
// that the newer one is what the list shows.
func TestSupersededSearchStops(t *testing.T) {
	d, count := indexedDriver(t)
	d.keys("/")
	old := d.typeQuery("officials")
	d.clearQuery()
	newer := d.typeQuery("kremlin")

	if msg := old(); msg != nil {
		t.Errorf("the overtaken run delivered %T", msg)
	}
	d.run(newer)
	want := humanize.Thousands(count("kremlin")) + "/"
	if d.m.list.fltText != "kremlin" || !strings.Contains(d.screen(), want) {
		t.Errorf("the list should show kremlin's %s count; filter %q:\n%s", want, d.m.list.fltText, d.screen())
	}
}

// TestStaleSearchResultIgnored checks that a search result that arrives
// after a newer search started is dropped, whatever order the results
// come in, and that the newest query's result is the one shown.
func TestStaleSearchResultIgnored(t *testing.T) {
	d, count := indexedDriver(t)
	if count("officials") == count("kremlin") {
		t.Fatal("the two words should have different counts")
	}
	d.keys("/")
	old := d.typeQuery("officials")
	// The older run finishes before the newer one starts, and its
	// result is delivered after.
	stale := old()
	if _, ok := stale.(filterDoneMsg); !ok {
		t.Fatalf("the run gave %T, want a filterDoneMsg", stale)
	}
	d.clearQuery()
	newer := d.typeQuery("kremlin")
	d.send(stale)
	if d.m.list.fltText == "officials" {
		t.Error("the stale result was applied")
	}
	d.run(newer)
	d.send(stale)
	want := humanize.Thousands(count("kremlin")) + "/"
	if d.m.list.fltText != "kremlin" || !strings.Contains(d.screen(), want) {
		t.Errorf("the list should show kremlin's %s count; filter %q:\n%s", want, d.m.list.fltText, d.screen())
	}
}

// TestShortWordWaitsForNextKey checks that a one-letter body word being
// typed does not ask the index when the next key follows: its run gives
// up, and the longer word's run answers.
func TestShortWordWaitsForNextKey(t *testing.T) {
	d, count := indexedDriver(t)
	d.keys("/")
	short := d.typeQuery("k")
	done := make(chan tea.Msg, 1)
	go func() { done <- short() }()
	longer := d.typeQuery("remlin")
	if msg := <-done; msg != nil {
		t.Errorf("the one-letter run delivered %T", msg)
	}
	d.run(longer)
	want := humanize.Thousands(count("kremlin")) + "/"
	if d.m.list.fltText != "kremlin" || !strings.Contains(d.screen(), want) {
		t.Errorf("the list should show kremlin's %s count; filter %q:\n%s", want, d.m.list.fltText, d.screen())
	}

	// Typed alone, the one-letter word is answered, after the wait.
	d.clearQuery()
	d.run(d.typeQuery("s"))
	want = humanize.Thousands(count("s")) + "/"
	if d.m.list.fltText != "s" || !strings.Contains(d.screen(), want) {
		t.Errorf("the list should show s's %s count; filter %q:\n%s", want, d.m.list.fltText, d.screen())
	}
}

// TestHasShortWord checks which queries wait for the next key.
func TestHasShortWord(t *testing.T) {
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"s", true}, {"sa", true}, {"sam", false}, {"s*", true}, {`"a b"`, true}, {`"a bc"`, false}, {"東京", true},
		{"title:s", false}, {"tag:russia", false}, {"samarkand s", true}, {"東", true}, {"東京都", false},
	} {
		q, err := query.Parse(tt.text)
		if err != nil {
			t.Fatal(err)
		}
		if got := hasShortWord(q); got != tt.want {
			t.Errorf("hasShortWord(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestDetectionLetsTypedSearchFinish checks that the countries detected
// in the background, which filter the list again, do not overtake a
// search being typed with the filter before it: the search finishes, and
// the list is filtered again after it, with its query.
func TestDetectionLetsTypedSearchFinish(t *testing.T) {
	d, count := indexedDriver(t)
	d.keys("/")
	typed := d.typeQuery("kremlin")
	gen := d.m.list.fltGen
	d.send(detectedMsg{})
	if d.m.list.fltGen != gen {
		t.Fatalf("the detection started %d filter runs over the search typed", d.m.list.fltGen-gen)
	}
	d.run(typed)
	if d.m.list.fltGen == gen {
		t.Error("the list was not filtered again after the search")
	}
	want := humanize.Thousands(count("kremlin")) + "/"
	if d.m.list.fltText != "kremlin" || !strings.Contains(d.screen(), want) {
		t.Errorf("the list should show kremlin's %s count; filter %q:\n%s", want, d.m.list.fltText, d.screen())
	}
	// With no run going on, the detection filters again at once.
	gen = d.m.list.fltGen
	d.send(detectedMsg{})
	if d.m.list.fltGen == gen {
		t.Error("the detection did not filter the list again")
	}
}

// TestPlanWaitsForKeys checks what the index build waits on before its
// plan: the time of the last key, which only key presses set, and not
// past a done context.
func TestPlanWaitsForKeys(t *testing.T) {
	s := indexState{keyAt: new(atomic.Int64)}
	s.noteKey(tea.WindowSizeMsg{Width: 1, Height: 1})
	if s.keyAt.Load() != 0 {
		t.Error("a window size was taken for a key")
	}
	waitKeys(context.Background(), s.keyAt) // no key yet: no wait
	s.noteKey(keyPress("j"))
	if s.keyAt.Load() == 0 {
		t.Fatal("a key was not noted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	waitKeys(ctx, s.keyAt)
	indexState{}.noteKey(keyPress("j")) // before the build: nothing to note
}
