package feed

import (
	"bytes"
	"errors"
	"slices"
	"strings"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	"github.com/yuin/goldmark/parser"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ErrHTMLTooDeep is returned for HTML nested deeper than the HTML parser
// allows (512 open elements); the parser refuses such a document outright.
var ErrHTMLTooDeep = errors.New("HTML nested deeper than 512 elements")

// htmlConverter turns HTML (a feed item's content, or the article a web
// page holds) into body blocks. It works in two steps: html-to-markdown
// writes the cleaned DOM as CommonMark, and the walker that reads Markdown
// files turns that into blocks.
//
// Walking the DOM straight into blocks was the other choice. The round
// trip was preferred because html-to-markdown carries the hard-won rules
// of real-world HTML (inline against block white space, <br>, nested
// lists, tables, <pre>), and because one walker then serves feeds, pages
// and Markdown files, so all three give the same shapes. The round trip
// stays literal: text is written with "&" as "&amp;", so an article that
// shows "&#27;" as text keeps it as text, and every string is sanitized
// after goldmark's decoding, which is the last one.
//
// A converter is built per document and used by one goroutine.
type htmlConverter struct {
	conv *converter.Converter
	md   parser.Parser
}

func newHTMLConverter() *htmlConverter {
	conv := converter.NewConverter(converter.WithPlugins(
		base.NewBasePlugin(),
		commonmark.NewCommonmarkPlugin(),
		table.NewTablePlugin(),
	))
	// Early, so that it runs before the base plugin writes "<" as "&lt;".
	conv.Register.TextTransformer(func(_ converter.Context, s string) string {
		return strings.ReplaceAll(s, "&", "&amp;")
	}, converter.PriorityEarly)
	return &htmlConverter{conv: conv, md: newMarkdownParser()}
}

// fragment parses HTML content, such as a feed item's description, into
// the body. It returns ErrHTMLTooDeep when the HTML cannot be parsed.
func (c *htmlConverter) fragment(content string, b *bodyBuilder) error {
	doc, err := html.Parse(strings.NewReader(content))
	if err != nil {
		// Reading from a string cannot fail, so this is the parser's
		// refusal of deep nesting.
		return ErrHTMLTooDeep
	}
	return c.node(doc, b)
}

// node converts a parsed DOM into the body. It changes the DOM.
func (c *htmlConverter) node(root *html.Node, b *bodyBuilder) error {
	cleanDOM(root)
	md, err := c.conv.ConvertNode(root)
	if err != nil {
		return err
	}
	markdownBlocks(c.md, md, b, false)
	return nil
}

// skippedElements hold nothing a reader should see: code, styling, media
// players, forms, and markup that only makes sense to a browser.
var skippedElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Svg: true,
	atom.Canvas: true, atom.Form: true, atom.Button: true,
	atom.Input: true, atom.Select: true, atom.Textarea: true, atom.Nav: true,
	atom.Head: true, atom.Title: true, atom.Meta: true, atom.Link: true,
	atom.Base: true, atom.Audio: true, atom.Video: true, atom.Dialog: true,
}

// cleanDOM removes what a reader must not see (scripts, styles, hidden
// text, advertising, <base> and <meta> refresh, tracking pixels) and
// points lazily loaded images at their real source.
func cleanDOM(root *html.Node) {
	mathToText(root)
	unwrapFallbacks(root)
	cf := newClutterFilter(root)
	removeElements(root, func(n *html.Node) bool {
		return skippedElements[n.DataAtom] || hidden(n) || cf.clutter(n)
	})
}

// removeClutter removes hidden text and advertising from a whole page,
// before readability scores it (and strips the class names that mark
// advertising), leaving the <head> and its metadata alone.
func removeClutter(root *html.Node) {
	mathToText(root)
	unwrapFallbacks(root)
	cf := newClutterFilter(root)
	removeElements(root, func(n *html.Node) bool {
		if hidden(n) || cf.clutter(n) {
			return true
		}
		unmark(n)
		return false
	})
}

