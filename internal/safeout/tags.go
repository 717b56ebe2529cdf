package safeout

import "unicode/utf8"

// Unicode tag characters (U+E0000 to U+E007F) are invisible on a terminal
// but survive copying and pipes, so they can carry text a reader never sees
// into whatever reads the output next, a language model included ("ASCII
// smuggling"). feed.Sanitize drops them at ingest; this is the same rule
// again just before the terminal, in case text reached the output by
// another way. The one legitimate use is a subdivision flag: a black flag
// followed by a region spelled in tags and CANCEL TAG, as in the flag of
// Scotland. That sequence passes whole; every other tag character is
// dropped.

// blackFlag is U+1F3F4, the base of the subdivision flags.
const blackFlag = 0x1F3F4

// blackFlagUTF8 is blackFlag encoded.
var blackFlagUTF8 = []byte(string(rune(blackFlag)))

// cancelTag ends an emoji tag sequence.
const cancelTag = 0xE007F

// maxFlagTags is the longest region a flag spells: two letters of country
// and up to four of subdivision. A longer run is hidden text, not a flag.
const maxFlagTags = 6

// tagChar reports whether r is a Unicode tag character.
func tagChar(r rune) bool { return r >= 0xE0000 && r <= 0xE007F }

// flagTags returns the length in bytes of the emoji tag sequence at the
// start of b, which follows a black flag: one to maxFlagTags tag letters
// or digits ended by CANCEL TAG. It returns 0 where there is none.
// undecided is true when b ends before that is known, so the caller must
// wait for more input; with final, the end of b is the end of the stream
// and nothing is undecided. It mirrors feed.Sanitize's rule.
func flagTags(b []byte, final bool) (n int, undecided bool) {
	tags := 0
	for i := 0; i < len(b); {
		if !utf8.FullRune(b[i:]) {
			return 0, !final
		}
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == cancelTag && tags > 0:
			return i + size, false
		case tags < maxFlagTags && (r >= 0xE0030 && r <= 0xE0039 || r >= 0xE0061 && r <= 0xE007A):
			tags++
			i += size
		default:
			return 0, false
		}
	}
	return 0, !final
}
