package feed

import (
	"bytes"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Doc is one document read from a source, ready for a parser.
type Doc struct {
	// Location is the path or URL the document was read from.
	Location string
	// Base resolves relative links; nil for local files.
	Base *url.URL
	// Data is the document's bytes, at most the source's size cap.
	Data []byte
	// ContentType is the HTTP Content-Type, empty for files.
	ContentType string
	// Key identifies the document for article IDs; see DocKey.
	Key string
	// Note is a notice for the reader about where the document came from,
	// such as "offline: cached 2h ago"; empty when there is nothing to say.
	Note string
	// Borrowed lends Data to the parse: the caller keeps its bytes as they
	// are until it has copied every string it keeps of the articles, and
	// reuses them then. A parser may have the articles' strings refer to
	// Data instead of copying it; the reference format's does, for a text
	// read only to be parsed, detected in, and dropped. Errors never refer
	// to it.
	Borrowed bool
	// Blocks, with Borrowed, lends the parse room for an article's body. A
	// caller that drops the body once the parse is over takes the list
	// back from the article's Body and lends it again, so that a load of
	// many files makes one list of blocks, not one a file. The reference
	// format's parse uses it when it has room enough.
	Blocks []Block
}

// DocKey returns what a document's article IDs derive from: doc.Key when
// set, else the URL, or the absolute path of a file, so that "dir" and
// "./dir" agree; stdin has no name, so its content stands in.
func DocKey(doc Doc) string {
	switch {
	case doc.Key != "":
		return doc.Key
	case doc.Location == "-" || doc.Location == "":
		return "stdin:" + MakeID(string(doc.Data))
	case isURL(doc.Location):
		return doc.Location
	}
	if abs, err := filepath.Abs(doc.Location); err == nil {
		return abs
	}
	return doc.Location
}

// Format is one article format: how to recognise it and how to parse it.
type Format struct {
	// Name is the format's short name, kept in Article.Format.
	Name string
	// Exts are the file name endings, lower case with the dot, that select it.
	Exts []string
	// Sniff reports whether a document with this content type and these first
	// bytes is in this format. It may be nil.
	Sniff func(contentType string, head []byte) bool
	// Parse turns a document into articles. It returns an error alone when
	// nothing useful could be read, and articles with an error when some
	// were left out (past a cap, or unreadable items); callers keep both.
	Parse func(doc Doc) ([]*Article, error)
}

// formats is the table of known formats, most specific first; the plain
// text reference format comes last and takes whatever is left.
var formats = []Format{
	feedFormat,
	htmlFormat,
	xmlFormat,
	markdownFormat,
	textFormat,
}

// ErrNotText is returned for binary files and files that are not UTF-8.
var ErrNotText = errors.New("not text (binary or not UTF-8)")

// formatForName returns the format selected by a file name's ending.
func formatForName(name string) (Format, bool) {
	ext := strings.ToLower(filepath.Ext(name))
	for _, f := range formats {
		for _, e := range f.Exts {
			if e == ext {
				return f, true
			}
		}
	}
	return Format{}, false
}

// sniffFormat picks the format of a document from its content type, then
// its first bytes, and falls back to the plain text format.
func sniffFormat(contentType string, data []byte) Format {
	head := sniffHead(data)
	for _, f := range formats {
		if f.Sniff != nil && f.Sniff(contentType, head) {
			return f
		}
	}
	return textFormat
}

// maxStrayBytes is how many invalid UTF-8 bytes any text may hold.
const maxStrayBytes = 4

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// IsText reports whether data looks like text: no NUL bytes, and no more
// than a few stray bytes of invalid UTF-8, or one in a hundred (a stray
// Latin-1 byte is forgiven; a PNG, a UTF-16 or a Latin-1 file is not).
func IsText(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return false
	}
	bad := 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			bad++
		}
		i += size
	}
	return bad <= maxStrayBytes || bad*100 <= len(data)
}

// sniffHead returns the first bytes of a document for the formats to
// sniff, as UTF-8: UTF-16 and UTF-32 are decoded first, so that a feed in
// either is recognised.
func sniffHead(data []byte) []byte {
	head := data[:min(len(data), 4096)]
	label, _ := bomCharset(head)
	if label == "" || label == "utf-8" {
		label = wideCharset(head)
	}
	if strings.HasPrefix(label, "utf-16") || strings.HasPrefix(label, "utf-32") {
		if enc, name, ok := LookupEncoding(label); ok {
			head = decodeWith(head[:len(head)&^3], enc, name)
		}
	}
	return bytes.TrimPrefix(head, utf8BOM)
}
