package feed

import (
	"fmt"
	"strings"

	"github.com/rivo/uniseg"
)

// Text returns the article as plain text wrapped to width columns (no
// wrapping when width < 1): no Markdown markup, with "[Image N]" and the
// " [N]" link markers kept, and the numbered footnote list at the end.
func (a *Article) Text(width int) string {
	var b strings.Builder
	title := a.Title
	if title == "" {
		title = "Untitled"
	}
	wrap(&b, title, width, "")
	if m := a.Meta(); m != "" {
		wrap(&b, m, width, "")
	}
	for _, blk := range a.Body {
		b.WriteString("\n")
		switch blk.Kind {
		case Image:
			fmt.Fprintf(&b, "[Image %d%s]\n", blk.Ref, altSuffix(a.Refs, blk.Ref, false))
		case Heading:
			wrap(&b, strings.ToUpper(blk.Text), width, "")
		case Quote:
			wrap(&b, blk.Text, width, "> ")
		case ListItem:
			indent := strings.Repeat("  ", min(max(blk.Level, 0), maxListDepth))
			wrapHanging(&b, blk.Text, width, indent+"- ", indent+"  ")
		case Code:
			b.WriteString(strings.TrimRight(blk.Text, "\n"))
			b.WriteString("\n")
		default:
			wrap(&b, blk.Text, width, "")
		}
	}
	if len(a.Refs) > 0 {
		b.WriteString("\n")
		for _, r := range a.Refs {
			fmt.Fprintf(&b, "[%d]: %s (%s)\n", r.N, r.URL, refLabel(r, footnotePlain))
		}
	}
	return b.String()
}

// wrap writes text word-wrapped to width display columns, each line
// starting with prefix.
func wrap(b *strings.Builder, text string, width int, prefix string) {
	wrapHanging(b, text, width, prefix, prefix)
}

// wrapHanging is wrap with a different prefix on the first line. Words
// wider than the line are not broken: they are usually URLs.
func wrapHanging(b *strings.Builder, text string, width int, first, rest string) {
	for _, para := range strings.Split(text, "\n") {
		prefix := first
		col := 0
		started := false
		for _, w := range strings.Fields(para) {
			ww := uniseg.StringWidth(w)
			if started && width > 0 && col+1+ww > width {
				b.WriteString("\n")
				started = false
			}
			if !started {
				b.WriteString(prefix)
				prefix = rest
				col = uniseg.StringWidth(rest)
				b.WriteString(w)
				col += ww
				started = true
				continue
			}
			b.WriteByte(' ')
			b.WriteString(w)
			col += 1 + ww
		}
		if !started {
			b.WriteString(strings.TrimRight(prefix, " "))
		}
		b.WriteString("\n")
	}
}
