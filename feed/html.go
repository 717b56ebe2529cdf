package feed

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxPageElements caps the elements of a page that readability scores;
// its passes grow faster than the page. A larger page is converted whole,
// without extraction.
const maxPageElements = 50_000

// htmlFormat reads a saved or fetched web page: the article it holds,
// with its title, source, date and lead image.
var htmlFormat = Format{
	Name:  htmlFormatName,
	Exts:  []string{".html", ".htm"},
	Sniff: sniffHTML,
	Parse: parseHTMLDoc,
}

// sniffHTML recognises a web page by its content type or its first tag.
func sniffHTML(contentType string, head []byte) bool {
	switch mediaType(contentType) {
	case "text/html", "application/xhtml+xml":
		return true
	}
	h := bytes.ToLower(bytes.TrimLeft(head, " \t\r\n"))
	if bytes.HasPrefix(h, []byte("<?xml")) || bytes.HasPrefix(h, []byte("<!--")) {
		return bytes.Contains(h, []byte("<!doctype html")) || bytes.Contains(h, []byte("<html"))
	}
	return bytes.HasPrefix(h, []byte("<!doctype html")) || bytes.HasPrefix(h, []byte("<html"))
}

const htmlFormatName = "html"

func parseHTMLDoc(doc Doc) ([]*Article, error) {
	a, err := ParseHTMLPage(doc)
	if err != nil {
		return nil, err
	}
	return []*Article{a}, nil
}

// ErrNoArticle is returned for a web page in which no article text was
// found.
var ErrNoArticle = errors.New("no article text found on the page")

// ParseHTMLPage extracts the article a web page holds: its main text,
// found with readability, and its title, source (site name, else byline),
// date and lead image, from the page's metadata. Links and images become
// numbered footnotes; relative ones resolve against doc.Base, or, for a
// saved page, against the page's canonical URL. The page's <base> and
// <meta> refresh are ignored. A page nested deeper than 512 elements
// gives ErrHTMLTooDeep.
func ParseHTMLPage(doc Doc) (a *Article, err error) {
	// The page path also runs outside the loader, which guards parsers
	// the same way: a bug must cost the page, not the program.
	defer func() {
		if p := recover(); p != nil {
			a, err = nil, fmt.Errorf("internal error while reading the page: %v", p)
		}
	}()
	data, _ := HTMLToUTF8(doc.Data, doc.ContentType)
	if bytes.IndexByte(data, 0) >= 0 {
		// No page holds NUL once decoded (UTF-16 is decoded by now): this
		// is an image or another binary file with an .html name.
		return nil, ErrNotText
	}
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, ErrHTMLTooDeep
	}
	meta := readPageMeta(root)
	removeClutter(root)
	a = &Article{Format: htmlFormatName, Location: SanitizeLine(doc.Location), ID: MakeID(DocKey(doc))}
	base := doc.Base
	if base != nil {
		a.Link, _ = SafeURL(base.String(), nil)
	} else if u, ok := SafeURL(meta.canonical, nil); ok {
		// A saved page: its own canonical URL says where it lives, so its
		// relative links resolve to the site, not to the disk.
		a.Link = u
		base, _ = url.Parse(u)
	}

	conv := newHTMLConverter()
	var rb refBuilder
	b := newBodyBuilder(base, &rb)
	p := readability.NewParser()
	p.MaxElemsToParse = maxPageElements
	r, rerr := p.ParseDocument(root, base)
	content := r.Node
	if rerr != nil || content == nil {
		// No article was found, or the page is too large to search: keep
		// the whole body, cleaned.
		content = findElement(root, atom.Body)
	}

	a.Title = clip(SanitizeLine(r.Title()), MaxTitleLen)
	if a.Title == "" {
		a.Title = clip(SanitizeLine(meta.title), MaxTitleLen)
	}
	a.Source = clip(SanitizeLine(r.SiteName()), MaxSourceLen)
	if a.Source == "" {
		a.Source = clip(SanitizeLine(r.Byline()), MaxSourceLen)
	}
	a.Date, a.DateText = pageDate(r, meta)

	if img, ok := SafeURL(r.ImageURL(), base); ok && content != nil && !showsImage(content, img, base) {
		b.image(img, "", Paragraph, 0)
	}
	if content != nil {
		if err := conv.node(content, b); err != nil {
			return nil, err
		}
	}
	a.Body = dropBylineBlock(dropTitleHeading(b.blocks, a.Title), SanitizeLine(r.Byline()))
	a.Refs = rb.refs
	a.Images = rb.images()
	if a.Title == "" {
		a.Title = firstText(a.Body)
	}
	// A page fetched from the web is that address; a saved file is what
	// it says, wherever it is kept.
	link := ""
	if doc.Base != nil {
		link = a.Link
	}
	a.Key = StoryKey("", link, "", a)
	return a, nil
}

