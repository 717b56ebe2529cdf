package query

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The tokenizer is the one definition of a word that matching in Go and the
// full-text index share, so that the two can never disagree.
//
// A token is a maximal run of letters, numbers and combining marks, folded:
// lower case, without diacritics, with compatibility forms (ﬁ, ①, ｆｕｌｌ
// width) spelled plainly. Marks never start a token and never appear in one.
// Scripts written without spaces between words (Han, Hiragana, Katakana,
// Thai, Lao, Khmer, Myanmar, ...) make one token of each character, so a
// word in them is matched as a phrase of characters.
//
// The folded text holds only letters and numbers, which SQLite's unicode61
// tokenizer also treats as token characters, so an FTS5 table over
// IndexText splits on the spaces alone and finds the same tokens.

// asciiClass classifies ASCII bytes for the tokenizer's fast path.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = classKeep
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = classKeep
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = classUpper
	}
	return t
}()

// The classes of asciiClass.
const (
	classSep   = 0 // not part of a token
	classKeep  = 1 // a token byte that folds to itself
	classUpper = 2 // an upper-case letter
)

// runeKind is how the tokenizer sees a rune.
type runeKind uint8

const (
	kindSep  runeKind = iota // separates tokens
	kindWord                 // a letter or number that runs on with its neighbours
	kindMark                 // a combining mark: continues a token, adds nothing
	kindLone                 // a character that is a token by itself
)

// classify returns how the tokenizer sees a non-ASCII rune.
func classify(r rune) runeKind {
	switch {
	// The commonest blocks first, without the table lookups.
	case 0x0400 <= r && r <= 0x0481:
		return kindWord
	case 0x4e00 <= r && r <= 0x9fff, 0x3041 <= r && r <= 0x3096, 0x30a1 <= r && r <= 0x30fa:
		return kindLone
	case unicode61Marks(r):
		return kindMark
	case unicode.IsLetter(r):
		if isLone(r) {
			return kindLone
		}
		return kindWord
	case unicode.IsNumber(r):
		return kindWord
	case unicode.IsMark(r):
		return kindMark
	}
	return kindSep
}

// unicode61Marks reports whether r is one of the few letters that SQLite's
// unicode61 tables, older than Go's, still class as marks and so split
// words at: they are dropped as marks are, so that no token holds them.
func unicode61Marks(r rune) bool {
	return 0x19b0 <= r && r <= 0x19c9 && (r <= 0x19c0 || r >= 0x19c8) || r == 0x1cf2 || r == 0x1cf3
}

// loneScripts are the scripts written without spaces between words.
var loneScripts = []*unicode.RangeTable{
	unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Bopomofo,
	unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Yi,
	unicode.Tibetan,
}

// isLone reports whether the letter r is a token by itself.
func isLone(r rune) bool {
	// Every lone script lies above U+0F00.
	return r >= 0x0e00 && unicode.In(r, loneScripts...)
}

// foldRune appends the folded form of the letter or number r, which starts
// s, to dst.
func foldRune(dst []byte, r rune, s string) []byte {
	if 0x0410 <= r && r <= 0x044f && r != 'Й' && r != 'й' {
		// Cyrillic А to я: no diacritics but those of й.
		if r < 0x0430 {
			r += 0x20
		}
		return utf8.AppendRune(dst, r)
	}
	if 0x0530 <= r && r < 0x1d00 || 0x2d00 <= r && r < 0x3200 || 0x3400 <= r && r < 0xa69c || 0xab70 <= r && r < 0xf900 {
		// No letter of these blocks decomposes to a plain base: skip the
		// lookup.
		return utf8.AppendRune(dst, lower(r))
	}
	if r == 'ς' {
		// Case folding takes the final sigma to σ, as the index does.
		return append(dst, "σ"...)
	}
	if d := norm.NFKD.PropertiesString(s).Decomposition(); len(d) > 0 && plainBase(d) {
		for len(d) > 0 {
			dr, n := utf8.DecodeRune(d)
			d = d[n:]
			if unicode.IsLetter(dr) || unicode.IsNumber(dr) {
				dst = utf8.AppendRune(dst, lower(dr))
			}
		}
		return dst
	}
	return utf8.AppendRune(dst, lower(r))
}

// plainBase reports whether the first letter or digit of a decomposition
// is one whose diacritics readers leave out when they type: Latin, Greek
// and Cyrillic. Kana and Indic letters keep their marks, which change the
// letter, and a form such as ㈡, "(二)", stays as it is, as ㊀ does: what
// it would fold to is a token by itself, and a text folded must split
// into the tokens it came from.
func plainBase(d []byte) bool {
	for len(d) > 0 {
		r, n := utf8.DecodeRune(d)
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return r < 0x0530 || 0x1e00 <= r && r < 0x2000
		}
		d = d[n:]
	}
	return false
}

