package tui

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
)

// Filters read an entry's packed view, not the article: the view must
// answer every query as the article does. If Query.Match starts reading
// another field, this test fails until the view carries it.
func TestViewMatchesArticle(t *testing.T) {
	arts := append(testArticles(t), synthCorpus(3000)...)
	arts[0].Mentions = []feed.Mention{{Name: "Korea, Republic of", Code: "KR", Score: 1}}
	undated := *arts[1]
	undated.Date = time.Time{}
	arts = append(arts, &undated)
	entries := newEntries(arts, newTagTable())
	queries := []string{
		"olympics", "olympi", `"winter olympics"`, "tag:china", "tag:prc", "-tag:russia", "tag:russia,china",
		`source:"virtual wire"`, "source:desk", "after:2022-01-15", "before:2022-02-01", "-after:2020-01-01",
		"東京", "erdoğan", "tag:elections", "-zyzzyva", "tag:korea",
	}
	for _, qs := range queries {
		for _, detected := range []bool{false, true} {
			q, err := query.Parse(qs)
			if err != nil {
				t.Fatalf("%s: %v", qs, err)
			}
			q.Detected = detected
			n := 0
			for i, e := range entries {
				want := q.Match(arts[i])
				if got := q.Match(e.a); got != want {
					t.Errorf("%s (detected %v): %q: view %v, article %v", qs, detected, arts[i].Title, got, want)
				}
				if want {
					n++
				}
			}
			if qs == "tag:china" && n == 0 {
				t.Error("tag:china matched nothing: the test proves nothing")
			}
		}
	}
}

// The filter gives the same result split among goroutines as in one.
func TestRunFilterParallel(t *testing.T) {
	arts := synthCorpus(50_000)
	tt := newTagTable()
	entries := newEntries(arts, tt)
	q, err := query.Parse("energy -tag:usa")
	if err != nil {
		t.Fatal(err)
	}
	china := tt.byName["China"]
	for _, any := range []bool{false, true} {
		f := filter{text: "energy -tag:usa", query: q, tags: []tagID{china, tt.byName["India"]}, any: any}
		par, ok := runFilter(entries, f, len(tt.infos), nil, 0)
		seq, ok2 := filterChunk(entries, f, len(tt.infos), nil, 0, true)
		if !ok || !ok2 {
			t.Fatal("cancelled")
		}
		if !slices.Equal(par.visible, seq.visible) || !slices.Equal(par.counts, seq.counts) {
			t.Errorf("any %v: parallel %d visible, sequential %d", any, len(par.visible), len(seq.visible))
		}
		if len(par.visible) == 0 || len(par.visible) == len(entries) {
			t.Errorf("any %v: %d of %d visible: the test proves nothing", any, len(par.visible), len(entries))
		}
	}
}

func TestMergeNewest(t *testing.T) {
	arts := synthCorpus(1000)
	tt := newTagTable()
	var odd, even []*feed.Article
	for i, a := range arts {
		if i%3 == 0 {
			odd = append(odd, a)
		} else {
			even = append(even, a)
		}
	}
	m := mergeNewest(newEntries(odd, tt), newEntries(even, tt))
	for i, e := range m {
		if e.a.ID != arts[i].ID {
			t.Fatalf("row %d: %q, want %q", i, e.a.Title, arts[i].Title)
		}
	}
}

// TestMergeNewestGallops checks the galloping merge against a merge that
// compares every entry, on lists of every shape: empty, one side before
// or after the other, batches spread thin through a long list, and runs
// of entries that sort alike, where the old ones come first.
func TestMergeNewestGallops(t *testing.T) {
	naive := func(old, add []*entry) []*entry {
		var out []*entry
		i, j := 0, 0
		for i < len(old) && j < len(add) {
			if newer(add[j], old[i]) < 0 {
				out, j = append(out, add[j]), j+1
			} else {
				out, i = append(out, old[i]), i+1
			}
		}
		return append(append(out, old[i:]...), add[j:]...)
	}
	tt := newTagTable()
	rng := rand.New(rand.NewPCG(7, 7))
	base := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	list := func(n, days int, title string) []*entry {
		arts := make([]*feed.Article, n)
		for i := range arts {
			// Few days and two titles: many entries sort alike but for
			// their IDs, and some not at all.
			arts[i] = &feed.Article{Title: title, Date: base.AddDate(0, 0, rng.IntN(days)), ID: fmt.Sprintf("%s%d", title, rng.IntN(n+1))}
		}
		feed.SortNewest(arts)
		return newEntries(arts, tt)
	}
	for _, c := range []struct{ old, add, days int }{
		{0, 0, 1}, {0, 5, 3}, {5, 0, 3}, {1, 1, 1}, {3000, 7, 3650}, {7, 3000, 3650},
		{5000, 100, 3650}, {2000, 2000, 30}, {500, 500, 1}, {1000, 3, 2},
	} {
		for round := range 5 {
			old, add := list(c.old, c.days, "A"), list(c.add, c.days, []string{"A", "B"}[round%2])
			got, want := mergeNewest(old, add), naive(old, add)
			if !slices.Equal(got, want) {
				t.Fatalf("%d into %d over %d days, round %d: the merges differ", c.add, c.old, c.days, round)
			}
		}
	}
	// Entries that sort alike to the last detail: the old one first.
	same := []*feed.Article{{Title: "A", Date: base, ID: "a"}}
	e, twin := newEntries(same, tt)[0], newEntries(same, tt)[0]
	if got := mergeNewest([]*entry{e}, []*entry{twin}); got[0] != e || got[1] != twin {
		t.Error("of two entries that sort alike, the added one came first")
	}
}

