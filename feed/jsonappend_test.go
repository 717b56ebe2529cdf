package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// indentJSON is the simple version AppendJSONIndent replaces: reflection
// through encoding/json, then its indenting pass.
func indentJSON(t testing.TB, a *Article, withBody bool, prefix, indent string) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, indent)
	if err := enc.Encode(a.ToJSON(withBody)); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// checkAppendJSON fails t unless AppendJSONIndent writes what
// encoding/json writes, for every layout the commands use and a few more,
// and leaves what dst held before.
func checkAppendJSON(t *testing.T, a *Article) {
	t.Helper()
	for _, withBody := range []bool{false, true} {
		for _, layout := range [][2]string{{"  ", "  "}, {"", "  "}, {"", "\t"}, {">", ""}} {
			want := indentJSON(t, a, withBody, layout[0], layout[1])
			got, err := a.AppendJSONIndent([]byte("x"), withBody, layout[0], layout[1])
			if err != nil {
				t.Fatalf("withBody=%v %q: %v", withBody, layout, err)
			}
			if !bytes.Equal(got[1:], want) || got[0] != 'x' {
				t.Fatalf("withBody=%v %q:\ngot  %s\nwant %s", withBody, layout, got, want)
			}
		}
	}
}

func TestAppendJSONIndent(t *testing.T) {
	full := &Article{
		ID: "0123456789abcdef", Title: `Quotes " and \ back <b>&amp;</b>`,
		Tags:     []Tag{{Name: "Russia", Country: true, Code: "RU"}, {Name: "energy"}},
		Mentions: []Mention{{Name: "China", Code: "CN", Score: 0.57}, {Name: "France", Code: "FR", Score: 12}},
		Date:     time.Date(2024, 3, 5, 10, 0, 0, 0, time.FixedZone("x", 3600)), DateText: "5 March 2024",
		Source: "Wire", Images: []string{"https://example.com/a.png?x=1&y=2"},
		Refs: []Ref{
			{N: 1, URL: "https://example.com/a.png", Kind: RefImage, Alt: "a map"},
			{N: 2, URL: "https://example.com/", Kind: RefLink},
		},
		Body: []Block{
			{Kind: Heading, Text: "Head", Level: 2},
			{Kind: Paragraph, Text: "line\u2028sep\u2029para\ttab"},
			{Kind: Image, Ref: 1},
		},
		Location: "dir/a.md", Link: "https://example.com/a", Format: "md", Partial: true,
		State: State{Read: true, Starred: true, FirstSeen: time.Date(2024, 3, 6, 1, 2, 3, 0, time.FixedZone("y", -7200))},
	}
	tests := []struct {
		name string
		art  *Article
	}{
		{"zero", &Article{}},
		{"full", full},
		{"controls and bad UTF-8", &Article{Title: "a\x00b\x01\x1f\x7f\b\f\n\r\t\xff\xc3(é😀", Source: "\u2028"}},
		{"no countries", &Article{Tags: []Tag{{Name: "tech"}}}},
		{"extreme scores", &Article{Mentions: []Mention{
			{Score: 1e-7}, {Score: -1e-7}, {Score: 1e21}, {Score: 1e20}, {Score: 1.5e-300},
			{Score: math.MaxFloat64}, {Score: math.SmallestNonzeroFloat64}, {Score: math.Copysign(0, -1)}, {Score: 0.1},
		}}},
		{"hundredths and near them", &Article{Mentions: []Mention{
			{Score: 4.95}, {Score: 4.9}, {Score: 5}, {Score: 0.05}, {Score: 0.01}, {Score: 0.1 + 0.2}, {Score: 123456.78},
			{Score: 1e9 - 0.01}, {Score: 1e9}, {Score: 0.005}, {Score: 2.675}, {Score: -4.95}, {Score: 1e-2 + 1e-17},
		}}},
		{"far years", &Article{Date: time.Date(12000, 1, 2, 0, 0, 0, 0, time.UTC),
			State: State{FirstSeen: time.Date(-5, 3, 4, 5, 6, 7, 8, time.UTC)}}},
		{"first seen in a zone", &Article{Date: time.Date(2024, 12, 31, 23, 0, 0, 0, time.FixedZone("w", -5*3600)),
			State: State{FirstSeen: time.Date(2024, 12, 31, 23, 59, 59, 999999999, time.FixedZone("e", 3600))}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkAppendJSON(t, tt.art) })
	}
}

