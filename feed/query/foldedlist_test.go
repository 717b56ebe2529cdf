package query

import (
	"context"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gazette-news/gazette/feed"
)

// TestAnchor checks which term a query requires, and that a query that
// requires none says so.
func TestAnchor(t *testing.T) {
	for _, c := range []struct {
		q    string
		leaf int
		ok   bool
	}{
		{"gas", 0, true},
		{"gas tag:russia", 0, true},
		{"tag:russia gas after:2022-01-01", 0, true},
		{"coal gasoline", 1, true}, // the longer word, leaf 1
		{`"coal deal" gas`, 0, true},
		{"title:gas", -1, true},
		{"title:gas pipeline", 0, true}, // "pipeline" is longer
		{"pipe* -gas", 0, true},
		{"gas OR coal", 0, false},
		{"(gas OR coal) -tag:usa", 0, false},
		{"-gas", 0, false},
		{"-(gas coal)", 0, false},
		{"~gas", 0, false},
		{"tag:russia", 0, false},
		{"", 0, false},
	} {
		q, err := Parse(c.q)
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		leaf, ok := q.Anchor()
		if ok != c.ok || ok && leaf != c.leaf {
			t.Errorf("%q: Anchor() = %d, %v; want %d, %v", c.q, leaf, ok, c.leaf, c.ok)
		}
	}
}

// foldArts are the articles the tests of FoldList fold: words inside
// longer ones, an empty title and source, Cyrillic.
var foldArts = []*feed.Article{
	{Title: "Gas deal signed", Source: "Wire"},
	{Title: "Coal talks", Source: "Gas Daily"},
	{Title: "Las Vegas gasoline prices", Source: "Desk"},
	{Title: "Pipeline news", Source: "Wire"},
	{Title: "", Source: ""},
	{Title: "Москва и газ", Source: "ТАСС"},
}

