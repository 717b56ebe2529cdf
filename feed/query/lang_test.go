package query

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/gazette-news/gazette/feed"
)

// langArticles is a small fixture with bodies, numbered 1 to 8, whose
// answers to the queries of TestLanguage were worked out by hand.
func langArticles() []*feed.Article {
	day := func(d int) time.Time { return time.Date(2022, 1, d, 0, 0, 0, 0, time.UTC) }
	country := func(name, code string) feed.Tag { return feed.Tag{Name: name, Country: true, Code: code} }
	para := func(s ...string) []feed.Block {
		var out []feed.Block
		for _, t := range s {
			out = append(out, feed.Block{Kind: feed.Paragraph, Text: t})
		}
		return out
	}
	return []*feed.Article{
		{
			ID:     "1",
			Title:  "Beijing signs long-term coal deal as winter demand peaks",
			Source: "Pacific Ledger",
			Tags:   []feed.Tag{country("China", "CN")},
			Date:   day(1),
			Body:   para("China agreed a ten-year supply of coal from Australia."),
		},
		{
			ID:     "2",
			Title:  "Europe's gas storage falls to record low",
			Source: "Continental Brief",
			Tags:   []feed.Tag{{Name: "Europe"}, country("Russia", "RU")},
			Date:   day(2),
			Body: append(para("The Kremlin said the Nord Stream pipeline was ready [1]."),
				feed.Block{Kind: feed.Image, Ref: 2},
				feed.Block{Kind: feed.Quote, Text: "Prices rose [3] for a week."}),
			Refs: []feed.Ref{{N: 1, URL: "https://example.org/a", Kind: feed.RefLink}, {N: 2, URL: "https://example.org/i.png"}},
		},
		{
			ID:     "3",
			Title:  "Putin and Xi hail Russia-China relations",
			Source: "Virtual Wire",
			Tags:   []feed.Tag{country("Russia", "RU"), country("China", "CN")},
			Date:   day(3),
			Body:   para("Vladimir Putin met Xi Jinping by video link.", "See https://example.org/gas-report for the gasoline figures."),
		},
		{
			ID:     "4",
			Title:  "Las Vegas hosts energy summit",
			Source: "Gulf Dispatch",
			Tags:   []feed.Tag{country("United States", "US")},
			Date:   day(4),
			Body:   para("Delegates discussed LNG exports."),
		},
		{
			ID:     "5",
			Title:  "Iran and Saudi Arabia restore ties",
			Source: "Gulf Dispatch",
			Tags:   []feed.Tag{country("Iran", "IR"), country("Saudi Arabia", "SA")},
			Date:   day(5),
			Body:   para("Officials in Riyadh and Tehran welcomed the deal, brokered in Beijing."),
		},
		{
			ID:     "6",
			Title:  "Côte d'Ivoire: ВСТРЕЧА в Москве",
			Source: "Southern Cross Report",
			Tags:   []feed.Tag{country("Côte d'Ivoire", "CI")},
			Date:   day(6),
			Body:   para("Переговоры о газе продолжаются.", "東京で会議が開かれた。", "Réunion à l'Élysée."),
		},
		{
			// Loaded without its body: only its other fields can match.
			ID:     "7",
			Title:  "Gas prices: what the winter holds",
			Source: "Continental Brief",
			Tags:   []feed.Tag{{Name: "Europe"}},
			Date:   day(7),
			State:  feed.State{Read: true, Starred: true},
		},
		{
			ID:    "8",
			Title: "Grain shipments halted",
			Body:  []feed.Block{},
		},
	}
}

