package feed

import (
	"cmp"
	"fmt"
	"slices"
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

// SortNewest sorts articles newest first; undated articles come last.
// Ties break on title, location and place in the document, so the order is
// the same every run and on every machine.
func SortNewest(arts []*Article) {
	// The dates are taken out once, beside the articles, so that most
	// comparisons read two numbers side by side rather than two articles
	// through their pointers; ties go to Newer.
	type keyed struct {
		sec   int64
		nsec  int32
		dated bool
		a     *Article
	}
	keys := make([]keyed, len(arts))
	for i, a := range arts {
		keys[i] = keyed{a.Date.Unix(), int32(a.Date.Nanosecond()), !a.Date.IsZero(), a}
	}
	slices.SortFunc(keys, func(x, y keyed) int {
		if x.sec != y.sec || x.nsec != y.nsec {
			switch {
			case !x.dated || !y.dated:
				// Undated last, as Newer has it.
				if x.dated {
					return -1
				}
				if y.dated {
					return 1
				}
			case x.sec != y.sec:
				return cmp.Compare(y.sec, x.sec)
			default:
				return cmp.Compare(y.nsec, x.nsec)
			}
		}
		switch {
		case Newer(x.a, y.a):
			return -1
		case Newer(y.a, x.a):
			return 1
		}
		return 0
	})
	for i := range keys {
		arts[i] = keys[i].a
	}
}

// Newer reports whether a sorts before b in a newest-first list.
func Newer(a, b *Article) bool {
	if !a.Date.Equal(b.Date) {
		if a.Date.IsZero() || b.Date.IsZero() {
			return b.Date.IsZero()
		}
		return a.Date.After(b.Date)
	}
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	if a.Location != b.Location {
		return a.Location < b.Location
	}
	if a.seq != b.seq {
		return a.seq < b.seq
	}
	return a.ID < b.ID
}
