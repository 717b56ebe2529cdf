package query_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	_ "modernc.org/sqlite"

	"github.com/gazette-news/gazette/feed/query"
)

// ftsTable opens a real SQLite file with the FTS5 table the store builds:
// one column of IndexText, tokenized by unicode61 with diacritics removed.
func ftsTable(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "fts.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE VIRTUAL TABLE body USING fts5(text, tokenize='unicode61 remove_diacritics 2')`); err != nil {
		t.Fatal(err)
	}
	return db
}

// ftsTokens returns the tokens unicode61 makes of text, through the table's
// vocabulary: the text is stored alone and its terms listed in order.
func ftsTokens(t testing.TB, db *sql.DB, text string) []string {
	t.Helper()
	if _, err := db.Exec(`DELETE FROM body`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO body(rowid, text) VALUES (1, ?)`, text); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(body, instance)`); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT term FROM vocab ORDER BY offset`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var term string
		if err := rows.Scan(&term); err != nil {
			t.Fatal(err)
		}
		out = append(out, term)
	}
	return out
}

// TestIndexTextIsStableUnderUnicode61 checks the claim the index rests
// on: unicode61 splits IndexText at its spaces and nowhere else, and
// leaves each token as it is, for every letter and number and for texts
// in several scripts.
func TestIndexTextIsStableUnderUnicode61(t *testing.T) {
	db := ftsTable(t)
	var all strings.Builder
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			all.WriteRune(r)
			all.WriteByte(' ')
		}
	}
	texts := []string{
		all.String(),
		"Côte d'Ivoire: ВСТРЕЧА в Москве, Ёлка; 東京で会議が開かれた。 한국어 ภาษาไทย ﬁnance ① ＦＵＬＬ",
		"ΟΔΟΣ οδος Straße İstanbul K\u212a e\u0301te हिन्दी COVID-19 x²",
	}
	for _, text := range texts {
		idx := query.IndexText(text)
		want := strings.Fields(idx)
		got := ftsTokens(t, db, idx)
		if len(got) != len(want) {
			t.Errorf("unicode61 makes %d tokens of %d", len(got), len(want))
		}
		have := map[string]bool{}
		for _, tok := range got {
			have[tok] = true
		}
		for _, tok := range want {
			if !have[tok] {
				t.Errorf("unicode61 does not keep the token %q (%+q)", tok, tok)
			}
		}
	}
}

// TestFTSMatchesQuery runs each body leaf's FTS expression against a real
// index and checks that MatchWith, answered by it, agrees with Match.
func TestFTSMatchesQuery(t *testing.T) {
	db := ftsTable(t)
	bodies := []string{
		"The Kremlin said the Nord Stream pipeline was ready.",
		"Gasoline in Las Vegas; see https://example.org/gas for more.",
		"Переговоры о газе продолжаются в Москве.",
		"東京で会議が開かれた。Réunion à l'Élysée.",
		`He said "OR" and NEAR(a b) and gas* AND -x: "quotes" ^start`,
	}
	for i, b := range bodies {
		if _, err := db.Exec(`INSERT INTO body(rowid, text) VALUES (?, ?)`, i+1, query.IndexText(query.BodyText(bodyArticle(b)))); err != nil {
			t.Fatal(err)
		}
	}
	for _, qs := range []string{
		"pipeline", "gas", "gas*", "gasoline", `"nord stream"`, `"stream nord"`, "москве", "газ*",
		"東京", "京で", "elysee", "ÉLYSÉE", `"OR"`, "near", `"quotes"`, "^start", `"a b"`,
		"gas OR kremlin", "-(pipeline OR москве)", "example", "https",
	} {
		q, err := query.Parse(qs)
		if err != nil {
			t.Fatalf("%s: %v", qs, err)
		}
		hits := make([]map[int]bool, len(q.TextLeaves()))
		for i, l := range q.TextLeaves() {
			hits[i] = map[int]bool{}
			rows, err := db.Query(`SELECT rowid FROM body WHERE body MATCH ?`, l.FTS())
			if err != nil {
				t.Fatalf("%s: MATCH %s: %v", qs, l.FTS(), err)
			}
			for rows.Next() {
				var id int
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				hits[i][id] = true
			}
			rows.Close()
		}
		for i, b := range bodies {
			a := bodyArticle(b)
			want := q.Match(a)
			got := q.MatchWith(a, func(leaf int) bool { return hits[leaf][i+1] })
			if got != want {
				t.Errorf("%s on %q: index says %v, scan %v", qs, b, got, want)
			}
		}
	}
}