func TestLanguage(t *testing.T) {
	as := langArticles()
	tests := []struct{ query, want string }{
		// Whole words, in the title, the source or the body; never inside
		// another word, nor in a URL.
		{"gas", "27"},
		{"GAS", "27"},
		{`"gas"`, "27"},
		{"gasoline", "3"},
		{"vegas", "4"},
		{"gas*", "237"},
		{"ga*", "237"},
		{"putin", "3"},
		{"pipeline", "2"},
		{"kremlin", "2"},
		{"winter", "17"},
		{"ledger", "1"},
		{"dispatch", "45"},
		{"lng", "4"},
		{"example", ""},
		{"https", ""},
		// Link footnote markers are not words; an image number never was.
		{"1", ""},
		{"3", "2"},
		// Phrases: the words in order.
		{`"coal deal"`, "1"},
		{`"deal coal"`, ""},
		{`"nord stream pipeline"`, "2"},
		{`"ready prices"`, "2"},
		{`"long term coal"`, "1"},
		{"long-term", "1"},
		{`"virtual wire"`, "3"},
		{"coal-dea*", "1"},
		// title: looks in the title only.
		{"title:gas", "27"},
		{"title:pipeline", ""},
		{`title:"coal deal"`, "1"},
		{"title:gas*", "27"},
		{"title:ledger", ""},
		// OR, groups and negation.
		{"coal OR gas", "127"},
		{"coal OR gas OR putin", "1237"},
		{"tag:russia OR tag:china", "123"},
		{"tag:russia,china", "123"},
		{"(coal OR gas) -tag:usa", "127"},
		{"coal OR gas -tag:europe", "1"},
		{"-(coal OR gas)", "34568"},
		{"-coal -gas", "34568"},
		{"(coal gas) OR putin", "3"},
		{"beijing (coal OR deal)", "15"},
		{"(((gas)))", "27"},
		{"-(-gas)", "27"},
		{"coal or gas", ""},
		{`"OR"`, ""},
		// Fuzzy, only where asked for.
		{"~gsprcs", "7"},
		{"~GSPRCS", "7"},
		{"gsprcs", ""},
		// Read and starred.
		{"is:read", "7"},
		{"is:unread", "123456" + "8"},
		{"is:starred", "7"},
		{"-is:starred", "1234568"},
		{"IS:READ gas", "7"},
		{"is:unread gas", "2"},
		// Case, diacritics and scripts.
		{"москве", "6"},
		{"МОСКВЕ", "6"},
		{"москв*", "6"},
		{"переговоры", "6"},
		{"газе", "6"},
		{"東京", "6"},
		{"京で", "6"},
		{"京東", ""},
		{"cote", "6"},
		{"CÔTE", "6"},
		{"elysee", "6"},
		{"ÉLYSÉE", "6"},
		{"ivoire", "6"},
		// Ranking filters nothing.
		{"sort:relevance", "12345678"},
		{"gas sort:relevance", "27"},
		// Punctuation alone filters nothing.
		{"!!!", "12345678"},
		{"-…", "12345678"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, err := Parse(tt.query)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.query, err)
			}
			if got := matchIDs(q, as); got != tt.want {
				t.Errorf("Parse(%q) matches %q, want %q", tt.query, got, tt.want)
			}
			if got := indexIDs(q, as); got != tt.want {
				t.Errorf("Parse(%q) through the index matches %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

// indexIDs is matchIDs through MatchWith, answering body leaves from the
// index text as an FTS5 table would.
func indexIDs(q Query, as []*feed.Article) string {
	var b strings.Builder
	leaves := q.TextLeaves()
	for _, a := range as {
		idx := strings.Fields(IndexText(BodyText(a)))
		if q.MatchWith(a, func(i int) bool { return ftsHas(idx, leaves[i]) }) {
			b.WriteString(a.ID)
		}
	}
	return b.String()
}

// ftsHas is the FTS5 phrase query, simply: the leaf's tokens in a row in
// the indexed tokens, the last a prefix for a prefix leaf.
func ftsHas(idx []string, l Leaf) bool {
	for i := 0; i+len(l.Tokens) <= len(idx); i++ {
		k := 0
		for ; k < len(l.Tokens); k++ {
			want, got := l.Tokens[k], idx[i+k]
			if l.Prefix && k == len(l.Tokens)-1 {
				if !strings.HasPrefix(got, want) {
					break
				}
			} else if got != want {
				break
			}
		}
		if k == len(l.Tokens) {
			return true
		}
	}
	return false
}

func TestLanguageErrors(t *testing.T) {
	tests := []struct{ query, want string }{
		{"(coal OR gas", `unbalanced "(": close it with ")"`},
		{"-(", `unbalanced "("`},
		{"(", `unbalanced "("`},
		{"coal)", `unbalanced ")": no "(" opens it`},
		{"(coal))", `unbalanced ")"`},
		{"coal OR", `"OR" needs a term after it`},
		{"coal OR OR gas", `"OR" needs a term after it`},
		{"(coal OR) gas", `"OR" needs a term after it`},
		{"OR coal", `"OR" needs a term before it`},
		{"coal (OR gas)", `"OR" needs a term before it`},
		{"-OR", `"-OR" negates nothing`},
		{"()", `empty group "()"`},
		{"( )", `empty group "()"`},
		{"-()", `empty group "()"`},
		{"is:unknown", `is: "unknown" is not a state; write is:unread, is:read or is:starred`},
		{"is:", "is: needs a value, as in is:unread"},
		{"is:read,starred", `is: "read,starred" is not a state`},
		{"sort:date", `sort: "date" is not an order; write sort:relevance`},
		{"-sort:relevance", "sort: cannot be negated"},
		{"(sort:relevance gas)", "sort: orders the whole query; put it outside parentheses"},
		{"gas OR sort:relevance", "sort: orders the whole query; it cannot be a choice of OR"},
		{"title:", "title: needs a value, as in title:gas"},
		{`title:""`, "title: needs a value"},
		{`title:"coal"deal`, "title: put a space after the closing quote"},
		{`~"olymp`, "unterminated quote"},
		{"- (coal)", `a lone "-" negates nothing`},
		{`"coal dea"*`, "put a space after the closing quote"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, err := Parse(tt.query)
			if err == nil {
				t.Fatalf("Parse(%q) = %q, want an error", tt.query, q.String())
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error %q, want it to contain %q", tt.query, err, tt.want)
			}
		})
	}
}

func TestLanguageString(t *testing.T) {
	tests := []struct{ query, want string }{
		{"coal OR gas", "coal OR gas"},
		{"(coal OR gas) -tag:usa", `coal OR gas -tag:"United States"`},
		{"-(coal OR gas)", "-(coal OR gas)"},
		{"(a b) OR c", "(a b) OR c"},
		{"a (b c) d", "a b c d"},
		{"-(a b)", "-(a b)"},
		{"((a))", "a"},
		{"-(-a)", "a"},
		{"-(a)", "-a"},
		{"(a OR b)(c)", "a OR b c"},
		{"a OR (b OR c)", "a OR b OR c"},
		{`title:"coal deal" title:gas*`, `title:"coal deal" title:gas*`},
		{"TITLE:Gas", "title:Gas"},
		{"~olymp", "~olymp"},
		{`~"winter olymp"`, `~"winter olymp"`},
		{"is:READ -is:starred is:unread", "is:read -is:starred is:unread"},
		{"sort:relevance gas", "gas sort:relevance"},
		{"SORT:Relevance", "sort:relevance"},
		{`"OR"`, `"OR"`},
		{"a or b", "a or b"},
		{"gas*", "gas*"},
		{"tag:a OR tag:b", "tag:a OR tag:b"},
		{`source:"a(b"`, `source:"a(b"`},
		{`"" OR gas`, "gas"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, err := Parse(tt.query)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.query, err)
			}
			if got := q.String(); got != tt.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
	q, _ := Parse("sort:relevance")
	if !q.Relevance || !q.Empty() {
		t.Errorf("sort:relevance: Relevance %v, Empty %v", q.Relevance, q.Empty())
	}
	if q, _ := Parse("gas"); q.Relevance {
		t.Error("gas sets Relevance")
	}
}

func TestIndexText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"!!! ... —", ""},
		{"Hello, World!", "hello world"},
		{"  two   spaces\tand\nlines ", "two spaces and lines"},
		{"Côte d'Ivoire", "cote d ivoire"},
		{"ÉLYSÉE Ångström naïve", "elysee angstrom naive"},
		{"e\u0301te\u0301", "ete"},
		{"\u0301lone mark", "lone mark"},
		{"ВСТРЕЧА в Москве, Ёлка", "встреча в москве елка"},
		{"東京で会議が開かれた。", "東 京 で 会 議 が 開 か れ た"},
		{"カタカナ ガス", "カ タ カ ナ ガ ス"},
		{"ภาษาไทย", "ภ า ษ า ไ ท ย"},
		{"한국어 텍스트", "한국어 텍스트"},
		{"abc東京def", "abc 東 京 def"},
		{"ﬁnance ①② ＦＵＬＬ width", "finance 12 full width"},
		{"Straße", "straße"},
		{"ΟΔΟΣ οδος Άθήνα", "οδοσ οδοσ αθηνα"},
		{"COVID-19 3.5% x²", "covid 19 3 5 x2"},
		{"K\u212a \u017fea", "kk sea"},
		{"İstanbul", "istanbul"},
		{"bad \xff utf8", "bad utf8"},
		{"हिन्दी भाषा", "हनद भष"},
		{"00000000000㈡ ㊀ ⑴ ⒜", "00000000000㈡ ㊀ 1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := IndexText(tt.in); got != tt.want {
				t.Errorf("IndexText(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := string(AppendIndexText([]byte("x"), tt.in)); got != "x"+tt.want {
				t.Errorf("AppendIndexText(x, %q) = %q", tt.in, got)
			}
			if got := strings.Join(tokenize(tt.in), " "); got != tt.want {
				t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTokenSpans(t *testing.T) {
	s := "La Côte d'Ivoire, 東京!"
	var got []string
	Tokens(s, func(tok string, start, end int) { got = append(got, tok+"="+s[start:end]) })
	want := []string{"la=La", "cote=Côte", "d=d", "ivoire=Ivoire", "東=東", "京=京"}
	if !slices.Equal(got, want) {
		t.Errorf("Tokens(%q) = %q, want %q", s, got, want)
	}
}

func TestHighlights(t *testing.T) {
	tests := []struct {
		query, text string
		want        []string
	}{
		{"gas", "Gas prices: gas, Vegas gasoline", []string{"Gas", "gas"}},
		{"gas*", "Gas prices: Vegas gasoline", []string{"Gas", "gasoline"}},
		{`"coal deal"`, "Beijing signs coal deal as coal winter", []string{"coal deal"}},
		{"coal OR deal", "coal deal", []string{"coal", "deal"}},
		{`"coal deal" OR deal`, "coal deal", []string{"coal deal"}},
		{"coal OR gas", "coal, gas", []string{"coal", "gas"}},
		{"москв*", "Встреча в Москве", []string{"Москве"}},
		{"встреча", "ВСТРЕЧА в Москве", []string{"ВСТРЕЧА"}},
		{"東京", "東京で会議、京東", []string{"東京"}},
		{"cote", "La Côte d'Ivoire", []string{"Côte"}},
		{"elysee", "l'Élysée", []string{"Élysée"}},
		{"title:gas -coal", "gas and coal", []string{"gas"}},
		{"-gas", "gas", nil},
		{"-(coal OR gas) winter", "coal gas winter", []string{"winter"}},
		{"tag:russia ~gas", "gas", nil},
		{"gas", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query+"/"+tt.text, func(t *testing.T) {
			q, err := Parse(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, sp := range q.Highlights(tt.text) {
				got = append(got, tt.text[sp[0]:sp[1]])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Highlights(%q) in %q = %q, want %q", tt.query, tt.text, got, tt.want)
			}
		})
	}
}

func TestBodyText(t *testing.T) {
	a := langArticles()[1]
	want := "The Kremlin said the Nord Stream pipeline was ready .\nPrices rose [3] for a week."
	if got := BodyText(a); got != want {
		t.Errorf("BodyText = %q, want %q", got, want)
	}
	b := &feed.Article{Body: []feed.Block{
		{Kind: feed.Paragraph, Text: "Read (https://example.org/x y) and HTTP://A.B/c or http:// alone, not xhttps://q.r."},
		{Kind: feed.Code, Text: "go test"},
	}}
	want = "Read ( y) and  or  alone, not xhttps://q.r.\ngo test"
	if got := BodyText(b); got != want {
		t.Errorf("BodyText = %q, want %q", got, want)
	}
	if got := BodyText(&feed.Article{}); got != "" {
		t.Errorf("BodyText of no body = %q", got)
	}
}

func TestTextLeaves(t *testing.T) {
	q, err := Parse(`gas* title:coal -"Nord Stream" (Côte OR ~fuzzy) tag:russia`)
	if err != nil {
		t.Fatal(err)
	}
	got := q.TextLeaves()
	want := []Leaf{
		{Text: "gas*", Tokens: []string{"gas"}, Prefix: true},
		{Text: "Nord Stream", Tokens: []string{"nord", "stream"}, Negated: true},
		{Text: "Côte", Tokens: []string{"cote"}},
	}
	if !slices.EqualFunc(got, want, func(a, b Leaf) bool {
		return a.Text == b.Text && slices.Equal(a.Tokens, b.Tokens) && a.Prefix == b.Prefix && a.Negated == b.Negated
	}) {
		t.Fatalf("TextLeaves() = %+v, want %+v", got, want)
	}
	var fts []string
	for _, l := range got {
		fts = append(fts, l.FTS())
	}
	if w := []string{`"gas"*`, `"nord stream"`, `"cote"`}; !slices.Equal(fts, w) {
		t.Errorf("FTS() = %q, want %q", fts, w)
	}
	if !q.NeedsBody() {
		t.Error("NeedsBody() = false")
	}
	for _, s := range []string{"title:gas", "tag:russia ~gas", "", "sort:relevance"} {
		if q, _ := Parse(s); q.NeedsBody() || q.TextLeaves() != nil {
			t.Errorf("%q needs the body", s)
		}
	}
	// Quotes in a leaf cannot reach the MATCH expression unquoted.
	if got := (Leaf{Tokens: []string{`a"b`}}).FTS(); got != `"a""b"` {
		t.Errorf("FTS of a quote = %s", got)
	}
}

func TestMatchWithAsksOnlyWhenNeeded(t *testing.T) {
	as := langArticles()
	q, err := Parse("gas -tag:europe")
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	for _, a := range as {
		q.MatchWith(a, func(int) bool { asked++; return false })
	}
	// Articles 2 and 7 carry Europe; the gas in the titles of none other
	// decides, so six articles ask about the body.
	if asked != 6 {
		t.Errorf("bodyHit called %d times, want 6", asked)
	}
}

func TestScore(t *testing.T) {
	as := langArticles()
	q, err := Parse("gas OR pipeline sort:relevance")
	if err != nil {
		t.Fatal(err)
	}
	// Article 2 has gas in its title and pipeline in its body; 7 only gas
	// in its title; 4 neither.
	s2, s7, s4 := q.Score(as[1], nil), q.Score(as[6], nil), q.Score(as[3], nil)
	if !(s2 > s7 && s7 > s4 && s4 == 0) {
		t.Errorf("scores 2: %v, 7: %v, 4: %v", s2, s7, s4)
	}
	if got := q.Score(as[1], func(leaf int) float64 { return float64(leaf + 10) }); got != 2+10+11 {
		t.Errorf("Score with bodyScore = %v, want 23", got)
	}
}

// FuzzMatchWith checks that answering body leaves through the index text,
// as the full-text index does, agrees with scanning the body.
func FuzzMatchWith(f *testing.F) {
	f.Add("gas", "Gas and gasoline in Las Vegas")
	f.Add(`"coal deal" OR -pipe*`, "a coal deal, a pipeline [1] https://x.y/coal")
	f.Add("東京 OR москв*", "東京で Москве")
	f.Add("-(cote OR title:x) ~a", "CÔTE d'Ivoire")
	f.Add("tag:russia (putin OR xi*)", "Putin")
	f.Add(`"coal deal" OR "deal coal"`, "a coal\ndeal coal [1]\nhttps://x deal")
	as := langArticles()
	f.Fuzz(func(t *testing.T, qs, body string) {
		q, err := Parse(qs)
		if err != nil {
			return
		}
		// Each line a block, so that phrases meet block ends.
		extra := &feed.Article{ID: "x", Title: "Fuzz", Body: []feed.Block{}, Refs: []feed.Ref{{N: 1, Kind: feed.RefLink}}}
		for line := range strings.Lines(body) {
			extra.Body = append(extra.Body, feed.Block{Kind: feed.Paragraph, Text: feed.SanitizeLine(line)})
		}
		if got, want := indexIDs(q, append(as, extra)), matchIDs(q, append(as, extra)); got != want {
			t.Errorf("%q over %q: index matches %q, scan %q", qs, body, got, want)
		}
	})
}

// TestIndexTextFoldsToItself checks, for every letter and number between
// two letters and between two digits, that the folded text splits into
// the tokens it came from: IndexText of IndexText changes nothing.
func TestIndexTextFoldsToItself(t *testing.T) {
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			continue
		}
		for _, s := range []string{"a" + string(r) + "b", "0" + string(r) + "0"} {
			if got := IndexText(s); IndexText(got) != got {
				t.Errorf("IndexText(%q) = %q (%U), but IndexText of that is %q", s, got, r, IndexText(got))
			}
		}
	}
}

// FuzzIndexText checks the tokenizer's promises on any text.
func FuzzIndexText(f *testing.F) {
	for _, s := range []string{"Côte d'Ivoire", "東京で", "ﬁ①", "e\u0301", "\xff", "K\u212a", "ΟΔΟΣ", "हिन्दी"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := IndexText(s)
		if again := IndexText(got); again != got {
			t.Fatalf("IndexText(%q) = %q, but IndexText of that is %q", s, got, again)
		}
		if got != "" && (strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ")) {
			t.Fatalf("IndexText(%q) = %q: stray spaces", s, got)
		}
		for _, r := range got {
			if r != ' ' && !unicode.IsLetter(r) && !unicode.IsNumber(r) {
				t.Fatalf("IndexText(%q) = %q holds %U, not a letter or number", s, got, r)
			}
		}
		if toks := tokenize(s); strings.Join(toks, " ") != got {
			t.Fatalf("Tokens(%q) = %q, IndexText %q", s, toks, got)
		}
	})
}

func BenchmarkIndexText(b *testing.B) {
	texts := map[string]string{
		"english": strings.Repeat("Officials in Geneva described the talks as constructive and forward-looking, and said the two sides would meet again [3]. ", 40),
		"mixed":   strings.Repeat("Переговоры о газе продолжаются. Réunion à l'Élysée. 東京で会議が開かれた。 ", 40),
	}
	for name, s := range texts {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			b.ReportAllocs()
			buf := make([]byte, 0, len(s))
			for b.Loop() {
				buf = AppendIndexText(buf[:0], s)
			}
		})
	}
}

