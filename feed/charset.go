package feed

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// This file holds the one rule by which gazette decides how the bytes of
// a web page or a feed are to be read, so that pages, feeds and the
// fetcher agree:
//
//  1. a byte order mark (UTF-8, UTF-16, UTF-32);
//  2. the charset of the HTTP Content-Type, which wins over what the
//     document says of itself (RFC 7303 for XML, the HTML standard for
//     pages); an unknown label there is ignored;
//  3. the zero bytes of UTF-16 or UTF-32 without a mark around the
//     leading "<" (XML 1.0, appendix F);
//  4. a document with bytes above ASCII that is valid UTF-8 is UTF-8,
//     whatever its declaration claims: no other charset in use gives
//     valid UTF-8 by chance;
//  5. the document's own declaration: the XML declaration's encoding, or
//     an HTML page's <meta> charset; an unknown label in an XML
//     declaration is an error, "unknown encoding X";
//  6. a document that is UTF-8 but for a few stray bytes (and has valid
//     multi-byte characters) is UTF-8, the stray bytes repaired to U+FFFD;
//  7. anything else is windows-1252, the guess of the HTML standard.
//
// Every label goes through the WHATWG index, then the IANA one, so that
// "windows_1252", "IBM866", "macintosh" and "iso-2022-jp" all work.

// UnknownEncodingError is returned for a document whose declaration names
// an encoding gazette cannot read.
type UnknownEncodingError struct {
	// Label is the label as the document gave it, sanitized.
	Label string
}

func (e *UnknownEncodingError) Error() string {
	return fmt.Sprintf("unknown encoding %q", e.Label)
}

// LookupEncoding returns the encoding a charset label names and its
// canonical name, through the WHATWG index and then the IANA one.
// Underscores count as hyphens ("windows_1252"). ok is false for a label
// neither index knows, or one they know but cannot decode.
func LookupEncoding(label string) (enc encoding.Encoding, name string, ok bool) {
	l := strings.ToLower(strings.Trim(label, " \t\r\n\"'"))
	if l == "" || len(l) > 64 {
		return nil, "", false
	}
	switch l {
	case "utf-32", "utf-32be", "ucs-4", "ucs-4be":
		return utf32.UTF32(utf32.BigEndian, utf32.UseBOM), "utf-32be", true
	case "utf-32le", "ucs-4le":
		return utf32.UTF32(utf32.LittleEndian, utf32.UseBOM), "utf-32le", true
	case "utf-16":
		// Without a mark, UTF-16 is big-endian (RFC 2781).
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM), "utf-16be", true
	}
	for _, try := range []string{l, strings.ReplaceAll(l, "_", "-")} {
		if e, err := htmlindex.Get(try); err == nil {
			n, _ := htmlindex.Name(e)
			return e, n, true
		}
		for _, idx := range []*ianaindex.Index{ianaindex.IANA, ianaindex.MIME, ianaindex.MIB} {
			if e, err := idx.Encoding(try); err == nil && e != nil {
				n, err := ianaindex.IANA.Name(e)
				if err != nil {
					n = try
				}
				return e, strings.ToLower(n), true
			}
		}
	}
	return nil, "", false
}

// bomCharset returns the encoding a byte order mark names and the mark's
// length, or "" and 0. UTF-32 is tested first: its little-endian mark
// starts like UTF-16's.
func bomCharset(data []byte) (string, int) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0, 0}):
		return "utf-32le", 4
	case bytes.HasPrefix(data, []byte{0, 0, 0xFE, 0xFF}):
		return "utf-32be", 4
	case bytes.HasPrefix(data, utf8BOM):
		return "utf-8", 3
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return "utf-16be", 2
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return "utf-16le", 2
	}
	return "", 0
}

// wideCharset recognises UTF-16 and UTF-32 without a byte order mark by
// the zero bytes around a leading "<", and EBCDIC by "<?" in code page 37.
func wideCharset(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0, 0, 0, '<'}):
		return "utf-32be"
	case bytes.HasPrefix(data, []byte{'<', 0, 0, 0}):
		return "utf-32le"
	case bytes.HasPrefix(data, []byte{0, '<', 0}):
		return "utf-16be"
	case bytes.HasPrefix(data, []byte{'<', 0, '?', 0}), bytes.HasPrefix(data, []byte{'<', 0, '!', 0}),
		len(data) >= 4 && data[0] == '<' && data[1] == 0 && data[2] != 0 && data[3] == 0:
		return "utf-16le"
	case bytes.HasPrefix(data, []byte{0x4C, 0x6F, 0xA7, 0x94}):
		return "ibm037"
	}
	return ""
}

// xmlDeclRe finds the encoding of an XML declaration.
var xmlDeclRe = regexp.MustCompile(`^<\?xml[^>]*?\sencoding\s*=\s*["']([^"'<>]{0,64})["'][^>]*\?>`)

// xmlDeclared returns the encoding an XML declaration names, or "". An
// EBCDIC document's declaration is read through code page 37.
func xmlDeclared(data []byte) string {
	head := data[:min(len(data), 256)]
	if bytes.HasPrefix(head, []byte{0x4C, 0x6F, 0xA7, 0x94}) {
		head, _ = charmap.CodePage037.NewDecoder().Bytes(head)
	}
	if m := xmlDeclRe.FindSubmatch(head); m != nil {
		return strings.TrimSpace(string(m[1]))
	}
	return ""
}

