package feed

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// hostileCorpus is the corpus of hostile inputs, one small file per threat
// row and format.
const hostileCorpus = "../testdata/hostile"

// parseLimit is how long parsing one document may take before the test
// calls it a hang. It is generous: only a runaway parse misses it.
const parseLimit = 30 * time.Second

// parseWithin parses doc in its own goroutine, failing the test on a
// panic (ParseDoc is called outside the loader too, by fetches and the
// full-article path, so it must not rely on the loader's recover) or when
// it has not returned within parseLimit.
func parseWithin(t *testing.T, doc Doc) ([]*Article, error) {
	t.Helper()
	type result struct {
		arts  []*Article
		err   error
		panic any
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{panic: p}
			}
		}()
		arts, err := ParseDoc(doc)
		done <- result{arts: arts, err: err}
	}()
	select {
	case r := <-done:
		if r.panic != nil {
			t.Fatalf("ParseDoc(%s) panicked: %v", doc.Location, r.panic)
		}
		return r.arts, r.err
	case <-time.After(parseLimit):
		t.Fatalf("ParseDoc(%s) did not return within %s", doc.Location, parseLimit)
		return nil, nil
	}
}

// checkArticleClean fails t for any field of a that ingest left unsanitized or
// over its cap: the contract is that an Article holds only clean text and
// http(s) URLs, whatever format it came from.
func checkArticleClean(t *testing.T, a *Article) {
	t.Helper()
	line := func(field, s string) {
		if s != SanitizeLine(s) {
			t.Errorf("%s not sanitized: %q", field, s)
		}
	}
	url := func(field, s string) {
		if u, ok := SafeURL(s, nil); !ok || u != s {
			t.Errorf("%s is not a clean http(s) URL: %q", field, s)
		}
	}
	line("title", a.Title)
	line("source", a.Source)
	line("date text", a.DateText)
	line("location", a.Location)
	if n := utf8.RuneCountInString(a.Title); n > MaxTitleLen {
		t.Errorf("title of %d runes", n)
	}
	if n := utf8.RuneCountInString(a.Source); n > MaxSourceLen {
		t.Errorf("source of %d runes", n)
	}
	if len(a.Tags) > MaxTags {
		t.Errorf("%d tags", len(a.Tags))
	}
	for _, tag := range a.Tags {
		if tag.Name == "" || tag.Name != SanitizeTag(tag.Name) || utf8.RuneCountInString(tag.Name) > MaxTagLen {
			t.Errorf("tag %q not clean", tag.Name)
		}
	}
	for _, m := range a.Mentions {
		line("mention", m.Name)
	}
	if a.Link != "" {
		url("link", a.Link)
	}
	for _, img := range a.Images {
		url("image", img)
	}
	for i, r := range a.Refs {
		url("footnote", r.URL)
		if r.N != i+1 {
			t.Errorf("footnote %d numbered %d", i+1, r.N)
		}
	}
	for i, b := range a.Body {
		if b.Text != Sanitize(b.Text) {
			t.Errorf("block %d not sanitized: %q", i, b.Text)
		}
		if b.Kind == Image && (b.Ref < 1 || b.Ref > len(a.Refs)) {
			t.Errorf("image block %d names footnote %d of %d", i, b.Ref, len(a.Refs))
		}
	}
}

// allText joins every string of an article, for searching.
func allText(a *Article) string {
	parts := []string{a.Title, a.Source, a.DateText, a.Link}
	for _, t := range a.Tags {
		parts = append(parts, t.Name)
	}
	for _, r := range a.Refs {
		parts = append(parts, r.URL)
	}
	for _, b := range a.Body {
		parts = append(parts, b.Text)
	}
	return strings.Join(parts, "\n")
}

// TestHostileDocs parses every file of the hostile corpus directly and
// checks that every field of every article came out clean, and that
// errors are clean too.
func TestHostileDocs(t *testing.T) {
	entries, err := os.ReadDir(hostileCorpus)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(hostileCorpus, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			arts, err := parseWithin(t, Doc{Location: e.Name(), Data: data})
			if err != nil {
				if msg := err.Error(); msg != Sanitize(msg) || strings.Contains(msg, "\x1b") {
					t.Errorf("error not sanitized: %q", msg)
				}
				if strings.Contains(err.Error(), "internal error") {
					t.Errorf("a parser panicked: %v", err)
				}
			}
			if err == nil && len(arts) == 0 {
				t.Error("no articles and no error")
			}
			for _, a := range arts {
				checkArticleClean(t, a)
				text := allText(a)
				for _, bad := range []string{"root:x:0", "lollol", "SECRET"} {
					if strings.Contains(text, bad) {
						t.Errorf("%q in the article: an entity expanded or hidden markup kept", bad)
					}
				}
			}
		})
	}
}

