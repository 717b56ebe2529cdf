package query

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-news/gazette/feed"
)

// queryArticles is a small fixed list of articles that the query tests
// filter. Each has a one-letter ID.
func queryArticles() []*feed.Article {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	country := func(name, code string) feed.Tag { return feed.Tag{Name: name, Country: true, Code: code} }
	return []*feed.Article{
		{
			ID:     "a",
			Title:  "Putin and Xi hail Russia-China relations in virtual meet!",
			Tags:   []feed.Tag{country("Russia", "RU"), country("China", "CN")},
			Date:   day(2022, 1, 17),
			Source: "Virtual Wire",
		},
		{
			ID:     "b",
			Title:  "Taiwan reports largest incursion of the year into its air defence zone",
			Tags:   []feed.Tag{country("China", "CN"), country("Taiwan", "TW")},
			Date:   day(2022, 1, 24),
			Source: "Strait Observer",
		},
		{
			ID:     "c",
			Title:  "Europe's gas storage falls to record low for the time of year",
			Tags:   []feed.Tag{{Name: "Europe"}, country("Russia", "RU")},
			Date:   day(2022, 2, 1),
			Source: "Continental Brief",
		},
		{
			ID:     "d",
			Title:  "Winter Olympics open in Beijing as leaders meet on the sidelines",
			Tags:   []feed.Tag{country("China", "CN"), country("United States", "US")},
			Date:   day(2022, 2, 4),
			Source: "Pacific Ledger",
		},
		{
			ID:    "e",
			Title: "Grain shipments from Black Sea ports halted as insurers pull cover",
		},
		{
			ID:       "f",
			Title:    "Japan protests as coast guard ships linger near disputed islands",
			Tags:     []feed.Tag{country("Japan", "JP")},
			Mentions: []feed.Mention{{Name: "China", Code: "CN", Score: 3}},
			// A date late in the day in another zone is still that day.
			Date:   time.Date(2022, 3, 8, 23, 30, 0, 0, time.FixedZone("JST", 9*3600)),
			Source: "Eastern Sea Daily",
		},
		{
			ID:     "g",
			Title:  "ВСТРЕЧА в Москве: Côte d'Ivoire port opens",
			Tags:   []feed.Tag{country("Côte d'Ivoire", "CI"), {Name: "Énergie"}},
			Date:   day(2022, 3, 24),
			Source: "Southern Cross Report",
		},
	}
}

// matchIDs returns the IDs of the articles the query matches, joined.
func matchIDs(q Query, as []*feed.Article) string {
	var b strings.Builder
	for _, a := range as {
		if q.Match(a) {
			b.WriteString(a.ID)
		}
	}
	return b.String()
}

