package feed

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Prefetch reads a little of each part of every article in arts that
// AppendJSONIndent reads, one part of all the articles at a time: the
// articles, then their lists and strings, then the images' text. It
// changes nothing; it brings them into the processor's cache.
//
// A list sorted newest first lies all over memory, and AppendJSONIndent,
// taking one article whole after another, waited on memory at each of its
// parts in turn, for much of its time. Here the reads of different articles
// wait on nothing but the article, and the processor overlaps them:
// encoding 100,000 articles took 40% less time once they were prefetched
// (BenchmarkAppendJSONScattered). Call it on a few hundred articles, which
// the cache holds, just before encoding them.
func Prefetch(arts []*Article) {
	n := 0
	for _, a := range arts {
		n += len(a.ID) + len(a.Tags) + len(a.Mentions) + len(a.Images) + len(a.Location) + len(a.Key) + len(a.Format)
		if a.Partial || a.State.Read {
			n++
		}
	}
	for _, a := range arts {
		if len(a.ID) > 0 {
			n += int(a.ID[0])
		}
		if len(a.Title) > 0 {
			n += int(a.Title[len(a.Title)-1])
		}
		if len(a.DateText) > 0 {
			n += int(a.DateText[0])
		}
		if len(a.Location) > 0 {
			n += int(a.Location[0]) + int(a.Location[len(a.Location)-1])
		}
		if len(a.Tags) > 0 {
			n += len(a.Tags[0].Name) + len(a.Tags[len(a.Tags)-1].Name)
		}
		if len(a.Mentions) > 0 {
			n += len(a.Mentions[0].Name) + len(a.Mentions[len(a.Mentions)-1].Name)
		}
		if len(a.Images) > 0 {
			n += len(a.Images[0])
		}
	}
	for _, a := range arts {
		if len(a.Images) > 0 && len(a.Images[0]) > 0 {
			n += int(a.Images[0][0]) + int(a.Images[0][len(a.Images[0])-1])
		}
	}
	// The sum is kept, so that the reads are not left out as unused.
	prefetched.Add(int64(n))
}

// prefetched keeps Prefetch's sums.
var prefetched atomic.Int64

// AppendJSONIndent appends the article's JSON form (ToJSON(withBody)) to
// dst, laid out as json.MarshalIndent(a.ToJSON(withBody), prefix, indent)
// with HTML escaping off lays it out, byte for byte: the first line bears
// no prefix and there is no trailing newline.
//
// It writes straight from the Article, without reflection, the
// intermediate JSONArticle or a second indenting pass: `list --json`
// prints every article of a list this way, and encoding was most of its
// time. FuzzAppendJSONIndent holds it to encoding/json.
func (a *Article) AppendJSONIndent(dst []byte, withBody bool, prefix, indent string) ([]byte, error) {
	w := jsonWriter{b: dst, prefix: prefix, indent: indent, blank: onlySpaces(prefix) && onlySpaces(indent)}
	w.open('{')
	w.key("id")
	w.str(a.ID)
	w.key("title")
	w.str(a.Title)
	w.key("tags")
	w.open('[')
	for _, t := range a.Tags {
		w.elem()
		w.str(t.Name)
	}
	w.close(']')
	w.key("countries")
	w.open('[')
	for _, t := range a.Tags {
		if t.Country {
			w.elem()
			w.str(t.Name)
		}
	}
	w.close(']')
	w.key("mentions")
	w.open('[')
	for _, m := range a.Mentions {
		w.elem()
		w.open('{')
		w.key("name")
		w.str(m.Name)
		w.key("code")
		w.str(m.Code)
		w.key("score")
		if err := w.float(m.Score); err != nil {
			return dst, err
		}
		w.close('}')
	}
	w.close(']')
	w.key("date")
	if a.Date.IsZero() {
		w.b = append(w.b, "null"...)
	} else {
		w.b = append(w.b, '"')
		w.b = appendDate(w.b, a.Date)
		w.b = append(w.b, '"')
	}
	if a.DateText != "" {
		w.key("date_text")
		w.str(a.DateText)
	}
	w.key("source")
	w.str(a.Source)
	w.key("images")
	w.open('[')
	for _, u := range a.Images {
		w.elem()
		w.str(u)
	}
	w.close(']')
	w.key("location")
	w.str(a.Location)
	if a.Link != "" {
		w.key("link")
		w.str(a.Link)
	}
	w.key("format")
	w.str(a.Format)
	if a.Partial {
		w.key("partial")
		w.b = append(w.b, "true"...)
	}
	if withBody && len(a.Refs) > 0 {
		w.key("footnotes")
		w.open('[')
		for _, r := range a.Refs {
			w.elem()
			w.open('{')
			w.key("n")
			w.b = strconv.AppendInt(w.b, int64(r.N), 10)
			w.key("url")
			w.str(r.URL)
			w.key("kind")
			w.str(r.Kind.String())
			if r.Alt != "" {
				w.key("alt")
				w.str(r.Alt)
			}
			w.close('}')
		}
		w.close(']')
	}
	if withBody && len(a.Body) > 0 {
		w.key("body")
		w.open('[')
		for _, blk := range a.Body {
			w.elem()
			w.open('{')
			w.key("kind")
			w.str(blk.Kind.String())
			if blk.Text != "" {
				w.key("text")
				w.str(blk.Text)
			}
			if blk.Level != 0 {
				w.key("level")
				w.b = strconv.AppendInt(w.b, int64(blk.Level), 10)
			}
			if blk.Ref != 0 {
				w.key("ref")
				w.b = strconv.AppendInt(w.b, int64(blk.Ref), 10)
			}
			w.close('}')
		}
		w.close(']')
	}
	w.key("read")
	w.b = strconv.AppendBool(w.b, a.State.Read)
	w.key("starred")
	w.b = strconv.AppendBool(w.b, a.State.Starred)
	w.key("first_seen")
	if a.State.FirstSeen.IsZero() {
		w.b = append(w.b, "null"...)
	} else {
		w.b = append(w.b, '"')
		w.b = appendUTCStamp(w.b, a.State.FirstSeen.UTC())
		w.b = append(w.b, '"')
	}
	w.close('}')
	return w.b, nil
}

