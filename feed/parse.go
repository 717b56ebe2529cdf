package feed

import (
	"fmt"
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
		a.seq = i
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
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
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
