package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestStoryKeyRule(t *testing.T) {
	day := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	art := &Article{Title: "Coal deal signed", Date: day, Source: "Wire"}
	tests := []struct {
		name       string
		a, b       string
		sameAsPrev bool
	}{
		{"a GUID is the key, whatever the feed and link", StoryKey("tag:wire.example,2024:77", "https://a.example/x", "Wire", art),
			StoryKey("tag:wire.example,2024:77", "https://b.example/y", "Other", &Article{Title: "Changed"}), true},
		{"a URL GUID agrees with the same link", StoryKey("https://wire.example/77", "", "Wire", art),
			StoryKey("", "https://wire.example/77", "Other", art), true},
		{"a weak GUID is unique within its feed only", StoryKey("77", "", "Wire", art),
			StoryKey("77", "", "Other wire", art), false},
		{"a weak GUID in the same feed agrees", StoryKey("77", "", "Wire", art),
			StoryKey("77", "", " wire ", art), true},
		{"a GUID and a link with the same text differ", StoryKey("abcdefgh-1", "", "", art),
			StoryKey("", "abcdefgh-1", "", art), false},
		{"content: title, date and source, case and spaces aside", StoryKey("", "", "", art),
			StoryKey("", "", "", &Article{Title: "coal  deal SIGNED ", Date: day, Source: "wire", Body: []Block{{Text: "x"}}}), true},
		{"content: another date is another story", StoryKey("", "", "", art),
			StoryKey("", "", "", &Article{Title: art.Title, Date: day.AddDate(0, 0, 1), Source: "Wire"}), false},
		{"content: the same instant in another zone agrees", StoryKey("", "", "", art),
			StoryKey("", "", "", &Article{Title: art.Title, Date: day.In(time.FixedZone("X", 3600)), Source: "Wire"}), true},
		{"content: a bare title takes the body along", StoryKey("", "", "", &Article{Title: "Notes", Body: []Block{{Text: "one"}}}),
			StoryKey("", "", "", &Article{Title: "Notes", Body: []Block{{Text: "two"}}}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if (tt.a == tt.b) != tt.sameAsPrev {
				t.Errorf("keys %s and %s: same = %v, want %v", tt.a, tt.b, tt.a == tt.b, tt.sameAsPrev)
			}
		})
	}
	for _, k := range []string{StoryKey("tag:x,1:2", "", "", art), StoryKey("", "https://x.example/", "", art), StoryKey("", "", "", art)} {
		if len(k) != 2+IDLen || k[1] != ':' || !strings.Contains("guc", k[:1]) {
			t.Errorf("key %q is not kind:hash", k)
		}
	}
}

// rssFeed writes an RSS feed whose items have the given GUIDs.
func rssFeed(title string, guids ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>https://wire.example/</link>`, title)
	for _, g := range guids {
		fmt.Fprintf(&b, `<item><title>Story %[1]s</title><guid isPermaLink="false">urn:wire:%[1]s</guid><description>Text of %[1]s.</description></item>`, g)
	}
	b.WriteString("</channel></rss>")
	return []byte(b.String())
}

// keysByTitle parses a document and maps its articles' titles to keys.
func keysByTitle(t *testing.T, doc Doc) map[string]string {
	t.Helper()
	arts, err := parseFeedDoc(doc)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, a := range arts {
		m[a.Title] = a.Key
	}
	return m
}

func TestKeysOfFeedItems(t *testing.T) {
	first := keysByTitle(t, Doc{Location: "https://wire.example/rss", Data: rssFeed("Wire", "a", "b", "c")})
	t.Run("re-fetch", func(t *testing.T) {
		again := keysByTitle(t, Doc{Location: "https://wire.example/rss", Data: rssFeed("Wire", "a", "b", "c")})
		for title, k := range first {
			if again[title] != k {
				t.Errorf("%s: %s, then %s", title, k, again[title])
			}
		}
	})
	t.Run("rotation", func(t *testing.T) {
		rotated := keysByTitle(t, Doc{Location: "https://wire.example/rss", Data: rssFeed("Wire", "b", "c", "d")})
		for _, title := range []string{"Story b", "Story c"} {
			if rotated[title] != first[title] {
				t.Errorf("%s: %s, then %s after rotation", title, first[title], rotated[title])
			}
		}
		if rotated["Story d"] == first["Story a"] || rotated["Story d"] == "" {
			t.Errorf("the new item took key %q", rotated["Story d"])
		}
	})
	t.Run("same GUID in two feeds", func(t *testing.T) {
		mirror := keysByTitle(t, Doc{Location: "https://mirror.example/feed.xml", Data: rssFeed("Mirror", "b")})
		if mirror["Story b"] != first["Story b"] {
			t.Errorf("one GUID, two keys: %s and %s", first["Story b"], mirror["Story b"])
		}
	})
	t.Run("distinct", func(t *testing.T) {
		seen := map[string]bool{}
		for _, k := range first {
			if k == "" || seen[k] {
				t.Errorf("key %q empty or repeated", k)
			}
			seen[k] = true
		}
	})
}

