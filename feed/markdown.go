package feed

import (
	"fmt"
	"strings"
)

// DateLayout is how gazette writes dates for people: "17 January 2022".
const DateLayout = "2 January 2006"

// Meta returns the article's metadata line: date · source · tags, with the
// detected countries, marked, where the source declared none.
func (a *Article) Meta() string {
	var parts []string
	if d := a.DisplayDate(); d != "" {
		parts = append(parts, d)
	}
	if a.Source != "" {
		parts = append(parts, a.Source)
	}
	names := make([]string, 0, len(a.Tags))
	for _, t := range a.Tags {
		names = append(names, t.Name)
	}
	if !a.hasCountryTag() {
		// Detection stands in for the countries the source left out, and
		// says so.
		for _, m := range a.Mentions {
			names = append(names, m.Name+" (detected)")
		}
	}
	if len(names) > 0 {
		parts = append(parts, strings.Join(names, ", "))
	}
	return strings.Join(parts, " · ")
}

// DisplayDate returns the date as gazette shows it, or the source's own
// text when it could not be read as a date.
func (a *Article) DisplayDate() string {
	if !a.Date.IsZero() {
		return a.Date.Format(DateLayout)
	}
	return a.DateText
}

// MarkdownOptions changes how Markdown is written.
type MarkdownOptions struct {
	// VisibleFootnotes writes the footnote list as escaped text lines rather
	// than link reference definitions, which Markdown renderers hide. The
	// terminal renderers use it so that the list shows.
	VisibleFootnotes bool
	// TerminalFootnotes writes each footnote as a paragraph of its own, of
	// escaped text: visible, as with VisibleFootnotes, and kept apart by
	// renderers that ignore hard line breaks, as Glamour does. It implies
	// VisibleFootnotes.
	TerminalFootnotes bool
	// BodyOnly leaves out the "# Title" heading and the metadata line, for
	// screens that show them in a header of their own.
	BodyOnly bool
}