func TestAppendJSONIndentNonFinite(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		a := &Article{Mentions: []Mention{{Name: "x", Score: f}}}
		if _, err := a.AppendJSONIndent(nil, false, "", "  "); err == nil {
			t.Errorf("score %v: no error", f)
		}
		if _, err := json.Marshal(a.ToJSON(false)); err == nil {
			t.Errorf("score %v: encoding/json gave no error either", f)
		}
	}
}

// TestJSONStringEveryByteEverywhere holds the string writer, which passes
// over eight plain bytes at a time, to encoding/json for every byte value
// and every rune it escapes, at every place in a word of eight and at the
// end of a string, among plain bytes.
func TestJSONStringEveryByteEverywhere(t *testing.T) {
	for s := range everyByteEverywhere("\u2028", "\u2029", "é", "😀", "\xe2\x80", "\xed\xa0\x80") {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		w := jsonWriter{b: []byte("x")}
		w.str(s)
		if got := w.b[1:]; !bytes.Equal(got, want) {
			t.Fatalf("%q:\ngot  %s\nwant %s", s, got, want)
		}
	}
}

// everyByteEverywhere returns the strings that hold each byte value, and
// each of more, after 0 to 16 plain bytes and before 0, 1, 7, 8 or 9: every
// place in a word of eight, and the end of a string.
func everyByteEverywhere(more ...string) iter.Seq[string] {
	return func(yield func(string) bool) {
		odd := more
		for c := range 256 {
			odd = append(odd, string([]byte{byte(c)}))
		}
		for _, o := range odd {
			for before := range 17 {
				for _, after := range []int{0, 1, 7, 8, 9} {
					if !yield(strings.Repeat("a", before) + o + strings.Repeat("~", after)) {
						return
					}
				}
			}
		}
	}
}

// FuzzAppendJSONIndent holds the hand-written encoder to encoding/json on
// arbitrary strings, numbers and shapes.
func FuzzAppendJSONIndent(f *testing.F) {
	f.Add("id", "Title \"q\" <x>", "Russia|tech", "China", 0.57, int64(0), "dt", "https://x.example/", 3, true)
	f.Add("", "\x00\xff\u2028", "", "", 1e-9, int64(1700000000), "", "", 0, false)
	f.Add("a\\b", "\t\n\r", "||", "é|😀", 1e21, int64(-62135596800), "\x7f", "\u2029", 1, true)
	f.Fuzz(func(t *testing.T, id, title, tags, mentions string, score float64, unix int64, text, url string, n int, flag bool) {
		if math.IsNaN(score) || math.IsInf(score, 0) {
			return
		}
		a := &Article{ID: id, Title: title, DateText: text, Source: text, Location: title, Link: url, Format: id, Partial: flag}
		for i, name := range strings.Split(tags, "|") {
			if tags != "" {
				a.Tags = append(a.Tags, Tag{Name: name, Country: (i%2 == 0) == flag})
			}
		}
		for _, name := range strings.Split(mentions, "|") {
			if mentions != "" {
				a.Mentions = append(a.Mentions, Mention{Name: name, Code: id, Score: score})
			}
		}
		if unix > -1e11 && unix < 1e11 && unix != 0 {
			a.Date = time.Unix(unix, 0)
			a.State.FirstSeen = time.Unix(unix, 7).In(time.FixedZone("z", 5400))
		}
		a.State.Read, a.State.Starred = flag, !flag
		n = min(max(n, -3), 3)
		for i := range max(n, 0) {
			a.Images = append(a.Images, url)
			a.Refs = append(a.Refs, Ref{N: i + 1, URL: url, Kind: RefKind(i % 2), Alt: text})
			a.Body = append(a.Body, Block{Kind: BlockKind(i), Text: title, Level: n, Ref: i})
		}
		checkAppendJSON(t, a)
	})
}