func TestNarrows(t *testing.T) {
	china := []tagID{1}
	tests := []struct {
		old, new string
		want     bool
	}{
		{"olymp", "olympi", false}, // whole words: "olympi" is another word
		{"coal", "coal OR gas", false},
		{"coal ", "coal OR gas", false},
		{"coal OR gas ", "coal OR gas -tag:usa", false},
		{"(coal ", "(coal gas", false},
		{"olymp", "olymp beijing", true},
		{"olymp ", "olymp -tag:russia", true},
		{"tag:china", "tag:china olymp", true},
		{"tag:china ", "tag:china olymp", true},
		{"-olymp", "-olympi", false},
		{"tag:chin", "tag:china", false},
		{"tag", "tag:", false},
		{"olymp", "olym", false},
		{"", "olymp", false},
		{`"winter`, `"winter o`, false},
	}
	for _, tt := range tests {
		got := narrows(filter{text: tt.old}, filter{text: tt.new})
		if got != tt.want {
			t.Errorf("narrows(%q, %q) = %v, want %v", tt.old, tt.new, got, tt.want)
		}
	}
	if narrows(filter{text: "a", tags: china}, filter{text: "ab"}) {
		t.Error("narrows across a change of tags")
	}
	if narrows(filter{text: "a", tags: china, any: true}, filter{text: "ab", tags: china, any: true}) {
		t.Error("narrows in any mode, whose counts need the whole list")
	}
}

// Typing and deleting, with narrowing and the result cache, always leaves
// the list the whole filter would give.
func TestTypingMatchesFullFilter(t *testing.T) {
	arts := synthCorpus(20_000)
	d := newDriver(t, 120, 30, arts, nil)
	check := func(step string) {
		t.Helper()
		q, err := query.Parse(d.m.list.flt.text)
		if err != nil {
			t.Fatal(err)
		}
		f := d.m.list.flt
		f.query = q
		want, _ := runFilter(d.m.list.all, f, len(d.m.tags.infos), nil, 0)
		if !slices.Equal(d.m.list.visible, want.visible) || !slices.Equal(d.m.list.counts, want.counts) {
			t.Fatalf("%s (%q): %d visible, the whole filter gives %d", step, d.m.list.flt.text, len(d.m.list.visible), len(want.visible))
		}
	}
	d.keys("t", "c", "space", "enter") // a tag, so counts matter too
	d.keys("/")
	for _, r := range "energy -tag:usa zürich ex" {
		d.typeText(string(r))
		check("typing " + string(r))
	}
	for range 12 {
		d.keys("backspace")
		check("deleting")
	}
	d.typeText("erd")
	check("typing again")
}

// newer orders entries exactly as feed.Newer orders their articles.
func TestNewerAgreesWithFeed(t *testing.T) {
	arts := synthCorpus(2000)
	arts[3].Date = time.Time{}
	arts[7].Date = time.Time{}
	arts[9].Date = arts[10].Date
	arts[11].Date, arts[11].Title = arts[12].Date, arts[12].Title
	arts[13].Date = time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC)
	arts[14].Date = time.Date(2400, 1, 1, 0, 0, 0, 5, time.UTC)
	// Titles of one day that share their first eight bytes, or are
	// shorter.
	for i, title := range []string{"Breaking news: a", "Breaking news: b", "Breaking", "Brea", "Breaking\x00", ""} {
		arts[15+i].Date, arts[15+i].Title = arts[15].Date, title
	}
	es := newEntries(arts, newTagTable())
	for i := range es {
		for j := range es {
			if i%37 != 0 && j%41 != 0 && i > 20 && j > 20 {
				continue
			}
			want := 0
			switch {
			case feed.Newer(arts[i], arts[j]):
				want = -1
			case feed.Newer(arts[j], arts[i]):
				want = 1
			}
			if got := newer(es[i], es[j]); got != want {
				t.Fatalf("newer(%d, %d) = %d, want %d", i, j, got, want)
			}
		}
	}
}