func TestQueryMatch(t *testing.T) {
	as := queryArticles()
	tests := []struct {
		query    string
		detected bool
		want     string
	}{
		{"", false, "abcdefg"},
		{"   ", false, "abcdefg"},
		{`""`, false, "abcdefg"},
		// Tags are canonical when they name a country.
		{"tag:russia", false, "ac"},
		{"tag:RUSSIA", false, "ac"},
		{"TAG:Russia", false, "ac"},
		{"tag:prc", false, "abd"},
		{"tag:usa", false, "d"},
		{"tag:U.S.", false, "d"},
		{`tag:"united states"`, false, "d"},
		{`tag:"ivory coast"`, false, "g"},
		{`tag:"cote d'ivoire"`, false, "g"},
		{"tag:ci", false, "g"},
		{"-tag:usa", false, "abcefg"},
		{"tag:russia,china", false, "abcd"},
		{"tag:russia,", false, "ac"},
		{"tag:china -tag:russia", false, "bd"},
		{"tag:russia tag:china", false, "a"},
		// Detected mentions count only when asked.
		{"tag:china", false, "abd"},
		{"tag:china", true, "abdf"},
		{"-tag:china", true, "ceg"},
		// A tag that names no country matches other tags ignoring case, and
		// never a country's name.
		{"tag:europe", false, "c"},
		{"tag:EUROPE", false, "c"},
		{"tag:énergie", false, "g"},
		{"tag:ÉNERGIE", false, "g"},
		{"tag:eur", false, ""},
		{"tag:europe,russia", false, "ac"},
		// Sources are substrings, ignoring case.
		{`source:"virtual wire"`, false, "a"},
		{"source:wire", false, "a"},
		{"source:WIRE", false, "a"},
		{"source:wire,ledger", false, "ad"},
		{"-source:wire", false, "bcdefg"},
		{`source:"wire "`, false, ""},
		// Dates: after is on or after the day, before is strictly before;
		// undated articles match neither, negated or not.
		{"after:2022-01-24", false, "bcdfg"},
		{"after:2022-01-25", false, "cdfg"},
		{"before:2022-02-01", false, "ab"},
		{"before:2022-02-02", false, "abc"},
		{"after:2022-01-15 before:2022-02-01", false, "ab"},
		{"after:2022-03-08", false, "fg"},
		{"after:2022-03-09", false, "g"},
		{"-after:2022-02-01", false, "ab"},
		{"-before:2022-02-01", false, "cdfg"},
		// Words are whole words of the title or the source; ~word is the
		// fuzzy match of the title.
		{"olympics", false, "d"},
		{"OLYMPICS", false, "d"},
		{"wntrolym", false, ""},
		{"~wntrolym", false, "d"},
		{"ledger", false, "d"},
		{"virtual", false, "a"},
		{"observer", false, "b"},
		// Fuzzy is loose: o-b-s-e-r-v-e-r in "from Black Sea ports ... cover".
		{"~observer", false, "e"},
		{"zyzzyva", false, ""},
		{"-olympics", false, "abcefg"},
		{"tag:china olympics", false, "d"},
		{"москве", false, "g"},
		{"встреча", false, "g"},
		{"côte", false, "g"},
		{"CÔTE", false, "g"},
		{`5"`, false, ""},
		// Phrases are substrings of the title or the source.
		{`"winter olympics"`, false, "d"},
		{`"WINTER OLYMPICS"`, false, "d"},
		{`"wntr olympics"`, false, ""},
		{`"virtual wire"`, false, "a"},
		{`"virtual meet"`, false, "a"},
		{`-"virtual"`, false, "bcdefg"},
		{`"d'ivoire port"`, false, "g"},
		{`"встреча в"`, false, "g"},
	}
	for _, tt := range tests {
		name := tt.query
		if tt.detected {
			name += " (detected)"
		}
		t.Run(name, func(t *testing.T) {
			q, err := Parse(tt.query)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.query, err)
			}
			q.Detected = tt.detected
			if got := matchIDs(q, as); got != tt.want {
				t.Errorf("Parse(%q) matches %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

func TestQueryString(t *testing.T) {
	tests := []struct{ query, want string }{
		{"", ""},
		{"  olympics  ", "olympics"},
		{"TAG:prc", "tag:China"},
		{"tag:usa,uk", `tag:"United States","United Kingdom"`},
		{"tag:U.S.", `tag:"United States"`},
		{"-tag:usa", `-tag:"United States"`},
		{"tag:russia,,china,", "tag:Russia,China"},
		{"tag:europe", "tag:europe"},
		{"tag:\"a,b\"", `tag:"a,b"`},
		{`SOURCE:"virtual wire"`, `source:"virtual wire"`},
		{`source:"Virtual Wire",AP`, `source:"Virtual Wire",AP`},
		{`source:"say \"hi\""`, `source:"say \"hi\""`},
		{`after:2022-01-15 before:"2022-02-01"`, "after:2022-01-15 before:2022-02-01"},
		{`"winter olympics"`, `"winter olympics"`},
		{`"back\\slash" "a\b"`, `"back\\slash" "a\\b"`},
		{`-"winter olympics"   -word`, `-"winter olympics" -word`},
		{`"" word ""`, "word"},
		{"a\tb\nc", "a b c"},
		{"tag:russia \x1b[31mred", "tag:Russia [31mred"},
		{`5" x,y`, `5" x,y`},
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
			if q.Empty() != (tt.want == "") {
				t.Errorf("Parse(%q).Empty() = %v", tt.query, q.Empty())
			}
		})
	}
}

func TestQueryErrors(t *testing.T) {
	tests := []struct{ query, want string }{
		{"after:notadate", `after: "notadate" is not a date; write YYYY-MM-DD`},
		{"before:2022-02-30", `before: "2022-02-30" is not a date`},
		{"after:17/01/2022", `after: "17/01/2022" is not a date`},
		{"after:2022-01-01,2022-02-01", "after: takes one date"},
		{"after:", "after: needs a value, as in after:2022-01-15"},
		{"tag:", "tag: needs a value, as in tag:russia"},
		{"tag:,", "tag: needs a value"},
		{`tag:""`, "tag: needs a value"},
		{"tag:\u200b", "tag: needs a tag name"},
		{"source: wire", `source: needs a value, as in source:"virtual wire"`},
		{`"winter olymp`, `unterminated quote: "winter olymp`},
		{`tag:russia source:"virtual`, `unterminated quote: "virtual`},
		{`"end\"`, `unterminated quote: "end\"`},
		{`"winter"olympics`, `"\"winter\"olympics": put a space after the closing quote`},
		{`tag:"a"b`, "tag: put a comma or a space after the closing quote"},
		{"tg:russia", `"tg:russia": unknown field "tg" (fields are tag, source, title, after, before, is and sort)`},
		{"http://example.org", `unknown field "http"`},
		{"-", `a lone "-" negates nothing`},
		{"olympics - tag:china", `a lone "-" negates nothing`},
		{"--tag:china", `"--tag:china": negate a term with one "-"`},
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
			if !q.Empty() {
				t.Errorf("Parse(%q) returned terms with its error", tt.query)
			}
		})
	}
}