// lower returns r in lower case, folding the few runes (the Kelvin sign,
// the long s) whose lower case is not where case folding takes them.
func lower(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	l := unicode.ToLower(r)
	if l == 'ς' {
		l = 'σ'
	}
	return l
}

// nextToken returns the byte span of the first token at or after s[i];
// start is len(s) when there is none.
func nextToken(s string, i int) (start, end int) {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiClass[c] != classSep {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch classify(r) {
		case kindLone:
			return i, i + n
		case kindWord:
			return i, tokenEnd(s, i+n)
		}
		i += n
	}
	if i >= len(s) {
		return len(s), len(s)
	}
	return i, tokenEnd(s, i+1)
}

// tokenEnd returns the end of the token that runs on at s[i].
func tokenEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiClass[c] == classSep {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if k := classify(r); k != kindWord && k != kindMark {
			return i
		}
		i += n
	}
	return i
}

// fold appends the folded form of the token tok to dst.
func fold(dst []byte, tok string) []byte {
	for i := 0; i < len(tok); {
		c := tok[i]
		if c < utf8.RuneSelf {
			if asciiClass[c] == classUpper {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(tok[i:])
		if !unicode.IsMark(r) {
			dst = foldRune(dst, r, tok[i:])
		}
		i += n
	}
	return dst
}

// foldASCII appends the token that starts at s[i], an ASCII letter or
// digit, folded, and returns where it ends, when the token is ASCII to its
// end: most tokens of most texts, folded a byte at a time here rather than
// found by nextToken and folded by fold, two walks over it and a call
// each. A token that runs on into other characters is left to them: ok is
// false, and dst and i are returned as they came.
func foldASCII(dst []byte, s string, i int) (_ []byte, end int, ok bool) {
	n := len(dst)
	j := i
	for ; j < len(s); j++ {
		c := s[j]
		if c >= utf8.RuneSelf {
			return dst[:n], i, false
		}
		switch asciiClass[c] {
		case classSep:
			return dst, j, true
		case classUpper:
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst, j, true
}

// IndexVersion names the way IndexText(BodyText(a)) makes the text the
// full-text index holds of an article. It changes whenever that text
// changes for some article (a character folded another way, a word added
// or left out), so that an index made the old way is built again (see
// store.Options.Tokens). TestIndexVersion pins the folding of every
// character to it.
const IndexVersion = "2"

// AppendIndexText appends IndexText(s) to dst, so that a caller indexing
// many texts can reuse one buffer and allocate nothing per text.
func AppendIndexText(dst []byte, s string) []byte {
	dst, _ = appendIndexText(dst, s, false)
	return dst
}

// appendIndexText appends the tokens of s, folded, to dst, each after a
// space when sep is true or an earlier one was appended: texts appended
// one after another with the sep each returns make the IndexText of the
// texts joined by a separator.
func appendIndexText(dst []byte, s string, sep bool) ([]byte, bool) {
	return appendTokens(dst, s, sep, "")
}

// appendTokens appends the tokens of s, folded, to dst, each after a
// space when sep is true or an earlier one was appended, and returns
// whether one was. A token that folds to nothing is left out when empty
// is "", and appended as empty otherwise.
func appendTokens(dst []byte, s string, sep bool, empty string) ([]byte, bool) {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if asciiClass[c] == classSep {
				i++
				continue
			}
			mark := len(dst)
			if sep {
				dst = append(dst, ' ')
			}
			var ok bool
			if dst, i, ok = foldASCII(dst, s, i); ok {
				sep = true
				continue
			}
			dst = dst[:mark]
		}
		start, end := nextToken(s, i)
		if start >= len(s) {
			break
		}
		i = end
		mark := len(dst)
		if sep {
			dst = append(dst, ' ')
		}
		n := len(dst)
		if dst = fold(dst, s[start:end]); len(dst) == n {
			if empty == "" {
				dst = dst[:mark]
				continue
			}
			dst = append(dst, empty...)
		}
		sep = true
	}
	return dst, sep
}

// IndexText returns the tokens of s, folded, joined by single spaces: the
// text the full-text index holds for s. IndexText(IndexText(s)) is
// IndexText(s).
func IndexText(s string) string {
	return string(AppendIndexText(make([]byte, 0, len(s)), s))
}

// Tokens calls fn with each token of s, folded, and its byte span in s.
func Tokens(s string, fn func(tok string, start, end int)) {
	var buf []byte
	for i := 0; i < len(s); {
		start, end := nextToken(s, i)
		if start >= len(s) {
			return
		}
		i = end
		if buf = fold(buf[:0], s[start:end]); len(buf) > 0 {
			fn(string(buf), start, end)
		}
	}
}

// tokenize returns the folded tokens of s.
func tokenize(s string) []string {
	var out []string
	Tokens(s, func(tok string, _, _ int) { out = append(out, tok) })
	return out
}