// TestEntriesHoldNothingOfTheRecord shows that an entry keeps none of the
// memory its article's strings were slices of, as articles decoded from
// the header cache are (feed.DecodeHeadShared): the record is let go, and
// the entry's view still reads as the article.
func TestEntriesHoldNothingOfTheRecord(t *testing.T) {
	a := testArticles(t)[0]
	a.Link = "https://example.org/a"
	a.Refs = []feed.Ref{{N: 1, URL: "https://example.org/1.jpg"}, {N: 2, URL: "https://example.org/page", Kind: feed.RefLink}}
	a.Images = []string{"https://example.org/1.jpg", "https://example.org/2.jpg"}
	rec := string(feed.AppendHead(nil, a))
	b, err := feed.DecodeHeadShared(rec, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Location = a.Location
	start := uintptr(unsafe.Pointer(unsafe.StringData(rec)))
	inRecord := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return len(s) > 0 && p >= start && p < start+uintptr(len(rec))
	}
	if !inRecord(b.ID) || !inRecord(b.Refs[0].URL) {
		t.Fatal("the decoded article does not share its record: the test tests nothing")
	}
	e := newEntries([]*feed.Article{b}, newTagTable())[0]
	v := *e.a
	strs := []string{v.ID, v.Title, v.Source, v.Key, v.Link, v.DateText, v.Format}
	for _, r := range v.Refs {
		strs = append(strs, r.URL)
	}
	strs = append(strs, v.Images...)
	for _, s := range strs {
		if inRecord(s) {
			t.Errorf("the entry holds %q of the record", s)
		}
	}
	if v.ID != a.ID || v.Title != a.Title || v.Source != a.Source || v.Key != a.Key || v.Link != a.Link ||
		!slices.Equal(v.Refs, a.Refs) || !slices.Equal(v.Images, a.Images) {
		t.Errorf("view %+v, want %+v", v, *a)
	}
	if unsafe.StringData(v.Images[0]) != unsafe.StringData(v.Refs[0].URL) {
		t.Error("an image that is a footnote too holds its URL twice")
	}
}

// TestSharedListsFoundAgain holds the lists tagTable.shared gives from
// its recent slots to those a table without them makes: for lists drawn
// again and again, their names sometimes the same strings and sometimes
// copies, colliding in the slots or not.
func TestSharedListsFoundAgain(t *testing.T) {
	pool := []feed.Tag{
		{Name: "Russia", Country: true, Code: "RU"}, {Name: "China", Country: true, Code: "CN"},
		{Name: "Energy"}, {Name: "Georgia", Country: true, Code: "GE"}, {Name: "Georgia"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	tt := newTagTable()
	hits := 0
	for i := range 20000 {
		n := rng.IntN(maxSharedTags + 2)
		tags := make([]feed.Tag, n)
		for k := range tags {
			tags[k] = pool[rng.IntN(len(pool))]
			if rng.IntN(3) == 0 {
				tags[k].Name = strings.Clone(tags[k].Name)
			}
		}
		if n > 0 && slices.Equal(tt.recentFor(tags).tags, tags) {
			hits++
		}
		got, ok := tt.shared(tags)
		var want tagSet
		wantOK := false
		if n <= maxSharedTags {
			want, wantOK = tt.share(tags)
		}
		if ok != wantOK || !slices.Equal(got.tags, want.tags) || !slices.Equal(got.ids, want.ids) {
			t.Fatalf("list %d %v: shared %v %v %v, want %v %v %v", i, tags, got.tags, got.ids, ok, want.tags, want.ids, wantOK)
		}
		for k, id := range got.ids {
			if info := tt.infos[id]; info.name != tags[k].Name || !info.declared {
				t.Fatalf("list %d: tag %d is %+v, want %q declared", i, k, info, tags[k].Name)
			}
		}
	}
	if hits < 1000 {
		t.Errorf("%d lists found in the recent slots: the test proves nothing", hits)
	}
}

// recentFor is the slot of tagTable.recent that tags go to.
func (t *tagTable) recentFor(tags []feed.Tag) tagSet {
	if t.recent == nil {
		return tagSet{}
	}
	return t.recent[recentSlot(tags)]
}
