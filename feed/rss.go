package feed

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"maps"
	"mime"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	gfatom "github.com/mmcdole/gofeed/atom"
	ext "github.com/mmcdole/gofeed/extensions"
	gfjson "github.com/mmcdole/gofeed/json"
	"golang.org/x/net/html/atom"
)

// MaxFeedItems caps the items read from one feed; the rest are left out,
// and an error says how many there were.
const MaxFeedItems = 10_000

// maxDateText caps the date as a feed wrote it, in runes.
const maxDateText = 64

// feedFormat reads RSS 2.0, RSS 1.0, Atom and JSON Feed documents with
// gofeed. Article.Format says which one an article came from.
var feedFormat = Format{
	Name:  "rss",
	Exts:  []string{".rss", ".xml", ".atom", ".json"},
	Sniff: sniffFeed,
	Parse: parseFeedDoc,
}

// feedTypes are the content types that name a feed outright.
var feedTypes = map[string]bool{
	"application/rss+xml": true, "application/atom+xml": true, "application/feed+json": true,
	"application/rdf+xml": true, "application/x-rss+xml": true,
}

// sniffFeed recognises a feed by its content type, or by its first bytes
// whatever the content type says: servers send feeds as text/plain and
// text/html too, and no HTML page or article starts with <rss>.
func sniffFeed(contentType string, head []byte) bool {
	if feedTypes[mediaType(contentType)] {
		return true
	}
	h := bytes.TrimLeft(head, " \t\r\n")
	if bytes.HasPrefix(h, []byte("{")) {
		return jsonFeedRe.Match(h)
	}
	// Skip the declaration, comments, a DOCTYPE and stylesheets to the
	// root, with or without a declaration: WordPress opens its feeds
	// with a comment.
	h = skipXMLProlog(h)
	for _, root := range []string{"<rss", "<feed", "<rdf:RDF", "<RDF"} {
		if bytes.HasPrefix(h, []byte(root)) {
			return true
		}
	}
	return false
}

// skipXMLProlog returns an XML document from its root element on: past
// white space, the declaration, processing instructions, comments and a
// DOCTYPE with its internal subset.
func skipXMLProlog(h []byte) []byte {
	for {
		h = bytes.TrimLeft(h, " \t\r\n")
		switch {
		case bytes.HasPrefix(h, []byte("<?")):
			h = h[skipPast(h, 2, "?>"):]
		case bytes.HasPrefix(h, []byte("<!--")):
			h = h[skipPast(h, 4, "-->"):]
		case len(h) >= 9 && bytes.EqualFold(h[:9], []byte("<!DOCTYPE")):
			end := bytes.IndexAny(h, "[>")
			if end >= 0 && h[end] == '[' {
				end = skipPast(h, end, "]")
				end = skipPast(h, end, ">")
			} else {
				end = skipPast(h, 0, ">")
			}
			h = h[end:]
		default:
			return h
		}
	}
}

// xmlFormat takes the documents that look like XML and are no feed
// (a sitemap, an error page in XML, a feed truncated before its root
// element): each is an error naming the source, never an article
// holding raw XML.
var xmlFormat = Format{
	Name:  "xml",
	Sniff: sniffXML,
	Parse: func(Doc) ([]*Article, error) { return nil, ErrNotFeed },
}

// sniffXML recognises an XML document: it has an XML declaration, an
// XML media type, or a prolog or root element no HTML page or text
// article starts with.
func sniffXML(contentType string, head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n")
	if bytes.HasPrefix(h, []byte("<?xml")) {
		return true
	}
	mt := mediaType(contentType)
	isXMLType := mt == "text/xml" || mt == "application/xml" || strings.HasSuffix(mt, "+xml")
	root := skipXMLProlog(h)
	if len(root) < 2 || root[0] != '<' || !isNameStart(root[1]) {
		// Only a prolog in the head (a long comment) still reads as XML.
		return len(h) > 0 && len(root) == 0 || isXMLType && len(h) > 0 && h[0] == '<'
	}
	end := 1
	for end < len(root) && !bytes.ContainsAny(root[end:end+1], " \t\r\n/>") {
		end++
	}
	if isXMLType || len(root) < len(h) {
		// An XML media type, or a prolog before the root: HTML pages
		// with a DOCTYPE were taken by the HTML format already.
		return atom.Lookup(bytes.ToLower(root[1:end])) == 0 || isXMLType
	}
	// A root element HTML does not have, closed or namespaced as XML is:
	// "<Breaking> news" is text, "<urlset xmlns=...>" is not.
	name := root[1:end]
	return atom.Lookup(bytes.ToLower(name)) == 0 &&
		(bytes.Contains(head, append([]byte("</"), name...)) || bytes.Contains(root[:min(len(root), 512)], []byte("xmlns")))
}

