package feed

import (
	"fmt"
	"math"
	"strings"

	"github.com/gazette-news/gazette/internal/humanize"
)

// ParseDoc parses one document: a file's ending selects its format, and
// otherwise (URLs, stdin, unknown endings) the content decides.
func ParseDoc(doc Doc) ([]*Article, error) {
	return parseDoc(doc, true)
}

// ParseDocNoDetect is ParseDoc without country detection: for a body read
// again whose article's countries are known already, detected in this
// same text.
func ParseDocNoDetect(doc Doc) ([]*Article, error) {
	return parseDoc(doc, false)
}

// parseDoc is ParseDoc, detecting countries only when asked.
func parseDoc(doc Doc, detect bool) ([]*Article, error) {
	f, ok := docFormat(doc)
	if !ok {
		f = sniffFormat(doc.ContentType, doc.Data)
	}
	arts, err := f.Parse(doc)
	for i, a := range arts {
		a.seq = int32(min(i, math.MaxInt32))
		if detect {
			DetectCountries(a)
		}
	}
	return arts, err
}

// docFormat returns the format a local file's name selects; ok is false
// for a URL, standard input, or a name that selects none.
func docFormat(doc Doc) (Format, bool) {
	if isURL(doc.Location) || doc.Location == "-" {
		return Format{}, false
	}
	return formatForName(doc.Location)
}

// HasFormat reports whether a file name's ending selects a format, which
// is what makes a file of a directory an article to load.
func HasFormat(name string) bool {
	_, ok := formatForName(name)
	return ok
}

// IsURL reports whether a source names an http or https URL.
func IsURL(s string) bool {
	return hasLowerPrefix(s, "http://") || hasLowerPrefix(s, "https://")
}

// hasLowerPrefix reports whether s starts with p, which is ASCII in lower
// case, in either case of its letters. Lowering all of s first, as IsURL
// once did for every file loaded (a hundredth of a first load), found no
// more: the only runes beyond ASCII that lower into it are 'İ' to 'i' and
// the Kelvin sign to 'k', and no scheme is spelled with either.
func hasLowerPrefix(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

// isURL is IsURL, by the name the parsers know it by.
func isURL(s string) bool { return IsURL(s) }

// QuoteName makes a file name or URL safe to show: sanitized, and quoted
// when it holds anything a reader could mistake.
func QuoteName(s string) string {
	clean := SanitizeLine(s)
	if clean != s || strings.ContainsAny(s, " \"'") || strings.HasPrefix(s, "-") {
		return fmt.Sprintf("%q", clean)
	}
	return clean
}

// humanBytes formats a byte count for messages, as every package does.
func humanBytes(n int64) string { return humanize.Bytes(n) }

// Clip cuts s to at most n runes, ending a cut string with "…", as the
// parsers cut titles and names.
func Clip(s string, n int) string { return clip(s, n) }