func BenchmarkMatchBody(b *testing.B) {
	body := strings.Repeat("Officials in Geneva described the talks as constructive and forward-looking. ", 40)
	a := &feed.Article{Title: "Talks in Geneva", Body: []feed.Block{{Kind: feed.Paragraph, Text: body}}}
	for _, qs := range []string{"samarkand", "forward", `"two sides"`} {
		q, err := Parse(qs)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(qs, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				q.Match(a)
			}
		})
	}
}

// TestFastPaths checks the tokenizer's shortcuts for common blocks against
// the Unicode tables they stand in for.
func TestFastPaths(t *testing.T) {
	for r := rune(0x80); r <= 0xffff; r++ {
		want := kindSep
		switch {
		case unicode61Marks(r):
			want = kindMark
		case unicode.IsLetter(r) && isLone(r):
			want = kindLone
		case unicode.IsLetter(r), unicode.IsNumber(r):
			want = kindWord
		case unicode.IsMark(r):
			want = kindMark
		}
		if got := classify(r); got != want {
			t.Errorf("classify(%U) = %v, want %v", r, got, want)
		}
		if want != kindWord && want != kindLone {
			continue
		}
		s := string(r)
		var slow []byte
		if d := norm.NFKD.PropertiesString(s).Decomposition(); len(d) > 0 && plainBase(d) {
			for _, dr := range string(d) {
				if unicode.IsLetter(dr) || unicode.IsNumber(dr) {
					slow = utf8.AppendRune(slow, lower(dr))
				}
			}
		} else {
			slow = utf8.AppendRune(slow, lower(r))
		}
		if got := foldRune(nil, r, s); string(got) != string(slow) {
			t.Errorf("foldRune(%U) = %q, the tables give %q", r, got, slow)
		}
	}
}