func TestQueryParts(t *testing.T) {
	q, err := Parse(`tag:prc,usa -tag:russia "winter olympics" games -boycott tag:europe`)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := q.Tags(), []string{"China", "United States", "europe"}; !slices.Equal(got, want) {
		t.Errorf("Tags() = %q, want %q", got, want)
	}
	if got, want := q.Words(), []string{"winter olympics", "games"}; !slices.Equal(got, want) {
		t.Errorf("Words() = %q, want %q", got, want)
	}
	var zero Query
	if !zero.Empty() || zero.Tags() != nil || zero.Words() != nil || zero.String() != "" {
		t.Errorf("zero Query is not empty: %q", zero.String())
	}
	if !zero.Match(queryArticles()[4]) {
		t.Error("zero Query does not match")
	}
}

func TestQueryMatchAllocs(t *testing.T) {
	q, err := Parse(`tag:russia,china -tag:usa tag:europe,russia source:"brief" after:2022-01-01 before:2023-01-01 gas "record low" -зима`)
	if err != nil {
		t.Fatal(err)
	}
	as := queryArticles()
	if got := matchIDs(q, as); got != "c" {
		t.Fatalf("matches %q, want %q", got, "c")
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, a := range as {
			q.Match(a)
		}
	})
	if allocs != 0 {
		t.Errorf("Match allocates %v times per run, want 0", allocs)
	}
}

func TestFoldHelpers(t *testing.T) {
	tests := []struct {
		s, needle   string
		sub, substr bool
	}{
		{"Winter Olympics", "wo", true, false},
		{"Winter Olympics", "r o", true, true},
		{"Winter Olympics", "olympicsx", false, false},
		{"", "", true, true},
		{"abc", "", true, true},
		{"", "a", false, false},
		{"kelvin K \u212a", "k k", true, true},
		{"Straße", "strasse", false, false},
		{"ΣΊΣΥΦΟΣ", "σίσυφος", true, true},
		{"bad \xff utf8", "\ufffd", true, true},
		{"ab", "ba", false, false},
		{"aab", "ab", true, true},
		{"\u017fea", "SEA", true, true},
		{"KELVIN", "\u212aelvin", true, true},
		{"Москве", "МОСК", true, true},
		{"a\u212a", "ak", true, true},
		{"a\u212a", "kk", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.s+"/"+tt.needle, func(t *testing.T) {
			p := newPattern(tt.needle)
			if got := p.subsequenceOf(tt.s); got != tt.sub {
				t.Errorf("subsequenceOf(%q, %q) = %v", tt.s, tt.needle, got)
			}
			if got := p.in(tt.s); got != tt.substr {
				t.Errorf("in(%q, %q) = %v", tt.s, tt.needle, got)
			}
			// The rune path must agree with the ASCII one.
			if got := subsequenceFold(tt.s, p.runes); got != tt.sub {
				t.Errorf("subsequenceFold(%q, %q) = %v", tt.s, tt.needle, got)
			}
			if got := containsFold(tt.s, p.runes); got != tt.substr {
				t.Errorf("containsFold(%q, %q) = %v", tt.s, tt.needle, got)
			}
		})
	}
}

// TestASCIIFold checks asciiFold against the Unicode tables: the ASCII fast
// path is only right if no other rune folds to an ASCII letter.
func TestASCIIFold(t *testing.T) {
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		var want byte
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < utf8.RuneSelf {
				want = byte(unicode.ToLower(f))
			}
		}
		if got := asciiFold(r); got != want {
			t.Errorf("asciiFold(%U) = %q, want %q", r, got, want)
		}
	}
}