// jsonFeedRe finds the version of a JSON Feed.
var jsonFeedRe = regexp.MustCompile(`"version"\s*:\s*"https?://jsonfeed\.org/`)

// mediaType returns the lower-case media type of a Content-Type header.
func mediaType(contentType string) string {
	if contentType == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(strings.ToLower(contentType), ";")
		mt = strings.TrimSpace(mt)
	}
	return mt
}

// ErrNotFeed is returned for a document that is no RSS, Atom or JSON
// feed, such as an XML document of another kind.
var ErrNotFeed = errors.New("not an RSS, Atom or JSON feed")

func parseFeedDoc(doc Doc) ([]*Article, error) {
	data := bytes.TrimPrefix(doc.Data, utf8BOM)
	if h := bytes.TrimLeft(data, " \t\r\n"); len(h) > 0 && h[0] == '{' {
		// JSON is UTF-8 by definition: repair, do not guess.
		data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
	} else {
		var err error
		if data, err = xmlToUTF8(doc.Data, doc.ContentType); err != nil {
			return nil, err
		}
		if err := checkXMLDepth(data, maxXMLDepth); err != nil {
			return nil, err
		}
		data = atom03Fixes(data)
	}
	fp := gofeed.NewParser()
	// The first image of the content is found by the body converter; the
	// translator would parse every item's HTML a second time for it.
	fp.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	fp.KeepOriginalFeed = true
	f, err := fp.Parse(bytes.NewReader(dropNullItems(data)))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, ErrNotFeed
		}
		return nil, fmt.Errorf("malformed feed: %w", err)
	}
	if j, ok := f.OriginalFeed().(*gfjson.Feed); ok && j != nil && !strings.Contains(j.Version, "jsonfeed.org") {
		return nil, ErrNotFeed // some other JSON document
	}
	return feedArticles(doc, f)
}

// Atom 0.3 patterns for atom03Fixes.
var (
	atom03EntryRe  = regexp.MustCompile(`(?s)<entry[\s>].*?</entry>`)
	atom03Base64Re = regexp.MustCompile(`(?s)(<content\b[^>]*?\bmode\s*=\s*)["']base64["']([^>]*>)(.*?)(</content>)`)
)

// atom03Fixes mends two things gofeed misses in Atom 0.3 feeds. It
// decodes content with mode="base64" when the content also has a text
// type (gofeed decodes only untyped or binary content), and it renames
// <created> to <issued> in entries that have neither <issued> nor
// <published>: gofeed reads issued as the publication date and skips
// created, the only date some entries carry.
func atom03Fixes(data []byte) []byte {
	if !bytes.Contains(data, []byte("purl.org/atom/ns#")) {
		return data
	}
	if bytes.Contains(data, []byte("base64")) {
		data = atom03Base64Re.ReplaceAllFunc(data, func(m []byte) []byte {
			g := atom03Base64Re.FindSubmatch(m)
			raw := bytes.Join(bytes.Fields(g[3]), nil)
			dec := make([]byte, base64.StdEncoding.DecodedLen(len(raw)))
			n, err := base64.StdEncoding.Decode(dec, raw)
			if err != nil {
				return m
			}
			text := html.EscapeString(string(bytes.ToValidUTF8(dec[:n], []byte("\uFFFD"))))
			return slices.Concat(g[1], []byte(`"escaped"`), g[2], []byte(text), g[4])
		})
	}
	if !bytes.Contains(data, []byte("<created")) {
		return data
	}
	return atom03EntryRe.ReplaceAllFunc(data, func(e []byte) []byte {
		if bytes.Contains(e, []byte("<issued")) || bytes.Contains(e, []byte("<published")) {
			return e
		}
		e = bytes.ReplaceAll(e, []byte("<created>"), []byte("<issued>"))
		return bytes.ReplaceAll(e, []byte("</created>"), []byte("</issued>"))
	})
}

