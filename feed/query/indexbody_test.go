package query

import (
	"strings"
	"testing"

	"github.com/gazette-news/gazette/feed"
)

// indexBodyArticle makes an article of the given block texts, the third
// of them an image, and with one link footnote and one image footnote, so
// that " [1]" is a marker to leave out and " [2]" is text.
func indexBodyArticle(texts ...string) *feed.Article {
	a := &feed.Article{Refs: []feed.Ref{{Kind: feed.RefLink, URL: "https://example.com/a"}, {Kind: feed.RefImage, URL: "https://example.com/b.png"}}}
	for i, t := range texts {
		kind := feed.Paragraph
		if i == 2 {
			kind = feed.Image
		}
		a.Body = append(a.Body, feed.Block{Kind: kind, Text: t})
	}
	return a
}

// AppendIndexBody gives the index the text IndexText(BodyText(a)) gives,
// block by block, whether a block is plain already or not, and keeps what
// dst held.
func TestAppendIndexBody(t *testing.T) {
	for _, texts := range [][]string{
		nil,
		{"Talks in Geneva ended."},
		{"Talks in Geneva [1] ended.", "See https://example.com/x for more [2].", "An image caption", "Côte d'Ivoire, 東京で"},
		{"", "only https://example.com/", "e\\u0301", "\u0301starts with a mark", "ends with a mark e\u0301"},
		{"https://example.com/", "", "", "word"},
		{"  spaced   out  ", "\n", "a\nb"},
	} {
		a := indexBodyArticle(texts...)
		want := IndexText(BodyText(a))
		got, scratch := AppendIndexBody(nil, nil, a)
		if string(got) != want {
			t.Errorf("%q: AppendIndexBody %q, want %q", texts, got, want)
		}
		// Buffers reused, after what dst held.
		again, _ := AppendIndexBody([]byte("kept|"), scratch, a)
		if string(again) != "kept|"+want {
			t.Errorf("%q: after kept text, %q", texts, again)
		}
	}
}

// FuzzAppendIndexBody checks AppendIndexBody against the text it stands
// for, IndexText(BodyText(a)), on any blocks.
func FuzzAppendIndexBody(f *testing.F) {
	f.Add("Talks [1] in Geneva", "see https://example.com", "\u0301mark", "東京で")
	f.Add("", "e\u0301", "[2]", " [1]")
	f.Fuzz(func(t *testing.T, b1, b2, b3, b4 string) {
		a := indexBodyArticle(b1, b2, b3, b4)
		want := IndexText(BodyText(a))
		got, scratch := AppendIndexBody(nil, nil, a)
		if string(got) != want {
			t.Fatalf("AppendIndexBody %q, want %q", got, want)
		}
		if again, _ := AppendIndexBody(got[:0], scratch, a); string(again) != want {
			t.Fatalf("with its buffers again: %q, want %q", again, want)
		}
		if strings.Contains(want, "  ") {
			t.Fatalf("stray spaces: %q", want)
		}
	})
}
