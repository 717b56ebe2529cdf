package feed

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestSortNewestAgreesWithNewer shows that SortNewest, which compares
// dates it takes out beforehand, orders as Newer does, over articles
// made to tie on every field in turn: undated, equal instants in other
// zones, equal titles or titles equal in their first eight bytes, equal
// locations; and in lists long enough to be sorted in two halves.
func TestSortNewestAgreesWithNewer(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	east := time.FixedZone("E", 3600)
	base := time.Date(2022, 1, 17, 12, 0, 0, 0, time.UTC)
	dates := []time.Time{{}, base, base.In(east), base.Add(time.Nanosecond), base.Add(-time.Hour), time.Date(1, 1, 1, 0, 0, 0, 0, east)}
	titles := []string{"", "a", "b", "Breaking", "Breaking news: a", "Breaking news: b", "Breaking\x00", "Brea"}
	for round := range 204 {
		n := r.IntN(60)
		if round >= 200 {
			// Long enough to be sorted in two halves and merged.
			n = sortInTwo + r.IntN(3*sortInTwo)
		}
		arts := make([]*Article, n)
		for i := range arts {
			arts[i] = &Article{
				Date:     dates[r.IntN(len(dates))],
				Title:    titles[r.IntN(len(titles))],
				Location: []string{"x", "y"}[r.IntN(2)],
				seq:      r.Int32N(3),
				ID:       string(rune('A' + r.IntN(26))),
			}
		}
		want := slices.Clone(arts)
		slices.SortStableFunc(want, func(a, b *Article) int {
			switch {
			case Newer(a, b):
				return -1
			case Newer(b, a):
				return 1
			}
			return 0
		})
		SortNewest(arts)
		for i := range arts {
			if Newer(arts[i], want[i]) || Newer(want[i], arts[i]) {
				t.Fatalf("round %d: place %d holds %+v, want %+v", round, i, arts[i], want[i])
			}
		}
	}
}

// BenchmarkSortNewest sorts 100,000 articles of a few thousand dates, in
// the order a load delivers them (none), with titles of a few words, many
// of them sharing their first.
func BenchmarkSortNewest(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2022, 1, 17, 0, 0, 0, 0, time.UTC)
	words := []string{"Russia", "China", "Beijing", "Moscow", "talks", "signs", "deal", "on", "gas", "coal", "summit", "after"}
	arts := make([]*Article, 100000)
	for i := range arts {
		title := words[r.IntN(4)]
		for range 2 + r.IntN(5) {
			title += " " + words[r.IntN(len(words))]
		}
		arts[i] = &Article{Date: base.AddDate(0, 0, -r.IntN(3000)), Title: title}
	}
	work := make([]*Article, len(arts))
	for b.Loop() {
		copy(work, arts)
		SortNewest(work)
	}
}