// TestHostileDocOutcomes pins what particular hostile files must give:
// which fail as a whole, with what error, and which keep their good parts.
func TestHostileDocOutcomes(t *testing.T) {
	tests := []struct {
		file     string
		articles int    // -1: any number
		err      error  // an error it must match, if any
		contains string // a substring of the error, if any; "-" means no error
		check    func(t *testing.T, arts []*Article)
	}{
		// F4: binary, NUL and UTF-16 are not text, whatever the ending.
		{file: "f4-png.txt", err: ErrNotText},
		{file: "f4-png.html", err: ErrNotText},
		{file: "f4-nul.txt", err: ErrNotText},
		{file: "f4-random.md", err: ErrNotText},
		{file: "f4-utf16.txt", err: ErrNotText},
		// F4: a byte order mark and CRLF line ends are read through.
		{file: "f4-bom-crlf.txt", articles: 1, contains: "-", check: func(t *testing.T, arts []*Article) {
			if arts[0].Title != "Title in UTF-16" || len(arts[0].Tags) != 1 {
				t.Errorf("title %q, tags %v", arts[0].Title, arts[0].Tags)
			}
		}},
		{file: "f4-bom-crlf.md", articles: 1, contains: "-"},
		{file: "f4-bom-crlf.rss", articles: 1, contains: "-"},
		{file: "f4-bom-crlf.json", articles: 1, contains: "-"},
		// P2: gofeed panics on a null item of a JSON feed; the other items
		// must survive it.
		{file: "p2-nil-fields.json", articles: -1, check: func(t *testing.T, arts []*Article) {
			found := false
			for _, a := range arts {
				found = found || strings.Contains(allText(a), "Only text.")
			}
			if !found {
				t.Error("the item beside the null one was lost")
			}
		}},
		// P2: one bad character or character reference in XML is
		// repaired, and every item is kept; the escape never survives.
		{file: "p2-bad-entity.rss", articles: 2, contains: "-", check: func(t *testing.T, arts []*Article) {
			if arts[1].Title != "Bad [2J item" {
				t.Errorf("title %q", arts[1].Title)
			}
		}},
		{file: "p2-invalid-utf8.rss", articles: 2, contains: "-"},
		// P1: entities stay literal.
		{file: "p1-xxe.rss", articles: 1, contains: "-", check: func(t *testing.T, arts []*Article) {
			if !strings.Contains(arts[0].Title, "&xxe;") {
				t.Errorf("title %q: the entity reference should stay as written", arts[0].Title)
			}
		}},
		// T5: a zero-width space is dropped from a tag, so the tag is the
		// country; a Cyrillic letter makes a different tag.
		{file: "t5-bidi.txt", articles: 1, contains: "-", check: func(t *testing.T, arts []*Article) {
			a := arts[0]
			if strings.ContainsRune(a.Title, '\u202e') {
				t.Errorf("RLO kept in title %q", a.Title)
			}
			var names []string
			for _, tag := range a.Tags {
				names = append(names, tag.Name)
			}
			if len(a.Tags) == 0 || a.Tags[0].Name != "Russia" || !a.Tags[0].Country {
				t.Fatalf("tags %q: Russ<ZWSP>ia should be the country Russia", names)
			}
			for _, tag := range a.Tags[1:] {
				if tag.Country && tag.Code == "RU" {
					t.Errorf("tags %q: a homoglyph became the country", names)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(hostileCorpus, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			arts, err := parseWithin(t, Doc{Location: tt.file, Data: data})
			switch {
			case tt.err != nil && !errors.Is(err, tt.err):
				t.Errorf("error %v, want %v", err, tt.err)
			case tt.contains == "-" && err != nil:
				t.Errorf("error %v", err)
			case tt.contains != "" && tt.contains != "-" && (err == nil || !strings.Contains(err.Error(), tt.contains)):
				t.Errorf("error %v, want one containing %q", err, tt.contains)
			}
			if tt.articles >= 0 && len(arts) != tt.articles {
				t.Fatalf("%d articles, want %d", len(arts), tt.articles)
			}
			if tt.check != nil {
				tt.check(t, arts)
			}
		})
	}
}

// TestMarkdownNestingBounded parses Markdown whose nesting would make the
// parser's work grow with its square: list markers, quote markers, and
// both mixed, 200,000 deep on one line. Each must parse within the limit.
func TestMarkdownNestingBounded(t *testing.T) {
	const n = 100_000
	tests := []struct{ name, line string }{
		{"dashes", strings.Repeat("- ", n)},
		{"stars", strings.Repeat("* ", n)},
		{"pluses", strings.Repeat("+ ", n)},
		{"ordered", strings.Repeat("1. ", n)},
		{"quotes", strings.Repeat("> ", n)},
		{"mixed", strings.Repeat("> - ", n/2)},
		{"indented", strings.Repeat("  - ", n/2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte("# Deep\n\n" + tt.line + "text\n")
			arts, err := parseWithin(t, Doc{Location: fmt.Sprintf("%s.md", tt.name), Data: data})
			if err != nil || len(arts) != 1 {
				t.Fatalf("%d articles, error %v", len(arts), err)
			}
			checkArticleClean(t, arts[0])
		})
	}
}

func TestTrimListMarkers(t *testing.T) {
	deep := func(marker string, n int) string { return strings.Repeat(marker, n) }
	tests := []struct{ in, want string }{
		{"- item", "- item"},
		{deep("- ", maxQuoteMarkers) + "x", deep("- ", maxQuoteMarkers) + "x"},
		{deep("- ", maxQuoteMarkers+2) + "x", deep("- ", maxQuoteMarkers) + `\- \- x`},
		{deep("1. ", maxQuoteMarkers+1) + "x", deep("1. ", maxQuoteMarkers) + `1\. x`},
		{deep("> - ", maxQuoteMarkers/2+1) + "x", deep("> - ", maxQuoteMarkers/2) + `\> \- x`},
		{deep("  * ", maxQuoteMarkers+1) + "x", deep("  * ", maxQuoteMarkers) + `  \* x`},
		// Quotes alone keep their own rule; "---" and "-x" are no markers.
		{deep("> ", maxQuoteMarkers+1) + "x", deep("> ", maxQuoteMarkers) + "x"},
		{deep("---", 40), deep("---", 40)},
		{deep("-x ", 40), deep("-x ", 40)},
	}
	for _, tt := range tests {
		if got, _ := trimNesting([]byte(tt.in)); string(got) != tt.want {
			t.Errorf("trimNesting(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}
