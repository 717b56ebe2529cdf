package country

import (
	"math/bits"
	"unicode/utf8"
)

// startFlags are the flags of a token a phrase can start with: a capital,
// a dotted acronym, or a capital inside the word ("eSwatini").
const startFlags = flagUpper | flagDotted | flagInnerUpper

// startByte marks the bytes without which no token has startFlags: the
// ASCII capitals, every byte of a non-ASCII rune (it may be a capital),
// and the dot (of an acronym, even a lower-case "u.s.").
var startByte = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	t['.'] = true
	return t
}()

// tokenEnd reports whether a token of the scanner ends at s[i] with no
// punctuation yet read after it: a lower-case letter or a digit (which
// always belongs to a token) before a byte that ends every token. A
// scanner set at i with nothing pending goes on exactly as one that read s
// from its start.
func tokenEnd(s string, i int) bool {
	if i == 0 || i >= len(s) || !lowerAlnum[s[i-1]] {
		return false
	}
	switch c := s[i]; {
	case c >= utf8.RuneSelf || isASCIIAlnum(c) || c == '\'' || c == '`':
		// A letter goes on; an apostrophe may be a possessive's.
		return false
	case c == '.':
		// Only a dot after a one-letter piece joins an acronym ("U.S.").
		return i >= 2 && lowerAlnum[s[i-2]]
	}
	return true
}

// add cuts s, the text of segment seg, into tokens, and marks on each token
// that starts a phrase of the gazetteer the words of the longest (reach).
//
// A sparse add keeps only the tokens that matching reads: each token with
// startFlags whose word starts a phrase, the words after it while they may
// still be part of one (a prefix of a phrase), and the one after the
// longest phrase found (beforeState reads it). The runs between are
// skipped unread: a scan for startByte finds the next token that may
// matter, and the scanner resumes at the last tokenEnd before it.
//
// Tokens kept are those a full add makes, with the same flags and reach;
// what is left out is never part of a phrase nor read by beforeState, and
// a phrase's reach never crosses it. So match finds the same mentions in
// both, and a sparse doc serves every article with no ambiguous mention;
// settling one counts the article's words (counts.text) and reads those
// around it again (readAround).
func (d *doc) add(g *gazetteer, s string, seg int, mode readMode) {
	sc := newScanner(s)
	sparse := mode == readSparse
	need := 0 // tokens still to keep for beforeState
	// growing are the phrases that may still grow by a word.
	growing := d.growing[:0]
	words, caps := 0, 0
	for {
		if sparse && need == 0 && len(growing) == 0 {
			c := nextStart(s, sc.i)
			// A plain capitalised word that starts no phrase is passed
			// over without the scanner: most capitals are.
			for c < len(s) {
				e, ok := plainWord(s, c)
				if !ok {
					break
				}
				// One hash asks both filters of the word.
				if h := filterHash(s[c:e]); g.firstWords.has(h) && !g.leadsNowhere(s, c, e, h) {
					break
				}
				c = nextStart(s, e)
			}
			if c == len(s) {
				break
			}
			q := c
			for q > sc.i && !tokenEnd(s, q) {
				q--
			}
			if q > sc.i {
				sc.i, sc.pending = q, 0
			}
		}
		mark := len(d.norm)
		if mark > 0 {
			d.norm = append(d.norm, ' ')
		}
		start := len(d.norm)
		var ok bool
		var f tokFlags
		var src, end int
		d.norm, src, end, f, ok = sc.next(d.norm)
		if !ok {
			d.norm = d.norm[:mark]
			break
		}
		f |= joined(s, end)
		if len(d.norm)-start >= 4 {
			words++
			if f&flagUpper != 0 {
				caps++
			}
		}
		d.toks = append(d.toks, token{start: int32(start), end: int32(len(d.norm)), src: int32(src), seg: int16(seg), flags: f})
		k := len(d.toks) - 1
		if need > 0 {
			need--
		}
		kept := 0
		for _, c := range growing {
			if f&flagBreak == 0 {
				sp := g.spans.get(d.norm[d.toks[c.tok].start:])
				if sp&spanPhrase != 0 {
					c.reach = uint8(k - c.tok + 1)
				}
				if sp&spanPrefix != 0 {
					growing[kept] = c
					kept++
					continue
				}
			}
			need = max(need, d.end(c))
		}
		growing = growing[:kept]
		if f&startFlags == 0 {
			continue
		}
		sp := g.spans.get(d.norm[start:])
		if sp == 0 {
			continue
		}
		c := chain{tok: k}
		if sp&spanPhrase != 0 {
			c.reach = 1
		}
		if sp&spanPrefix == 0 {
			need = max(need, d.end(c))
		} else {
			growing = append(growing, c)
		}
	}
	for _, c := range growing {
		d.end(c)
	}
	d.growing = growing[:0]
	// Only headlines are written in Title Case; in a paragraph, a short
	// sentence full of names is still prose.
	if seg == 0 && words > 0 && caps*10 >= words*6 {
		d.titleCase = true
	}
	d.segs = seg + 1
}

