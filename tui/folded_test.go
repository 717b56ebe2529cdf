package tui

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
)

// TestFilterNarrowed checks that a query that requires a word, answered
// by the index over rows or by keys, gives through the folded list the
// same rows and counts as the whole list filtered entry by entry, having
// matched fewer entries; and that a query that requires no word, or a
// list that is not the one folded, is filtered whole.
func TestFilterNarrowed(t *testing.T) {
	ctx := context.Background()
	f := loadArticles(t)
	d := f.loaded(t)
	fl := loadFolded(d.m.index.folded)
	if fl == nil {
		t.Fatal("the list was not folded once loaded")
	}
	all, version, ntags := d.m.list.all, d.m.list.version, len(d.m.list.tags.infos)
	for i, e := range all {
		if e.foldedView() != fl.text.At(i) {
			t.Fatalf("entry %d does not hold its part of the folded list", i)
		}
	}
	// The keys' hashes serve an index whose rows are not bound, and are
	// made when one first answers.
	if fl.keys != nil {
		t.Error("the fold hashed the keys, before any answer by keys")
	}
	if e := newEntries(f.heads[:1], newTagTable())[0]; e.foldedView() != nil {
		t.Error("an entry outside the folded list holds a fold of its own")
	}

	same := func(t *testing.T, text string, flt filter) {
		t.Helper()
		may, ok := fl.narrow(all, version, flt)
		if !ok {
			t.Fatalf("%q: not narrowed", text)
		}
		if len(may) >= len(all) {
			t.Errorf("%q: narrowed to %d of %d entries", text, len(may), len(all))
		}
		got, _ := runFilter(may, flt, ntags, nil, 0)
		want, _ := runFilter(all, flt, ntags, nil, 0)
		if !slices.Equal(got.visible, want.visible) || !slices.Equal(got.counts, want.counts) ||
			!slices.Equal(got.detected, want.detected) || !slices.Equal(got.unread, want.unread) {
			t.Errorf("%q: narrowed gives %d rows, counts %v; whole %d rows, counts %v",
				text, len(got.visible), got.counts, len(want.visible), want.counts)
		}
		if len(want.visible) == 0 {
			t.Errorf("%q: no rows: the test proves nothing", text)
		}
	}
	for _, text := range []string{
		"officials", "officials -tag:russia", "offic*", "title:talks", "talks tag:china",
		`"officials said"`, "officials after:2022-01-01",
	} {
		t.Run(text, func(t *testing.T) {
			d.keys("/")
			d.typeText(text)
			flt := d.m.list.flt
			d.keys("esc")
			q, err := query.Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			if q.NeedsBody() && flt.rowHits == nil {
				t.Fatalf("%q: not answered over rows", text)
			}
			same(t, text, flt)
			if q.NeedsBody() {
				byKeys := flt
				byKeys.rowHits = nil
				if byKeys.hits, err = d.m.index.searcher.Find(ctx, q); err != nil {
					t.Fatal(err)
				}
				same(t, text+" (by keys)", byKeys)
			}
		})
	}

	for _, text := range []string{"talks OR officials", "-officials", "tag:russia", "~tlks"} {
		d.keys("/")
		d.typeText(text)
		flt := d.m.list.flt
		d.keys("esc")
		if _, ok := fl.narrow(all, version, flt); ok {
			t.Errorf("%q requires no word, yet was narrowed", text)
		}
	}
	d.keys("/")
	d.typeText("officials")
	flt := d.m.list.flt
	d.keys("esc")
	if _, ok := fl.narrow(all, version+1, flt); ok {
		t.Error("another version of the list was narrowed")
	}
	if _, ok := fl.narrow(slices.Clone(all), version, flt); ok {
		t.Error("a list that was not folded was narrowed")
	}
	if _, ok := (*foldedList)(nil).narrow(all, version, flt); ok {
		t.Error("a list never folded was narrowed")
	}
}

// TestRefoldAfterReload checks that a reload that changes the list folds
// it again, so that a required word still narrows the new list, with
// the article the reload brought among its entries.
func TestRefoldAfterReload(t *testing.T) {
	d := loadArticles(t).loaded(t)
	before := loadFolded(d.m.index.folded)
	if before == nil {
		t.Fatal("the list was not folded once loaded")
	}
	added := &feed.Article{ID: "new", Title: "Officials meet in Tashkent", Key: "k:new", Location: "new.txt", Source: "Desk"}
	d.send(reloadDoneMsg{keep: d.m.list.all, arts: []*feed.Article{added}, fresh: map[string]bool{}})
	after := loadFolded(d.m.index.folded)
	if after == nil || after == before || after.version != d.m.list.version {
		t.Fatalf("the list was not folded again after the reload (version %d)", d.m.list.version)
	}
	d.keys("/")
	d.typeText("tashkent")
	flt := d.m.list.flt
	d.keys("esc")
	may, ok := after.narrow(d.m.list.all, d.m.list.version, flt)
	if !ok {
		t.Fatal("the reloaded list was not narrowed")
	}
	if !slices.ContainsFunc(may, func(e *entry) bool { return e.a.ID == "new" }) {
		t.Error("the article the reload brought is not among the entries that may match")
	}
	if got := d.m.list.visible; !slices.ContainsFunc(got, func(e *entry) bool { return e.a.ID == "new" }) {
		t.Errorf("the filter lists %d rows without the article the reload brought", len(got))
	}
}

// TestRefoldStopsTheOneBefore checks that of two folds started one after
// the other, the first is stopped and leaves the list the second made.
func TestRefoldStopsTheOneBefore(t *testing.T) {
	d := loadArticles(t).loaded(t)
	first := d.m.refold()
	d.m.list.version++
	second := d.m.refold()
	if first == nil || second == nil {
		t.Fatal("no fold started")
	}
	second()
	want := loadFolded(d.m.index.folded)
	if want == nil || want.version != d.m.list.version {
		t.Fatal("the second fold left no list of its version")
	}
	first()
	if got := loadFolded(d.m.index.folded); got != want {
		t.Errorf("the first fold, stopped, replaced the second's list (version %d)", got.version)
	}
	for i, e := range want.all {
		if e.foldedView() != want.text.At(i) {
			t.Fatalf("the first fold, stopped, still folded entry %d", i)
		}
	}
}

// TestStoreFoldedKeepsTheNewest checks that a fold of an older version of
// the list, the index build's as a refresh's, never replaces a newer one.
func TestStoreFoldedKeepsTheNewest(t *testing.T) {
	var p atomic.Pointer[foldedList]
	older, newer := &foldedList{version: 1}, &foldedList{version: 2}
	storeFolded(&p, nil)
	if p.Load() != nil {
		t.Fatal("a stopped fold was stored")
	}
	storeFolded(&p, newer)
	storeFolded(&p, older)
	if p.Load() != newer {
		t.Errorf("version %d replaced version 2", p.Load().version)
	}
	newest := &foldedList{version: 3}
	storeFolded(&p, newest)
	if p.Load() != newest {
		t.Error("a newer fold was not stored")
	}
}