// unmark removes the clutter words from the class and id of an element
// kept as content, so that readability, whose own patterns hold "share",
// "social", "promo" and "sponsor", does not drop it or its heading.
func unmark(n *html.Node) {
	if n.Type != html.ElementNode {
		return
	}
	if id := attr(n, "id"); id != "" && markedName(id) {
		removeAttr(n, "id")
	}
	if class := attr(n, "class"); class != "" {
		names := strings.Fields(class)
		kept := slices.DeleteFunc(slices.Clone(names), markedName)
		if len(kept) != len(names) {
			setAttr(n, "class", strings.Join(kept, " "))
		}
	}
}

// markedName reports whether a class name or id holds a clutter word,
// prose or not.
func markedName(name string) bool {
	return slices.ContainsFunc(classTokens(name), func(t string) bool { return clutterWords[t] })
}

// mathToText replaces each MathML <math> element with its text: its
// alttext when it has one, else the text of its tokens. A formula is
// part of the sentence around it ("the probability of getting k heads"),
// and no reader of gazette's output can render MathML.
func mathToText(root *html.Node) {
	var maths []*html.Node
	for n := root; n != nil; {
		if n.Type == html.ElementNode && n.DataAtom == atom.Math {
			maths = append(maths, n)
			n = nextSkippingChildren(n, root)
			continue
		}
		n = nextNode(n, root)
	}
	for _, m := range maths {
		text := strings.Join(strings.Fields(attr(m, "alttext")), " ")
		if text == "" {
			text = mathText(m)
		}
		if m.Parent == nil {
			continue
		}
		if text != "" {
			m.Parent.InsertBefore(&html.Node{Type: html.TextNode, Data: text}, m)
		}
		m.Parent.RemoveChild(m)
	}
}

// unwrapFallbacks replaces each <object> with its fallback content:
// what a browser shows when it cannot show the embedded thing is what a
// terminal reader can show. Its <param> children go. An <iframe>'s
// content is not unwrapped: browsers never show it, so it is hidden
// text, the kind spam and injected text use (threats P8).
func unwrapFallbacks(root *html.Node) {
	var found []*html.Node
	for n := root; n != nil; n = nextNode(n, root) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Object {
			found = append(found, n)
		}
	}
	// Inner ones first, so that an object inside an object is unwrapped
	// before its parent moves it.
	for i := len(found) - 1; i >= 0; i-- {
		n := found[i]
		p := n.Parent
		if p == nil {
			continue
		}
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			n.RemoveChild(c)
			if c.Type != html.ElementNode || c.DataAtom != atom.Param {
				p.InsertBefore(c, n)
			}
			c = next
		}
		p.RemoveChild(n)
	}
}

