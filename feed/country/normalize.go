package country

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// tokFlags describe how a token was written in the source, which the
// normalised form forgets: detection needs it to tell "US" from "U.S." and
// "turkey" from "Turkey".
type tokFlags uint8

const (
	// flagUpper: the token's first letter is upper case.
	flagUpper tokFlags = 1 << iota
	// flagAllUpper: every letter is upper case and there are at least two.
	flagAllUpper
	// flagDotted: the token is an acronym written with dots, like "U.S.".
	flagDotted
	// flagBreak: punctuation that ends a phrase (a comma, a colon, a
	// bracket, a sentence end) stands between this token and the one before.
	flagBreak
	// flagSentence: the token starts a sentence (or the text).
	flagSentence
	// flagInnerUpper: a letter after the first is upper case ("eSwatini").
	flagInnerUpper
	// flagJoined: the next token follows after one space and nothing
	// else, so it has no flagBreak (set by doc.add, not the scanner).
	flagJoined
)

// scanner splits text into normalised tokens: lower case, accents folded to
// ASCII where a Latin letter carries them, apostrophes of every style
// dropped, a possessive "'s" dropped, dotted acronyms joined ("U.S." is
// "us"), and "&" read as "and". Lookup keys and detection tokens both come
// from it, so a table entry and a word in prose normalise alike.
type scanner struct {
	s string
	i int
	// pending holds flags collected from punctuation before the next token.
	pending tokFlags
}

func newScanner(s string) scanner {
	return scanner{s: s, pending: flagSentence | flagBreak}
}

// lowerAlnum marks the ASCII lower-case letters and digits.
var lowerAlnum = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	return t
}()

// next appends the next token's normalised form to dst and returns it with
// the token's byte range in the source and its flags; ok is false at the end.
func (sc *scanner) next(dst []byte) (out []byte, start, end int, flags tokFlags, ok bool) {
	s := sc.s
	i := sc.i
	// Skip to the start of a token, noting the punctuation passed over.
	for i < len(s) {
		c := s[i]
		if c == ' ' {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			if isASCIIAlnum(c) {
				break
			}
			if c == '&' {
				flags = sc.pending
				sc.pending = 0
				sc.i = i + 1
				return append(dst, "and"...), i, i + 1, flags, true
			}
			sc.pending |= punctFlags(c, s, i)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (unicode.IsLetter(r) || unicode.IsDigit(r)) && !isApostrophe(r) {
			break
		}
		if !unicode.Is(unicode.Mn, r) && !isApostrophe(r) && !isDash(r) && !unicode.IsSpace(r) {
			sc.pending |= flagBreak
			if r == '…' || r == '。' {
				sc.pending |= flagSentence
			}
		}
		i += size
	}
	if i >= len(s) {
		sc.i = i
		return dst, 0, 0, 0, false
	}
	start = i
	flags = sc.pending
	sc.pending = 0
	letters, upper := 0, 0
	segLen := 0 // letters since the last acronym dot
	acro := true
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				// Copy a run of lower-case letters and digits at once: most
				// of any text.
				j := i + 1
				for j < len(s) && lowerAlnum[s[j]] {
					j++
				}
				dst = append(dst, s[i:j]...)
				letters += j - i // digits too: they only keep a word from being "all capitals"
				segLen += j - i
				i = j
				continue
			case 'A' <= c && c <= 'Z':
				if letters == 0 {
					flags |= flagUpper
				} else {
					flags |= flagInnerUpper
				}
				dst = append(dst, c+'a'-'A')
				letters++
				upper++
				segLen++
				i++
				continue
			case c == '.':
				// A dot joins one-letter pieces into an acronym: "U.S.",
				// "U.S.A", "D.R.". "St." and "e.g. UK" stay apart.
				if segLen == 1 && acro && i+1 < len(s) && isASCIILetter(s[i+1]) &&
					(i+2 >= len(s) || !isASCIIAlnum(s[i+2])) {
					flags |= flagDotted
					segLen = 0
					i++
					continue
				}
				if flags&flagDotted != 0 && segLen == 1 {
					// The closing dot of "U.S." belongs to the acronym:
					// it ends no sentence.
					i++
				}
			case c == '\'' || c == '`':
				if possessive(s, i+1) {
					i += 2
					continue
				}
			}
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if isApostrophe(r) {
			// Some apostrophes (U+02BC) are letters to Unicode.
			if possessive(s, i+size) {
				i += size + 1
				continue
			}
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if unicode.IsUpper(r) {
				if letters == 0 {
					flags |= flagUpper
				} else {
					flags |= flagInnerUpper
				}
				upper++
			}
			if unicode.IsLetter(r) {
				letters++
			}
			dst = foldRune(dst, r, s[i:i+size])
			segLen++
			acro = acro && segLen <= 1
			i += size
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			i += size
			continue
		}
		break
	}
	if segLen > 1 {
		acro = false
	}
	if upper >= 2 && upper == letters {
		flags |= flagAllUpper
	}
	sc.i = i
	return dst, start, i, flags, true
}

