package feed

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Sanitize makes untrusted text safe to keep and to show: invalid UTF-8
// becomes U+FFFD; CRLF and CR become LF; C0 controls other than LF and TAB,
// DEL, C1 controls, bidi controls and Unicode tag characters (outside a
// flag's emoji tag sequence) are removed. It is idempotent.
func Sanitize(s string) string {
	if isClean(s, true) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '\r':
			b.WriteByte('\n')
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r == blackFlag:
			n := flagTags(s[i:])
			b.WriteString(s[i-size : i+n])
			i += n
		case dropped(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SanitizeLine is Sanitize for text that must stay on one line, such as a
// title, a source or a file name: runs of line breaks (including U+2028 and
// U+2029) and tabs become one space, and the result is trimmed.
func SanitizeLine(s string) string {
	if plainLine(s) {
		return s
	}
	return sanitizeLine(s)
}

// keptLine reports whether SanitizeLine, once Sanitize has cleaned s,
// leaves it as it is: s holds no line break, tab, line or paragraph
// separator, and no space at either end. For s that isClean passed,
// Sanitize changes nothing, so it says whether SanitizeLine does: a title
// read from the header cache is held to it, in a tenth of the time
// SanitizeLine took on a title beyond ASCII.
func keptLine(s string) bool {
	return strings.IndexByte(s, '\n') < 0 && strings.IndexByte(s, '\t') < 0 &&
		!strings.Contains(s, "\u2028") && !strings.Contains(s, "\u2029") && strings.TrimSpace(s) == s
}

// sanitizeLine is SanitizeLine without the shortcut for plain lines.
func sanitizeLine(s string) string {
	s = Sanitize(s)
	if !keptLine(s) {
		s = strings.Join(strings.Fields(s), " ")
	}
	return s
}

// SanitizeTag is SanitizeLine for tags: it also removes zero-width
// characters, which make two tags look alike but filter differently,
// collapses every run of spaces to one, normalises to NFC and caps runs of
// combining marks. Marks are capped after NFC because normalisation
// reorders them, and a cap applied before would not be idempotent.
func SanitizeTag(s string) string {
	if plainTag(s) {
		return s
	}
	return sanitizeTag(s)
}

// plainTag reports whether s is printable ASCII, its words parted by
// single spaces: SanitizeTag leaves such a tag, as most are, as it is,
// and saying so takes an eleventh of the time it took to make it again.
func plainTag(s string) bool {
	return s != "" && plainLine(s) && !strings.Contains(s, "  ")
}

// sanitizeTag is SanitizeTag without the shortcut for plain tags.
func sanitizeTag(s string) string {
	s = strings.Map(func(r rune) rune {
		if zeroWidth(r) {
			return -1
		}
		return r
	}, Sanitize(s))
	s = norm.NFC.String(strings.Join(strings.Fields(s), " "))
	marks := 0
	for i, r := range s {
		if !unicode.Is(unicode.M, r) {
			marks = 0
			continue
		}
		if marks++; marks > maxCombining {
			return s[:i] + capMarks(s[i:])
		}
	}
	return s
}

// capMarks drops the combining marks of s that follow maxCombining others.
// s starts inside such a run.
func capMarks(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	marks := maxCombining
	for _, r := range s {
		if unicode.Is(unicode.M, r) {
			if marks++; marks > maxCombining {
				continue
			}
		} else {
			marks = 0
		}
		b.WriteRune(r)
	}
	return b.String()
}

// maxCombining is how many combining marks may follow one character; more
// only break display-width arithmetic.
const maxCombining = 4

// dropped reports whether r is a control character that Sanitize removes.
func dropped(r rune) bool {
	switch {
	case r < 0x20 && r != '\n' && r != '\t':
		return true
	case r >= 0x7F && r <= 0x9F:
		return true
	}
	return bidi(r) || tagChar(r)
}

// tagChar reports whether r is a Unicode tag character (U+E0000 to
// U+E007F). Tags are invisible on a terminal but read by whatever the text
// is piped to, so they can carry hidden instructions ("ASCII smuggling").
func tagChar(r rune) bool { return r >= 0xE0000 && r <= 0xE007F }

// blackFlag is U+1F3F4, the base of the subdivision flags (Scotland,
// Wales, England), which spell their region in tag characters.
const blackFlag = 0x1F3F4

// maxFlagTags is the longest region a flag spells: two letters of country
// and up to four of subdivision. A longer run is hidden text, not a flag.
const maxFlagTags = 6

// flagTags returns the length in bytes of the emoji tag sequence at the
// start of s, which follows a black flag: one to maxFlagTags tag letters
// or digits ended by CANCEL TAG (U+E007F). It returns 0 where there is
// none, and then every tag character there is dropped.
func flagTags(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0xE007F && n > 0:
			return i + size
		case n < maxFlagTags && (r >= 0xE0030 && r <= 0xE0039 || r >= 0xE0061 && r <= 0xE007A):
			n++
			i += size
		default:
			return 0
		}
	}
	return 0
}