// nearlyUTF8 reports whether data is UTF-8 but for a few stray bytes, as
// IsText counts them, beside at least one valid multi-byte character:
// text in a single-byte charset almost never holds one, so a document
// whose every byte above ASCII is invalid is left to the guess.
func nearlyUTF8(data []byte) bool {
	bad, wide := 0, 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			bad++
		case size > 1:
			wide++
		}
		i += size
	}
	return wide > 0 && (bad <= maxStrayBytes || bad*100 <= len(data))
}

// hasHighBytes reports whether data holds any byte above ASCII.
func hasHighBytes(data []byte) bool {
	for _, c := range data {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// chooseEncoding applies the rule above. header is the Content-Type's
// charset, declared the document's own label (with strict set for an
// XML declaration, whose unknown label is an error). name is the
// canonical name of the encoding chosen.
func chooseEncoding(data []byte, header, declared string, strict bool) (encoding.Encoding, string, error) {
	if label, _ := bomCharset(data); label != "" {
		e, n, _ := LookupEncoding(label)
		return e, n, nil
	}
	if e, n, ok := LookupEncoding(header); ok {
		return e, n, nil
	}
	if label := wideCharset(data); label != "" {
		e, n, _ := LookupEncoding(label)
		return e, n, nil
	}
	if hasHighBytes(data) && utf8.Valid(data) {
		return unicode.UTF8, "utf-8", nil
	}
	if declared != "" {
		e, n, ok := LookupEncoding(declared)
		if ok {
			return e, n, nil
		}
		if strict {
			return nil, "", &UnknownEncodingError{Label: SanitizeLine(declared)}
		}
	}
	if nearlyUTF8(data) {
		return unicode.UTF8, "utf-8", nil
	}
	return charmap.Windows1252, "windows-1252", nil
}

// decodeWith converts data to valid UTF-8 with enc, dropping a byte order
// mark; invalid sequences become U+FFFD.
func decodeWith(data []byte, enc encoding.Encoding, name string) []byte {
	if _, n := bomCharset(data); n > 0 {
		data = data[n:]
	}
	if name != "utf-8" {
		if out, err := enc.NewDecoder().Bytes(data); err == nil {
			data = out
		}
	}
	return bytes.ToValidUTF8(data, []byte("\uFFFD"))
}

// charsetParam returns the charset parameter of a Content-Type, or "".
func charsetParam(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return params["charset"]
}

// HTMLToUTF8 converts a web page to valid UTF-8 by the rule above, its
// <meta> charset standing as its declaration. It also reports whether the
// bytes changed.
func HTMLToUTF8(data []byte, contentType string) ([]byte, bool) {
	declared := ""
	if bom, _ := bomCharset(data); bom == "" && hasHighBytes(data) && !utf8.Valid(data) {
		// The <meta> prescan; with no content type, DetermineEncoding
		// is certain only of a byte order mark, handled above.
		head := data[:min(len(data), 1024)]
		if bytes.Contains(bytes.ToLower(head), []byte("charset")) {
			_, declared, _ = charset.DetermineEncoding(head, "")
		}
	}
	enc, name, _ := chooseEncoding(data, charsetParam(contentType), declared, false)
	out := decodeWith(data, enc, name)
	return out, !bytes.Equal(out, data)
}

// xmlToUTF8 converts a feed's XML to valid UTF-8 by the rule above,
// rewrites its declaration to say so (so that the XML parser does not
// convert it again), and repairs what would make the parser refuse the
// whole feed: character references and raw characters XML forbids, such
// as "&#x1b;" and "&#0;", are dropped.
func xmlToUTF8(data []byte, contentType string) ([]byte, error) {
	enc, name, err := chooseEncoding(data, charsetParam(contentType), xmlDeclared(data), true)
	if err != nil {
		return nil, err
	}
	out := decodeWith(data, enc, name)
	if loc := xmlDeclLineRe.FindIndex(out); loc != nil {
		out = append([]byte(`<?xml version="1.0" encoding="utf-8"?>`), out[loc[1]:]...)
	}
	return dropBadXMLChars(out), nil
}

// xmlDeclLineRe matches a whole XML declaration at the start.
var xmlDeclLineRe = regexp.MustCompile(`^\s*<\?xml[^>]*\?>`)

// charRefRe matches a numeric character reference.
var charRefRe = regexp.MustCompile(`&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});`)

// xmlChar reports whether XML 1.0 allows a character in a document.
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// dropBadXMLChars removes the characters and character references XML
// forbids. It copies only when it finds one.
func dropBadXMLChars(data []byte) []byte {
	clean := true
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if !xmlChar(r) {
			clean = false
			break
		}
		i += size
	}
	if !clean {
		data = bytes.Map(func(r rune) rune {
			if xmlChar(r) {
				return r
			}
			return -1
		}, data)
	}
	if !bytes.Contains(data, []byte("&#")) {
		return data
	}
	return charRefRe.ReplaceAllFunc(data, func(ref []byte) []byte {
		num := string(ref[2 : len(ref)-1])
		var v uint64
		var err error
		if num[0] == 'x' || num[0] == 'X' {
			v, err = strconv.ParseUint(num[1:], 16, 32)
		} else {
			v, err = strconv.ParseUint(num, 10, 32)
		}
		if err != nil || v > 0x10FFFF || !xmlChar(rune(v)) {
			return nil
		}
		return ref
	})
}
