package load

import (
	"strings"
	"testing"
	"unsafe"
)

// textBlocks gives back each text as it was, short ones sharing a block
// until it is full, and one longer than a block in a block of its own.
func TestTextBlocks(t *testing.T) {
	tb := textBlocks{size: 16}
	buf := []byte("abcdef")
	a := tb.add(buf)
	copy(buf, "XXXXXX") // the caller's bytes are its own again
	b := tb.add([]byte("ghij"))
	if a != "abcdef" || b != "ghij" {
		t.Fatalf("got %q and %q", a, b)
	}
	if unsafe.StringData(b) != (*byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(a)), len(a))) {
		t.Error("two short texts are not in one block")
	}
	c := tb.add([]byte("klmnopq")) // 17 bytes would not fit: a new block
	if c != "klmnopq" || unsafe.StringData(c) == (*byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(b)), len(b))) {
		t.Errorf("a text past the block's end: %q, in the full block", c)
	}
	long := strings.Repeat("z", 40)
	if d := tb.add([]byte(long)); d != long {
		t.Errorf("a text longer than a block: %q", d)
	}
	if e := tb.add(nil); e != "" {
		t.Errorf("an empty text: %q", e)
	}
	if a != "abcdef" || b != "ghij" || c != "klmnopq" {
		t.Errorf("texts changed by later ones: %q %q %q", a, b, c)
	}
}