// leadsNowhere reports whether the plain capitalised word s[c:e] (see
// plainWord), though it may be the first word of phrases, certainly
// starts none where it stands, so that a sparse read may pass over it
// as over any word: it is no phrase alone, and the word after it, past
// one space, is a word of ASCII letters (the scanner only lowers it)
// that is the second word of no phrase (h is the word's filterHash).
// "The" starts "The Gambia" and "The Hague", but "The talks" starts
// nothing; a full read makes it a token with no reach, which match passes
// over.
func (g *gazetteer) leadsNowhere(s string, c, e int, h uint32) bool {
	if e+1 >= len(s) || s[e] != ' ' || !isASCIILetter(s[e+1]) || g.oneWords.has(h) {
		return false
	}
	f, ok := plainEnd(s, e+1)
	return ok && !g.secondWords.may(s[e+1:f])
}

// joined returns flagJoined for a token of s that ends at end where the
// next follows after one space: a letter or a digit there starts a token
// with nothing pending.
func joined(s string, end int) tokFlags {
	if end+1 < len(s) && s[end] == ' ' && isASCIIAlnum(s[end+1]) {
		return flagJoined
	}
	return 0
}

// chain is a phrase being read: its first token, and how many words of it
// so far are a phrase of the gazetteer.
type chain struct {
	tok   int
	reach uint8
}

// end records the reach of a phrase that grows no more, and returns how
// many tokens past the last one read beforeState needs: the one after the
// phrase, unless that one follows with no break (flagJoined), when it
// needs none. (It reads a second only when that one starts a state's
// name, a phrase of the gazetteer whose words are kept for their own
// sake.)
func (d *doc) end(c chain) int {
	d.toks[c.tok].reach = c.reach
	last := c.tok + int(c.reach) - 1
	if c.reach == 0 || d.toks[last].flags&flagJoined != 0 {
		// No phrase, or one the next token follows with no break:
		// beforeState needs nothing more.
		return 0
	}
	return last + 1 - (len(d.toks) - 1)
}

// nextStart returns the index of the first byte from i on that a token
// with startFlags needs, or len(s). A dot counts only before a letter:
// the end of a sentence starts nothing. The bytes are read eight at a
// time (see startMask): most words of a text have none of startByte's,
// and a word that has one says at once where. (Byte by byte where eight
// had one, finding every start of 3,000 generated articles took 13 ms;
// so, 7.5 ms.)
func nextStart(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		for m := startMask(le64(s[i:])); m != 0; m &= m - 1 {
			if k := i + bits.TrailingZeros64(m)/8; startsToken(s, k) {
				return k
			}
		}
	}
	for ; i < len(s); i++ {
		if startsToken(s, i) {
			return i
		}
	}
	return len(s)
}

// startsToken reports whether s[i] is one of startByte's that may start
// a token: a dot only before a letter.
func startsToken(s string, i int) bool {
	return startByte[s[i]] && (s[i] != '.' || i+1 < len(s) && isASCIILetter(s[i+1]))
}

// ones and highs are the lowest and the highest bit of each of eight bytes.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// startMask has the high bit set of each of the eight bytes in x that is
// one of startByte's: beyond ASCII (its own high bit), a capital, or a
// dot. It may set that of a byte right after a dot too: the caller reads
// each byte it marks again.
func startMask(x uint64) uint64 {
	// With every byte below 0x80, adding 0x80-c to each carries into its
	// high bit exactly when the byte is c or more, and never into the
	// next byte.
	a := x &^ highs
	atLeastA := a + (0x80-'A')*ones
	pastZ := a + (0x80-'Z'-1)*ones
	// A dot is a zero byte of dot; subtracting one from each byte borrows
	// into the high bit of a zero, and of nothing else but the byte after
	// one.
	dot := a ^ '.'*ones
	return (x | atLeastA&^pastZ | (dot-ones)&^dot) & highs
}

// le64 returns the first eight bytes of s, which has them, as a
// little-endian number.
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// plainWord reports whether a token of ASCII letters alone starts at s[c]
// with a capital, and where it ends: the scanner's form of it is its
// letters in lower case. Anything it cannot be sure of (a digit, a rune
// beyond ASCII, an apostrophe, a dot that may join an acronym) is not
// plain.
func plainWord(s string, c int) (end int, ok bool) {
	if s[c] < 'A' || s[c] > 'Z' || c > 0 && !plainEdge(s[c-1]) {
		return 0, false
	}
	return plainEnd(s, c)
}

