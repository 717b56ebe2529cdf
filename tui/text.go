package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// width returns the display width of s in terminal cells, escape
// sequences ignored, wide characters counted twice.
func width(s string) int {
	return ansi.StringWidth(s)
}

// truncate cuts s to at most w cells, ending with an ellipsis when cut.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// fit truncates s to w cells and pads it with spaces to exactly w cells.
func fit(s string, w int) string {
	s = truncate(s, w)
	if pad := w - width(s); pad > 0 {
		return s + strings.Repeat(" ", pad)
	}
	return s
}

// padLeft right-aligns s in w cells.
func padLeft(s string, w int) string {
	if pad := w - width(s); pad > 0 {
		return strings.Repeat(" ", pad) + s
	}
	return s
}

// spread writes left and right on one line of w cells, right-aligned; the
// left part is cut when both do not fit.
func spread(left, right string, w int) string {
	rw := width(right)
	if rw >= w {
		return truncate(right, w)
	}
	left = truncate(left, w-rw-1)
	return left + strings.Repeat(" ", max(1, w-width(left)-rw)) + right
}

// thousands formats n with commas: 1234567 → "1,234,567".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if len(s) <= 3 {
		if neg {
			return "-" + s
		}
		return s
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > 0 && !(neg && b.Len() == 1) {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// plural returns "1 thing" or "2 things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}
