package config

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html/charset"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/humanize"
)

// MaxOPMLSize caps an OPML file.
const MaxOPMLSize = 8 << 20

// maxOPMLFeeds caps how many feeds one OPML file may add.
const maxOPMLFeeds = 10_000

// maxOPMLDepth caps how deeply outlines may nest; real files use two or
// three levels, and the walk is iterative, so this only bounds the tag
// list each feed inherits.
const maxOPMLDepth = 64

// maxOPMLTags caps the tags one imported feed takes from its folders and
// categories.
const maxOPMLTags = 16

// ParseOPML reads the feeds of an OPML subscription list. Outlines nested
// in folders are found at any depth, and the folder names and any
// category attribute become the feed's tags. Only http and https feed URLs
// are taken: an outline whose xmlUrl is anything else (file:, javascript:,
// or a newsboat-style exec: or filter: command) is skipped and reported in
// skipped, never interpreted. err is set only when the file is not OPML.
func ParseOPML(data []byte) (feeds []SourceConfig, skipped []error, err error) {
	if len(data) > MaxOPMLSize {
		return nil, nil, fmt.Errorf("larger than the %s limit", humanize.Bytes(MaxOPMLSize))
	}
	dec := xml.NewDecoder(bytes.NewReader(scrubXML(data)))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	dec.CharsetReader = charset.NewReaderLabel

	// stack holds, for each open outline, the folder name it gives its
	// children ("" for a feed or an unnamed outline).
	var stack []string
	sawRoot := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if !sawRoot {
				return nil, nil, fmt.Errorf("not an OPML file: %s", feed.SanitizeLine(err.Error()))
			}
			skipped = append(skipped, fmt.Errorf("stopped at a syntax error: %s", feed.SanitizeLine(err.Error())))
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if !sawRoot {
				if name != "opml" {
					return nil, nil, fmt.Errorf("not an OPML file: the root element is <%s>", feed.SanitizeLine(t.Name.Local))
				}
				sawRoot = true
				continue
			}
			if name != "outline" {
				continue
			}
			if len(stack) >= maxOPMLDepth {
				return feeds, skipped, fmt.Errorf("outlines nested more than %d deep", maxOPMLDepth)
			}
			o := readOutline(t.Attr)
			if o.xmlURL == "" {
				stack = append(stack, o.title)
				continue
			}
			stack = append(stack, "")
			if len(feeds) >= maxOPMLFeeds {
				skipped = append(skipped, fmt.Errorf("more than %d feeds; the rest are skipped", maxOPMLFeeds))
				return feeds, skipped, nil
			}
			feed, err := o.source(stack[:len(stack)-1])
			if err != nil {
				skipped = append(skipped, err)
				continue
			}
			feeds = append(feeds, feed)
		case xml.EndElement:
			if strings.EqualFold(t.Name.Local, "outline") && len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if !sawRoot {
		return nil, nil, errors.New("not an OPML file: no <opml> element")
	}
	return feeds, skipped, nil
}

// xmlCharRef matches a numeric character reference.
var xmlCharRef = regexp.MustCompile(`&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});`)

// scrubXML removes what XML forbids and encoding/xml stops at even when
// not strict: raw control bytes and references to control characters such
// as "&#27;". Without this, one hostile title would end the import of every
// feed after it. A file with NUL bytes is UTF-16 or not text, and is left
// to the decoder.
func scrubXML(data []byte) []byte {
	if bytes.IndexByte(data, 0) >= 0 {
		return data
	}
	// Byte by byte, not rune by rune: the file may be in a legacy charset
	// that the decoder converts later, and C0 bytes mean the same in all
	// of them.
	clean := make([]byte, 0, len(data))
	for _, c := range data {
		if c >= 0x20 || c == '\t' || c == '\n' || c == '\r' {
			clean = append(clean, c)
		}
	}
	return xmlCharRef.ReplaceAllFunc(clean, func(ref []byte) []byte {
		num := string(ref[2 : len(ref)-1])
		base := 10
		if num[0] == 'x' || num[0] == 'X' {
			num, base = num[1:], 16
		}
		n, err := strconv.ParseUint(num, base, 32)
		if err != nil || !legalXMLChar(rune(n)) {
			return nil
		}
		return ref
	})
}