// possessive reports whether s[i:] starts with an "s" that ends a word, the
// rest of a possessive "'s".
func possessive(s string, i int) bool {
	if i >= len(s) || (s[i] != 's' && s[i] != 'S') {
		return false
	}
	if i+1 >= len(s) {
		return true
	}
	c := s[i+1]
	if c < utf8.RuneSelf {
		return !isASCIIAlnum(c)
	}
	r, _ := utf8.DecodeRuneInString(s[i+1:])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// punctFlags classifies one ASCII separator byte at s[i].
func punctFlags(c byte, s string, i int) tokFlags {
	switch c {
	case ' ', '-', '\'', '`', '/':
		return 0
	case '\t':
		return 0
	case '\n':
		return flagBreak | flagSentence
	case '.':
		if abbreviation(s, i) {
			return 0
		}
		return flagBreak | flagSentence
	case '!', '?':
		return flagBreak | flagSentence
	}
	return flagBreak
}

// abbreviation reports whether the dot at s[i] closes a title such as
// "Mr." or "St.", which ends no sentence: "Mr. Jordan" is one name.
func abbreviation(s string, i int) bool {
	j := i
	for j > 0 && isASCIILetter(s[j-1]) {
		j--
	}
	switch n := i - j; n {
	case 2, 3, 4:
		w := s[j:i]
		for _, a := range abbreviations {
			if len(a) == n && equalFoldASCII(w, a) {
				return true
			}
		}
	}
	return false
}

// abbreviations are titles written with a dot before a name.
var abbreviations = [...]string{"mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "col", "capt", "sgt", "prof", "rev", "pres", "jr", "sr", "ft", "mt"}

func equalFoldASCII(a, b string) bool {
	for k := 0; k < len(a); k++ {
		c := a[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != b[k] {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isASCIIAlnum(c byte) bool { return isASCIILetter(c) || '0' <= c && c <= '9' }

// isApostrophe covers the apostrophe styles people and word processors use.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`', '\u2018', '\u2019', '\u02bc', '\u00b4', '\u2032', '\u02bb':
		return true
	}
	return false
}

// isDash covers hyphens and dashes, which join words into names
// ("Guinea-Bissau") and split pairs ("Russia–China"), never end a phrase.
func isDash(r rune) bool {
	switch r {
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
		return true
	}
	return false
}

// foldRune appends r lower-cased, without accents where r is a Latin letter
// with diacritics; src is r's encoding in the source, which the
// decomposition lookup reads without allocating.
func foldRune(dst []byte, r rune, src string) []byte {
	switch r {
	case 'ß':
		return append(dst, "ss"...)
	case 'æ', 'Æ':
		return append(dst, "ae"...)
	case 'œ', 'Œ':
		return append(dst, "oe"...)
	case 'ø', 'Ø':
		return append(dst, 'o')
	case 'ł', 'Ł':
		return append(dst, 'l')
	case 'đ', 'Đ', 'ð', 'Ð':
		return append(dst, 'd')
	case 'þ', 'Þ':
		return append(dst, "th"...)
	case 'ı':
		return append(dst, 'i')
	case 'ħ', 'Ħ':
		return append(dst, 'h')
	}
	if d := norm.NFD.PropertiesString(src).Decomposition(); len(d) > 0 && d[0] < utf8.RuneSelf && isASCIILetter(d[0]) {
		c := d[0]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		return append(dst, c)
	}
	return utf8.AppendRune(dst, unicode.ToLower(r))
}

// appendKey appends the normalised form of s, its tokens joined by single
// spaces, to dst. Lookup and the table share it.
func appendKey(dst []byte, s string) []byte {
	sc := newScanner(s)
	first := true
	for {
		mark := len(dst)
		if !first {
			dst = append(dst, ' ')
		}
		var ok bool
		dst, _, _, _, ok = sc.next(dst)
		if !ok {
			return dst[:mark]
		}
		first = false
	}
}

// Key returns the normalised form Lookup compares: lower case, accents
// folded, apostrophes and dots dropped, words joined by single spaces.
func Key(s string) string {
	return string(appendKey(nil, s))
}
