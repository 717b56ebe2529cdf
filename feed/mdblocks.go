package feed

import (
	"bytes"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// newMarkdownParser returns the CommonMark parser that reads Markdown
// bodies, with GFM tables and strikethrough. It is built per document,
// not kept in a package variable.
func newMarkdownParser() parser.Parser {
	return goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough)).Parser()
}

// markdownBlocks parses a Markdown body into blocks of literal text,
// numbering link and image footnotes in rb. When takeTitle is set, a
// level-1 heading that opens the body is returned as the title and left
// out of the blocks.
func markdownBlocks(p parser.Parser, src []byte, b *bodyBuilder, takeTitle bool) (title string) {
	src = defuseMarkdown(src)
	doc := p.Parse(text.NewReader(src))
	w := &mdWalker{src: src, b: b, takeTitle: takeTitle}
	w.walk(doc)
	w.flush()
	return w.title
}

// mdWalker turns a goldmark syntax tree into blocks. It walks the tree
// with a loop rather than recursion, so no input can exhaust the stack.
type mdWalker struct {
	src []byte
	b   *bodyBuilder
	// quote is the blockquote depth; nested quotes are flattened, as the
	// Block model has no nesting (and Glamour slows to a crawl on it).
	quote int
	// lists is the list depth. Items of ordered lists lose their numbers:
	// the Block model has bullets only, and "- 1. text" reads worse than
	// the order alone.
	lists int
	// heading is the level of the heading being read, 0 outside one.
	heading int
	// links holds, for each open link, where its text starts and the
	// flush count then.
	links [][2]int
	// takeTitle asks for a leading level-1 heading as the title.
	takeTitle bool
	title     string
}

func (w *mdWalker) walk(doc ast.Node) {
	n := doc.FirstChild()
	for n != nil && !w.b.cut {
		if w.enter(n) && n.FirstChild() != nil {
			n = n.FirstChild()
			continue
		}
		for n != nil {
			w.leave(n)
			if next := n.NextSibling(); next != nil {
				n = next
				break
			}
			n = n.Parent()
			if n == doc {
				n = nil
			}
		}
	}
}

// kind returns the kind and level of the block being built.
func (w *mdWalker) kind() (BlockKind, int) {
	switch {
	case w.heading > 0:
		return Heading, min(max(w.heading, 2), 6)
	case w.lists > 0:
		return ListItem, min(w.lists-1, maxListDepth)
	case w.quote > 0:
		return Quote, 0
	}
	return Paragraph, 0
}

func (w *mdWalker) flush() {
	if w.heading == 1 && w.takeTitle && len(w.b.blocks) == 0 && w.title == "" {
		w.title = w.b.text.String()
		w.b.text.Reset()
		w.b.flushes++
		return
	}
	k, l := w.kind()
	w.b.flush(k, l)
}

