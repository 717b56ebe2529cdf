package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// paint is a style as the sequences that open and close a line of text
// in it, for the list's rows: lipgloss's Render reads every property a
// style may have and walks the text at each call, some 4 µs, and a row
// of the list calls it ten times. A style that Render draws otherwise
// (a width, an underline drawn apart under the spaces, a transform) is
// rendered by Render.
type paint struct {
	style     lipgloss.Style
	pre, post string
	// plain is set when Render gives pre + text + post for a line of
	// text.
	plain bool
}

// newPaint finds the sequences of s by rendering a letter in it, and
// checks them on a longer text with a space.
func newPaint(s lipgloss.Style) paint {
	p := paint{style: s}
	one := s.Render("x")
	i := strings.IndexByte(one, 'x')
	if i < 0 || strings.IndexByte(one[i+1:], 'x') >= 0 {
		return p
	}
	p.pre, p.post = one[:i], one[i+1:]
	const probe = "ab  cd é"
	p.plain = s.Render(probe) == p.pre+probe+p.post && s.Render("") == p.pre+p.post
	return p
}

// Render renders text as the style's Render does.
func (p paint) Render(text string) string {
	if !p.plain || strings.ContainsAny(text, "\t\r\n") {
		return p.style.Render(text)
	}
	return p.pre + text + p.post
}
