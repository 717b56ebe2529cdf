package feed

import (
	"bytes"
	"encoding/binary"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"

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
	isText, clean := scanText(data)
	if !isText {
		return nil, ErrNotText
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	var text string
	if doc.Borrowed {
		// The caller copies what it keeps (see Doc.Borrowed): the whole
		// text, most of which is dropped, need not be.
		text = unsafe.String(unsafe.SliceData(data), len(data))
	} else {
		text = string(data)
	}
	if !clean {
		text = Sanitize(text)
	}
	a := &Article{Location: SanitizeLine(doc.Location), Format: textFormatName, ID: MakeID(DocKey(doc))}
	// The text is read a line at a time, never split into a slice of
	// lines: only the title and header are looked at as a whole.
	line, _, rest, ok := nextNonBlank(text)
	if ok {
		a.Title = clip(SanitizeLine(line), MaxTitleLen)
		var from, after string
		if line, from, after, ok = nextNonBlank(rest); ok {
			// A line that is no header is the body's first.
			rest = from
			if h, isHeader := parseHeader(line); isHeader {
				a.Tags, a.Date, a.DateText, a.Source = h.tags, h.date, h.dateText, h.source
				rest = after
			}
		}
	}
	body := rest[:footerStart(rest)]
	var rb refBuilder
	// The body builder holds the body to the caps every format shares,
	// and says so where it cuts.
	bb := newBodyBuilder(nil, &rb)
	// Blocks are separated by blank lines: room for them all at once.
	if n := min(strings.Count(body, "\n\n")+1, MaxBodyBlocks); doc.Borrowed && cap(doc.Blocks) >= n {
		bb.blocks = doc.Blocks[:0]
	} else {
		bb.blocks = make([]Block, 0, n)
	}
	var para []string
	flush := func() {
		if len(para) > 0 {
			bb.add(Block{Kind: Paragraph, Text: strings.Join(para, " ")})
			para = para[:0]
		}
	}
	for body != "" {
		line, body, _ = strings.Cut(body, "\n")
		line = strings.TrimSpace(line)
		if line == "" {
			flush()
			continue
		}
		if raw, ok := pictureURL(line); ok {
			flush()
			if u, ok := SafeURL(raw, nil); ok && !bb.cut {
				bb.add(Block{Kind: Image, Ref: rb.add(u, RefImage)})
			}
			continue
		}
		para = append(para, line)
	}
	flush()
	if len(bb.blocks) > 0 {
		a.Body = bb.blocks
	}
	a.Refs = rb.refs
	a.Images = rb.images()
	a.Key = StoryKey("", "", "", a)
	return a, nil
}

// parseTextHead parses a file in the reference format as parseText does,
// without its body, for a caller that keeps none and puts the detection
// of declared countries off (see ParseDocLazyHead): the title, header,
// pictures, ID and key, from its bytes, with no copy of the whole text.
// ok is false when the body is wanted after all (no country declared,
// detected now; neither date nor source, so the key reads the body), or
// when the answer could differ from parseText's (text to sanitize, a file
// near the caps on a body): the caller parses it whole.
func parseTextHead(doc Doc) (a *Article, ok bool) {
	data := doc.Data
	if len(data) >= MaxBodyText || bytes.Count(data, []byte{'\n'}) >= MaxBodyBlocks-1 {
		return nil, false
	}
	if isText, clean := scanText(data); !isText || !clean {
		return nil, false
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	title, _, rest, ok := nextNonBlank(data)
	if !ok {
		return nil, false
	}
	line, _, rest, ok := nextNonBlank(rest)
	if !ok {
		return nil, false
	}
	h, isHeader := parseHeader(string(line))
	if !isHeader || !hasCountry(h.tags) ||
		h.date.IsZero() && strings.TrimSpace(h.dateText) == "" && strings.TrimSpace(h.source) == "" {
		return nil, false
	}
	a = &Article{Location: SanitizeLine(doc.Location), Format: textFormatName, ID: MakeID(DocKey(doc))}
	a.Title = clip(SanitizeLine(string(title)), MaxTitleLen)
	a.Tags, a.Date, a.DateText, a.Source = h.tags, h.date, h.dateText, h.source
	// No cap on a body can be reached (see above): every picture is kept.
	var rb refBuilder
	for body := rest[:footerStart(rest)]; len(body) > 0; {
		line, body = cutLine(body)
		line = bytes.TrimSpace(line)
		// Only 'p' and 'P' fold to the p of "picture".
		if len(line) == 0 || line[0] != 'p' && line[0] != 'P' {
			continue
		}
		if raw, ok := pictureURL(string(line)); ok {
			if u, ok := SafeURL(raw, nil); ok {
				rb.add(u, RefImage)
			}
		}
	}
	a.Refs = rb.refs
	a.Images = rb.images()
	a.Key = StoryKey("", "", "", a)
	return a, true
}

// nextNonBlank returns the first line of s that is not blank, s from
// that line on, and what follows the line; ok is false when there is none.
func nextNonBlank[S string | []byte](s S) (line, from, rest S, ok bool) {
	for len(s) > 0 {
		from = s
		line, s = cutLine(s)
		if !isBlank(line) {
			return line, from, s, true
		}
	}
	var none S
	return none, none, none, false
}

// cutLine returns the first line of s, without its newline, and what
// follows it.
func cutLine[S string | []byte](s S) (line, rest S) {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i], s[i+1:]
		}
	}
	return s, s[len(s):]
}

// isBlank reports whether s holds nothing but white space, as
// strings.TrimSpace sees it.
func isBlank[S string | []byte](s S) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\t', '\n', '\v', '\f', '\r', ' ':
		default:
			if s[i] >= utf8.RuneSelf {
				return strings.TrimSpace(string(s[i:])) == ""
			}
			return false
		}
	}
	return true
}

