package state

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/store"
)

func art(id, key, loc string, day int) *feed.Article {
	return &feed.Article{ID: id, Key: key, Location: loc, Title: id, Date: time.Date(2024, 1, day, 0, 0, 0, 0, time.UTC)}
}

func ids(arts []*feed.Article) []string {
	var out []string
	for _, a := range arts {
		out = append(out, a.ID)
	}
	return out
}

func TestSourceKey(t *testing.T) {
	abs, _ := filepath.Abs("news")
	tests := []struct {
		src  load.Source
		want string
	}{
		{load.Source{Location: "https://example.org/feed.xml"}, "https://example.org/feed.xml"},
		{load.Source{Location: "news"}, abs},
		{load.Source{Location: "/srv/news/"}, "/srv/news"},
		{load.Source{Location: "-"}, ""},
		{load.Source{Location: "sample", FS: fstest.MapFS{}}, "embedded:sample"},
	}
	for _, tt := range tests {
		t.Run(tt.src.Location, func(t *testing.T) {
			if got := SourceKey(tt.src); got != tt.want {
				t.Fatalf("SourceKey(%q) = %q, want %q", tt.src.Location, got, tt.want)
			}
		})
	}
}

func TestDedupe(t *testing.T) {
	a := art("a", "k1", "/x/a.md", 3)
	b := art("b", "k1", "/y/b.md", 2)
	c := art("c", "k2", "/x/c.md", 2)
	d := art("d", "", "-", 1)
	e := art("e", "", "-", 1)
	f := art("f", "k1", "/x/a.md", 1)
	// Two items of one feed with one GUID stay two.
	g := art("g", "g:1", "/x/feed.xml#1", 1)
	h := art("h", "g:1", "/x/feed.xml#2", 1)
	got := Dedupe([]*feed.Article{a, b, c, d, e, f, g, h})
	if want := []string{"a", "c", "d", "e", "g", "h"}; !slices.Equal(ids(got), want) {
		t.Fatalf("Dedupe kept %v, want %v", ids(got), want)
	}
	if want := []string{"/y/b.md"}; !slices.Equal(a.AlsoIn, want) {
		t.Fatalf("AlsoIn = %v, want %v", a.AlsoIn, want)
	}
}

func TestMerge(t *testing.T) {
	kept := []*feed.Article{art("old", "k0", "u0", 1), art("stale", "k1", "u1", 1)}
	fetched := []*feed.Article{art("fresh", "k1", "u1", 2), art("new", "k2", "u2", 3)}
	if got, want := ids(Merge(kept, fetched)), []string{"fresh", "new", "old"}; !slices.Equal(got, want) {
		t.Fatalf("Merge = %v, want %v", got, want)
	}
	if got := ids(Merge(nil, fetched)); !slices.Equal(got, []string{"fresh", "new"}) {
		t.Fatalf("Merge without history = %v", got)
	}
}

func TestApply(t *testing.T) {
	a, b := art("a", "k1", "", 1), art("b", "k2", "", 1)
	b.State.Read = true
	Apply(map[string]feed.State{"k1": {Starred: true}}, []*feed.Article{a, b})
	if !a.State.Starred || b.State.Read {
		t.Fatalf("Apply: a %+v, b %+v", a.State, b.State)
	}
}

