package query

import (
	"strings"
	"testing"

	"github.com/gazette-news/gazette/feed"
)

// TestMatchFolded checks MatchFolded on the cases where a folded title
// could differ from the title: words within words, diacritics, other
// scripts, phrases, prefixes, title: and a source.
func TestMatchFolded(t *testing.T) {
	as := append(langArticles(),
		&feed.Article{ID: "a", Title: "Zürich talks: Straße and the \u212aelvin ſea", Source: "Café Wire"},
		&feed.Article{ID: "b", Title: "e\u0301 \u0301 coal \u0301 deal", Source: "Москва Daily"},
		&feed.Article{ID: "c", Title: "", Source: ""},
	)
	for _, qs := range []string{
		"zurich", "zürich", "strasse", "kelvin", "sea", "cafe", "wire", "title:wire", "title:zurich",
		"coal", `"coal deal"`, `title:"coal deal"`, "co*", "deal*", "москва", "daily*", "-coal",
		"gas", "gas OR coal", "(coal OR gas) -tag:usa", "~cl", "e", `"talks straße"`, `"straße talks"`,
	} {
		t.Run(qs, func(t *testing.T) {
			q, err := Parse(qs)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				f := Fold(a)
				hit := func(i int) bool { return i%2 == 0 }
				if got, want := q.MatchFolded(a, &f, hit), q.MatchWith(a, hit); got != want {
					t.Errorf("%q on %q: MatchFolded %v, MatchWith %v", qs, a.Title, got, want)
				}
				if got, want := q.MatchFolded(a, &f, nil), q.Match(a); got != want {
					t.Errorf("%q on %q: MatchFolded %v, Match %v", qs, a.Title, got, want)
				}
			}
		})
	}
}

// FuzzMatchFolded checks that matching the folded title and source agrees
// with matching the title and source, for any query and any text.
func FuzzMatchFolded(f *testing.F) {
	f.Add("gas", "Gas and gasoline in Las Vegas", "Wire")
	f.Add(`"coal deal" OR -pipe*`, "a coal deal, a pipeline", "Coal Deal")
	f.Add("東京 OR москв*", "東京で Москве", "")
	f.Add(`title:"e e"`, "e \u0301 e", "e e")
	f.Add("k* s", "\u212a \u017f", "K S")
	f.Fuzz(func(t *testing.T, qs, title, source string) {
		q, err := Parse(qs)
		if err != nil {
			return
		}
		a := &feed.Article{ID: "x", Title: feed.SanitizeLine(title), Source: feed.SanitizeLine(source)}
		fd := Fold(a)
		for _, hit := range []func(int) bool{
			func(int) bool { return false },
			func(i int) bool { return i%2 == 1 },
		} {
			if got, want := q.MatchFolded(a, &fd, hit), q.MatchWith(a, hit); got != want {
				t.Errorf("%q over %q / %q: MatchFolded %v, MatchWith %v (folded %q)", qs, a.Title, a.Source, got, want, strings.ReplaceAll(fd.text, "\x01", "␁"))
			}
		}
	})
}