// enter handles a node on the way down and reports whether to visit its
// children.
func (w *mdWalker) enter(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *ast.ThematicBreak, *extast.Table,
		*extast.TableHeader, *extast.TableRow:
		w.flush()
	case *ast.Heading:
		w.flush()
		w.heading = n.Level
	case *ast.Blockquote:
		w.flush()
		w.quote++
	case *ast.List:
		w.flush()
		w.lists++
	case *ast.ListItem:
		w.flush()
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		w.flush()
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			w.b.write(string(seg.Value(w.src)))
		}
		w.b.flush(Code, 0)
		return false
	case *ast.HTMLBlock:
		// Raw HTML is not shown: its text would need an HTML parser, and
		// its markup must never reach the reader.
		w.flush()
		return false
	case *extast.TableCell:
		if n.PreviousSibling() != nil {
			w.b.write(" | ")
		}
	case *ast.Text:
		v := n.Value(w.src)
		if _, code := n.Parent().(*ast.CodeSpan); code {
			w.b.write(string(v))
		} else {
			w.b.write(unescapeMarkdown(v))
		}
		switch {
		case n.HardLineBreak():
			w.b.write("\n")
		case n.SoftLineBreak():
			w.b.write(" ")
		}
	case *ast.String:
		if n.IsCode() || n.IsRaw() {
			w.b.write(string(n.Value))
		} else {
			w.b.write(unescapeMarkdown(n.Value))
		}
	case *ast.RawHTML:
		// Inline HTML is dropped, but a <br> still breaks the line.
		var raw []byte
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			raw = append(raw, seg.Value(w.src)...)
		}
		if isBreakTag(raw) {
			w.b.write("\n")
		}
		return false
	case *ast.Image:
		k, l := w.kind()
		w.b.image(unescapeMarkdown(n.Destination), w.altText(n), k, l)
		return false
	case *ast.Link:
		w.links = append(w.links, [2]int{w.b.text.Len(), w.b.flushes})
	case *ast.AutoLink:
		w.b.write(string(n.Label(w.src)))
		if n.AutoLinkType == ast.AutoLinkURL {
			w.b.linkMarker(string(n.URL(w.src)))
		}
		return false
	}
	return true
}

// altText returns an image's alternative text: the text of its
// children, decoded.
func (w *mdWalker) altText(img *ast.Image) string {
	var alt []byte
	_ = ast.Walk(img, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); ok && entering {
			alt = append(alt, t.Segment.Value(w.src)...)
			if t.SoftLineBreak() {
				alt = append(alt, ' ')
			}
		}
		if len(alt) > 4*maxAltLen {
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return unescapeMarkdown(alt)
}

// leave handles a node on the way up.
func (w *mdWalker) leave(n ast.Node) {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *extast.TableHeader, *extast.TableRow:
		w.flush()
	case *ast.Heading:
		w.flush()
		w.heading = 0
	case *ast.Blockquote:
		w.flush()
		w.quote--
	case *ast.List:
		w.flush()
		w.lists--
	case *ast.ListItem:
		w.flush()
	case *ast.Link:
		start := w.links[len(w.links)-1]
		w.links = w.links[:len(w.links)-1]
		from := 0
		if start[1] == w.b.flushes {
			from = min(start[0], w.b.text.Len())
		}
		// A link with no text of its own (an image, say) gets no marker.
		if strings.TrimSpace(w.b.text.String()[from:]) != "" {
			w.b.linkMarker(unescapeMarkdown(n.Destination))
		}
	}
}

// isBreakTag reports whether raw inline HTML is a <br> tag.
func isBreakTag(raw []byte) bool {
	t := bytes.ToLower(bytes.TrimSpace(raw))
	t = bytes.TrimSuffix(bytes.TrimSuffix(t, []byte(">")), []byte("/"))
	return bytes.Equal(bytes.TrimSpace(t), []byte("<br"))
}

// unescapeMarkdown decodes Markdown text as a renderer would: backslash
// escapes and HTML entities. Its result is raw and must be sanitized,
// which the body builder does when the block is flushed.
func unescapeMarkdown(src []byte) string {
	if bytes.IndexByte(src, '\\') < 0 && bytes.IndexByte(src, '&') < 0 {
		return string(src)
	}
	var out bytes.Buffer
	for i := 0; i < len(src); {
		c := src[i]
		if c == '\\' && i+1 < len(src) && util.IsPunct(src[i+1]) {
			out.WriteByte(src[i+1])
			i += 2
			continue
		}
		if c == '&' {
			if j := entityEnd(src, i); j > 0 {
				out.WriteString(html.UnescapeString(string(src[i:j])))
				i = j
				continue
			}
		}
		out.WriteByte(c)
		i++
	}
	return out.String()
}

