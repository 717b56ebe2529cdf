package feed

// Scanning text eight bytes at a time: most of what is checked or escaped
// is plain ASCII throughout, and a word of it is passed over at once.

const (
	wordOnes  = 0x0101010101010101
	wordHighs = 0x8080808080808080
)

// le64 returns the first eight bytes of s, which has them, as a
// little-endian number (one load, as the compiler reads the pattern).
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// zeroByte sets the high bit of some byte when a byte of v is zero (a
// borrow may set others after it, never before the first).
func zeroByte(v uint64) uint64 { return (v - wordOnes) &^ v }

// printableWord reports whether each of the eight bytes in x is printable
// ASCII, 0x20 to 0x7E: a byte below 0x20 borrows into its high bit, DEL is
// zero once xor-ed with its own, and a high bit of x itself is a byte
// beyond ASCII.
func printableWord(x uint64) bool {
	return (x|(x-0x20*wordOnes)|zeroByte(x^0x7F*wordOnes))&wordHighs == 0
}

// plainWord reports whether each of the eight bytes in x is one that
// jsonPlain has: printable ASCII or DEL, and neither a quote nor a
// backslash.
func plainWord(x uint64) bool {
	return (x|(x-0x20*wordOnes)|zeroByte(x^'"'*wordOnes)|zeroByte(x^'\\'*wordOnes))&wordHighs == 0
}
