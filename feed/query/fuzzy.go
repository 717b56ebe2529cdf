package query

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// foldRunes returns s in lower case, as runes.
func foldRunes(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		out = append(out, unicode.ToLower(r))
	}
	return out
}

// pattern is a word, phrase or source prepared once for matching without
// case, so that matching needs no allocation and, for ASCII, no decoding.
type pattern struct {
	// runes is the text in lower case.
	runes []rune
	// ascii is true when the text is all ASCII; lower and mask are then set.
	ascii bool
	// lower is the text in lower case.
	lower string
	// mask holds, for each byte of lower, 0x20 for a letter and 0 for any
	// other byte, so that c|mask[k] == lower[k] compares without case.
	mask string
	// ks is true when lower holds a k or an s, which the Kelvin sign and
	// the long s also match.
	ks bool
	// anchor is the index in lower of its rarest byte in English text,
	// which wordIn looks for first.
	anchor int
}

// newPattern prepares s for matching.
func newPattern(s string) pattern {
	p := pattern{runes: foldRunes(s), ascii: true}
	lower, mask := make([]byte, 0, len(s)), make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return pattern{runes: p.runes}
		}
		var m byte
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'a' <= c && c <= 'z' {
			m = 0x20
		}
		lower, mask = append(lower, c), append(mask, m)
	}
	p.lower, p.mask = string(lower), string(mask)
	p.ks = strings.ContainsAny(p.lower, "ks")
	for k := range len(lower) {
		if rarity(lower[k]) > rarity(lower[p.anchor]) {
			p.anchor = k
		}
	}
	return p
}

// byFrequency holds the lower-case letters, most frequent in English text
// first.
const byFrequency = "etaoinshrdlcumwfgypbvkjxqz"

// rarity ranks a lower-case ASCII byte by how seldom it is found in
// English text: the higher, the rarer. Letters are ranked by frequency;
// a space or punctuation is taken as commoner than any letter, and a
// digit as rarer than most.
func rarity(c byte) int {
	if i := strings.IndexByte(byFrequency, c); i >= 0 {
		return 1 + i
	}
	if '0' <= c && c <= '9' {
		return len(byFrequency) / 2
	}
	return 0
}

// subsequenceOf reports whether the pattern's characters appear in s in
// order, ignoring case: the fuzzy match of a title.
func (p *pattern) subsequenceOf(s string) bool {
	if !p.ascii {
		return subsequenceFold(s, p.runes)
	}
	n, m := p.lower, p.mask
	if p.ks && foldTraps(s) {
		return subsequenceASCII(s, n, m)
	}
	// strings.IndexByte is vectorised, so looking for each character in
	// turn beats a loop over every byte of s.
	for k := 0; k < len(n); k++ {
		j := indexFold(s, n[k], m[k])
		if j < 0 {
			return false
		}
		s = s[j+1:]
	}
	return true
}

// indexFold returns the index of the first c in s, or of its upper case when
// mask is 0x20, or -1.
func indexFold(s string, c, mask byte) int {
	j := strings.IndexByte(s, c)
	if mask == 0 {
		return j
	}
	if j >= 0 {
		s = s[:j]
	}
	if u := strings.IndexByte(s, c-0x20); u >= 0 {
		return u
	}
	return j
}

// foldTraps reports whether s holds a Kelvin sign or a long s, the only
// non-ASCII runes that fold to ASCII letters.
func foldTraps(s string) bool {
	return strings.Contains(s, "\u212a") || strings.Contains(s, "\u017f")
}

// subsequenceASCII is subsequenceOf for an ASCII pattern n, with letter
// mask m, that also sees the Kelvin sign and the long s.
func subsequenceASCII(s, n, m string) bool {
	if len(n) == 0 {
		return true
	}
	k := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size - 1
			if c = asciiFold(r); c == 0 {
				continue
			}
		}
		if c|m[k] == n[k] {
			k++
			if k == len(n) {
				return true
			}
		}
	}
	return false
}