// bidi reports whether r is a bidirectional formatting control.
func bidi(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}

// zeroWidth reports whether r is an invisible zero-width character.
func zeroWidth(r rune) bool {
	return r >= 0x200B && r <= 0x200D || r == 0x2060 || r == 0xFEFF
}

// plainLine reports whether s is printable ASCII that neither starts nor
// ends with a space, which SanitizeLine leaves as it is: most titles,
// sources and paths, checked in one pass.
func plainLine(s string) bool {
	if s != "" && (s[0] == ' ' || s[len(s)-1] == ' ') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// isClean reports whether s is valid UTF-8 with nothing Sanitize would change.
func isClean(s string, allowNL bool) bool {
	for i := 0; i < len(s); {
		for i+8 <= len(s) && printableWord(le64(s[i:])) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && !(allowNL && c == '\n') && c != '\t' || c == 0x7F {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || dropped(r) {
			return false
		}
		i += size
		if r == blackFlag {
			i += flagTags(s[i:])
		}
	}
	return true
}

// SafeURL resolves raw against base (which may be nil) and returns the
// result re-serialised, if and only if it is an absolute http or https URL
// with a host. Everything else (javascript:, file:, data:, schemes hidden
// behind spaces or case, a base that resolves somewhere hostile) is refused.
func SafeURL(raw string, base *url.URL) (string, bool) {
	raw = strings.TrimSpace(Sanitize(raw))
	if raw == "" || len(raw) > maxURLLen || strings.ContainsAny(raw, urlSpace) {
		return "", false
	}
	if base == nil && plainURL(raw) {
		return raw, true
	}
	return parsedURL(raw, base)
}

// plainURL reports whether s is an http or https URL that url.Parse
// reads and String writes back as it is, which SafeURL keeps without
// parsing it: the scheme in lower case, a host of ASCII letters, digits,
// dots and hyphens with perhaps a port, then a path and perhaps a query
// of ASCII letters, digits, the punctuation of urlPlain and escapes of
// two hex digits. Most image URLs are. (FuzzSafeURL holds it to
// parsedURL.)
func plainURL(s string) bool {
	var rest string
	switch {
	case strings.HasPrefix(s, "https://"):
		rest = s[len("https://"):]
	case strings.HasPrefix(s, "http://"):
		rest = s[len("http://"):]
	default:
		return false
	}
	i := 0
	for i < len(rest) && (isASCIIAlnum(rest[i]) || rest[i] == '.' || rest[i] == '-') {
		i++
	}
	if i == 0 {
		return false
	}
	if i < len(rest) && rest[i] == ':' {
		j := i + 1
		for j < len(rest) && isDigit(rest[j]) {
			j++
		}
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(rest) && rest[i] != '/' {
		return false
	}
	query := false
	for ; i < len(rest); i++ {
		switch c := rest[i]; {
		case isASCIIAlnum(c) || strings.IndexByte(urlPlain, c) >= 0:
		case c == '%' && i+2 < len(rest) && isHex(rest[i+1]) && isHex(rest[i+2]):
			i += 2
		case c == '?' && !query:
			query = true
		default:
			return false
		}
	}
	return true
}

// urlPlain is the punctuation plainURL lets through: what a path keeps
// as it came, escaped or not ("-._~" unreserved, "/,;=+&$" never
// escaped, "!*'()" kept as written in the raw path).
const urlPlain = "-._~/,;=+&$!*'()"

func isHex(c byte) bool { return isDigit(c) || isHexLetter(c) }

// isASCIIAlnum reports whether c is an ASCII letter or digit.
func isASCIIAlnum(c byte) bool {
	return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'z'
}

// parsedURL is SafeURL of a URL that is not plain: parsed, resolved
// against base, and written back.
func parsedURL(raw string, base *url.URL) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", false
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Opaque != "" {
		return "", false
	}
	u.User = nil
	out := u.String()
	// Serialising can lengthen a URL (a stray byte becomes %EF%BF%BD), so
	// the cap applies to the result too, or a second pass would refuse
	// what the first let through. A base's query is kept as it came,
	// spaces and all, so the result is held to the rule of the input.
	if len(out) > maxURLLen || strings.HasPrefix(out, "-") || strings.ContainsAny(out, urlSpace) || !isClean(out, false) {
		return "", false
	}
	// Resolution can make a URL that does not parse back, such as a host
	// of "::" from a hostile base; keep only one that reads back as itself.
	// A URL that was not resolved and serialised back as it came is the
	// text just parsed: it reads back as itself, and parsing it again,
	// which took a fifth of a first load's URL work, would say so.
	if base == nil && out == raw {
		return out, true
	}
	if v, err := url.Parse(out); err != nil || v.String() != out {
		return "", false
	}
	return out, true
}

// urlSpace is the white space a URL gazette keeps never holds: a link
// is one word, in text and in a terminal's hyperlink.
const urlSpace = " \n\t"

// maxURLLen caps the length of a URL gazette keeps.
const maxURLLen = 4096