func TestGroup(t *testing.T) {
	srcs := []load.Source{{Location: "/a"}, {Location: "/b"}, {Location: "/a"}}
	ch := make(chan load.Result, 8)
	ch <- load.Result{Articles: []*feed.Article{art("1", "k1", "/a/1.md", 1)}, Source: "/a"}
	ch <- load.Result{Articles: []*feed.Article{art("2", "k2", "/b/2.md", 1)}, Source: "/b"}
	ch <- load.Result{Err: &load.SourceError{Source: "/b/x.md"}, Source: "/b"}
	ch <- load.Result{Articles: []*feed.Article{art("3", "k3", "/a/3.md", 1)}, Source: "/a"}
	close(ch)
	loaded, errs := Group(ch, srcs)
	if len(errs) != 1 || len(loaded) != 2 {
		t.Fatalf("Group: %d errors, %d sources", len(errs), len(loaded))
	}
	if got := ids(loaded[0].Articles); !slices.Equal(got, []string{"1", "3"}) || loaded[0].Failed {
		t.Fatalf("source /a: %v, failed %v", got, loaded[0].Failed)
	}
	if !loaded[1].Failed {
		t.Fatal("source /b did not fail")
	}
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "gazette.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestSyncHistory follows a feed that drops an item: the second load
// still lists it, with its state.
func TestSyncHistory(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	const url = "https://example.org/feed.xml"
	src := load.Source{Location: url}
	first := []*feed.Article{art("a", "u:a", url+"#a", 2), art("b", "u:b", url+"#b", 1)}
	first[1].Body = []feed.Block{{Text: "kept body"}}
	arts, errs := Sync(ctx, st, []Loaded{{Source: src, Articles: first}}, nil)
	if len(errs) > 0 || len(arts) != 2 {
		t.Fatalf("first Sync: %v, %d articles", errs, len(arts))
	}
	if err := st.Mark(ctx, store.OpStar, "u:b"); err != nil {
		t.Fatal(err)
	}
	// The feed no longer lists b; then the fetch fails altogether.
	for _, loaded := range []Loaded{
		{Source: src, Articles: []*feed.Article{art("a", "u:a", url+"#a", 2)}},
		{Source: src, Failed: true},
	} {
		arts, errs = Sync(ctx, st, []Loaded{loaded}, nil)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if got := ids(arts); !slices.Equal(got, []string{"a", "b"}) {
			t.Fatalf("Sync listed %v, want a and b", got)
		}
		b := arts[1]
		if !b.State.Starred || b.State.FirstSeen.IsZero() || len(b.Body) != 1 || b.Body[0].Text != "kept body" {
			t.Fatalf("the dropped item came back as %+v", b)
		}
	}
	if c, err := st.UnreadCount(ctx, url); err != nil || c.Total != 2 || c.Unread != 2 {
		t.Fatalf("UnreadCount = %+v, %v; want 2 of 2", c, err)
	}
}

// TestSyncDirectory records a directory whole, so that a file removed
// from it leaves the count, and lists a story two sources carry once.
func TestSyncDirectory(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	dirA, dirB := load.Source{Location: "/news/a"}, load.Source{Location: "/news/b"}
	_, errs := Sync(ctx, st, []Loaded{
		{Source: dirA, Articles: []*feed.Article{art("1", "c:1", "/news/a/1.md", 1), art("2", "c:2", "/news/a/2.md", 2)}},
		{Source: dirB, Articles: []*feed.Article{art("3", "c:2", "/news/b/2.md", 2)}},
	}, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if err := st.Mark(ctx, store.OpRead, "c:1"); err != nil {
		t.Fatal(err)
	}
	arts, errs := Sync(ctx, st, []Loaded{
		{Source: dirA, Articles: []*feed.Article{art("2", "c:2", "/news/a/2.md", 2)}},
		{Source: dirB, Articles: []*feed.Article{art("3", "c:2", "/news/b/2.md", 2)}},
	}, nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := ids(arts); !slices.Equal(got, []string{"2"}) {
		t.Fatalf("Sync listed %v, want one copy of the shared story", got)
	}
	if want := []string{"/news/b/2.md"}; !slices.Equal(arts[0].AlsoIn, want) {
		t.Fatalf("AlsoIn = %v, want %v", arts[0].AlsoIn, want)
	}
	c, err := st.UnreadCount(ctx, "/news/a")
	if err != nil || c.Total != 1 || c.Unread != 1 {
		t.Fatalf("UnreadCount(/news/a) = %+v, %v; want 1 of 1", c, err)
	}
	// A failed load of a directory leaves what it listed as it was.
	if _, errs := Sync(ctx, st, []Loaded{{Source: dirA, Failed: true}}, nil); len(errs) > 0 {
		t.Fatal(errs)
	}
	if c, _ := st.UnreadCount(ctx, "/news/a"); c.Total != 1 {
		t.Fatalf("a failed load changed the count to %+v", c)
	}
}

// TestSyncSkimmed checks that skimmed articles are recorded with the
// others and come last, without state; that one of a story a whole
// article holds is one more place the story is in, never the story; and
// that the store keeps the state of the skimmed articles' keys.
func TestSyncSkimmed(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	dir := load.Source{Location: "/news"}
	skim := func(a *feed.Article) *feed.Article {
		a.Title, a.Skimmed = "", true
		return a
	}
	syncAll := func() []*feed.Article {
		arts, errs := Sync(ctx, st, []Loaded{{Source: dir, Articles: []*feed.Article{
			skim(art("s1", "k1", "/news/s1.md", 3)),
			art("w", "k1", "/news/w.md", 2),
			art("w2", "k1", "/news/w2.md", 1),
			skim(art("only", "k2", "/news/only.md", 5)),
			art("new", "k3", "/news/new.md", 4),
		}}}, nil)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		return arts
	}
	arts := syncAll()
	if want := []string{"new", "w", "only"}; !slices.Equal(ids(arts), want) {
		t.Fatalf("Sync returned %v, want %v", ids(arts), want)
	}
	if want := []string{"/news/w2.md", "/news/s1.md"}; !slices.Equal(arts[1].AlsoIn, want) {
		t.Errorf("AlsoIn = %v, want %v", arts[1].AlsoIn, want)
	}
	if arts[0].State.FirstSeen.IsZero() || !arts[2].State.FirstSeen.IsZero() {
		t.Errorf("states: whole %+v, skimmed %+v; want the whole article's alone", arts[0].State, arts[2].State)
	}
	if err := st.Mark(ctx, store.OpStar, "k2"); err != nil {
		t.Fatal(err)
	}
	syncAll()
	states, err := st.States(ctx, []string{"k2"})
	if err != nil || !states["k2"].Starred {
		t.Errorf("after a skimmed load, the skimmed key's state is %+v, %v; want starred", states["k2"], err)
	}
}

func TestSyncWithoutStore(t *testing.T) {
	arts, errs := Sync(context.Background(), nil, []Loaded{{
		Source:   load.Source{Location: "/a"},
		Articles: []*feed.Article{art("old", "k", "/a/1", 1), art("new", "k", "/a/2", 2)},
	}}, nil)
	if len(errs) > 0 || !slices.Equal(ids(arts), []string{"new"}) || !arts[0].State.FirstSeen.IsZero() {
		t.Fatalf("Sync without a store: %v, %v", ids(arts), errs)
	}
}

func TestPruneKeepsUnreadAndStarred(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if err := st.Mark(ctx, store.OpRead, "read", "starred"); err != nil {
		t.Fatal(err)
	}
	if err := st.Mark(ctx, store.OpStar, "starred"); err != nil {
		t.Fatal(err)
	}
	if err := st.Mark(ctx, store.OpUnread, "unread"); err != nil {
		t.Fatal(err)
	}
	if n, err := Prune(ctx, st, 0); n != 0 || err != nil {
		t.Fatalf("Prune forever dropped %d, %v", n, err)
	}
	time.Sleep(5 * time.Millisecond)
	if n, err := Prune(ctx, st, time.Millisecond); n != 1 || err != nil {
		t.Fatalf("Prune dropped %d, %v; want only the read one", n, err)
	}
	states, err := st.LoadStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := states["read"]; ok || len(states) != 2 {
		t.Fatalf("after Prune the store holds %v", states)
	}
}

// TestSyncEarly reads the states of a store that keeps many while a load
// would run, then syncs a load with articles new since: the known keep
// their state, the new ones get theirs, as without the early read.
func TestSyncEarly(t *testing.T) {
	ctx := context.Background()
	src := load.Source{Location: "/news"}
	var old []*feed.Article
	// Enough for the states to be given in two halves at once.
	for i := range max(manyKeys, applyInTwo) + 10 {
		n := strconv.Itoa(i)
		old = append(old, art(n, "k:"+n, "/news/"+n+".md", i%300+1))
	}
	fresh := []*feed.Article{art("new1", "k:new1", "/news/new1.md", 5), art("new2", "k:new2", "/news/new2.md", 6)}
	run := func(t *testing.T, early bool) []*feed.Article {
		st := openStore(t)
		if _, errs := Sync(ctx, st, []Loaded{{Source: src, Articles: old}}, nil); len(errs) > 0 {
			t.Fatal(errs)
		}
		if err := st.Mark(ctx, store.OpRead, "k:7"); err != nil {
			t.Fatal(err)
		}
		if err := st.Mark(ctx, store.OpStar, "k:8"); err != nil {
			t.Fatal(err)
		}
		var e *Early
		if early {
			if e = ReadEarly(ctx, st, ""); e == nil {
				t.Fatal("no early read from a store of many articles")
			}
		}
		var again []*feed.Article
		for _, a := range append(slices.Clone(old), fresh...) {
			c := *a
			again = append(again, &c)
		}
		arts, errs := Sync(ctx, st, []Loaded{{Source: src, Articles: again}}, e)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		return arts
	}
	want, got := run(t, false), run(t, true)
	if len(got) != len(want) {
		t.Fatalf("%d articles, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i].State, want[i].State
		if g.Read != w.Read || g.Starred != w.Starred || g.FirstSeen.IsZero() != w.FirstSeen.IsZero() || got[i].Key != want[i].Key {
			t.Errorf("%s: state %+v, want %+v", got[i].Key, g, w)
		}
		if g.FirstSeen.IsZero() {
			t.Errorf("%s: no first-seen time", got[i].Key)
		}
	}
	if st := openStore(t); ReadEarly(ctx, st, "") != nil {
		t.Error("an early read of an empty store")
	}
}

// TestSyncDedupeAsSorted checks Sync, which reads the keys while the list
// is sorted, against deduping the sorted list in order, as a reader would:
// random articles of three sources, sharing keys, locations and dates,
// among them items of one feed document, copies without a location and
// undated ones.
func TestSyncDedupeAsSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	sources := []string{"/a", "/b", "/c"}
	locations := []string{"", "-", "/a/1.md", "/b/1.md", "/a/feed.xml#1", "/a/feed.xml#2", "/b/feed.xml#1", "https://example.org/x"}
	for round := range 300 {
		var loaded []Loaded
		for _, src := range sources {
			l := Loaded{Source: load.Source{Location: src}}
			for range r.IntN(12) {
				day := r.IntN(3)
				a := art(strconv.Itoa(r.IntN(6)), []string{"", "k1", "k2", "k3"}[r.IntN(4)], locations[r.IntN(len(locations))], day+1)
				if day == 0 {
					a.Date = time.Time{}
				}
				if r.IntN(4) == 0 {
					a.AlsoIn = []string{"/a"}
				}
				l.Articles = append(l.Articles, a)
			}
			loaded = append(loaded, l)
		}
		// The reference: every article, with its source, sorted, then
		// deduped in that order.
		var want []*feed.Article
		origin := map[*feed.Article]string{}
		var copies []Loaded
		for _, l := range loaded {
			c := Loaded{Source: l.Source}
			for _, a := range l.Articles {
				w := *a
				w.AlsoIn = slices.Clone(a.AlsoIn)
				want = append(want, &w)
				origin[&w] = l.Source.Location
				c.Articles = append(c.Articles, a)
			}
			copies = append(copies, c)
		}
		feed.SortNewest(want)
		want = dedupeInOrder(want, origin)
		got, errs := Sync(context.Background(), nil, copies, nil)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if len(got) != len(want) {
			t.Fatalf("round %d: %d articles, want %d", round, len(got), len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.ID != w.ID || g.Key != w.Key || g.Location != w.Location || !g.Date.Equal(w.Date) || !slices.Equal(g.AlsoIn, w.AlsoIn) {
				t.Fatalf("round %d, place %d: %s %s %s also in %q; want %s %s %s also in %q",
					round, i, g.ID, g.Key, g.Location, g.AlsoIn, w.ID, w.Key, w.Location, w.AlsoIn)
			}
		}
	}
}

// dedupeInOrder is Sync's dedupe written as one pass over the sorted
// list: the first article with a key stays, and each later one is listed
// too when it is an item of the same feed, or goes to the first's AlsoIn.
func dedupeInOrder(arts []*feed.Article, origin map[*feed.Article]string) []*feed.Article {
	first := map[string]*feed.Article{}
	var out []*feed.Article
	for _, a := range arts {
		kept, ok := first[a.Key]
		if a.Key == "" || !ok {
			if a.Key != "" {
				first[a.Key] = a
			}
			out = append(out, a)
			continue
		}
		if origin[a] == origin[kept] && !ownFile(a) && !ownFile(kept) {
			out = append(out, a)
			continue
		}
		where := a.Location
		if where == kept.Location || where == "" {
			where = origin[a]
		}
		if where != "" && where != kept.Location && !contains(kept.AlsoIn, where) {
			kept.AlsoIn = append(kept.AlsoIn, where)
		}
	}
	return out
}