// in reports whether s contains the pattern, ignoring case.
func (p *pattern) in(s string) bool {
	if !p.ascii {
		return containsFold(s, p.runes)
	}
	n, m := p.lower, p.mask
	if len(n) == 0 {
		return true
	}
	n0, m0 := n[0], m[0]
	if p.ks && foldTraps(s) {
		// Each byte of the pattern takes at least one byte of s.
		for i := 0; i+len(n) <= len(s); i++ {
			if c := s[i]; c|m0 != n0 && c < utf8.RuneSelf {
				continue
			}
			if hasPrefixASCII(s[i:], n, m) {
				return true
			}
		}
		return false
	}
	for len(s) >= len(n) {
		j := indexFold(s, n0, m0)
		if j < 0 {
			return false
		}
		if hasPrefixASCII(s[j:], n, m) {
			return true
		}
		s = s[j+1:]
	}
	return false
}

// hasPrefixASCII reports whether s starts with the ASCII pattern n, whose
// letter mask is m, ignoring case.
func hasPrefixASCII(s, n, m string) bool {
	j := 0
	for k := 0; k < len(n); k++ {
		if j >= len(s) {
			return false
		}
		c := s[j]
		j++
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[j-1:])
			j += size - 1
			if c = asciiFold(r); c == 0 {
				return false
			}
		}
		if c|m[k] != n[k] {
			return false
		}
	}
	return true
}

// asciiFold returns the lower-case ASCII letter that r equals under simple
// case folding, or 0. Only the Kelvin sign and the long s have one.
func asciiFold(r rune) byte {
	switch r {
	case '\u212a':
		return 'k'
	case '\u017f':
		return 's'
	}
	return 0
}

// subsequenceFold reports whether the runes of needle, which is in lower
// case, appear in s in order, ignoring case: the fuzzy match of a title.
func subsequenceFold(s string, needle []rune) bool {
	if len(needle) == 0 {
		return true
	}
	k := 0
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		i += n
		if foldEq(r, needle[k]) {
			k++
			if k == len(needle) {
				return true
			}
		}
	}
	return false
}

// containsFold reports whether s contains needle, which is in lower case,
// ignoring case.
func containsFold(s string, needle []rune) bool {
	if len(needle) == 0 {
		return true
	}
	for i := 0; i < len(s); {
		if hasPrefixFold(s[i:], needle) {
			return true
		}
		if s[i] < utf8.RuneSelf {
			i++
		} else {
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
		}
	}
	return false
}

// hasPrefixFold reports whether s starts with needle, ignoring case.
func hasPrefixFold(s string, needle []rune) bool {
	i := 0
	for _, want := range needle {
		if i >= len(s) {
			return false
		}
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if !foldEq(r, want) {
			return false
		}
		i += n
	}
	return true
}

// foldEq reports whether r equals want, a lower-case rune, under simple case
// folding, as strings.EqualFold compares runes.
func foldEq(r, want rune) bool {
	if r == want {
		return true
	}
	if r < utf8.RuneSelf && want < utf8.RuneSelf {
		return 'A' <= r && r <= 'Z' && r+'a'-'A' == want
	}
	// SimpleFold walks the orbit of runes equal under folding.
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f == want {
			return true
		}
	}
	return false
}

// wordIn reports whether s holds the ASCII pattern, ignoring case, as a
// whole word between ASCII separators (or the ends of s), or with prefix
// as the start of such a word. s must not hold a Kelvin sign or a long s,
// which would make a match longer than the pattern.
func (p *pattern) wordIn(s string, prefix bool) bool {
	n, m := p.lower, p.mask
	if len(n) == 0 {
		return false
	}
	// A match holds the anchor byte a bytes from its start: the rarer
	// the byte looked for, the fewer places are checked.
	a := p.anchor
	for off := a; len(s)-off >= len(n)-a; {
		j := indexFold(s[off:], n[a], m[a])
		if j < 0 {
			return false
		}
		off += j + 1
		j = off - 1 - a
		end := j + len(n)
		if hasPrefixASCII(s[j:], n, m) && (j == 0 || asciiSep(s[j-1])) &&
			(prefix || end == len(s) || asciiSep(s[end])) {
			return true
		}
	}
	return false
}

// asciiSep reports whether c is an ASCII byte that separates tokens.
func asciiSep(c byte) bool {
	return c < utf8.RuneSelf && asciiClass[c] == classSep
}