// jsonWriter appends indented JSON the way json.Indent lays it out: each
// member or element on its own line, and an empty array or object kept
// as "[]" or "{}" on one line.
type jsonWriter struct {
	b              []byte
	prefix, indent string
	depth          int
	// empty is true while the innermost array or object has no member yet.
	empty bool
	// blank is true when prefix and indent are spaces only, so that a
	// line's start is a slice of jsonBlank.
	blank bool
}

// jsonBlank is a newline and the spaces that indent the line after it.
const jsonBlank = "\n" + "                                                                "

// onlySpaces reports whether s is made of spaces alone.
func onlySpaces(s string) bool {
	return strings.Trim(s, " ") == ""
}

// open starts an array or object.
func (w *jsonWriter) open(c byte) {
	w.b = append(w.b, c)
	w.depth++
	w.empty = true
}

// close ends an array or object, on a line of its own unless it is empty.
func (w *jsonWriter) close(c byte) {
	w.depth--
	if !w.empty {
		w.newline()
	}
	w.b = append(w.b, c)
	w.empty = false
}

// elem starts an array element.
func (w *jsonWriter) elem() {
	if !w.empty {
		w.b = append(w.b, ',')
	}
	w.empty = false
	w.newline()
}

// key starts an object member.
func (w *jsonWriter) key(k string) {
	w.elem()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, `": `...)
}

// newline ends a line and indents the next one to the current depth.
func (w *jsonWriter) newline() {
	if n := 1 + len(w.prefix) + w.depth*len(w.indent); w.blank && n <= len(jsonBlank) {
		w.b = append(w.b, jsonBlank[:n]...)
		return
	}
	w.b = append(w.b, '\n')
	w.b = append(w.b, w.prefix...)
	for range w.depth {
		w.b = append(w.b, w.indent...)
	}
}

// float appends f as encoding/json does: the shortest decimal that reads
// back the same, in exponent form only when very small or very large.
func (w *jsonWriter) float(f float64) error {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	if f > 0 && f < 1e9 {
		// A number of hundredths, as a country's score is, is written
		// here: the shortest decimal that reads back as f is then its
		// digits without trailing zeros, since no two decimals of so few
		// digits read back as one float. 495/100 rounds as "4.95" does.
		if n := math.Round(f * 100); n/100 == f {
			h := int64(n)
			w.b = strconv.AppendInt(w.b, h/100, 10)
			if h%100 != 0 {
				w.b = append(w.b, '.', byte('0'+h%100/10))
				if h%10 != 0 {
					w.b = append(w.b, byte('0'+h%10))
				}
			}
			return nil
		}
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	start := len(w.b)
	w.b = strconv.AppendFloat(w.b, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9, as encoding/json does.
		n := len(w.b) - start
		if n >= 4 && w.b[len(w.b)-4] == 'e' && w.b[len(w.b)-3] == '-' && w.b[len(w.b)-2] == '0' {
			w.b[len(w.b)-2] = w.b[len(w.b)-1]
			w.b = w.b[:len(w.b)-1]
		}
	}
	return nil
}

// jsonPlain marks the bytes a JSON string holds as they are: ASCII but
// for control characters, the quote and the backslash.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendDate appends t as AppendFormat(b, "2006-01-02") does.
func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, "2006-01-02")
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10),
		'-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// appendUTCStamp appends t, a time in UTC, as AppendFormat(b,
// time.RFC3339) does.
func appendUTCStamp(b []byte, t time.Time) []byte {
	if t.Location() != time.UTC || t.Year() < 0 || t.Year() > 9999 {
		return t.AppendFormat(b, time.RFC3339)
	}
	b = appendDate(b, t)
	h, mi, s := t.Clock()
	return append(b, 'T', byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10),
		':', byte('0'+s/10), byte('0'+s%10), 'Z')
}

// jsonHex is the digits of the \u00XX escapes.
const jsonHex = "0123456789abcdef"

// str appends s as a JSON string, escaped as encoding/json escapes it
// with HTML escaping off: quotes, backslashes and control characters, the
// line and paragraph separators U+2028 and U+2029, and invalid UTF-8 as
// U+FFFD.
func (w *jsonWriter) str(s string) {
	b := append(w.b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Most strings are plain throughout: eight bytes are passed over
		// at a time while none needs a look.
		for i+8 <= len(s) && plainWord(le64(s[i:])) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if jsonPlain[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', jsonHex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	w.b = append(b, '"')
}
