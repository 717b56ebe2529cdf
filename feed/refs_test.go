package feed

import (
	"fmt"
	"slices"
	"testing"
)

// TestRefBuilderNumbers checks that a URL keeps its first number however
// many footnotes come before and after it, on both sides of the count
// where the builder starts keeping a map, and that images come in order.
func TestRefBuilderNumbers(t *testing.T) {
	var rb refBuilder
	var wantImages []string
	for i := range 3 * linearRefs {
		u := fmt.Sprintf("https://example.com/%d", i)
		kind := RefLink
		if i%3 == 0 {
			kind = RefImage
			wantImages = append(wantImages, u)
		}
		if n := rb.add(u, kind); n != i+1 {
			t.Fatalf("footnote %d numbered %d", i+1, n)
		}
		if _, ok := rb.number("https://example.com/new"); ok {
			t.Fatalf("after %d footnotes, a URL never added has a number", i+1)
		}
		// Every URL before it, again: each keeps its number.
		for j := 0; j <= i; j++ {
			if n := rb.add(fmt.Sprintf("https://example.com/%d", j), RefLink); n != j+1 {
				t.Fatalf("after %d footnotes, footnote %d again numbered %d", i+1, j+1, n)
			}
		}
	}
	if len(rb.refs) != 3*linearRefs {
		t.Errorf("%d footnotes, want %d", len(rb.refs), 3*linearRefs)
	}
	if got := rb.images(); !slices.Equal(got, wantImages) {
		t.Errorf("images %q, want %q", got, wantImages)
	}
	if got := new(refBuilder).images(); got != nil {
		t.Errorf("no footnotes: images %q, want nil", got)
	}
}
