package safeout

import (
	"encoding/binary"
	"testing"
)

// TestWordPasses puts every byte value in every lane of a word of
// passing bytes, and two bad ones side by side, and holds wordPasses to
// the table it stands for.
func TestWordPasses(t *testing.T) {
	for b := range 256 {
		for lane := range 8 {
			word := []byte("abcdefgh")
			word[lane] = byte(b)
			if got := wordPasses(binary.LittleEndian.Uint64(word)); got != passes[b] {
				t.Errorf("byte %#02x in lane %d: wordPasses %v, table %v", b, lane, got, passes[b])
			}
			for c := range 256 {
				if lane == 7 {
					break
				}
				word[lane+1] = byte(c)
				want := passes[b] && passes[c]
				if got := wordPasses(binary.LittleEndian.Uint64(word)); got != want {
					t.Fatalf("bytes %#02x %#02x in lanes %d, %d: wordPasses %v, table %v", b, c, lane, lane+1, got, want)
				}
			}
		}
	}
}

// FuzzPassing holds passing, which takes eight bytes at a time where it
// can, to its walk of a byte or a rune at a time (passingBy without
// words), at every offset of the input.
func FuzzPassing(f *testing.F) {
	for _, tc := range allCases() {
		f.Add([]byte(tc.in))
	}
	f.Add([]byte("  \"title\": \"Montréal\",\n\t\x7f  abcdefgh\x1b[31m"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for off := range min(len(data), 9) {
			if got, want := passing(data[off:]), passingBy(data[off:], false); got != want {
				t.Fatalf("passing(%q) = %d, byte by byte %d", data[off:], got, want)
			}
		}
	})
}
