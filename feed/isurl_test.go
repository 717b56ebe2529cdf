package feed

import (
	"strings"
	"testing"
)

// FuzzIsURL holds IsURL to lowering the whole string first, as it once
// did, and checking the prefixes.
func FuzzIsURL(f *testing.F) {
	for _, s := range []string{"http://a", "HTTPS://A", "hTtP://", "https:/", "\u212Ahttp://x", "http\u0130://", "httpſ://x", "file:///etc", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l := strings.ToLower(s)
		want := strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
		if got := IsURL(s); got != want {
			t.Fatalf("IsURL(%q) = %v, want %v", s, got, want)
		}
	})
}