// FuzzArticleJSON reads arbitrary bytes as a kept article: never a panic,
// and what comes back is as clean as ingest leaves it.
func FuzzArticleJSON(f *testing.F) {
	a := &Article{ID: "0123456789abcdef", Title: "T", Date: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
		Refs: []Ref{{N: 1, URL: "https://x.example/i.png"}}, Body: []Block{{Kind: Image, Ref: 1}, {Text: "x"}}}
	seed, _ := a.MarshalJSON()
	f.Add(seed)
	f.Add([]byte(`{"title":"\u001b[31mred","body":[{"kind":"image","ref":9}],"link":"javascript:x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var got Article
		if err := got.UnmarshalJSON(data); err != nil {
			return
		}
		if got.Title != SanitizeLine(got.Title) || got.Source != SanitizeLine(got.Source) {
			t.Errorf("unclean title or source: %q, %q", got.Title, got.Source)
		}
		if got.Link != "" && !isHTTP(got.Link) {
			t.Errorf("link %q", got.Link)
		}
		for _, b := range got.Body {
			if b.Kind == Image && (b.Ref < 1 || b.Ref > len(got.Refs)) {
				t.Errorf("image block refers to footnote %d of %d", b.Ref, len(got.Refs))
			}
		}
	})
}

// FuzzFold checks that fold gives what foldFields does for any text:
// story keys are kept in the store, and must never change.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"", " ", "Putin and Xi  hail\tties ", "\vA\fB\rC\n", "Über Straße", "a\u00a0b", "a\u0085b", "İstanbul", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := fold(s), foldFields(s); got != want {
			t.Errorf("fold(%q) = %q, want %q", s, got, want)
		}
	})
}

// BenchmarkStoryKey measures the key of a file article, made for each
// file a first load parses.
func BenchmarkStoryKey(b *testing.B) {
	a := &Article{
		Title:  "Putin and Xi hail Russia-China relations in virtual meet!",
		Source: "Virtual Wire",
		Date:   time.Date(2022, 1, 17, 0, 0, 0, 0, time.UTC),
	}
	b.ReportAllocs()
	for b.Loop() {
		StoryKey("", "", "", a)
	}
}

// TestMakeID checks MakeID against its definition, the first bytes of the
// SHA-256 of the parts each ended by a NUL, in hex, for parts short and
// longer than its buffer.
func TestMakeID(t *testing.T) {
	long := strings.Repeat("ж", 400)
	for _, parts := range [][]string{
		nil,
		{""},
		{"page.html"},
		{"wire.rss", "wire-1"},
		{"a", "", "b"},
		{long},
		{long, long, "x"},
	} {
		h := sha256.New()
		for _, p := range parts {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
		want := hex.EncodeToString(h.Sum(nil))[:IDLen]
		if got := MakeID(parts...); got != want {
			t.Errorf("MakeID(%q) = %s, want %s", parts, got, want)
		}
	}
	if got := MakeID("page.html"); got != "42e3ef8ec9d73da6" {
		t.Errorf(`MakeID("page.html") = %s: IDs changed, which moves every article's read mark`, got)
	}
}

// FuzzStoryKeyContent checks the key of an article keyed by its content
// against its definition: MakeID of the title, the date (RFC 3339, in
// UTC, or the date's text) and the source, each folded, and of the body's
// text too when neither date nor source says anything.
func FuzzStoryKeyContent(f *testing.F) {
	f.Add("Putin and Xi hail ties", "17th January 2022", "Virtual Wire", "Body text.", int64(1642377600))
	f.Add("Über Straße", "", "", "Nur der Text.\n\nZweiter Absatz.", int64(0))
	f.Add(strings.Repeat("Long title ", 60), "", " ", "x", int64(0))
	f.Add("İstanbul", "  ", "", "", int64(-62135596800))
	f.Fuzz(func(t *testing.T, title, dateText, source, body string, sec int64) {
		a := &Article{Title: title, DateText: dateText, Source: source}
		if sec != 0 && sec > -1e11 && sec < 1e11 {
			a.Date = time.Unix(sec, 0).In(time.FixedZone("X", 3600))
		}
		for p := range strings.SplitSeq(body, "\n\n") {
			a.Body = append(a.Body, Block{Kind: Paragraph, Text: p})
		}
		date := a.DateText
		if !a.Date.IsZero() {
			date = a.Date.UTC().Format(time.RFC3339)
		}
		parts := []string{foldFields(title), foldFields(date), foldFields(source)}
		if parts[1] == "" && parts[2] == "" {
			var text strings.Builder
			for _, b := range a.Body {
				text.WriteString(b.Text + "\n")
			}
			parts = append(parts, foldFields(text.String()))
		}
		if got, want := StoryKey("", "", "", a), keyContent+":"+MakeID(parts...); got != want {
			t.Errorf("StoryKey = %s, want %s (parts %q)", got, want, parts)
		}
	})
}
