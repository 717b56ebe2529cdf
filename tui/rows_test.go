package tui

import (
	"context"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
)

// TestFilterByRows checks that once the index is built, a body word is
// answered over the entries' rows, with the same list as the answer by
// keys; and that entries added since (here an article of the same story
// from another file, and one no index holds) are bound in the next run,
// which agrees with the keys again.
func TestFilterByRows(t *testing.T) {
	ctx := context.Background()
	f := loadArticles(t)
	heads := f.heads
	d := f.loaded(t)
	if !d.m.index.searcher.Bound(d.m.list.nextRow) {
		t.Fatal("the rows are not bound once the index is built")
	}

	check := func(t *testing.T, text string) {
		t.Helper()
		d.keys("/")
		d.typeText(text)
		f := d.m.list.flt
		if f.rowHits == nil || f.hits != nil {
			t.Fatalf("%q: not answered over rows (rows %v, keys %v)", text, f.rowHits != nil, f.hits != nil)
		}
		got := d.m.list.visible
		q, err := query.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		byKeys := f
		byKeys.rowHits = nil
		byKeys.hits, err = d.m.index.searcher.Find(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := runFilter(d.m.list.all, byKeys, len(d.m.list.tags.infos), nil, 0)
		if !slices.Equal(got, want.visible) {
			t.Errorf("%q: %d rows by rows, %d by keys", text, len(got), len(want.visible))
		}
		if len(got) == 0 || len(got) == len(d.m.list.all) {
			t.Errorf("%q: %d of %d rows: the test proves nothing", text, len(got), len(d.m.list.all))
		}
		d.keys("esc")
	}
	for _, text := range []string{"officials", "officials -tag:russia", "talks OR officials"} {
		t.Run(text, func(t *testing.T) { check(t, text) })
	}

	// The same story from another file, and an article no index holds,
	// added after the build.
	same := *heads[0]
	same.Location = "elsewhere/" + filepath.Base(heads[0].Location)
	other := &feed.Article{Title: "Officials meet", Key: "k:new", Location: "nowhere.txt", Source: "Desk"}
	d.send(loadBatchMsg{arts: []*feed.Article{&same, other}})
	if d.m.index.searcher.Bound(d.m.list.nextRow) {
		t.Fatal("new rows bound before any run")
	}
	t.Run("added", func(t *testing.T) { check(t, "officials") })
}

// TestLateMentionsWithoutCopy checks that a query that names a tag, in
// any case and negated too, still sees the countries detected late,
// which the entry's view lacks, while one without a tag: term matches
// the view as it is.
func TestLateMentionsWithoutCopy(t *testing.T) {
	a := &feed.Article{Title: "Talks in Tashkent", Key: "k", Undetected: true, Date: time.Date(2022, 1, 2, 0, 0, 0, 0, time.UTC)}
	tt := newTagTable()
	e := newEntries([]*feed.Article{a}, tt)[0]
	e.late.Store(&detection{mentions: []feed.Mention{{Name: "Uzbekistan", Code: "UZ", Score: 1}}})
	for _, c := range []struct {
		text string
		want bool
	}{
		{"tag:uzbekistan", true},
		{"TAG:Uzbekistan", true},
		{"-tag:uzbekistan", false},
		{"talks -Tag:uzbekistan", false},
		{"talks", true},
		{"tashkent -talks", false},
	} {
		t.Run(c.text, func(t *testing.T) {
			q, err := query.Parse(c.text)
			if err != nil {
				t.Fatal(err)
			}
			q.Detected = true
			f := filter{text: c.text, query: q, detected: true, noTags: !mayTestTags(c.text)}
			var scratch matchScratch
			if got := f.matchQuery(e, &scratch); got != c.want {
				t.Errorf("%q matches %v, want %v", c.text, got, c.want)
			}
		})
	}
}

// TestPackedMentions checks that an entry keeps the countries detected
// at load as their codes, not as the view's Mentions, unless the country
// table would not give a mention back from its code; and that a query
// that names a tag matches the entry exactly as it matches the article.
func TestPackedMentions(t *testing.T) {
	date := time.Date(2022, 1, 2, 0, 0, 0, 0, time.UTC)
	arts := []*feed.Article{
		// Declares no country: the detected ones stand in.
		{Title: "Gas talks", Key: "a", Date: date, Mentions: []feed.Mention{{Name: "Russia", Code: "RU", Score: 5}, {Name: "China", Code: "CN", Score: 2}}},
		// Declares one: the detected ones count with detected only.
		{Title: "Coal deal", Key: "b", Date: date, Tags: []feed.Tag{{Name: "Iran", Code: "IR", Country: true}},
			Mentions: []feed.Mention{{Name: "Iran", Code: "IR", Score: 3}, {Name: "France", Code: "FR", Score: 1}}},
		// A mention the table does not give back from its code.
		{Title: "Odd", Key: "c", Date: date, Mentions: []feed.Mention{{Name: "Atlantis", Code: "AT", Score: 1}}},
		{Title: "Bare", Key: "d", Date: date},
	}
	orig := make([]feed.Article, len(arts))
	for i, a := range arts {
		orig[i] = *a
	}
	es := newEntries(arts, newTagTable())
	for i, want := range []struct {
		codes string
		kept  bool
	}{{"RUCN", false}, {"IRFR", false}, {"", true}, {"", false}} {
		if es[i].mentionCodes != want.codes || (es[i].a.Mentions != nil) != want.kept {
			t.Errorf("%s: codes %q, view mentions %v; want %q, kept %v", orig[i].Title, es[i].mentionCodes, es[i].a.Mentions, want.codes, want.kept)
		}
	}
	if got := appendMentions(nil, es[0].mentionCodes); !slices.Equal(got, []feed.Mention{{Name: "Russia", Code: "RU"}, {Name: "China", Code: "CN"}}) {
		t.Errorf("mentions given back: %v", got)
	}
	matchesAsArticles(t, es, orig)
}

// TestDetectionWaitsForTyping checks what a chunk of the detection waits
// for: the index build's preparation, and a pause in the keys; and that
// a done context ends either wait.
func TestDetectionWaitsForTyping(t *testing.T) {
	ready := make(chan struct{})
	close(ready)
	keyAt := new(atomic.Int64)
	// Ready, and no key yet: no wait.
	detectPause(context.Background(), ready, keyAt)
	detectPause(context.Background(), nil, nil)

	// A key just now: the wait lasts until the context is done.
	keyAt.Store(time.Now().UnixNano())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	detectPause(ctx, ready, keyAt)
	if ctx.Err() == nil {
		t.Error("the detection went on right after a key")
	}

	// Not ready: the wait lasts until the context is done.
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	detectPause(ctx, make(chan struct{}), new(atomic.Int64))
	if ctx.Err() == nil {
		t.Error("the detection went on before the index build was ready")
	}
}

// TestPackedLateMentions checks that countries detected in the background
// are kept as their codes when the table gives each back from its code,
// and whole otherwise, and that a query that names a tag matches the
// entry as it matches the article detected whole.
func TestPackedLateMentions(t *testing.T) {
	date := time.Date(2022, 1, 2, 0, 0, 0, 0, time.UTC)
	found := [][]feed.Mention{
		{{Name: "Russia", Code: "RU", Score: 5}, {Name: "China", Code: "CN", Score: 2}},
		{{Name: "Iran", Code: "IR", Score: 3}, {Name: "France", Code: "FR", Score: 1}},
		{{Name: "Atlantis", Code: "AT", Score: 1}},
		nil,
	}
	arts := []*feed.Article{
		{Title: "Gas talks", Key: "a", Date: date, Undetected: true},
		{Title: "Coal deal", Key: "b", Date: date, Undetected: true, Tags: []feed.Tag{{Name: "Iran", Code: "IR", Country: true}}},
		{Title: "Odd", Key: "c", Date: date, Undetected: true},
		{Title: "Bare", Key: "d", Date: date, Undetected: true},
	}
	whole := make([]feed.Article, len(arts))
	for i, a := range arts {
		whole[i] = *a
		whole[i].Mentions, whole[i].Undetected = found[i], false
	}
	l := listModel{common: &common{tags: newTagTable()}, rows: map[*entry]string{}}
	es := newEntries(arts, l.tags)
	l.applyDetected(es, found)
	for i, want := range []struct {
		codes string
		kept  bool
		ids   int
	}{{"RUCN", false, 2}, {"IRFR", false, 1}, {"", true, 1}, {"", false, 0}} {
		d := es[i].late.Load()
		if d.codes != want.codes || (d.mentions != nil) != want.kept || len(d.ids) != want.ids {
			t.Errorf("%s: codes %q, mentions %v, ids %v; want %q, kept %v, %d ids", arts[i].Title, d.codes, d.mentions, d.ids, want.codes, want.kept, want.ids)
		}
	}
	matchesAsArticles(t, es, whole)
}

// matchesAsArticles checks that queries naming tags, with and without
// detected countries, match each entry of es as they match the article
// arts holds at its place.
func matchesAsArticles(t *testing.T, es []*entry, arts []feed.Article) {
	t.Helper()
	var scratch matchScratch
	for _, text := range []string{"tag:russia", "tag:china -tag:russia", "tag:france", "tag:iran", "tag:atlantis", "-tag:china", "tag:russia OR tag:france", "gas", "is:unread tag:china"} {
		for _, detected := range []bool{false, true} {
			q, err := query.Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			q.Detected = detected
			f := filter{text: text, query: q, detected: detected, isTerms: mayTestState(text), noTags: !mayTestTags(text)}
			for i, e := range es {
				if got, want := f.matchQuery(e, &scratch), q.Match(&arts[i]); got != want {
					t.Errorf("%q (detected %v) on %q: %v, want %v", text, detected, arts[i].Title, got, want)
				}
			}
		}
	}
}
