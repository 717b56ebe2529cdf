package feed

import (
	"bytes"
	"math"
	"reflect"
	"testing"
	"time"
)

// FuzzDecodeHead feeds the header cache's record decoder arbitrary bytes,
// as a damaged or planted cache file could hold: it never panics, what it
// accepts is as clean as ingest leaves an article, and it encodes and
// decodes back to the same record.
func FuzzDecodeHead(f *testing.F) {
	for _, a := range []*Article{
		{ID: "0123456789abcdef", Title: "Title", DateText: "17 January 2022", Source: "Wire", Format: "txt"},
		{
			ID: "fedcba9876543210", Title: "Talks", Link: "https://example.com/a", Format: "rss", Partial: true, seq: 2,
			Key:      "guid:1",
			Date:     time.Date(2022, 1, 17, 9, 30, 0, 0, time.FixedZone("CET", 3600)),
			Tags:     []Tag{{Name: "Russia", Country: true, Code: "RU"}, {Name: "Energy"}},
			Mentions: []Mention{{Name: "China", Code: "CN", Score: 1.5}},
			Refs:     []Ref{{N: 1, URL: "https://example.com/i.png", Kind: RefImage}, {N: 2, URL: "https://example.com/l", Kind: RefLink}},
			Images:   []string{"https://example.com/i.png", "https://example.com/j.png"},
		},
		{ID: "00112233445566aa", Title: "Put off", Format: "txt", Tags: []Tag{{Name: "China", Country: true, Code: "CN"}}, Undetected: true},
	} {
		b := AppendHead(nil, a)
		f.Add(b)
		f.Add(b[:len(b)-1])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeHead(string(data), nil)
		if shared, serr := DecodeHeadShared(string(data), nil); (serr == nil) != (err == nil) || !reflect.DeepEqual(shared, a) {
			t.Fatalf("shared decoding differs: %+v, %v; copied %+v, %v", shared, serr, a, err)
		}
		var blocks HeadBlocks
		bare, berr := blocks.DecodeBare(string(data), nil)
		if berr != nil && bare != nil {
			t.Fatal("a bare article with an error")
		}
		peek, ok := PeekHead(string(data))
		if err != nil {
			if a != nil {
				t.Fatal("an article with an error")
			}
			return
		}
		// What decodes whole decodes bare, the same but for its
		// footnotes; bare decoding checks no footnote, so it may accept
		// records with damaged ones too.
		if berr != nil {
			t.Fatalf("decodes whole but not bare: %v", berr)
		}
		whole := *a
		whole.Refs, whole.Images = nil, nil
		if !reflect.DeepEqual(bare, &whole) {
			t.Fatalf("bare decoding differs:\n%+v\nwant\n%+v", bare, &whole)
		}
		want := HeadPeek{ID: a.ID, Title: a.Title, Source: a.Source, Key: a.Key}
		if !a.Date.IsZero() {
			want.Date = a.Date.UTC()
		}
		if !ok || peek != want {
			t.Fatalf("PeekHead = %+v, %v; the record holds %+v", peek, ok, want)
		}
		if HeadUndetected(string(data)) != a.Undetected {
			t.Fatalf("HeadUndetected = %v; the record holds %v", !a.Undetected, a.Undetected)
		}
		for _, s := range []string{a.ID, a.Title, a.DateText, a.Source, a.Link, a.Format, a.Key} {
			if !isClean(s, false) {
				t.Fatalf("unclean string %q accepted", s)
			}
		}
		if SanitizeLine(a.Title) != a.Title {
			t.Fatalf("title %q accepted: ingest could not have written it", a.Title)
		}
		for _, tag := range a.Tags {
			if !isClean(tag.Name, false) || !isClean(tag.Code, false) {
				t.Fatalf("unclean tag %+v accepted", tag)
			}
		}
		for _, m := range a.Mentions {
			if !isClean(m.Name, false) || !isClean(m.Code, false) {
				t.Fatalf("unclean mention %+v accepted", m)
			}
		}
		for _, m := range a.Mentions {
			// list --json could not write it, and no detection makes it.
			if math.IsNaN(m.Score) || math.IsInf(m.Score, 0) {
				t.Fatalf("mention score %v accepted", m.Score)
			}
		}
		for _, u := range append(a.Images, a.Link) {
			if u != "" && !isHTTP(u) {
				t.Fatalf("URL %q accepted", u)
			}
		}
		enc := AppendHead(nil, a)
		back, err := DecodeHead(string(enc), nil)
		if err != nil {
			t.Fatalf("an accepted record does not read back: %v", err)
		}
		if again := AppendHead(nil, back); !bytes.Equal(again, enc) {
			t.Fatalf("round trip changed the record:\n%q\n%q", enc, again)
		}
	})
}

// TestTableStringsAreClean checks what decodeHead relies on when it takes
// a tag's or a mention's name and code for the country table's without
// checking them: every one of the table's is as clean as str requires.
func TestTableStringsAreClean(t *testing.T) {
	n := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			m, ok := MentionOf(string([]rune{a, b}))
			if !ok {
				continue
			}
			n++
			for _, s := range []string{m.Name, m.Code} {
				if len(s) > maxHeadString || !isClean(s, false) || !keptLine(s) {
					t.Errorf("%s: %q is not clean", m.Code, s)
				}
			}
		}
	}
	if n < 190 {
		t.Errorf("only %d countries", n)
	}
}
