package query

import (
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
)

func TestMayMatch(t *testing.T) {
	none := func(int) bool { return false }
	all := func(int) bool { return true }
	tests := []struct {
		query, title, source string
		body                 func(int) bool
		want                 bool
	}{
		{"gas", "Coal deal", "Wire", none, false},
		{"gas", "Coal deal", "Wire", all, true},
		{"gas", "Gas deal", "Wire", none, true},
		{"gas", "Coal deal", "Gas Daily", none, true},
		{"title:gas", "Coal deal", "Wire", all, false},
		{"title:gas", "Gas deal", "Wire", none, true},
		// Fields that are not known may make the query hold.
		{"tag:russia", "Coal deal", "Wire", none, true},
		{"is:unread", "Coal deal", "Wire", none, true},
		{"gas tag:russia", "Coal deal", "Wire", none, false},
		{"gas tag:russia", "Coal deal", "Wire", all, true},
		{"gas OR tag:russia", "Coal deal", "Wire", none, true},
		{"gas OR after:2022-01-01", "Coal deal", "Wire", none, true},
		// Negations of known terms are known.
		{"-gas", "Coal deal", "Wire", none, true},
		{"-gas", "Coal deal", "Wire", all, false},
		{"coal -title:deal", "Coal deal", "Wire", all, false},
		{"-(gas -tag:russia)", "Coal deal", "Wire", all, true},
		{"~cld", "Coal deal", "Wire", none, true},
		{"~xyz", "Coal deal", "Wire", all, false},
		{"(coal OR gas) -tag:usa", "Pipeline", "Wire", none, false},
		{"", "Pipeline", "Wire", none, true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, err := Parse(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			if got := q.MayMatch(tt.title, tt.source, tt.body); got != tt.want {
				t.Errorf("MayMatch(%q, %q) = %v, want %v", tt.title, tt.source, got, tt.want)
			}
		})
	}
}

// FuzzMayMatch checks that MayMatch never rules out an article that
// matches: whatever its other fields hold, an article MatchWith accepts
// is one MayMatch says may match.
func FuzzMayMatch(f *testing.F) {
	f.Add("gas tag:russia", "Gas and gasoline", "Wire", "Russia", true, false, int64(1642377600))
	f.Add(`-(coal OR "gas deal") is:read`, "a coal deal", "Coal", "China", false, true, int64(0))
	f.Add("~rss OR -after:2022-01-02 source:wire", "Russia", "Wire", "", true, true, int64(1642377600))
	f.Add("-title:x -y", "x", "y", "x", false, false, int64(-1))
	f.Fuzz(func(t *testing.T, qs, title, source, tag string, read, starred bool, unix int64) {
		q, err := Parse(qs)
		if err != nil {
			return
		}
		a := &feed.Article{
			ID:     "x",
			Title:  feed.SanitizeLine(title),
			Source: feed.SanitizeLine(source),
			State:  feed.State{Read: read, Starred: starred},
		}
		if tg, ok := feed.MakeTag(tag); ok {
			a.Tags = []feed.Tag{tg}
		}
		if unix != 0 {
			a.Date = time.Unix(unix%(1<<40), 0).UTC()
		}
		for _, hit := range []func(int) bool{
			func(int) bool { return false },
			func(int) bool { return true },
			func(i int) bool { return i%2 == 1 },
		} {
			if q.MatchWith(a, hit) && !q.MayMatch(a.Title, a.Source, hit) {
				t.Errorf("%q over %+v: MatchWith holds, MayMatch rules it out", qs, a)
			}
		}
	})
}

// BenchmarkMayMatch measures what a search of an unchanged directory pays
// per article before the index's answer: a word looked for in the title
// and the source.
func BenchmarkMayMatch(b *testing.B) {
	as := benchArticles(100_000)
	none := func(int) bool { return false }
	for _, query := range []string{"samarkand", "olympics", "gas", "title:winter"} {
		q, err := Parse(query)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(query, func(b *testing.B) {
			for b.Loop() {
				for _, a := range as {
					q.MayMatch(a.Title, a.Source, none)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(as)), "ns/article")
		})
	}
}
