// Package cells measures, cuts and pads text in terminal cells: escape
// sequences take none, wide characters take two. It is the one place the
// commands and the reader cut text to a width.
package cells

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Width returns the display width of s in terminal cells.
func Width(s string) int {
	return ansi.StringWidth(s)
}

// Truncate cuts s to at most w cells, by graphemes, ending with an
// ellipsis when cut.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// Fit truncates s to w cells and pads it with spaces to exactly w cells.
func Fit(s string, w int) string {
	s = Truncate(s, w)
	if pad := w - Width(s); pad > 0 {
		return s + strings.Repeat(" ", pad)
	}
	return s
}

// PadLeft right-aligns s in w cells.
func PadLeft(s string, w int) string {
	if pad := w - Width(s); pad > 0 {
		return strings.Repeat(" ", pad) + s
	}
	return s
}

// Spread writes left and right on one line of w cells, right-aligned; the
// left part is cut when both do not fit.
func Spread(left, right string, w int) string {
	rw := Width(right)
	if rw >= w {
		return Truncate(right, w)
	}
	left = Truncate(left, w-rw-1)
	return left + strings.Repeat(" ", max(1, w-Width(left)-rw)) + right
}