// dropNullItems removes the null entries of a JSON feed's item list.
// gofeed dereferences every item while translating the feed and panics on
// a null one, which would cost the whole feed rather than one item.
func dropNullItems(data []byte) []byte {
	if !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) || !bytes.Contains(data, []byte("null")) {
		return data
	}
	var doc map[string]json.RawMessage
	var items []json.RawMessage
	if json.Unmarshal(data, &doc) != nil || json.Unmarshal(doc["items"], &items) != nil {
		return data
	}
	kept := items[:0]
	for _, it := range items {
		if string(it) != "null" {
			kept = append(kept, it)
		}
	}
	if len(kept) == len(items) {
		return data
	}
	var err error
	if doc["items"], err = json.Marshal(kept); err != nil {
		return data
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return data
	}
	return out
}

// feedArticles turns a parsed feed into articles. One bad item is left
// out and reported; the rest are read.
func feedArticles(doc Doc, f *gofeed.Feed) ([]*Article, error) {
	fc := newFeedContext(doc, f)
	items := f.Items
	if len(items) > MaxFeedItems {
		items = items[:MaxFeedItems]
	}
	arts := make([]*Article, 0, len(items))
	var bad []error
	for i, it := range items {
		a, err := fc.safeItem(i, it)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		arts = append(arts, a)
	}
	var errs []error
	if len(bad) > 0 {
		errs = append(errs, fmt.Errorf("%d of %d items could not be read: %w", len(bad), len(items), bad[0]))
	}
	if len(f.Items) > MaxFeedItems {
		errs = append(errs, fmt.Errorf("the feed has %d items; only the first %d are read", len(f.Items), MaxFeedItems))
	}
	if len(arts) == 0 && len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return arts, errors.Join(errs...)
}

// feedContext holds what every item of one feed needs.
type feedContext struct {
	doc    Doc
	key    string
	format string
	// base resolves relative item links: the feed's URL, else the site
	// link the feed gives.
	base   *url.URL
	source string
	// atom and json are the feed as its own format read it, for what the
	// universal feed forgets: whether content is HTML or plain text.
	atom *gfatom.Feed
	json *gfjson.Feed
	conv *htmlConverter
	ids  map[string]bool
}

func newFeedContext(doc Doc, f *gofeed.Feed) *feedContext {
	fc := &feedContext{
		doc: doc, key: DocKey(doc), base: doc.Base,
		source: clip(SanitizeLine(htmlText(f.Title)), MaxSourceLen),
		conv:   newHTMLConverter(), ids: make(map[string]bool),
	}
	switch f.FeedType {
	case "atom":
		fc.format = "atom"
	case "json":
		fc.format = "jsonfeed"
	default:
		fc.format = "rss"
	}
	if fc.base == nil {
		if u, ok := SafeURL(f.Link, nil); ok {
			fc.base, _ = url.Parse(u)
		}
	}
	switch o := f.OriginalFeed().(type) {
	case *gfatom.Feed:
		if o != nil && len(o.Entries) == len(f.Items) {
			fc.atom = o
		}
	case *gfjson.Feed:
		if o != nil && len(o.Items) == len(f.Items) {
			fc.json = o
		}
	}
	return fc
}

// safeItem is item, with a panic turned into an error for that item.
func (fc *feedContext) safeItem(i int, it *gofeed.Item) (a *Article, err error) {
	defer func() {
		if p := recover(); p != nil {
			a, err = nil, fmt.Errorf("item %d: internal error: %v", i+1, p)
		}
	}()
	if it == nil {
		return nil, fmt.Errorf("item %d is empty", i+1)
	}
	return fc.item(i, it), nil
}

