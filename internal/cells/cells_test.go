package cells

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		w    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"a longer title", 8, "a longe…"},
		{"中文标题很长", 7, "中文标…"},
		{"café au lait", 5, "café…"},
		{"東京都知事選", 7, "東京都…"},
		{"Café 🌻 terraces", 8, "Café 🌻…"},
		{"anything", 0, ""},
		{"anything", -3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := Truncate(tt.in, tt.w)
			if got != tt.want || ansi.StringWidth(got) > max(tt.w, 0) {
				t.Errorf("Truncate(%q, %d) = %q (%d cells), want %q", tt.in, tt.w, got, ansi.StringWidth(got), tt.want)
			}
			if tt.w > 0 {
				if f := Fit(tt.in, tt.w); ansi.StringWidth(f) != tt.w {
					t.Errorf("Fit(%q, %d) is %d cells", tt.in, tt.w, ansi.StringWidth(f))
				}
			}
		})
	}
}

func TestPadAndSpread(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"pad", PadLeft("7", 3), "  7"},
		{"pad wide", PadLeft("東", 3), " 東"},
		{"pad over", PadLeft("1234", 3), "1234"},
		{"spread", Spread("ab", "cd", 8), "ab    cd"},
		{"spread cuts left", Spread("abcdef", "cd", 6), "ab… cd"},
		{"spread right only", Spread("ab", "abcdefgh", 5), "abcd…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
