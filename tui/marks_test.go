package tui

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/store"
)

// openStore opens a real database in a temporary directory.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "gazette.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newStateDriver builds a model of size w×h over arts that keeps state in
// st. With statesFirst the stored states arrive before the articles, else
// after them.
func newStateDriver(t testing.TB, w, h int, arts []*feed.Article, st *store.Store, statesFirst bool) *driver {
	t.Helper()
	opt := Options{
		Sources: []load.Source{{Location: "testdata/articles"}},
		Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
		Opener:  "gazette-test-no-such-opener",
		Store:   st,
	}
	d := &driver{t: t, m: newModel(context.Background(), opt)}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	if statesFirst {
		d.run(loadStates(d.m.ctx, st, nil))
	}
	d.send(loadBatchMsg{arts: arts, done: true})
	if !statesFirst {
		d.run(loadStates(d.m.ctx, st, nil))
	}
	return d
}

// stored returns the stored state of an entry's article.
func stored(t *testing.T, st *store.Store, e *entry) feed.State {
	t.Helper()
	m, err := st.States(context.Background(), []string{e.a.Key})
	if err != nil {
		t.Fatal(err)
	}
	return m[e.a.Key]
}

func isRead(e *entry) bool    { return e.state.Load()&stateRead != 0 }
func isStarred(e *entry) bool { return e.state.Load()&stateStarred != 0 }

func TestStatesApplied(t *testing.T) {
	arts := testArticles(t)
	for _, first := range []bool{true, false} {
		t.Run(fmt.Sprintf("statesFirst=%v", first), func(t *testing.T) {
			st := openStore(t)
			ctx := context.Background()
			if err := st.Mark(ctx, store.OpRead, arts[0].Key, arts[2].Key); err != nil {
				t.Fatal(err)
			}
			if err := st.Mark(ctx, store.OpStar, arts[1].Key); err != nil {
				t.Fatal(err)
			}
			d := newStateDriver(t, 120, 40, arts, st, first)
			v := d.m.list.visible
			if !isRead(v[0]) || isRead(v[1]) || !isRead(v[2]) || !isStarred(v[1]) || isStarred(v[0]) {
				t.Fatalf("states not applied: %b %b %b", v[0].state.Load(), v[1].state.Load(), v[2].state.Load())
			}
			want := fmt.Sprintf("%d unread · %d articles", len(arts)-2, len(arts))
			if sc := d.screen(); !strings.Contains(sc, want) {
				t.Errorf("the status line does not say %q:\n%s", want, sc)
			}
			// The load recorded what the directory lists.
			abs, _ := filepath.Abs("testdata/articles")
			c, err := st.UnreadCount(ctx, abs)
			if err != nil || c.Total != len(arts) || c.Unread != len(arts)-2 {
				t.Errorf("UnreadCount = %+v, %v; want %d of %d unread", c, err, len(arts)-2, len(arts))
			}
		})
	}
}