// legalXMLChar reports whether XML 1.0 allows r in a document.
func legalXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// outline is the part of an <outline> element gazette reads.
type outline struct {
	title, xmlURL, category string
}

func readOutline(attrs []xml.Attr) outline {
	var o outline
	var text string
	for _, a := range attrs {
		switch strings.ToLower(a.Name.Local) {
		case "xmlurl":
			o.xmlURL = strings.TrimSpace(a.Value)
		case "title":
			o.title = feed.SanitizeLine(a.Value)
		case "text":
			text = feed.SanitizeLine(a.Value)
		case "category":
			o.category = a.Value
		}
	}
	if o.title == "" {
		o.title = text
	}
	// OPML requires text, so writers without a name put the URL there.
	if o.title == o.xmlURL {
		o.title = ""
	}
	o.title = feed.Clip(o.title, maxSourceName)
	return o
}

// source turns a feed outline into a config source, tagged with the
// folders it sits in and its categories.
func (o outline) source(folders []string) (SourceConfig, error) {
	u, ok := feed.SafeURL(o.xmlURL, nil)
	if !ok || !feed.IsURL(o.xmlURL) {
		label := o.title
		if label == "" {
			label = "(untitled)"
		}
		return SourceConfig{}, fmt.Errorf("%q: feed URL %q is not http or https; skipped", label, feed.Clip(feed.SanitizeLine(o.xmlURL), 200))
	}
	var raw []string
	for _, f := range folders {
		if f != "" {
			raw = append(raw, f)
		}
	}
	// A category is a comma-separated list of slash-separated paths, such
	// as "/News/World,Russia".
	for _, c := range strings.Split(o.category, ",") {
		raw = append(raw, strings.Split(c, "/")...)
	}
	var tags []string
	seen := make(map[string]bool)
	for _, r := range raw {
		tag, ok := feed.MakeTag(r)
		if !ok || seen[tag.Name] {
			continue
		}
		seen[tag.Name] = true
		tags = append(tags, tag.Name)
		if len(tags) == maxOPMLTags {
			break
		}
	}
	return SourceConfig{URL: u, Name: o.title, Tags: tags}, nil
}

// opmlDoc is the document WriteOPML writes.
type opmlDoc struct {
	XMLName xml.Name      `xml:"opml"`
	Version string        `xml:"version,attr"`
	Title   string        `xml:"head>title"`
	Body    []opmlOutline `xml:"body>outline"`
}

type opmlOutline struct {
	Type     string `xml:"type,attr"`
	Text     string `xml:"text,attr"`
	Title    string `xml:"title,attr,omitempty"`
	XMLURL   string `xml:"xmlUrl,attr"`
	Category string `xml:"category,attr,omitempty"`
}

// WriteOPML writes the URL sources as an OPML 2.0 subscription list, with
// each source's tags in its category attribute. Path sources have no place
// in OPML and are left out; skipped counts them.
func WriteOPML(w io.Writer, title string, sources []SourceConfig) (skipped int, err error) {
	doc := opmlDoc{Version: "2.0", Title: feed.SanitizeLine(title)}
	for _, s := range sources {
		u, ok := feed.SafeURL(s.URL, nil)
		if s.URL == "" || !ok {
			skipped++
			continue
		}
		name := feed.SanitizeLine(s.Name)
		text := name
		if text == "" {
			text = u
		}
		var cats []string
		for _, t := range s.Tags {
			// Commas and slashes separate categories; inside a tag they
			// would split it on the way back in.
			t = strings.TrimSpace(strings.NewReplacer(",", " ", "/", " ").Replace(feed.SanitizeTag(t)))
			if t != "" {
				cats = append(cats, t)
			}
		}
		doc.Body = append(doc.Body, opmlOutline{Type: "rss", Text: text, Title: name, XMLURL: u, Category: strings.Join(cats, ",")})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return skipped, err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return skipped, err
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return skipped, err
	}
	return skipped, nil
}