// plainEnd returns where the token of ASCII letters alone that the
// scanner starts at s[c], a letter, ends, or false if the scanner would
// go on past the letters: into a digit, a rune beyond ASCII, an
// apostrophe or a dot that may join an acronym.
func plainEnd(s string, c int) (end int, ok bool) {
	e := lettersEnd(s, c+1)
	return e, e == len(s) || plainEdge(s[e]) || s[e] == '.' && e-c >= 2
}

// lettersEnd returns the index of the first byte of s from i on that is
// no ASCII letter, or len(s), reading eight bytes at a time: most words
// are longer than a few letters.
func lettersEnd(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if m := notLetterMask(le64(s[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(s) && isASCIILetter(s[i]) {
		i++
	}
	return i
}

// notLetterMask has the high bit set of each of the eight bytes in x that
// is no ASCII letter.
func notLetterMask(x uint64) uint64 {
	// In lower case, a letter is a byte from 'a' to 'z'; a byte beyond
	// ASCII, whatever its low bits, is told by its own high bit.
	y := (x | 0x20*ones) &^ highs
	letter := (y + (0x80-'a')*ones) &^ (y + (0x80-'z'-1)*ones)
	return (x | ^letter) & highs
}

// plainEdge reports whether c, next to a word, certainly parts it from
// the next token: ASCII punctuation or space, but no dot or apostrophe.
func plainEdge(c byte) bool {
	return c < utf8.RuneSelf && !isASCIIAlnum(c) && c != '.' && c != '\'' && c != '`'
}

// filter is a set of words that may answer yes to a word not in it, but
// never no to one that is: a bitmap of their hashes, which costs less to
// ask than a map.
type filter [filterBits / 64]uint64

// filterBits is the size of a filter: with a few thousand words in it, a
// word outside passes one time in forty or fewer.
const filterBits = 1 << 17

// filterHash hashes a word as its lower-case letters (FNV-1a); w is ASCII
// letters, or already normalised.
func filterHash[T string | []byte](w T) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(w); i++ {
		h ^= uint32(w[i] | 0x20)
		h *= 16777619
	}
	return h % filterBits
}

func (f *filter) add(w string) {
	h := filterHash(w)
	f[h/64] |= 1 << (h % 64)
}

// may reports whether w may be in the set; false is certain.
func (f *filter) may(w string) bool {
	return f.has(filterHash(w))
}

// has is may for a word's filterHash.
func (f *filter) has(h uint32) bool {
	return f[h/64]&(1<<(h%64)) != 0
}

// mayBytes is may for a word in a buffer.
func (f *filter) mayBytes(w []byte) bool {
	h := filterHash(w)
	return f[h/64]&(1<<(h%64)) != 0
}

// counts are the context words of the rules in an article: the words
// that weigh for each rule's country, and those against it.
type counts struct {
	pos, neg [maxRules]uint16
}

// add counts w, a token's normalised word, for the rules in wanted.
func (c *counts) add(g *gazetteer, w []byte, wanted uint64) {
	if g.contextWords.mayBytes(w) {
		c.word(g, w, wanted)
	}
}

// word is add for a word the context words' filter let through.
func (c *counts) word(g *gazetteer, w []byte, wanted uint64) {
	b, ok := g.words[string(w)]
	if !ok {
		return
	}
	for m := (b.pos | b.neg) & wanted; m != 0; m &= m - 1 {
		r := bits.TrailingZeros64(m)
		if b.pos&(1<<r) != 0 {
			c.pos[r]++
		}
		if b.neg&(1<<r) != 0 {
			c.neg[r]++
		}
	}
}

// text counts the words of s for the rules in wanted, as add would count
// the tokens of a full read of s, without making them: a word of ASCII
// letters alone (most words), which the scanner would only lower, is
// hashed where it stands and copied out only when the filter lets it
// through; anything else is the scanner's. Between tokens, where the
// scanner only notes punctuation for flags this does not need, an ASCII
// byte that starts no token is passed over. It returns buf, grown to
// hold a word.
func (c *counts) text(g *gazetteer, s string, wanted uint64, buf []byte) []byte {
	for i := 0; i < len(s); {
		ch := s[i]
		if isASCIILetter(ch) {
			if e, ok := plainEnd(s, i); ok {
				if g.contextWords.may(s[i:e]) {
					buf = append(buf[:0], s[i:e]...)
					for k := range buf {
						buf[k] |= 0x20
					}
					c.word(g, buf, wanted)
				}
				i = e
				continue
			}
		} else if ch < utf8.RuneSelf && !isASCIIAlnum(ch) && ch != '&' {
			i++
			continue
		}
		sc := scanner{s: s, i: i}
		var ok bool
		buf, _, _, _, ok = sc.next(buf[:0])
		if !ok {
			break
		}
		c.add(g, buf, wanted)
		i = sc.i
	}
	return buf
}