func TestMarkKeys(t *testing.T) {
	arts := testArticles(t)
	tests := []struct {
		name  string
		keys  []string
		check func(t *testing.T, d *driver, st *store.Store)
	}{
		{"open marks read", []string{"j", "enter"}, func(t *testing.T, d *driver, st *store.Store) {
			e := d.m.list.visible[1]
			if !isRead(e) || !stored(t, st, e).Read {
				t.Error("the opened article is not read")
			}
			if isRead(d.m.list.visible[0]) {
				t.Error("another article was marked read")
			}
		}},
		{"m marks read", []string{"m"}, func(t *testing.T, d *driver, st *store.Store) {
			e := d.m.list.visible[0]
			if !isRead(e) || !stored(t, st, e).Read {
				t.Error("m did not mark the article read")
			}
		}},
		{"m twice marks unread", []string{"m", "m"}, func(t *testing.T, d *driver, st *store.Store) {
			e := d.m.list.visible[0]
			if isRead(e) || stored(t, st, e).Read {
				t.Error("m again did not mark the article unread")
			}
		}},
		{"m in the article", []string{"enter", "m"}, func(t *testing.T, d *driver, st *store.Store) {
			e := d.m.list.visible[0]
			if isRead(e) || stored(t, st, e).Read {
				t.Error("m in the article did not mark it unread")
			}
			if !strings.Contains(d.screen(), "Marked unread.") {
				t.Errorf("no notice:\n%s", d.screen())
			}
		}},
		{"s stars", []string{"j", "s"}, func(t *testing.T, d *driver, st *store.Store) {
			e := d.m.list.visible[1]
			if !isStarred(e) || !stored(t, st, e).Starred {
				t.Error("s did not star the article")
			}
			if isRead(e) {
				t.Error("s marked the article read")
			}
		}},
		{"s twice unstars", []string{"s", "s"}, func(t *testing.T, d *driver, st *store.Store) {
			e := d.m.list.visible[0]
			if isStarred(e) || stored(t, st, e).Starred {
				t.Error("s again did not take the star away")
			}
		}},
		{"A marks the view read", []string{"A"}, func(t *testing.T, d *driver, st *store.Store) {
			for _, e := range d.m.list.all {
				if !isRead(e) || !stored(t, st, e).Read {
					t.Errorf("%q is not read", e.a.Title)
				}
			}
			if sc := d.screen(); !strings.Contains(sc, fmt.Sprintf("0 unread · %d articles", len(arts))) {
				t.Errorf("status line:\n%s", sc)
			}
		}},
		{"A marks only the filtered view", []string{"/", "t", "a", "g", ":", "c", "h", "i", "n", "a", "enter", "A", "esc"}, func(t *testing.T, d *driver, st *store.Store) {
			for _, e := range d.m.list.all {
				china := e.a.HasTag("China", false)
				if isRead(e) != china || stored(t, st, e).Read != china {
					t.Errorf("%q: read %v, tagged China %v", e.a.Title, isRead(e), china)
				}
			}
		}},
		{"u undoes A", []string{"m", "A", "u"}, func(t *testing.T, d *driver, st *store.Store) {
			for i, e := range d.m.list.all {
				want := i == 0 // m marked the first before A
				if isRead(e) != want || stored(t, st, e).Read != want {
					t.Errorf("%q: read %v, want %v", e.a.Title, isRead(e), want)
				}
			}
		}},
		{"u undoes opening", []string{"enter", "q", "u"}, func(t *testing.T, d *driver, st *store.Store) {
			e := d.m.list.visible[0]
			if isRead(e) || stored(t, st, e).Read {
				t.Error("u did not undo the mark opening made")
			}
		}},
		{"u undoes a star", []string{"s", "u", "u"}, func(t *testing.T, d *driver, st *store.Store) {
			e := d.m.list.visible[0]
			if isStarred(e) || stored(t, st, e).Starred {
				t.Error("u did not take the star away")
			}
			if !strings.Contains(d.screen(), "Nothing to undo.") {
				t.Errorf("a second u should have nothing to undo:\n%s", d.screen())
			}
		}},
		{"U shows unread only", []string{"m", "j", "m", "U"}, func(t *testing.T, d *driver, st *store.Store) {
			if got := len(d.m.list.visible); got != len(arts)-2 {
				t.Errorf("%d articles shown, want %d", got, len(arts)-2)
			}
			for _, e := range d.m.list.visible {
				if isRead(e) {
					t.Errorf("%q is read but shown", e.a.Title)
				}
			}
			want := fmt.Sprintf("%d unread · %d/%d articles · unread only", len(arts)-2, len(arts)-2, len(arts))
			if sc := d.screen(); !strings.Contains(sc, want) {
				t.Errorf("the status line does not say %q:\n%s", want, sc)
			}
		}},
		{"U twice shows all", []string{"m", "U", "U"}, func(t *testing.T, d *driver, st *store.Store) {
			if got := len(d.m.list.visible); got != len(arts) {
				t.Errorf("%d articles shown, want %d", got, len(arts))
			}
		}},
		{"is:starred in the filter box", []string{"j", "s", "/", "i", "s", ":", "s", "t", "a", "r", "r", "e", "d", "enter"}, func(t *testing.T, d *driver, st *store.Store) {
			if v := d.m.list.visible; len(v) != 1 || v[0] != d.m.list.all[1] {
				t.Errorf("is:starred shows %d articles, want the one starred", len(v))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			d := newStateDriver(t, 120, 40, arts, st, true)
			d.keys(tt.keys...)
			tt.check(t, d, st)
		})
	}
}

// A write that fails is shown, and the state goes back to what it was.
func TestMarkWriteFails(t *testing.T) {
	arts := testArticles(t)
	st := openStore(t)
	d := newStateDriver(t, 120, 40, arts, st, true)
	d.keys("s")
	st.Close()
	d.keys("j", "m")
	e := d.m.list.visible[1]
	if isRead(e) {
		t.Error("the failed mark was not rolled back")
	}
	sc := d.screen()
	if !strings.Contains(sc, "Not saved") {
		t.Errorf("no error shown:\n%s", sc)
	}
	if !isStarred(d.m.list.visible[0]) {
		t.Error("the star written before the failure was lost")
	}
	if len(d.m.errs) == 0 {
		t.Error("the failure is not among the errors")
	}
	if d.m.list.unread != len(arts) {
		t.Errorf("%d unread after the rollback, want %d", d.m.list.unread, len(arts))
	}
	// The failed mark left the undo stack: u undoes the star before it
	// (which fails too, the store being closed, and is rolled back).
	if n := len(d.m.marks.undo); n != 1 || d.m.marks.undo[0].op != store.OpStar {
		t.Errorf("undo stack holds %d markings", n)
	}
}

// Without a store the state keys do nothing, and u scrolls as before.
func TestNoStoreKeys(t *testing.T) {
	arts := testArticles(t)
	d := newDriver(t, 80, 24, arts, nil)
	before := d.screen()
	d.keys("m", "s", "A", "U")
	if d.screen() != before {
		t.Errorf("the state keys changed the screen without a store:\n%s", d.screen())
	}
	if strings.Contains(before, "unread") {
		t.Errorf("the status line counts unread articles without a store:\n%s", before)
	}
}

// TestGoldenState compares screens of read, unread and starred rows, and
// the tag picker's unread counts, with testdata/TestGoldenState.
func TestGoldenState(t *testing.T) {
	arts := testArticles(t)
	steps := []struct {
		name string
		do   func(d *driver)
	}{
		{"list", func(d *driver) {}},
		{"cursor_on_read", func(d *driver) { d.keys("j") }},
		{"picker", func(d *driver) { d.keys("t") }},
		{"unread_only", func(d *driver) { d.keys("U") }},
		{"help", func(d *driver) { d.keys("?") }},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, s := range steps {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				st := openStore(t)
				ctx := context.Background()
				// Row 1 read, row 2 read and starred, row 3 starred.
				if err := st.Mark(ctx, store.OpRead, arts[1].Key, arts[2].Key); err != nil {
					t.Fatal(err)
				}
				if err := st.Mark(ctx, store.OpStar, arts[2].Key, arts[3].Key); err != nil {
					t.Fatal(err)
				}
				d := newStateDriver(t, size[0], size[1], arts, st, true)
				s.do(d)
				golden.RequireEqual(t, d.screen())
			})
		}
	}
}