// item turns one feed item into an article.
func (fc *feedContext) item(i int, it *gofeed.Item) *Article {
	a := &Article{Format: fc.format}
	a.Link, _ = SafeURL(it.Link, fc.base)
	guid := strings.TrimSpace(it.GUID)
	if a.Link == "" && isURL(guid) {
		// An RSS guid is a permalink unless it says otherwise.
		a.Link, _ = SafeURL(guid, nil)
	}
	a.Title = clip(SanitizeLine(htmlText(it.Title)), MaxTitleLen)
	a.Date, a.DateText = itemDate(it)
	a.Source = fc.source
	if name := authorName(it); name != "" {
		a.Source = name
	}
	a.Tags = MergeTags(nil, cleanCategories(it.Categories))

	// Relative URLs in the content resolve against the item's own link.
	base := fc.base
	if a.Link != "" {
		base, _ = url.Parse(a.Link)
	}
	var rb refBuilder
	b := newBodyBuilder(base, &rb)
	content, plain := fc.content(i, it)
	if content == "" {
		content = otherBody(it)
	}
	a.Partial = content == "" && a.Link != ""
	if content == "" {
		content, plain = it.Description, fc.summaryIsPlain()
	}
	if strings.TrimSpace(content) == "" {
		// Video feeds (YouTube's among them) give their text only as
		// media:description.
		content, plain = mediaDescription(it)
	}
	extras := itemImages(it, base)
	lead := -1
	for j, img := range extras {
		if !mentions(content, img) {
			lead = j
			b.image(img.url, "", Paragraph, 0)
			break
		}
	}
	switch {
	case plain:
		plainBlocks(content, b)
	case content != "":
		if err := fc.conv.fragment(content, b); err != nil {
			b.write(fmt.Sprintf("[The text of this item cannot be shown: %v.]", err))
			b.flush(Paragraph, 0)
		}
	}
	for j, img := range extras {
		if j != lead && !b.hasImage(img.url) {
			b.image(img.url, "", Paragraph, 0)
		}
	}
	for _, enc := range it.Enclosures {
		if enc != nil && !isImageType(enc.Type, enc.URL) {
			if _, ok := SafeURL(enc.URL, base); ok {
				kind := SanitizeLine(enc.Type)
				if kind == "" || len(kind) > 64 {
					kind = "file"
				}
				b.write("Attachment: " + kind)
				b.linkMarker(enc.URL)
				b.flush(Paragraph, 0)
			}
		}
	}
	a.Body = b.blocks
	a.Refs = rb.refs
	a.Images = rb.images()
	if a.Title == "" {
		a.Title = firstText(a.Body)
	}

	a.Location = a.Link
	if a.Location == "" {
		frag := guid
		if frag == "" {
			frag = strconv.Itoa(i + 1)
		}
		a.Location = SanitizeLine(fc.doc.Location + "#" + frag)
	}
	idKey := guid
	for _, k := range []string{a.Link, it.Title} {
		if idKey == "" {
			idKey = k
		}
	}
	a.ID = MakeID(fc.key, idKey)
	if idKey == "" || fc.ids[a.ID] {
		// Two items with the same key, or none: the position tells them
		// apart.
		a.ID = MakeID(fc.key, idKey, strconv.Itoa(i))
	}
	fc.ids[a.ID] = true
	a.Key = StoryKey(guid, a.Link, fc.source, a)
	return a
}

// content returns an item's full content and whether it is plain text
// rather than HTML; it is empty when the item has only a summary.
func (fc *feedContext) content(i int, it *gofeed.Item) (string, bool) {
	switch {
	case fc.atom != nil:
		if e := fc.atom.Entries[i]; e != nil && e.Content != nil {
			t := strings.ToLower(strings.TrimSpace(e.Content.Type))
			// Atom content without a type is text by the spec, but often
			// HTML in practice; a stated type is believed.
			plain := t == "text" || t == "text/plain" || t == "" && !looksLikeHTML(e.Content.Value)
			return e.Content.Value, plain
		}
		return "", false
	case fc.json != nil:
		if j := fc.json.Items[i]; j != nil {
			if j.ContentHTML != "" {
				return j.ContentHTML, false
			}
			return j.ContentText, true
		}
		return "", false
	}
	return it.Content, false
}

