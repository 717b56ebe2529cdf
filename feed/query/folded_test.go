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

// foldedByTokens is appendFolded the long way, token by token: the
// folded text it must give, whichever way it takes through a text.
func foldedByTokens(s string) string {
	var toks []string
	for i := 0; i < len(s); {
		start, end := nextToken(s, i)
		if start >= len(s) {
			break
		}
		i = end
		tok := string(fold(nil, s[start:end]))
		if tok == "" {
			tok = emptyToken
		}
		toks = append(toks, tok)
	}
	return strings.Join(toks, " ")
}

// FuzzAppendFolded checks that appendFolded, which folds ASCII tokens a
// byte at a time, folds every text as the tokenizer does token by token:
// ASCII tokens that run on into letters, marks, punctuation or broken
// bytes, and tokens that fold to nothing.
func FuzzAppendFolded(f *testing.F) {
	for _, s := range []string{
		"Putin's talks", "Putin’s talks", "Zürich", "Cafe\u0301 au lait", "e\u0301 \u0301 coal",
		"ab東京cd", "K\u212aelvin", "x\xffy", "  lead  and trail  ", "A-B_C.D", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := foldedByTokens(s)
		if got := string(appendFolded(nil, s)); got != want {
			t.Fatalf("appendFolded(%q) = %q, token by token %q", s, got, want)
		}
		// Appended after other text, as FoldedList appends a source.
		if got := string(appendFolded([]byte("x\n"), s)); got != "x\n"+want {
			t.Fatalf("appendFolded after %q gives %q, want %q", "x\n", got, "x\n"+want)
		}
	})
}