func TestStatusTextOne(t *testing.T) {
	if got := statusText(false, 1, 1, nil, false, "", false); got != "1 article" {
		t.Errorf("got %q, want %q", got, "1 article")
	}
	if got := statusText(false, 1, 1, []string{"Russia"}, false, "", false); got != "1/1 article · Russia" {
		t.Errorf("got %q", got)
	}
}

func TestSeenGroups(t *testing.T) {
	mk := func(key, loc string) *entry {
		e := &entry{a: &feed.Article{}}
		e.a.Key, e.a.Location = key, loc
		return e
	}
	all := []*entry{
		mk("a", "news/a.txt"), mk("b", "news/sub/b.txt"), mk("c", "other/c.txt"),
		mk("d", "https://example.com/item"), mk("", "news/nokey.txt"), mk("e", "newsletter/e.txt"),
	}
	absNews, _ := filepath.Abs("news")
	absOther, _ := filepath.Abs("other/c.txt")
	tests := []struct {
		name  string
		srcs  []load.Source
		clean bool
		want  map[string]string // source: keys, complete
	}{
		// newsletter/e.txt is not under news: it is left to the feed.
		{"dirs and a feed", []load.Source{{Location: "news"}, {Location: "other/c.txt"}, {Location: "https://example.com/feed"}}, true,
			map[string]string{absNews: "a,b true", absOther: "c true", "https://example.com/feed": "d,e false"}},
		{"errors make nothing complete", []load.Source{{Location: "news"}}, false,
			map[string]string{absNews: "a,b false"}},
		{"two feeds cannot be told apart", []load.Source{{Location: "https://x.example/1"}, {Location: "https://x.example/2"}}, true,
			map[string]string{}},
		{"stdin is not recorded", []load.Source{{Location: "-"}}, true, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			for _, g := range seenGroups(tt.srcs, all, tt.clean) {
				got[g.source] = fmt.Sprintf("%s %v", strings.Join(g.keys, ","), g.complete)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// The queue runs writes in the order they were queued, whichever command
// runs first, and drain runs those whose command never ran.
func TestWriteQueueOrder(t *testing.T) {
	q := &writeQueue{results: make(map[int64]error)}
	var order []int
	for i := 1; i <= 4; i++ {
		q.add(int64(i), func() error { order = append(order, i); return nil })
	}
	if err := q.runUntil(3); err != nil {
		t.Fatal(err)
	}
	if err := q.runUntil(1); err != nil {
		t.Fatal(err)
	}
	q.drain()
	if fmt.Sprint(order) != "[1 2 3 4]" {
		t.Errorf("ran in order %v", order)
	}
}

// Until the stored states arrive, rows show no marks rather than every
// article unread for a moment, and the status line no unread count.
func TestNoMarksBeforeStates(t *testing.T) {
	arts := testArticles(t)
	st := openStore(t)
	if err := st.Mark(context.Background(), store.OpRead, arts[0].Key); err != nil {
		t.Fatal(err)
	}
	opt := Options{
		Sources: []load.Source{{Location: "testdata/articles"}},
		Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
		Store:   st,
	}
	d := &driver{t: t, m: newModel(context.Background(), opt)}
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if cmd := d.m.Init(); cmd == nil {
		t.Fatal("no load started")
	}
	// The first batch asks for the states, which come after it.
	next, cmd := d.m.Update(loadBatchMsg{arts: arts, done: true})
	d.m = next.(model)
	// The rows, without the help bar, whose separators are dots too.
	rows := func() string {
		return strings.Join(strings.Split(d.screen(), "\n")[1:1+len(arts)], "\n")
	}
	if r := rows(); strings.Contains(r, "•") || strings.Contains(d.screen(), "unread") {
		t.Errorf("marks before the states arrived:\n%s", d.screen())
	}
	d.run(cmd)
	if r := rows(); strings.Count(r, "•") != len(arts)-1 {
		t.Errorf("want %d unread marks:\n%s", len(arts)-1, r)
	}
}

// The same story listed twice changes as one.
func TestMarkSharedKey(t *testing.T) {
	arts := testArticles(t)
	twin := *arts[3]
	twin.Title = "A twin of " + twin.Title
	twin.Location = "elsewhere/twin.txt"
	all := append(append([]*feed.Article(nil), arts...), &twin)
	feed.SortNewest(all)
	st := openStore(t)
	d := newStateDriver(t, 120, 40, all, st, true)
	var pair []*entry
	for _, e := range d.m.list.all {
		if e.a.Key == twin.Key {
			pair = append(pair, e)
		}
	}
	if len(pair) != 2 {
		t.Fatalf("%d entries share the key", len(pair))
	}
	d.m.list = d.m.list.moveTo(slices.Index(d.m.list.visible, pair[0]))
	d.keys("m", "s")
	for _, e := range pair {
		if !isRead(e) || !isStarred(e) {
			t.Errorf("%q: state %b", e.a.Title, e.state.Load())
		}
	}
	d.keys("u", "u")
	for _, e := range pair {
		if isRead(e) || isStarred(e) {
			t.Errorf("after undo %q: state %b", e.a.Title, e.state.Load())
		}
	}
}

// Marking runs in Update while a filter run reads the same entries in a
// command: the state bits are atomic, so the race detector finds nothing
// (go test -race).
func TestMarkWhileFiltering(t *testing.T) {
	arts := testArticles(t)
	st := openStore(t)
	d := newStateDriver(t, 120, 40, arts, st, true)
	f := d.m.list.flt
	f.text = "is:unread"
	f.unread = true
	cmd := d.m.list.startFilter(f, true)
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	next, _ := d.m.Update(keyPress("A"))
	d.m = next.(model)
	<-done
	if d.m.list.unread != 0 {
		t.Errorf("%d unread after A", d.m.list.unread)
	}
}

// TestRecordSeenWaitsForReady checks that what the sources listed is
// recorded only once the index has readied the first search, which
// readies on both cores meanwhile, and the keys have paused, and then
// records it all.
func TestRecordSeenWaitsForReady(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	dir := t.TempDir()
	var all []*entry
	for i := range 5 {
		e := &entry{a: &feed.Article{}}
		e.a.Key, e.a.Location = fmt.Sprintf("k%d", i), filepath.Join(dir, fmt.Sprintf("%d.txt", i))
		all = append(all, e)
	}
	ready := make(chan struct{})
	done := make(chan tea.Msg, 1)
	keyAt := new(atomic.Int64)
	cmd := recordSeen(ctx, ready, keyAt, st, []load.Source{{Location: dir}}, all, true)
	go func() { done <- cmd() }()
	count := func() store.Count {
		c, err := st.UnreadCount(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	time.Sleep(100 * time.Millisecond)
	if c := count(); len(c.Unknown) == 0 {
		t.Fatalf("recorded before the index was ready: %+v", c)
	}
	// A key as the index readies: the record waits for the keys to
	// pause, a second.
	keyAt.Store(time.Now().UnixNano())
	close(ready)
	time.Sleep(detectQuiet / 4)
	if c := count(); len(c.Unknown) == 0 {
		t.Fatalf("recorded while the keys came: %+v", c)
	}
	select {
	case msg := <-done:
		if m, ok := msg.(seenMsg); !ok || m.err != nil {
			t.Fatalf("recordSeen returned %#v", msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("recordSeen did not end once the index was ready")
	}
	if c := count(); len(c.Unknown) != 0 || c.Total != len(all) || c.Unread != len(all) {
		t.Errorf("recorded %+v, want %d articles, all unread", c, len(all))
	}
}
