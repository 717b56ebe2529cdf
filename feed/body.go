package feed

import (
	"fmt"
	"net/url"
	"strings"
)

// Caps on the body of one article read from a feed, a web page or a
// Markdown file. Past them the rest of the body is dropped and a notice
// says so: a page of a million paragraphs is still an article, just not
// all of it.
const (
	// MaxBodyBlocks caps the blocks of one article body.
	MaxBodyBlocks = 5000
	// MaxBodyText caps the text of one article body, in bytes.
	MaxBodyText = 1 << 20
	// MaxRefs caps the footnotes of one article; links past it keep their
	// text but get no number, and images past it are dropped.
	MaxRefs = 1000
)

// cutNotice ends a body that reached a cap.
const cutNotice = "[The rest of this article is cut: it is longer than gazette keeps.]"

// bodyBuilder collects an article body: blocks of literal text, and the
// footnotes of their links and images numbered in reading order. Text
// arrives inline, a piece at a time, and becomes a block at each flush.
type bodyBuilder struct {
	// base resolves relative link and image URLs; it may be nil.
	base   *url.URL
	refs   *refBuilder
	blocks []Block
	// text is the inline text of the block being built.
	text strings.Builder
	// flushes counts the flushes, so that a link can tell whether its text
	// is still all in text.
	flushes int
	// size is the text kept so far, in bytes.
	size int
	// cut is set once a cap is reached; everything after is dropped.
	cut bool
}

func newBodyBuilder(base *url.URL, refs *refBuilder) *bodyBuilder {
	return &bodyBuilder{base: base, refs: refs}
}

// write appends inline text to the block being built.
func (b *bodyBuilder) write(s string) {
	if b.cut || s == "" {
		return
	}
	if b.size+b.text.Len()+len(s) > MaxBodyText {
		b.stop()
		return
	}
	b.text.WriteString(s)
}

// flush ends the block being built as a block of the given kind; it
// drops a block with no visible text.
func (b *bodyBuilder) flush(kind BlockKind, level int) {
	raw := b.text.String()
	b.text.Reset()
	b.flushes++
	if b.cut {
		return
	}
	var text string
	if kind == Code {
		text = strings.Trim(Sanitize(raw), "\n")
		if strings.TrimSpace(text) == "" {
			return
		}
	} else {
		text = collapseSpace(Sanitize(raw))
		if text == "" {
			return
		}
	}
	b.add(Block{Kind: kind, Text: text, Level: level})
}

// add appends a finished block, within the caps.
func (b *bodyBuilder) add(blk Block) {
	if b.cut {
		return
	}
	if len(b.blocks) >= MaxBodyBlocks || b.size+len(blk.Text) > MaxBodyText {
		b.stop()
		return
	}
	b.size += len(blk.Text)
	b.blocks = append(b.blocks, blk)
}

// stop marks the body cut and says so at its end.
func (b *bodyBuilder) stop() {
	if b.cut {
		return
	}
	b.cut = true
	b.text.Reset()
	b.blocks = append(b.blocks, Block{Kind: Paragraph, Text: cutNotice})
}

// ref returns the footnote number of a URL, resolved against the base and
// checked after resolution. ok is false for anything but http and https,
// and for a new URL once MaxRefs footnotes are taken.
func (b *bodyBuilder) ref(raw string, kind RefKind) (n int, ok bool) {
	u, ok := SafeURL(raw, b.base)
	if !ok {
		return 0, false
	}
	if n, seen := b.refs.number(u); seen {
		return n, true
	}
	if len(b.refs.refs) >= MaxRefs {
		return 0, false
	}
	return b.refs.add(u, kind), true
}

// maxAltLen caps an image's alternative text, in runes.
const maxAltLen = 300

// image ends the block being built as kind and adds an image block. alt
// is the image's alternative text, raw; the first one given for a URL
// is kept.
func (b *bodyBuilder) image(raw, alt string, kind BlockKind, level int) {
	if b.cut {
		return
	}
	n, ok := b.ref(raw, RefImage)
	if !ok {
		return
	}
	if r := &b.refs.refs[n-1]; r.Alt == "" && r.Kind == RefImage {
		r.Alt = clip(SanitizeLine(alt), maxAltLen)
	}
	b.flush(kind, level)
	b.add(Block{Kind: Image, Ref: n})
}

// linkMarker appends the " [N]" footnote marker of a link after its text.
// A link to a place on the same page gets none.
func (b *bodyBuilder) linkMarker(raw string) {
	if strings.HasPrefix(strings.TrimSpace(raw), "#") {
		return
	}
	if n, ok := b.ref(raw, RefLink); ok {
		b.write(fmt.Sprintf(" [%d]", n))
	}
}

// hasImage reports whether the body already shows the image at url.
func (b *bodyBuilder) hasImage(url string) bool {
	n, ok := b.refs.number(url)
	if !ok {
		return false
	}
	for _, blk := range b.blocks {
		if blk.Kind == Image && blk.Ref == n {
			return true
		}
	}
	return false
}

// collapseSpace collapses each line's runs of white space to one space,
// trims the lines, and drops the empty ones: HTML and Markdown treat white
// space as a separator, and an empty line inside a block would end it.
func collapseSpace(s string) string {
	if !strings.Contains(s, "\n") {
		return strings.Join(strings.Fields(s), " ")
	}
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