// TestFoldList checks that a folded list holds each article as Fold
// folds it, and finds the articles whose titles or sources hold a word,
// with words that only contain it among them.
func TestFoldList(t *testing.T) {
	arts := foldArts
	l := FoldList(context.Background(), len(arts), func(i int) *feed.Article { return arts[i] }, nil)
	if l.Len() != len(arts) {
		t.Fatalf("Len() = %d, want %d", l.Len(), len(arts))
	}
	for i, a := range arts {
		if got, want := *l.At(i), Fold(a); got != want {
			t.Errorf("article %d: %q, Fold gives %q", i, got.text, want.text)
		}
	}
	within := func(qs string) []int {
		q, err := Parse(qs)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		l.Within(q, func(i int) { got = append(got, i) })
		return got
	}
	for qs, want := range map[string][]int{
		"gas":           {0, 1, 2}, // 2 holds "gas" in "vegas" and "gasoline"
		"GAS tag:x":     {0, 1, 2},
		"газ":           {5},
		"москва":        {5},
		`"deal signed"`: {0},
		"wire":          {0, 3},
		"nothing":       nil,
		"gas OR coal":   nil, // no anchor
	} {
		if got := within(qs); !slices.Equal(got, want) {
			t.Errorf("Within(%q) = %v, want %v", qs, got, want)
		}
	}
	// Many articles, each at its place.
	many := make([]*feed.Article, 5000)
	for i := range many {
		many[i] = arts[i%len(arts)]
	}
	l = FoldList(context.Background(), len(many), func(i int) *feed.Article { return many[i] }, nil)
	for i, a := range many {
		if got, want := *l.At(i), Fold(a); got != want {
			t.Fatalf("article %d of %d: %q, Fold gives %q", i, len(many), got.text, want.text)
		}
	}
	q, _ := Parse("газ")
	n := 0
	l.Within(q, func(i int) {
		if many[i] != arts[5] {
			t.Fatalf("Within(газ) found article %d, %q", i, many[i].Title)
		}
		n++
	})
	if want := len(many) / len(arts); n != want && n != want+1 {
		t.Errorf("Within(газ) found %d articles of %d, want %d", n, len(many), want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if l := FoldList(ctx, 5000, func(int) *feed.Article { return arts[0] }, nil); l != nil {
		t.Error("FoldList went on with its context done")
	}
}

// TestWithinStretches checks that a list long enough to be looked
// through a stretch per core gives every article it holds a word in, in
// order, once, whatever the number of cores.
func TestWithinStretches(t *testing.T) {
	arts := []*feed.Article{
		{Title: "Gas deal signed in Samarkand", Source: "Wire"},
		{Title: "Coal talks", Source: "Desk"},
		{Title: "Samarkand", Source: "Samarkand Daily"},
		{Title: "Pipeline news", Source: "Wire"},
		{Title: "samarkan", Source: "d"},
	}
	many := make([]*feed.Article, 41*foldListPart+7)
	var want []int
	for i := range many {
		many[i] = arts[i%len(arts)]
		if i%len(arts) == 0 || i%len(arts) == 2 {
			want = append(want, i)
		}
	}
	l := FoldList(context.Background(), len(many), func(i int) *feed.Article { return many[i] }, nil)
	q, _ := Parse("samarkand")
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(procs)
		var got []int
		l.Within(q, func(i int) { got = append(got, i) })
		if !slices.Equal(got, want) {
			t.Errorf("%d cores: Within found %d articles, want %d, in order", procs, len(got), len(want))
		}
	}
}

// FuzzWithin checks Within against MatchFolded: every article whose title
// or source satisfies the query, its body holding nothing, is among those
// Within finds.
func FuzzWithin(f *testing.F) {
	f.Add("gas", "Gas and gasoline", "Las Vegas", "Wire")
	f.Add(`"coal deal" tag:x`, "a coal deal", "no coal, deal", "Coal Deal")
	f.Add("title:東京 -x", "東京で", "x", "")
	f.Add("k* s", "\u212a \u017f", "K S", "")
	f.Fuzz(func(t *testing.T, qs, t1, t2, source string) {
		q, err := Parse(qs)
		if err != nil {
			return
		}
		arts := []*feed.Article{
			{Title: feed.SanitizeLine(t1), Source: feed.SanitizeLine(source)},
			{Title: feed.SanitizeLine(t2), Source: feed.SanitizeLine(source)},
			{Title: feed.SanitizeLine(t1 + " " + t2)},
		}
		l := FoldList(context.Background(), len(arts), func(i int) *feed.Article { return arts[i] }, nil)
		found := make([]bool, len(arts))
		l.Within(q, func(i int) { found[i] = true })
		_, anchored := q.Anchor()
		for i, a := range arts {
			if got, want := *l.At(i), Fold(a); got != want {
				t.Fatalf("article %d folded %q, Fold gives %q", i, got.text, want.text)
			}
			if anchored && !found[i] && q.MatchFolded(a, l.At(i), func(int) bool { return false }) {
				t.Errorf("%q matches %q / %q, but Within passed it over", qs, a.Title, a.Source)
			}
		}
	})
}

// BenchmarkFoldList measures folding the titles and sources of 100,000
// articles into one list, as the reader does once its list is loaded.
func BenchmarkFoldList(b *testing.B) {
	words := []string{"Beijing", "signs", "long-term", "coal", "deal", "as", "winter", "demand", "peaks",
		"Москва", "talks", "Samarkand", "pipeline", "Kremlin", "Putin's", "Gas", "officials"}
	arts := make([]*feed.Article, 100000)
	for i := range arts {
		var t []byte
		for j := range 9 {
			if j > 0 {
				t = append(t, ' ')
			}
			t = append(t, words[(i*7+j*13)%len(words)]...)
		}
		arts[i] = &feed.Article{Title: string(t), Source: "Virtual Wire"}
	}
	b.ReportAllocs()
	for b.Loop() {
		FoldList(context.Background(), len(arts), func(i int) *feed.Article { return arts[i] }, nil)
	}
}

// TestIndexAt checks indexAt against strings.Index, looking for the byte
// at each place of the word in turn, over texts of a few letters, where
// every letter comes often and near misses abound.
func TestIndexAt(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abc\x00"[r.IntN(4)]
		}
		return string(b)
	}
	for range 20000 {
		text, w := word(r.IntN(40)), word(1+r.IntN(5))
		for rare := range len(w) {
			if got, want := indexAt(text, w, rare), strings.Index(text, w); got != want {
				t.Fatalf("indexAt(%q, %q, %d) = %d, strings.Index gives %d", text, w, rare, got, want)
			}
		}
	}
}

