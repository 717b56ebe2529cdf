package feed

import (
	"bytes"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gazette-news/gazette/feed/country"
)

// Caps on what one article may hold. Past them text is cut, never refused:
// a long title or a tag-stuffed header is still an article.
const (
	// MaxTitleLen caps a title, in runes.
	MaxTitleLen = 300
	// MaxTags caps the declared tags of one article.
	MaxTags = 32
	// MaxTagLen caps one tag, in runes.
	MaxTagLen = 64
	// MaxSourceLen caps the source name, in runes.
	MaxSourceLen = 120
)

// textFormat is the reference article format: a title, a header line of
// tags, date and source, "Picture -URL" image lines and paragraphs.
var textFormat = Format{
	Name:  textFormatName,
	Exts:  []string{".txt"},
	Parse: parseTextDoc,
}

const textFormatName = "txt"

func parseTextDoc(doc Doc) ([]*Article, error) {
	a, err := parseText(doc)
	if err != nil {
		return nil, err
	}
	return []*Article{a}, nil
}

// ParseText parses one article in the reference format. location names
// where it came from; it sets Location and derives the ID. An empty file
// or one with only a title is still an article.
func ParseText(location string, data []byte) (*Article, error) {
	return parseText(Doc{Location: location, Data: data})
}

func parseText(doc Doc) (*Article, error) {
	data := doc.Data
	if !IsText(data) {
		return nil, ErrNotText
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	text := Sanitize(string(data))
	lines := strings.Split(text, "\n")

	a := &Article{Location: SanitizeLine(doc.Location), Format: textFormatName, ID: MakeID(DocKey(doc))}
	i := skipBlank(lines, 0)
	if i < len(lines) {
		a.Title = clip(SanitizeLine(lines[i]), MaxTitleLen)
		i = skipBlank(lines, i+1)
	}
	if i < len(lines) {
		if h, ok := parseHeader(lines[i]); ok {
			a.Tags, a.Date, a.DateText, a.Source = h.tags, h.date, h.dateText, h.source
			i++
		}
	}
	body := lines[i:]
	body = body[:footerStart(body)]
	var rb refBuilder
	var para []string
	flush := func() {
		if len(para) > 0 {
			a.Body = append(a.Body, Block{Kind: Paragraph, Text: strings.Join(para, " ")})
			para = para[:0]
		}
	}
	for _, line := range body {
		line = strings.TrimSpace(line)
		if line == "" {
			flush()
			continue
		}
		if raw, ok := pictureURL(line); ok {
			flush()
			if u, ok := SafeURL(raw, nil); ok {
				a.Body = append(a.Body, Block{Kind: Image, Ref: rb.add(u, RefImage)})
			}
			continue
		}
		para = append(para, line)
	}
	flush()
	a.Refs = rb.refs
	a.Images = rb.images()
	return a, nil
}

func skipBlank(lines []string, i int) int {
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	return i
}

// clip cuts s to at most n runes, marking the cut with an ellipsis.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// header is a parsed header line.
type header struct {
	tags     []Tag
	date     time.Time
	dateText string
	source   string
}

// maxHeaderSegment is the longest segment a header line may have; a
// longer one means the line is prose that happens to hold a "|".
const maxHeaderSegment = 120

// parseHeader reads "Tag | Tag | DATE | Source". The segments before the
// date are tags and the one after it is the source. Without a date, a last
// segment that names no country is taken as the source.
func parseHeader(line string) (header, bool) {
	if !strings.Contains(line, "|") {
		return header{}, false
	}
	var segs []string
	for _, s := range strings.Split(line, "|") {
		s = strings.TrimSpace(s)
		if utf8.RuneCountInString(s) > maxHeaderSegment {
			return header{}, false
		}
		if s != "" {
			segs = append(segs, s)
		}
	}
	if len(segs) == 0 {
		return header{}, false
	}
	var h header
	tagSegs := segs
	dateAt := -1
	for i, s := range segs {
		if d, ok := ParseDate(s); ok {
			h.date, h.dateText, dateAt = d, s, i
			break
		}
	}
	switch {
	case dateAt >= 0:
		tagSegs = segs[:dateAt]
		if rest := segs[dateAt+1:]; len(rest) > 0 {
			h.source = clip(SanitizeLine(strings.Join(rest, " | ")), MaxSourceLen)
		}
	case len(segs) >= 2:
		if _, ok := country.Lookup(segs[len(segs)-1]); !ok {
			h.source = clip(SanitizeLine(segs[len(segs)-1]), MaxSourceLen)
			tagSegs = segs[:len(segs)-1]
		}
	}
	h.tags = MergeTags(nil, tagSegs)
	return h, true
}

// MakeTag canonicalises one tag: a country spelled any way becomes its
// display name; anything else is kept as written, cleaned.
func MakeTag(raw string) (Tag, bool) {
	s := clip(SanitizeTag(raw), MaxTagLen)
	if s == "" {
		return Tag{}, false
	}
	if c, ok := country.Lookup(s); ok {
		return Tag{Name: c.Name, Country: true, Code: c.Alpha2}, true
	}
	return Tag{Name: s}, true
}

// MergeTags appends the raw tags to tags, canonical and without repeats,
// up to MaxTags.
func MergeTags(tags []Tag, raw []string) []Tag {
	for _, r := range raw {
		if len(tags) >= MaxTags {
			break
		}
		t, ok := MakeTag(r)
		if !ok || hasTagName(tags, t.Name) {
			continue
		}
		tags = append(tags, t)
	}
	return tags
}

func hasTagName(tags []Tag, name string) bool {
	for _, t := range tags {
		if strings.EqualFold(t.Name, name) {
			return true
		}
	}
	return false
}

// pictureRe matches an image line: "Picture -URL", "Picture - URL",
// "Picture-URL", in any case.
var pictureRe = regexp.MustCompile(`(?i)^picture\s*-\s*(\S+)$`)

func pictureURL(line string) (string, bool) {
	if len(line) < 8 || !strings.EqualFold(line[:7], "picture") {
		return "", false
	}
	m := pictureRe.FindStringSubmatch(line)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// viewsRe matches the blog footer's counter line: "2 views0 comments",
// "1 view0 comments", "1 view 1 comment".
var viewsRe = regexp.MustCompile(`(?i)^\d[\d,]*\s*views?\s*\d[\d,]*\s*comments?$`)

// footerStart returns where the blog footer begins in the body lines, or
// len(lines) when there is none. The footer is the views/comments line,
// and the "Recent Posts" and "See All" lines after it.
func footerStart(lines []string) int {
	end := len(lines)
	sawTrail := false
	for end > 0 {
		l := strings.TrimSpace(lines[end-1])
		switch {
		case l == "":
		case strings.EqualFold(l, "Recent Posts"), strings.EqualFold(l, "See All"):
			sawTrail = true
		case viewsRe.MatchString(l):
			return end - 1
		default:
			if sawTrail {
				return end
			}
			return len(lines)
		}
		end--
	}
	return end
}