// FuzzInText checks the shortcuts of matching one word (the ASCII word
// search, the search block by block) against tokenizing the text.
func FuzzInText(f *testing.F) {
	f.Add("gas", "Gas, Vegas gasoline", false)
	f.Add("k", "\u212a k", true)
	f.Add("cafe", "cafe\u0301 café", false)
	f.Add("sea", "\u017fea [1] https://sea.org sea", true)
	f.Fuzz(func(t *testing.T, word, text string, prefix bool) {
		toks := tokenize(word)
		if len(toks) != 1 {
			return
		}
		n := &node{kind: kindText, toks: toks, prefix: prefix, first: newPattern(toks[0])}
		want := false
		for _, tok := range tokenize(text) {
			if tok == toks[0] || prefix && strings.HasPrefix(tok, toks[0]) {
				want = true
			}
		}
		if got := n.inText(text); got != want {
			t.Errorf("inText(%q, %q, prefix %v) = %v, tokens say %v", word, text, prefix, got, want)
		}
		a := &feed.Article{Body: []feed.Block{{Text: text}, {Text: word}}, Refs: []feed.Ref{{N: 1, Kind: feed.RefLink}}}
		want = n.count(IndexText(BodyText(a)), 1) > 0
		if got := n.mayOccurInBody(a) && n.inBlocks(a); got != want {
			t.Errorf("inBlocks(%q, %q, prefix %v) = %v, BodyText says %v", word, text, prefix, got, want)
		}
	})
}

