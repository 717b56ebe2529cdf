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
	atom.Math: true, atom.Canvas: true, atom.Form: true, atom.Button: true,
	atom.Input: true, atom.Select: true, atom.Textarea: true, atom.Nav: true,
	atom.Head: true, atom.Title: true, atom.Meta: true, atom.Link: true,
	atom.Base: true, atom.Audio: true, atom.Video: true, atom.Dialog: true,
}

// cleanDOM removes what a reader must not see (scripts, styles, hidden
// text, advertising, <base> and <meta> refresh, tracking pixels) and
// points lazily loaded images at their real source.
func cleanDOM(root *html.Node) {
	removeElements(root, func(n *html.Node) bool {
		return skippedElements[n.DataAtom] || hidden(n) || clutter(n)
	})
}

// removeClutter removes hidden text and advertising from a whole page,
// before readability scores it (and strips the class names that mark
// advertising), leaving the <head> and its metadata alone.
func removeClutter(root *html.Node) {
	removeElements(root, func(n *html.Node) bool { return hidden(n) || clutter(n) })
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
// furniture. Only whole words count: "ad" and "share" match, "shadow" and
// "shares" do not.
var clutterWords = map[string]bool{
	"ad": true, "ads": true, "adslot": true, "advert": true, "adverts": true, "advertisement": true,
	"advertising": true, "pub": true, "publicite": true, "sponsor": true, "sponsored": true,
	"promo": true, "cookie": true, "cookies": true, "newsletter": true, "share": true,
	"sharing": true, "social": true, "paywall": true,
}

// clutter reports whether an element's class or id marks it as
// advertising or page furniture.
func clutter(n *html.Node) bool {
	if n.DataAtom == atom.Body || n.DataAtom == atom.Html || n.DataAtom == atom.Article || n.DataAtom == atom.Main {
		return false
	}
	words := strings.FieldsFunc(strings.ToLower(attr(n, "class")+" "+attr(n, "id")), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	for _, w := range words {
		if clutterWords[w] {
			return true
		}
	}
	return false
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
	atom.Iframe: true, atom.Object: true, atom.Svg: true, atom.Math: true,
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
