package feed

import (
	"testing"
	"unsafe"
)

// An article's place and its flags share one word (see Article): a field
// added among them, or one that breaks up their word, grows every article
// of a list the reader keeps. Another field adds its own size, and moves
// the figure here with it.
func TestArticleSize(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("the figure is for 64-bit machines")
	}
	if got := unsafe.Sizeof(Article{}); got != 352 {
		t.Errorf("an Article takes %d bytes, want 352", got)
	}
}