// otherBody returns the full text an RSS item gives outside
// content:encoded: an XHTML body (xhtml:body) or a <fullitem>, as HTML.
func otherBody(it *gofeed.Item) string {
	if v := it.Custom["fullitem"]; strings.TrimSpace(v) != "" {
		return v
	}
	for _, prefix := range slices.Sorted(maps.Keys(it.Extensions)) {
		for _, body := range it.Extensions[prefix]["body"] {
			var b strings.Builder
			writeExtensionHTML(&b, body, 0)
			if s := b.String(); strings.TrimSpace(s) != "" {
				return s
			}
		}
	}
	return ""
}

// maxExtensionDepth caps the nesting writeExtensionHTML follows; the feed
// is already capped at maxXMLDepth, this keeps the recursion short.
const maxExtensionDepth = 64

// writeExtensionHTML writes an extension element's children as HTML.
// gofeed keeps an extension's text apart from its child elements, and
// its children grouped by name, so mixed content comes out in a
// different order than written: it serves as a body only when the item
// has no other.
func writeExtensionHTML(b *strings.Builder, e ext.Extension, depth int) {
	b.WriteString(html.EscapeString(e.Value))
	if depth >= maxExtensionDepth {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(e.Children)) {
		if !xmlNameRe.MatchString(name) {
			continue
		}
		for _, c := range e.Children[name] {
			b.WriteString("<" + name + ">")
			writeExtensionHTML(b, c, depth+1)
			b.WriteString("</" + name + ">")
		}
	}
}