// scanText reports, in one pass, whether data is text as IsText has it,
// and whether it is clean: valid UTF-8 with nothing that Sanitize would
// change, so that sanitizing can be skipped. Runs of eight plain ASCII
// bytes, which most text is, are checked a word at a time.
func scanText(data []byte) (isText, clean bool) {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	clean = true
	bad := 0
	for i := 0; i < len(data); {
		if i+8 <= len(data) {
			w := binary.LittleEndian.Uint64(data[i:])
			// No byte below 0x20 (controls, NUL, line ends) and none at or
			// above 0x7F (DEL, and everything not ASCII).
			below := (w - 0x20*ones) & ^w & highs
			above := ((w + 0x01*ones) | w) & highs
			if below|above == 0 {
				i += 8
				continue
			}
		}
		c := data[i]
		if c < utf8.RuneSelf {
			switch {
			case c == 0:
				return false, false
			case c < 0x20 && c != '\n' && c != '\t', c == 0x7F:
				clean = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			bad++
			clean = false
		} else if dropped(r) {
			clean = false
		}
		i += size
	}
	return bad <= maxStrayBytes || bad*100 <= len(data), clean
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
	// The segments, in an array that holds a header's few (a header is
	// read in every article).
	var held [8]string
	segs := held[:0]
	for rest, more := line, true; more; {
		var s string
		s, rest, more = strings.Cut(rest, "|")
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
	if len(tagSegs) > 0 {
		h.tags = MergeTags(make([]Tag, 0, min(len(tagSegs), MaxTags)), tagSegs)
		if len(h.tags) == 0 {
			h.tags = nil
		}
	}
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

// pictureURL reads an image line, "Picture -URL", "Picture - URL" or
// "Picture-URL" in any case, as the regular expression
// (?i)^picture\s*-\s*(\S+)$ would (the tests hold it to that), and returns
// the URL. It is written out because it runs on every line of every
// article.
func pictureURL(line string) (string, bool) {
	i, ok := foldPrefix(line, 0, "picture")
	if !ok {
		return "", false
	}
	i = skipSpace(line, i)
	if i >= len(line) || line[i] != '-' {
		return "", false
	}
	i = skipSpace(line, i+1)
	url := line[i:]
	if url == "" || strings.ContainsAny(url, reSpace) {
		return "", false
	}
	return url, true
}

// reSpace is what \s means in a regular expression: ASCII white space
// without the vertical tab.
const reSpace = "\t\n\f\r "

// skipSpace returns the index of the first byte of s at or after i that is
// not in reSpace.
func skipSpace(s string, i int) int {
	for i < len(s) && strings.IndexByte(reSpace, s[i]) >= 0 {
		i++
	}
	return i
}

// skipDigits returns the index of the first byte of s at or after i that
// is neither a digit nor a comma.
func skipDigits(s string, i int) int {
	for i < len(s) && (isDigit(s[i]) || s[i] == ',') {
		i++
	}
	return i
}

// foldPrefix reports whether s[i:] starts with word, a lower-case ASCII
// word, under Unicode case folding as (?i) has it (so "ſ", the long s,
// matches "s"), and returns the index after it.
func foldPrefix(s string, i int, word string) (int, bool) {
	for k := 0; k < len(word); k++ {
		if i >= len(s) {
			return i, false
		}
		n, ok := foldByte(s, i, word[k])
		if !ok {
			return i, false
		}
		i += n
	}
	return i, true
}

// foldByte reports whether the character at s[i] is c under case folding,
// and its length.
func foldByte(s string, i int, c byte) (int, bool) {
	if b := s[i]; b < utf8.RuneSelf {
		return 1, b == c || 'A' <= b && b <= 'Z' && b+'a'-'A' == c
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f == rune(c) {
			return size, true
		}
	}
	return size, false
}

// isViewsLine reports whether a trimmed line is the blog footer's counter
// line, "2 views0 comments", "1 view0 comments" or "1 view 1 comment", as
// the regular expression (?i)^\d[\d,]*\s*views?\s*\d[\d,]*\s*comments?$
// would.
func isViewsLine(l string) bool {
	count := func(i int, word string) (int, bool) {
		if i >= len(l) || !isDigit(l[i]) {
			return i, false
		}
		i = skipSpace(l, skipDigits(l, i+1))
		i, ok := foldPrefix(l, i, word)
		if !ok {
			return i, false
		}
		if i < len(l) {
			if n, ok := foldByte(l, i, 's'); ok {
				i += n
			}
		}
		return i, true
	}
	i, ok := count(0, "view")
	if !ok {
		return false
	}
	i, ok = count(skipSpace(l, i), "comment")
	return ok && i == len(l)
}

// footerStart returns where the blog footer begins in body, or len(body)
// when there is none. The footer is the views/comments line, and the
// "Recent Posts" and "See All" lines after it; those two at the end are
// cut even alone. Only the last lines are looked at.
func footerStart[S string | []byte](body S) int {
	end := len(body) // the end of the line looked at
	sawTrail := false
	for {
		start := end
		for start > 0 && body[start-1] != '\n' {
			start--
		}
		l := strings.TrimSpace(string(body[start:end]))
		switch {
		case l == "":
		case strings.EqualFold(l, "Recent Posts"), strings.EqualFold(l, "See All"):
			sawTrail = true
		case isViewsLine(l):
			return start
		default:
			if sawTrail {
				return end
			}
			return len(body)
		}
		if start == 0 {
			return 0
		}
		end = start - 1
	}
}