// indexVersionPin is the digest TestIndexVersion finds for IndexVersion.
const indexVersionPin = "2 7d5a270d6520874744587a80a3826b1d3eb4752c97f13828d7975c8d6d8a4e5e"

// TestIndexVersion pins the folding of every character, alone and within
// a word, to IndexVersion: when it fails, the index's texts change, and an
// index built before holds tokens that queries no longer make. Change
// IndexVersion, so that such an index is built again, and the pin.
func TestIndexVersion(t *testing.T) {
	h := sha256.New()
	var buf []byte
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		c := string(r)
		for _, s := range [...]string{c, "a" + c + "b", "0" + c + "0"} {
			buf = AppendIndexText(buf[:0], s)
			h.Write(buf)
			h.Write([]byte{0})
		}
	}
	got := IndexVersion + " " + hex.EncodeToString(h.Sum(nil))
	if got != indexVersionPin {
		t.Errorf("the folding of some character changed, and the index's texts with it: change IndexVersion, and set indexVersionPin to %q", got)
	}
}

// TestIsASCII puts one byte past ASCII at each place of strings of every
// length up to three words, where the eight-byte step and the byte loop
// meet.
func TestIsASCII(t *testing.T) {
	for n := range 25 {
		s := []byte(strings.Repeat("a", n))
		if !isASCII(string(s)) {
			t.Errorf("isASCII(%q) = false", s)
		}
		for i := range n {
			for _, c := range []byte{0x80, 0xc5, 0xff} {
				b := slices.Clone(s)
				b[i] = c
				if isASCII(string(b)) {
					t.Errorf("isASCII(%q) = true", b)
				}
			}
		}
	}
}