// xmlNameRe matches the element names writeExtensionHTML writes back.
var xmlNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{0,15}$`)

// mediaDescription returns an item's Media RSS description, in a
// media:group or not, and whether it is plain text (the default).
func mediaDescription(it *gofeed.Item) (string, bool) {
	for _, d := range mediaExtensions(it.Extensions, "description") {
		if strings.TrimSpace(d.Value) != "" {
			return d.Value, !strings.EqualFold(strings.TrimSpace(d.Attrs["type"]), "html")
		}
	}
	return "", false
}

// summaryIsPlain reports whether this feed's summaries are plain text:
// JSON Feed says so; RSS descriptions and Atom summaries are, in
// practice, HTML.
func (fc *feedContext) summaryIsPlain() bool {
	return fc.json != nil
}

// htmlTagRe finds the tags that give away HTML sent as plain text.
var htmlTagRe = regexp.MustCompile(`(?i)<(p|br|div|a|img|em|strong|b|i|ul|ol|li|h[1-6]|blockquote|pre|span|figure|table)[\s/>]`)

// looksLikeHTML reports whether text declared plain holds HTML markup,
// as Atom content without a type often does.
func looksLikeHTML(s string) bool {
	return htmlTagRe.MatchString(s)
}

// plainBlocks adds plain text to the body: paragraphs are separated by
// empty lines, and lines inside one are kept.
func plainBlocks(s string, b *bodyBuilder) {
	s = strings.ReplaceAll(Sanitize(s), "\t", " ")
	for _, para := range blankLineRe.Split(s, -1) {
		b.write(para)
		b.flush(Paragraph, 0)
	}
}

// blankLineRe matches the empty line between two paragraphs.
var blankLineRe = regexp.MustCompile(`\n[ \t]*\n`)

// itemDate returns the item's publication date, else its update date,
// and the date as the feed wrote it.
func itemDate(it *gofeed.Item) (time.Time, string) {
	raw := it.Published
	var t time.Time
	switch {
	case it.PublishedParsed != nil:
		t = *it.PublishedParsed
	case it.UpdatedParsed != nil:
		t, raw = *it.UpdatedParsed, it.Updated
	}
	if raw == "" {
		raw = it.Updated
	}
	if t.IsZero() {
		// Dublin Core terms, in the order that says when a story was
		// published rather than changed.
		for _, name := range []string{"issued", "created", "date", "modified"} {
			for _, prefix := range []string{"dcterms", "dc"} {
				for _, e := range it.Extensions[prefix][name] {
					v := strings.TrimSpace(e.Value)
					if v == "" {
						continue
					}
					if d, ok := parseFeedDate(v); ok {
						return d, clip(SanitizeLine(v), maxDateText)
					}
					if raw == "" {
						raw = v
					}
				}
			}
		}
	}
	return withOwnZone(t, strings.TrimSpace(raw)), clip(SanitizeLine(raw), maxDateText)
}

// parseFeedDate reads a date in the forms feeds write outside the
// elements gofeed parses: RFC 3339 and its date-only form, RFC 1123, and
// the forms ParseDate knows.
func parseFeedDate(s string) (time.Time, bool) {
	for _, l := range append([]string{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04Z07:00", "2006-01-02"}, zonedLayouts...) {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return ParseDate(s)
}

// zonedLayouts are the date forms feeds use that carry a UTC offset.
var zonedLayouts = []string{time.RFC3339, time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 -0700"}

// withOwnZone returns t in the UTC offset the feed wrote it with: gofeed
// gives UTC, and the day a story is dated is the publisher's day.
func withOwnZone(t time.Time, raw string) time.Time {
	if t.IsZero() {
		return t
	}
	for _, l := range zonedLayouts {
		if z, err := time.Parse(l, raw); err == nil && z.Equal(t) {
			return z
		}
	}
	return t
}

// authorName returns the item's first named author, or "".
func authorName(it *gofeed.Item) string {
	people := it.Authors
	if it.Author != nil {
		people = append([]*gofeed.Person{it.Author}, people...)
	}
	for _, p := range people {
		if p == nil {
			continue
		}
		if name := clip(SanitizeLine(htmlText(p.Name)), MaxSourceLen); name != "" {
			return name
		}
	}
	return ""
}

// cleanCategories decodes the markup some feeds leave in categories.
func cleanCategories(cats []string) []string {
	out := make([]string, 0, len(cats))
	for _, c := range cats {
		if c = htmlText(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// feedImage is an image a feed gives beside the content: its URL
// resolved and checked, and as the feed wrote it.
type feedImage struct {
	url, raw string
}

// maxExtraImages caps the images one item may give beside its content.
const maxExtraImages = 16

// itemImages returns the images an item gives beside its content, in
// order: the item image, media:content, image enclosures, and
// media:thumbnail when there was no media:content image.
func itemImages(it *gofeed.Item, base *url.URL) []feedImage {
	var out []feedImage
	add := func(raw string) {
		if len(out) >= maxExtraImages {
			return
		}
		u, ok := SafeURL(raw, base)
		if !ok {
			return
		}
		for _, o := range out {
			if o.url == u {
				return
			}
		}
		out = append(out, feedImage{url: u, raw: strings.TrimSpace(raw)})
	}
	if it.Image != nil {
		add(it.Image.URL)
	}
	media := mediaExtensions(it.Extensions, "content")
	found := false
	for _, m := range media {
		if isImageType(m.Attrs["type"], m.Attrs["url"]) || strings.EqualFold(m.Attrs["medium"], "image") {
			add(m.Attrs["url"])
			found = true
		}
	}
	for _, enc := range it.Enclosures {
		if enc != nil && isImageType(enc.Type, enc.URL) {
			add(enc.URL)
		}
	}
	if !found {
		for _, m := range mediaExtensions(it.Extensions, "thumbnail") {
			add(m.Attrs["url"])
		}
	}
	return out
}

// mediaExtensions returns an item's Media RSS elements of one name, also
// those inside a media:group.
func mediaExtensions(exts ext.Extensions, name string) []ext.Extension {
	media := exts["media"]
	if media == nil {
		return nil
	}
	out := append([]ext.Extension(nil), media[name]...)
	for _, g := range media["group"] {
		out = append(out, g.Children[name]...)
	}
	return out
}

// imageExts are the file endings of images, for media given without a
// type.
var imageExts = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".webp": true, ".avif": true, ".svg": true,
}

// isImageType reports whether a media type names an image, or, when there
// is no type, whether the URL ends like one.
func isImageType(mimeType, rawURL string) bool {
	mimeType = strings.ToLower(strings.TrimSpace(mimeType))
	if mimeType != "" {
		return strings.HasPrefix(mimeType, "image/")
	}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return false
	}
	return imageExts[strings.ToLower(path.Ext(u.Path))]
}

// mentions reports whether HTML content already shows an image, so that
// it is not shown twice.
func mentions(content string, img feedImage) bool {
	if content == "" {
		return false
	}
	for _, s := range []string{img.url, img.raw, html.EscapeString(img.raw)} {
		if s != "" && strings.Contains(content, s) {
			return true
		}
	}
	return false
}

// firstText returns the start of the first block of text, for an item
// that has no title.
func firstText(blocks []Block) string {
	for _, blk := range blocks {
		if blk.Kind != Image && blk.Kind != Code && blk.Text != "" && blk.Text != cutNotice {
			return clipWords(SanitizeLine(blk.Text), 80)
		}
	}
	return ""
}

// clipWords is clip that cuts between words when it can.
func clipWords(s string, n int) string {
	c := clip(s, n)
	if c == s {
		return c
	}
	c = strings.TrimSuffix(c, "…")
	if i := strings.LastIndexByte(c, ' '); i > len(c)/2 {
		c = c[:i]
	}
	return strings.TrimRight(c, " ,;:.-–—") + "…"
}

// maxXMLDepth caps the nesting of a feed's XML. gofeed reads extension
// elements recursively: a 16 MiB feed of nested <media:x> takes 2.5 GB,
// about 1.4 KB a level. The cap is encoding/xml's own limit for
// Unmarshal; below it, deep XHTML content is one item's problem, not the
// feed's. HTML inside CDATA or escaped as text does not count.
const maxXMLDepth = 10_000

// ErrXMLTooDeep is returned for a feed nested deeper than maxXMLDepth.
var ErrXMLTooDeep = fmt.Errorf("XML nested deeper than %d elements", maxXMLDepth)

// checkXMLDepth scans XML for its element nesting, without parsing it:
// comments, CDATA, processing instructions and declarations are skipped,
// and a tag's end is found outside its quoted attribute values. It is
// approximate on malformed XML, which the feed parser then refuses.
func checkXMLDepth(data []byte, max int) error {
	depth := 0
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '<')
		if j < 0 {
			return nil
		}
		i += j
		rest := data[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			i = skipPast(data, i+4, "-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			i = skipPast(data, i+9, "]]>")
		case bytes.HasPrefix(rest, []byte("<?")):
			i = skipPast(data, i+2, "?>")
		case bytes.HasPrefix(rest, []byte("<!")):
			i = skipPast(data, i+2, ">")
		case bytes.HasPrefix(rest, []byte("</")):
			depth--
			i = skipPast(data, i+2, ">")
		case i+1 < len(data) && !isNameStart(data[i+1]):
			i++ // a stray "<", not a tag
		default:
			end, selfClosing := tagEnd(data, i+1)
			if !selfClosing {
				depth++
				if depth > max {
					return ErrXMLTooDeep
				}
			}
			i = end
		}
	}
	return nil
}

// isNameStart reports whether c can start an XML name (any non-ASCII
// byte is let through).
func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

// skipPast returns the index just after the first sep at or after i, or
// len(data).
func skipPast(data []byte, i int, sep string) int {
	if k := bytes.Index(data[i:], []byte(sep)); k >= 0 {
		return i + k + len(sep)
	}
	return len(data)
}

// tagEnd returns the index just after the ">" that ends a start tag whose
// name begins at i, and whether the tag closes itself ("/>").
func tagEnd(data []byte, i int) (int, bool) {
	var quote byte
	for ; i < len(data); i++ {
		c := data[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1, i > 0 && data[i-1] == '/'
		}
	}
	return len(data), false
}