// entityEnd returns the end of the character reference starting at i
// ("&amp;", "&#27;", "&#x1b;"), or 0 when there is none. CommonMark, like
// HTML, requires the closing semicolon.
func entityEnd(s []byte, i int) int {
	j := i + 1
	if j < len(s) && s[j] == '#' {
		j++
		hex := j < len(s) && (s[j] == 'x' || s[j] == 'X')
		if hex {
			j++
		}
		start := j
		for j < len(s) && j-start < 8 && (isDigit(s[j]) || hex && isHexLetter(s[j])) {
			j++
		}
		if j == start || j >= len(s) || s[j] != ';' {
			return 0
		}
		return j + 1
	}
	start := j
	for j < len(s) && j-start < 32 && (isDigit(s[j]) || s[j]|0x20 >= 'a' && s[j]|0x20 <= 'z') {
		j++
	}
	if j == start || j >= len(s) || s[j] != ';' {
		return 0
	}
	if html.UnescapeString(string(s[i:j+1])) == string(s[i:j+1]) {
		return 0 // not a known entity name
	}
	return j + 1
}

func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isHexLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'f' }

// Limits that keep the Markdown parser fast. goldmark takes time
// quadratic in the number of unmatched openers in a paragraph: 10,000
// "[a](" on one line take 20 s, and 100,000 nested ">" take 90 s. Past
// these limits the characters are escaped or the nesting trimmed; no real
// article comes near them.
const (
	// maxParagraphOpeners caps each of [ ` < * _ ~ in one paragraph.
	maxParagraphOpeners = 256
	// maxQuoteMarkers caps the ">" markers at the start of a line.
	maxQuoteMarkers = 16
	// maxIndent caps leading white space, in columns.
	maxIndent = 64
)

// defuseMarkdown rewrites Markdown that would make the parser slow:
// quote nesting and indentation past their caps are trimmed, and in a
// paragraph with too many of one inline opener, every one of them is
// escaped. Fenced code is left alone.
func defuseMarkdown(src []byte) []byte {
	lines := bytes.SplitAfter(src, []byte("\n"))
	changed := false
	var fence []byte
	para := -1 // index of the first line of the current paragraph
	for i := 0; i <= len(lines); i++ {
		var line []byte
		if i < len(lines) {
			line = lines[i]
		}
		if i < len(lines) && fence == nil {
			if l, ok := trimNesting(line); ok {
				lines[i], line, changed = l, l, true
			}
		}
		body := bytes.TrimLeft(line, " \t>")
		if i < len(lines) {
			if fence != nil {
				if bytes.HasPrefix(body, fence) {
					fence = nil
				}
				continue
			}
			if f := fenceOf(body); f != nil {
				fence = f
			}
		}
		blank := i == len(lines) || len(bytes.TrimSpace(body)) == 0 || fence != nil
		if !blank {
			if para < 0 {
				para = i
			}
			continue
		}
		if para >= 0 {
			if escapeOpeners(lines[para:i]) {
				changed = true
			}
			para = -1
		}
	}
	if !changed {
		return src
	}
	return bytes.Join(lines, nil)
}

// fenceOf returns the fence a line opens ("```" or "~~~"), or nil.
func fenceOf(body []byte) []byte {
	for _, f := range [][]byte{[]byte("```"), []byte("~~~")} {
		if bytes.HasPrefix(body, f) {
			return f
		}
	}
	return nil
}

// trimNesting caps a line's leading quote markers, list markers and
// indentation. Past the quote cap the line keeps maxQuoteMarkers markers
// and loses its indentation; past the indentation cap it keeps maxIndent
// spaces; past the cap on quotes and list items together, the markers
// beyond it are escaped, as goldmark rescans the rest of the line for each
// list item it opens.
func trimNesting(line []byte) ([]byte, bool) {
	out, changed := trimQuotes(line)
	if l, ok := trimListMarkers(out); ok {
		return l, true
	}
	return out, changed
}