// Markdown returns the article as Markdown: a "# Title" heading, the
// metadata line, the body with "[Image N]" in place of each picture and
// " [N]" after each link's text, then the numbered footnotes:
//
//	[1]: https://cdn1.i-scmp.com/ (image)
//
// Article text is escaped, so nothing from a source becomes Markdown
// structure, HTML or a live entity.
func (a *Article) Markdown(opt MarkdownOptions) string {
	var b strings.Builder
	if !opt.BodyOnly {
		title := a.Title
		if title == "" {
			title = "Untitled"
		}
		b.WriteString("# ")
		b.WriteString(EscapeMarkdown(title))
		b.WriteString("\n\n")
		if m := a.Meta(); m != "" {
			b.WriteString("*")
			b.WriteString(EscapeMarkdown(m))
			b.WriteString("*\n\n")
		}
	}
	for _, blk := range a.Body {
		writeMarkdownBlock(&b, blk, altSuffix(a.Refs, blk.Ref, true))
	}
	if len(a.Refs) > 0 {
		for i, r := range a.Refs {
			switch {
			case opt.TerminalFootnotes:
				if i > 0 {
					b.WriteString("\n")
				}
				fmt.Fprintf(&b, "\\[%d\\]: %s (%s)\n", r.N, r.URL, refLabel(r, footnoteText))
			case opt.VisibleFootnotes:
				fmt.Fprintf(&b, "\\[%d\\]: %s (%s)", r.N, r.URL, refLabel(r, footnoteText))
				if i < len(a.Refs)-1 {
					b.WriteString("  ")
				}
				b.WriteString("\n")
			default:
				fmt.Fprintf(&b, "[%d]: %s (%s)\n", r.N, r.URL, refLabel(r, footnoteTitle))
			}
		}
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// altSuffix returns ": ALT" for an image block whose footnote has
// alternative text, escaped for Markdown when md is set, else "".
func altSuffix(refs []Ref, n int, md bool) string {
	if n < 1 || n > len(refs) || refs[n-1].Alt == "" {
		return ""
	}
	if md {
		return ": " + EscapeMarkdown(refs[n-1].Alt)
	}
	return ": " + refs[n-1].Alt
}

// footnoteStyle says how a footnote's alt text is written.
type footnoteStyle int

const (
	// footnotePlain is plain text.
	footnotePlain footnoteStyle = iota
	// footnoteTitle is the title of a Markdown link reference definition,
	// where only backslashes and parentheses need escaping.
	footnoteTitle
	// footnoteText is Markdown text.
	footnoteText
)

// refLabel returns what a footnote line says in parentheses after its
// URL: "link", "image", or "image: ALT".
func refLabel(r Ref, style footnoteStyle) string {
	if r.Kind != RefImage || r.Alt == "" {
		return r.Kind.String()
	}
	alt := r.Alt
	switch style {
	case footnoteTitle:
		alt = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(alt)
	case footnoteText:
		alt = EscapeMarkdown(alt)
	}
	return "image: " + alt
}

// maxListDepth caps list nesting; deeper items are shown at this depth.
const maxListDepth = 3

func writeMarkdownBlock(b *strings.Builder, blk Block, alt string) {
	switch blk.Kind {
	case Image:
		fmt.Fprintf(b, "\\[Image %d%s\\]\n\n", blk.Ref, alt)
	case Heading:
		level := min(max(blk.Level, 2), 6)
		b.WriteString(strings.Repeat("#", level))
		b.WriteString(" ")
		b.WriteString(EscapeMarkdown(blk.Text))
		b.WriteString("\n\n")
	case Quote:
		b.WriteString("> ")
		b.WriteString(EscapeMarkdown(blk.Text))
		b.WriteString("\n\n")
	case ListItem:
		b.WriteString(strings.Repeat("  ", min(max(blk.Level, 0), maxListDepth)))
		b.WriteString("- ")
		b.WriteString(EscapeMarkdown(blk.Text))
		b.WriteString("\n\n")
	case Code:
		fence := "```"
		for strings.Contains(blk.Text, fence) {
			fence += "`"
		}
		b.WriteString(fence)
		b.WriteString("\n")
		b.WriteString(strings.TrimRight(blk.Text, "\n"))
		b.WriteString("\n")
		b.WriteString(fence)
		b.WriteString("\n\n")
	default:
		b.WriteString(EscapeMarkdown(blk.Text))
		b.WriteString("\n\n")
	}
}

// EscapeMarkdown makes text literal in Markdown: every character that could
// start emphasis, a link or image (a "!" is harmless once "[" is escaped),
// code, raw HTML, a table cell or an entity is escaped, and so is anything
// at the start of a line that could open a block (heading, quote, list,
// fence, rule). So are every "@" and the colon of "ftp:", from which
// renderers that link bare URLs (GFM's autolinks) would make mailto: and
// ftp: links; only http and https may be linked. Newlines are kept.
func EscapeMarkdown(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/16)
	lineStart := true
	escAt := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if lineStart {
			// Leading spaces would make an indented code block.
			if c == ' ' || c == '\t' {
				continue
			}
			escAt = blockMarkerAt(s[i:])
			if escAt >= 0 {
				escAt += i
			}
			lineStart = false
		}
		if i == escAt {
			b.WriteByte('\\')
		}
		switch c {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '@':
			b.WriteByte('\\')
			b.WriteByte(c)
		case ':':
			if i >= 3 && s[i-3:i] == "ftp" {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case '&':
			b.WriteString("&amp;")
		case '\n':
			b.WriteByte('\n')
			lineStart = true
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// blockMarkerAt returns the offset of the character that would make a line
// beginning with s open a Markdown block (heading, list, rule, setext
// underline), so that it can be escaped, or -1. Characters that are always
// escaped are not its concern.
func blockMarkerAt(s string) int {
	switch s[0] {
	case '#', '-', '+', '=':
		return 0
	}
	// "1. " and "1) " open ordered lists; a backslash before a digit is no
	// escape, so the dot or parenthesis is escaped instead.
	i := 0
	for i < len(s) && i < 10 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return i
	}
	return -1
}