// FullArticle returns the article a summary-only feed item links to: the
// item's identity (ID, location, link, tags, date, source) with the
// page's body, footnotes and images, and the countries detected in it. It fails, and the caller keeps the
// summary, when the page is not HTML or holds no article text.
func FullArticle(summary *Article, page Doc) (*Article, error) {
	f, ok := formatForName(page.Location)
	if isURL(page.Location) || !ok {
		f = sniffFormat(page.ContentType, page.Data)
	}
	if f.Name != htmlFormatName {
		return nil, errors.New("the link is not a web page")
	}
	p, err := ParseHTMLPage(page)
	if err != nil {
		return nil, err
	}
	if !hasText(p.Body) {
		return nil, ErrNoArticle
	}
	full := *summary
	full.Body, full.Refs, full.Images = p.Body, p.Refs, p.Images
	full.Partial = false
	if full.Title == "" {
		full.Title = p.Title
	}
	if full.Date.IsZero() && full.DateText == "" {
		full.Date, full.DateText = p.Date, p.DateText
	}
	if full.Source == "" {
		full.Source = p.Source
	}
	if full.Link == "" {
		full.Link = p.Link
	}
	// The countries a text is about are read from the text, now longer.
	DetectCountries(&full)
	return &full, nil
}

// hasText reports whether blocks hold any text, not only pictures.
func hasText(blocks []Block) bool {
	for _, b := range blocks {
		if b.Kind != Image && b.Text != "" {
			return true
		}
	}
	return false
}

// pageMeta is what ParseHTMLPage reads from a page beside readability.
type pageMeta struct {
	title     string
	canonical string
	// time is the datetime of the page's <time> element, preferring one
	// marked as the publication date.
	time string
}

// readPageMeta reads the <title>, the canonical URL and the publication
// <time> of a page. It walks with a loop, not recursion.
func readPageMeta(root *html.Node) pageMeta {
	var m pageMeta
	var ogURL string
	published := false
	for n := root; n != nil; n = nextNode(n, root) {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.Title:
			if m.title == "" {
				m.title = textContent(n)
			}
		case atom.Link:
			if strings.EqualFold(attr(n, "rel"), "canonical") && m.canonical == "" {
				m.canonical = attr(n, "href")
			}
		case atom.Meta:
			if strings.EqualFold(attr(n, "property"), "og:url") && ogURL == "" {
				ogURL = attr(n, "content")
			}
		case atom.Time:
			dt := strings.TrimSpace(attr(n, "datetime"))
			if dt == "" || published {
				continue
			}
			if p := strings.ToLower(attr(n, "itemprop") + " " + attr(n, "class")); strings.Contains(p, "published") {
				m.time, published = dt, true
			} else if m.time == "" {
				m.time = dt
			}
		}
	}
	if m.canonical == "" {
		m.canonical = ogURL
	}
	return m
}

// findElement returns the first element of a kind, or nil.
func findElement(root *html.Node, a atom.Atom) *html.Node {
	for n := root; n != nil; n = nextNode(n, root) {
		if n.Type == html.ElementNode && n.DataAtom == a {
			return n
		}
	}
	return nil
}

// pageDate returns a page's publication date from its metadata
// (article:published_time, JSON-LD datePublished), else its <time>.
func pageDate(r readability.Article, m pageMeta) (time.Time, string) {
	if t, err := r.PublishedTime(); err == nil {
		return t, t.Format(time.RFC3339)
	}
	raw := clip(SanitizeLine(m.time), maxDateText)
	if raw == "" {
		return time.Time{}, ""
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, raw); err == nil {
			return t, raw
		}
	}
	if t, ok := ParseDate(raw); ok {
		return t, raw
	}
	return time.Time{}, raw
}

// showsImage reports whether an article's DOM shows the image at url.
func showsImage(root *html.Node, url string, base *url.URL) bool {
	for n := root; n != nil; n = nextNode(n, root) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Img {
			if u, ok := SafeURL(attr(n, "src"), base); ok && u == url {
				return true
			}
		}
	}
	return false
}

// maxBylineBlock caps the length, in bytes, of a block dropBylineBlock
// takes for the byline: a byline with a date and a separator, not prose
// that happens to name the author.
const maxBylineBlock = 160

// dropBylineBlock drops the line that repeats the byline readability
// found ("By Steppe Times staff · 5 March 2022") from the first blocks
// of the body: the byline is shown as the source already.
func dropBylineBlock(blocks []Block, byline string) []Block {
	byline = strings.TrimSpace(byline)
	if len([]rune(byline)) < 3 {
		return blocks
	}
	low := strings.ToLower(byline)
	seen := 0
	for i, b := range blocks {
		if b.Kind == Image {
			continue
		}
		if seen++; seen > 3 {
			break
		}
		if b.Kind == Paragraph && len(b.Text) <= maxBylineBlock && strings.Contains(strings.ToLower(b.Text), low) {
			return append(blocks[:i:i], blocks[i+1:]...)
		}
	}
	return blocks
}

// dropTitleHeading drops a heading that opens the body and repeats the
// title, as article pages and Markdown files often have.
func dropTitleHeading(blocks []Block, title string) []Block {
	for i, b := range blocks {
		if b.Kind == Image {
			continue
		}
		if b.Kind == Heading && strings.EqualFold(b.Text, title) {
			return append(blocks[:i:i], blocks[i+1:]...)
		}
		break
	}
	return blocks
}