// FuzzPatternMatch checks that the ASCII fast path matches exactly as the
// general rune path does.
func FuzzPatternMatch(f *testing.F) {
	f.Add("Winter Olympics", "olymp")
	f.Add("kelvin \u212a \u017fea", "k sea")
	f.Add("caf\xc3", "caf")
	f.Fuzz(func(t *testing.T, s, needle string) {
		p := newPattern(needle)
		if got, want := p.subsequenceOf(s), subsequenceFold(s, p.runes); got != want {
			t.Errorf("subsequenceOf(%q, %q) = %v, rune path says %v", s, needle, got, want)
		}
		if got, want := p.in(s), containsFold(s, p.runes); got != want {
			t.Errorf("in(%q, %q) = %v, rune path says %v", s, needle, got, want)
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "tag:russia", "-tag:usa", "tag:russia,china", `source:"virtual wire"`,
		"after:2022-01-15 before:2022-02-01", `"winter olympics"`, "olympics",
		`tag:prc -tag:"United States" "a\"b" x,y 5"`, "after:notadate", `"open`,
		"tag:\u200bRussia", "tag:cote\u0302", "\x1b]52;c;x\a", `source:"a\\b",c`,
		"тег:россия", "tag:\"\"", "-\"\"",
		"coal OR gas", "(coal OR gas) -tag:usa", "-(a OR b)", "(a b) OR c", "gas* title:\"coal deal\"",
		"~olymp is:unread -is:starred", "sort:relevance tag:russia OR tag:china", `"OR" or OR`, "((a)", "a)",
	} {
		f.Add(s)
	}
	as := queryArticles()
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			return
		}
		canon := q.String()
		q2, err := Parse(canon)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q, which does not parse: %v", s, canon, err)
		}
		if got := q2.String(); got != canon {
			t.Fatalf("String() is not stable: %q -> %q -> %q", s, canon, got)
		}
		if !reflect.DeepEqual(q, q2) {
			t.Fatalf("%q and its canonical form %q parse differently:\n%#v\n%#v", s, canon, q, q2)
		}
		for _, a := range as {
			if q.Match(a) != q2.Match(a) {
				t.Fatalf("%q and %q disagree on article %s", s, canon, a.ID)
			}
		}
	})
}

// benchArticles makes n synthetic articles shaped like a real corpus:
// mostly Russia and China, titles of sixty to ninety characters.
func benchArticles(n int) []*feed.Article {
	countries := []feed.Tag{
		{Name: "Russia", Country: true, Code: "RU"}, {Name: "China", Country: true, Code: "CN"},
		{Name: "United States", Country: true, Code: "US"}, {Name: "India", Country: true, Code: "IN"},
		{Name: "Ukraine", Country: true, Code: "UA"}, {Name: "Japan", Country: true, Code: "JP"},
		{Name: "Europe"},
	}
	words := strings.Fields("talks summit energy pipeline sanctions trade border troops gas " +
		"olympics ministers deal warns agree visit security grain ports market election")
	sources := []string{"Virtual Wire", "Pacific Ledger", "Strait Observer", "Continental Brief", "Gulf Dispatch"}
	as := make([]*feed.Article, n)
	for i := range as {
		var title strings.Builder
		for k := 0; title.Len() < 60+i%30; k++ {
			if k > 0 {
				title.WriteByte(' ')
			}
			w := words[(i*7+k*13+k*k)%len(words)]
			if k == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			title.WriteString(w)
		}
		tags := []feed.Tag{countries[i%2]}
		if i%3 == 0 {
			tags = append(tags, countries[2+i%5])
		}
		as[i] = &feed.Article{
			ID:     fmt.Sprintf("%016x", i),
			Title:  title.String(),
			Tags:   tags,
			Date:   time.Date(2022, time.January, 1+i%90, 0, 0, 0, 0, time.UTC),
			Source: sources[i%len(sources)],
		}
	}
	return as
}

func BenchmarkQueryMatch(b *testing.B) {
	as := benchArticles(100_000)
	for _, query := range []string{
		"tag:russia",
		"-tag:usa",
		"tag:russia,china",
		`source:"virtual wire"`,
		"after:2022-01-15 before:2022-02-01",
		"olympics",
		"zyzzyva",
		`"winter olympics"`,
		`tag:china -tag:usa after:2022-01-15 gas`,
	} {
		q, err := Parse(query)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(query, func(b *testing.B) {
			b.ReportAllocs()
			hits := 0
			for b.Loop() {
				hits = 0
				for _, a := range as {
					if q.Match(a) {
						hits++
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(as)), "ns/article")
			b.ReportMetric(float64(hits), "hits")
		})
	}
}