// FuzzIndexAt checks indexAt against strings.Index.
func FuzzIndexAt(f *testing.F) {
	f.Add("samarkand talks in samarkand", "samarkand", uint8(5))
	f.Add("kkk", "kk", uint8(1))
	f.Add("", "x", uint8(0))
	f.Fuzz(func(t *testing.T, text, want string, at uint8) {
		if want == "" {
			return
		}
		rare := int(at) % len(want)
		if got, w := indexAt(text, want, rare), strings.Index(text, want); got != w {
			t.Errorf("indexAt(%q, %q, %d) = %d, strings.Index gives %d", text, want, rare, got, w)
		}
	})
}

// TestRarest checks that Within looks for the word's byte its list holds
// fewest of, and leaves a word of common bytes to strings.Index.
func TestRarest(t *testing.T) {
	arts := make([]*feed.Article, 100)
	for i := range arts {
		arts[i] = &feed.Article{Title: "sea seas ease", Source: "wire"}
	}
	arts[0].Title = "a kayak"
	l := FoldList(context.Background(), len(arts), func(i int) *feed.Article { return arts[i] }, nil)
	if rare, ok := l.rarest("seek"); rare != 3 || !ok {
		t.Errorf(`rarest("seek") = %d, %v; want 3 ("k"), true`, rare, ok)
	}
	if _, ok := l.rarest("sea"); ok {
		t.Error(`rarest("sea") would look for a byte of every few in the list`)
	}
	if rare, ok := l.rarest("zsea"); rare != 0 || !ok {
		t.Errorf(`rarest("zsea") = %d, %v; want 0 ("z", which the list lacks), true`, rare, ok)
	}
}

// TestFoldListHelped checks that a list folded with a helper, from the
// start, from its middle or never, is the list folded alone: the same
// text for every article, and the same byte counts for Within.
func TestFoldListHelped(t *testing.T) {
	arts := foldArts
	many := make([]*feed.Article, 40*foldListPart+7)
	for i := range many {
		many[i] = arts[i%len(arts)]
	}
	alone := FoldList(context.Background(), len(many), func(i int) *feed.Article { return many[i] }, nil)
	same := func(name string, l *FoldedList) {
		t.Helper()
		if l == nil || l.Len() != alone.Len() {
			t.Fatalf("%s: a list of %v", name, l)
		}
		for i := range many {
			if *l.At(i) != *alone.At(i) {
				t.Fatalf("%s: article %d is %q, alone %q", name, i, l.At(i).text, alone.At(i).text)
			}
		}
		if l.freq != alone.freq {
			t.Errorf("%s: the byte counts differ", name)
		}
	}
	open := make(chan struct{})
	close(open)
	same("helped from the start", FoldList(context.Background(), len(many), func(i int) *feed.Article { return many[i] }, open))
	same("never helped", FoldList(context.Background(), len(many), func(i int) *feed.Article { return many[i] }, make(chan struct{})))
	var seen atomic.Int64
	half := make(chan struct{})
	same("helped from its middle", FoldList(context.Background(), len(many), func(i int) *feed.Article {
		if seen.Add(1) == int64(len(many)) {
			close(half)
		}
		return many[i]
	}, half))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if l := FoldList(ctx, len(many), func(i int) *feed.Article { return many[i] }, open); l != nil {
		t.Error("FoldList went on with its context done")
	}
}
