package tui

import (
	"strings"
	"testing"

	"github.com/gazette-news/gazette/internal/render"
)

// bigRendering is a rendering of about n bytes.
func bigRendering(n int) rendered {
	line := strings.Repeat("x", 1000)
	lines := make([]string, n/1000)
	for i := range lines {
		lines[i] = line
	}
	return rendered{Result: render.Result{Lines: lines}}
}

// TestRenderCacheBytes resizes over and over on a long article: each
// width is one more rendering of several megabytes, and the bytes kept
// stay under the cap, while the newest rendering stays cached.
func TestRenderCacheBytes(t *testing.T) {
	c := newRenderCache(defaultCacheSize)
	c.maxBytes = 32 << 20
	for w := 40; w < 240; w++ {
		k := renderKey{id: "long", width: w, style: "dark"}
		c.put(k, bigRendering(8<<20))
		var sum int64
		for _, it := range c.items {
			sum += it.size
		}
		if sum != c.bytes || c.bytes > c.maxBytes {
			t.Fatalf("width %d: %d bytes kept (counted %d), cap %d", w, sum, c.bytes, c.maxBytes)
		}
		if _, ok := c.peek(k); !ok {
			t.Fatalf("width %d: the newest rendering was not kept", w)
		}
	}
	if n := len(c.items); n < 2 || n > 4 {
		t.Errorf("%d renderings of 8 MB kept under a 32 MiB cap", n)
	}
	// One rendering larger than the whole cache is not kept, and evicts
	// nothing.
	before := len(c.items)
	c.put(renderKey{id: "huge"}, bigRendering(40<<20))
	if _, ok := c.peek(renderKey{id: "huge"}); ok || len(c.items) != before {
		t.Errorf("a rendering over the cap: kept %v, %d entries (was %d)", ok, len(c.items), before)
	}
	// Replacing an entry counts its bytes once.
	k := renderKey{id: "long", width: 239, style: "dark"}
	c.put(k, bigRendering(1<<20))
	c.put(k, bigRendering(1<<20))
	var sum int64
	for _, it := range c.items {
		sum += it.size
	}
	if sum != c.bytes {
		t.Errorf("after replacing: counted %d, kept %d", c.bytes, sum)
	}
}
