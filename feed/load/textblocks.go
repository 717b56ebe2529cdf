package load

import "strings"

// textBlocks copies many short texts into shared blocks of memory and
// gives each back as a string that views its block: one allocation a
// block, not one a text, where a load makes 100,000 of them. A block
// stays in memory while any of its strings does.
type textBlocks struct {
	// size is the least size of a block; a longer text gets a block of
	// its own size.
	size int
	b    strings.Builder
}

// add returns a string equal to p, in the current block or a new one.
func (t *textBlocks) add(p []byte) string {
	if t.b.Cap()-t.b.Len() < len(p) {
		t.b = strings.Builder{}
		t.b.Grow(max(t.size, len(p)))
	}
	start := t.b.Len()
	t.b.Write(p)
	// What the builder has written stays as it is: the string is a view
	// of its block, not a copy.
	return t.b.String()[start:]
}