// trimListMarkers escapes the quote and list markers at the start of a
// line past the first maxQuoteMarkers, when list markers are among them.
func trimListMarkers(line []byte) ([]byte, bool) {
	containers, items, cut := 0, 0, -1
	i := 0
	for i < len(line) {
		c := line[i]
		if c == ' ' || c == '\t' {
			i++
			continue
		}
		n := 1
		if c != '>' {
			if n = listMarkerLen(line[i:]); n == 0 {
				break
			}
			items++
		}
		i += n
		if containers++; containers == maxQuoteMarkers {
			cut = i
		}
	}
	if items == 0 || containers <= maxQuoteMarkers {
		return line, false
	}
	out := make([]byte, 0, len(line)+2*(containers-maxQuoteMarkers))
	out = append(out, line[:cut]...)
	for j := cut; j < i; {
		c := line[j]
		switch n := listMarkerLen(line[j:]); {
		case c == ' ' || c == '\t':
			out = append(out, c)
			j++
		case c == '>' || n == 1:
			out = append(out, '\\', c)
			j++
		default:
			// "1." cannot be escaped at the digit: escape the dot.
			out = append(out, line[j:j+n-1]...)
			out = append(out, '\\', line[j+n-1])
			j += n
		}
	}
	return append(out, line[i:]...), true
}

// listMarkerLen returns the length of the list marker that b starts with
// ("-", "*", "+", "1.", "12)"), followed by a space, a tab or the end of
// the line, or 0.
func listMarkerLen(b []byte) int {
	n := 0
	switch {
	case len(b) > 0 && (b[0] == '-' || b[0] == '*' || b[0] == '+'):
		n = 1
	default:
		for n < len(b) && n < 9 && b[n] >= '0' && b[n] <= '9' {
			n++
		}
		if n == 0 || n >= len(b) || b[n] != '.' && b[n] != ')' {
			return 0
		}
		n++
	}
	if n < len(b) && b[n] != ' ' && b[n] != '\t' && b[n] != '\n' && b[n] != '\r' {
		return 0
	}
	return n
}

// trimQuotes caps a line's leading quote markers and indentation.
func trimQuotes(line []byte) ([]byte, bool) {
	col, i, quotes := 0, 0, 0
	for ; i < len(line); i++ {
		switch line[i] {
		case ' ':
			col++
			continue
		case '\t':
			col += 4
			continue
		case '>':
			quotes++
			continue
		}
		break
	}
	switch {
	case quotes > maxQuoteMarkers:
		return append(bytes.Repeat([]byte("> "), maxQuoteMarkers), line[i:]...), true
	case col > maxIndent:
		out := append(bytes.Repeat([]byte("> "), quotes), bytes.Repeat([]byte(" "), maxIndent)...)
		return append(out, line[i:]...), true
	}
	return line, false
}

// escapeOpeners escapes, in one paragraph's lines, every occurrence of an
// inline opener that occurs more than maxParagraphOpeners times.
func escapeOpeners(lines [][]byte) bool {
	var counts [256]int
	for _, l := range lines {
		for _, c := range l {
			counts[c]++
		}
	}
	var hot [256]bool
	found := false
	for _, c := range []byte("[`<*_~") {
		if counts[c] > maxParagraphOpeners {
			hot[c] = true
			found = true
		}
	}
	if !found {
		return false
	}
	for i, l := range lines {
		// A "*", "_" or "<" first after the indentation and quote markers
		// may open a block (a list item, a rule, an HTML block): keep it.
		lead := len(l) - len(bytes.TrimLeft(l, " \t>"))
		var out []byte
		for j := 0; j < len(l); j++ {
			c := l[j]
			if c == '\\' && j+1 < len(l) {
				out = append(out, c, l[j+1])
				j++
				continue
			}
			if hot[c] && !(j == lead && (c == '*' || c == '_' || c == '<')) {
				out = append(out, '\\')
			}
			out = append(out, c)
		}
		lines[i] = out
	}
	return true
}