// mathText returns the text of a <math> element's tokens, leaving out
// its annotations (the same formula again, in TeX or another markup).
func mathText(m *html.Node) string {
	var b strings.Builder
	for n := m; n != nil; {
		if n.Type == html.ElementNode && (n.Data == "annotation" || n.Data == "annotation-xml") {
			n = nextSkippingChildren(n, m)
			continue
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		if b.Len() > 4096 {
			break
		}
		n = nextNode(n, m)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// removeElements removes the elements doomed picks, with their children,
// points lazily loaded images at their real source, and drops tracking
// pixels. It walks with a loop, not recursion.
func removeElements(root *html.Node, doomed func(*html.Node) bool) {
	var gone []*html.Node
	for n := root; n != nil; {
		if n.Type == html.ElementNode && doomed(n) {
			gone = append(gone, n)
			n = nextSkippingChildren(n, root)
			continue
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Img:
				if fixImage(n) {
					gone = append(gone, n)
				}
			case atom.Td, atom.Th:
				// The table converter fills every cell a span covers:
				// colspan=1000 rowspan=65534 makes 65 million cells.
				// Tables become lines of text anyway, so spans go.
				removeAttr(n, "colspan")
				removeAttr(n, "rowspan")
			}
		}
		n = nextNode(n, root)
	}
	for _, n := range gone {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
}

// nextNode returns the node after n in document order, within root.
func nextNode(n, root *html.Node) *html.Node {
	if n.FirstChild != nil {
		return n.FirstChild
	}
	return nextSkippingChildren(n, root)
}

// nextSkippingChildren returns the node after n and its children.
func nextSkippingChildren(n, root *html.Node) *html.Node {
	for n != nil && n != root {
		if n.NextSibling != nil {
			return n.NextSibling
		}
		n = n.Parent
	}
	return nil
}

// attr returns an attribute's value, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

func removeAttr(n *html.Node, key string) {
	n.Attr = slices.DeleteFunc(n.Attr, func(a html.Attribute) bool { return a.Namespace == "" && a.Key == key })
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

// hidden reports whether an element is hidden from readers of the page:
// hidden text is a favourite place for spam and for injected text.
func hidden(n *html.Node) bool {
	if hasAttr(n, "hidden") || strings.EqualFold(attr(n, "aria-hidden"), "true") {
		return true
	}
	style := strings.ToLower(strings.Join(strings.Fields(attr(n, "style")), ""))
	return strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden")
}

// clutterWords are class and id words that mark advertising and page
// furniture. Only whole tokens count (see classTokens): "ad" matches
// "ad-slot" and "adSlot", not "load", "shadow" or "shares".
var clutterWords = map[string]bool{
	"ad": true, "ads": true, "adslot": true, "advert": true, "adverts": true, "advertisement": true,
	"advertising": true, "pub": true, "publicite": true, "sponsor": true, "sponsored": true,
	"promo": true, "cookie": true, "cookies": true, "newsletter": true, "share": true,
	"sharing": true, "social": true, "paywall": true,
}

// proseWords are the small words that give away an id made from a
// heading's text ("how-to-share-files", "sharing-with-a-single-developer"):
// such an id names a section of the article, not page furniture.
var proseWords = map[string]bool{
	"a": true, "an": true, "the": true, "to": true, "of": true, "with": true, "and": true,
	"or": true, "for": true, "in": true, "on": true, "how": true, "what": true, "why": true,
	"your": true, "you": true, "is": true, "are": true, "from": true, "by": true, "at": true,
}

// inlineElements are never clutter: a marked word inside a sentence
// ("by <span class=ad>Ada</span>", a "pub-date" span) is part of it.
var inlineElements = map[atom.Atom]bool{
	atom.A: true, atom.Span: true, atom.Em: true, atom.Strong: true, atom.B: true, atom.I: true,
	atom.U: true, atom.Time: true, atom.Abbr: true, atom.Cite: true, atom.Code: true,
	atom.Small: true, atom.Sub: true, atom.Sup: true, atom.Mark: true, atom.Label: true,
	atom.Font: true, atom.Q: true, atom.S: true, atom.Img: true, atom.Picture: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Body: true, atom.Html: true, atom.Article: true, atom.Main: true,
}

// Thresholds of the clutter filter. An element marked as clutter by its
// class or id is removed only when it looks like furniture: little text
// of its own, or mostly link text, as readability judges its candidates.
const (
	// clutterMaxText is the most text, in bytes outside links, an element
	// marked as clutter may hold and still be removed.
	clutterMaxText = 120
	// clutterLinkDensity is the share of link text above which a marked
	// element is furniture whatever its length (a list of share links).
	clutterLinkDensity = 0.5
)

// textStats is what the clutter filter knows of an element's subtree.
type textStats struct {
	// text and link count the bytes of visible text, and of the text
	// inside links.
	text, link int
	// main is set when the subtree holds the page's main content: a
	// <main> or <article> element, or role=main or role=article.
	main bool
}

// clutterFilter decides which elements of one document are advertising
// or page furniture. It never removes an element that holds the main
// content, or half the document's text or more.
type clutterFilter struct {
	stats map[*html.Node]textStats
	total int
}

// newClutterFilter measures the text of every element under root. It
// walks with loops, not recursion: children are summed into their
// parents in reverse document order.
func newClutterFilter(root *html.Node) *clutterFilter {
	var order []*html.Node
	for n := root; n != nil; {
		if n.Type == html.ElementNode && skippedText[n.DataAtom] {
			n = nextSkippingChildren(n, root)
			continue
		}
		order = append(order, n)
		n = nextNode(n, root)
	}
	stats := make(map[*html.Node]textStats, len(order))
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		s := stats[n]
		switch n.Type {
		case html.TextNode:
			s.text += len(strings.TrimSpace(n.Data))
		case html.ElementNode:
			if n.DataAtom == atom.A {
				s.link = s.text
			}
			if n.DataAtom == atom.Main || n.DataAtom == atom.Article {
				s.main = true
			}
			switch strings.ToLower(strings.TrimSpace(attr(n, "role"))) {
			case "main", "article":
				s.main = true
			}
		}
		stats[n] = s
		if n != root && n.Parent != nil {
			p := stats[n.Parent]
			p.text += s.text
			p.link += s.link
			p.main = p.main || s.main
			stats[n.Parent] = p
		}
	}
	return &clutterFilter{stats: stats, total: stats[root].text}
}

// clutter reports whether an element is advertising or page furniture:
// its class or id holds a clutter word as a whole token, and it holds
// neither the main content nor much of the text.
func (cf *clutterFilter) clutter(n *html.Node) bool {
	if inlineElements[n.DataAtom] || !clutterMarked(n) {
		return false
	}
	s := cf.stats[n]
	if s.main || 2*s.text >= cf.total && s.text > 0 {
		return false
	}
	own := s.text - s.link
	return own <= clutterMaxText || float64(s.link) > clutterLinkDensity*float64(s.text)
}

// clutterMarked reports whether an element's class or id marks it as
// advertising or furniture.
func clutterMarked(n *html.Node) bool {
	for _, v := range []string{attr(n, "class"), attr(n, "id")} {
		for _, name := range strings.Fields(v) {
			if clutterName(name) {
				return true
			}
		}
	}
	return false
}

// clutterName reports whether one class name or id holds a clutter word
// and is not made from prose.
func clutterName(name string) bool {
	toks := classTokens(name)
	found := false
	for _, t := range toks {
		if proseWords[t] {
			return false
		}
		found = found || clutterWords[t]
	}
	return found
}

// classTokens splits a class name or id into lower-case words at "-",
// "_", ".", ":", digits and camelCase boundaries:
// "gigya-share-btns-2_gig_containerParent" gives gigya, share, btns, 2,
// gig, container, parent.
func classTokens(name string) []string {
	var toks []string
	start := -1
	var prev rune
	flush := func(i int) {
		if start >= 0 {
			toks = append(toks, strings.ToLower(name[start:i]))
			start = -1
		}
	}
	for i, r := range name {
		isLetter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80
		isDigit := r >= '0' && r <= '9'
		switch {
		case !isLetter && !isDigit:
			flush(i)
		case start >= 0 && isDigit != (prev >= '0' && prev <= '9'):
			flush(i)
			start = i
		case start >= 0 && r >= 'A' && r <= 'Z' && prev >= 'a' && prev <= 'z':
			flush(i)
			start = i
		case start < 0:
			start = i
		}
		prev = r
	}
	flush(len(name))
	return toks
}

// lazySources are the attributes lazy-loading scripts keep the real image
// source in.
var lazySources = []string{"data-src", "data-original", "data-lazy-src", "data-url"}

// fixImage points a lazily loaded image at its real source, and reports
// whether the image is a tracking pixel to drop.
func fixImage(n *html.Node) (drop bool) {
	src := strings.TrimSpace(attr(n, "src"))
	if src == "" || strings.HasPrefix(strings.ToLower(src), "data:") {
		for _, k := range lazySources {
			if v := strings.TrimSpace(attr(n, k)); v != "" {
				setAttr(n, "src", v)
				break
			}
		}
	}
	w, h := strings.TrimSpace(attr(n, "width")), strings.TrimSpace(attr(n, "height"))
	return (w == "0" || w == "1") && (h == "0" || h == "1")
}

// skippedText are the elements whose text htmlText drops; unlike
// skippedElements it holds no void elements, which have no end tag.
var skippedText = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Svg: true,
	atom.Select: true, atom.Textarea: true,
}

// textContent returns the text of a node and its children, with white
// space collapsed. It is for short things: titles, dates, names.
func textContent(n *html.Node) string {
	var b bytes.Buffer
	for c := n; c != nil; c = nextNode(c, n) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
			b.WriteByte(' ')
		}
		if b.Len() > 4096 {
			break
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// htmlText returns the text of a string that may hold HTML markup or
// entities (a feed title, say), decoded and on one line. The caller
// sanitizes it.
func htmlText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			if name, _ := z.TagName(); skippedText[atom.Lookup(name)] {
				skip++
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); skippedText[atom.Lookup(name)] && skip > 0 {
				skip--
			}
		}
		if b.Len() > 64<<10 {
			return strings.Join(strings.Fields(b.String()), " ")
		}
	}
}