// BenchmarkAppendJSONIndent encodes a list entry of the generated corpus
// as `list --json` does: tags, detected countries, a date, no body.
func BenchmarkAppendJSONIndent(b *testing.B) {
	a := &Article{
		ID: "1968ff6a59f031e5", Title: "Alexander Lukashenko arrives in Montréal for talks on cyber security",
		Tags: []Tag{{Name: "North Korea", Country: true, Code: "KP"}, {Name: "Iran", Country: true, Code: "IR"}},
		Mentions: []Mention{{Name: "North Korea", Code: "KP", Score: 4.95}, {Name: "Iran", Code: "IR", Score: 4.33},
			{Name: "Canada", Code: "CA", Score: 3.14}, {Name: "Belarus", Code: "BY", Score: 1.4}},
		Date: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), DateText: "December 31, 2024", Source: "Virtual Wire",
		Location: "/srv/news/067353-alexander-lukashenko-arrives-in-montreal-for-tal.txt", Format: "txt",
		State: State{FirstSeen: time.Date(2026, 12, 3, 13, 49, 37, 0, time.UTC)},
	}
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = a.AppendJSONIndent(buf[:0], false, "  ", "  "); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(len(buf)))
}

// Prefetch reads and changes nothing: articles with parts empty, nil or
// whole come out as they went in, and none makes it fail.
func TestPrefetch(t *testing.T) {
	arts := []*Article{
		{},
		{ID: "0123456789abcdef", Title: "T", Tags: []Tag{{Name: "Russia"}}, Mentions: []Mention{{Name: "China", Code: "CN"}}, Images: []string{""}, Location: "/a"},
		{Tags: []Tag{}, Mentions: []Mention{}, Images: []string{"https://example.com/i.png", "https://example.com/j.png"}, DateText: "17 January 2022"},
	}
	var copies []Article
	for _, a := range arts {
		copies = append(copies, *a)
	}
	Prefetch(arts)
	Prefetch(nil)
	for i, a := range arts {
		if !reflect.DeepEqual(*a, copies[i]) {
			t.Errorf("article %d changed: %+v", i, *a)
		}
	}
}

// BenchmarkAppendJSONScattered encodes 100,000 articles as `list --json`
// does once they are sorted: in an order that has nothing to do with
// where they lie in memory, a chunk of 256 at a time, with and without
// Prefetch first.
func BenchmarkAppendJSONScattered(b *testing.B) {
	arts := make([]*Article, 100_000)
	for i := range arts {
		arts[i] = &Article{
			ID: fmt.Sprintf("%016x", i), Title: fmt.Sprintf("Alexander Lukashenko arrives in Montréal for talks number %d", i),
			Tags: []Tag{{Name: "North Korea", Country: true, Code: "KP"}, {Name: "Iran", Country: true, Code: "IR"}},
			Mentions: []Mention{{Name: "North Korea", Code: "KP", Score: 4.95}, {Name: "Iran", Code: "IR", Score: 4.33},
				{Name: "Canada", Code: "CA", Score: 3.14}},
			Date: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), DateText: fmt.Sprintf("December %d, 2024", i%31+1), Source: "Virtual Wire",
			Images:   []string{fmt.Sprintf("https://example.com/photos/%d.jpg", i)},
			Location: fmt.Sprintf("/srv/news/%06d-alexander-lukashenko-arrives-in-montreal.txt", i), Format: "txt",
		}
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(arts), func(i, j int) { arts[i], arts[j] = arts[j], arts[i] })
	for _, prefetch := range []bool{false, true} {
		b.Run(fmt.Sprintf("prefetch=%v", prefetch), func(b *testing.B) {
			buf := make([]byte, 0, 1<<20)
			for b.Loop() {
				for i := 0; i < len(arts); i += 256 {
					chunk := arts[i:min(i+256, len(arts))]
					if prefetch {
						Prefetch(chunk)
					}
					buf = buf[:0]
					for _, a := range chunk {
						var err error
						if buf, err = a.AppendJSONIndent(buf, false, "  ", "  "); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
		})
	}
}
