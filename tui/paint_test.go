package tui

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

// paintStyles are the row styles of every background and colour setting,
// and styles that Render draws otherwise than around the text.
func paintStyles() []lipgloss.Style {
	var all []lipgloss.Style
	for _, dark := range []bool{true, false} {
		for _, noColor := range []bool{true, false} {
			s := newStyles(dark, noColor)
			all = append(all, s.title, s.unread, s.unreadTitle, s.selTitle, s.date, s.source, s.dim,
				s.detected, s.unreadMark, s.star, s.badgeTag, s.app)
			all = append(all, s.badges[:]...)
		}
	}
	return append(all,
		lipgloss.NewStyle(),
		lipgloss.NewStyle().Width(12),
		lipgloss.NewStyle().MaxWidth(3),
		lipgloss.NewStyle().Underline(true).Bold(true),
		lipgloss.NewStyle().Strikethrough(true),
		lipgloss.NewStyle().Padding(0, 2).Background(lipgloss.Color("#336699")),
		lipgloss.NewStyle().Border(lipgloss.NormalBorder()),
		lipgloss.NewStyle().Transform(func(s string) string { return s + "x" }),
		lipgloss.NewStyle().Hyperlink("https://example.com/"),
	)
}

var paintTexts = []string{
	"", " ", "x", "Putin and Xi hail Russia-China relations", "  two  spaces  ",
	"東京 election", "e\u0301 combining", "tab\there", "line\nbreak", "cr\r\nlf",
	"\x1b[1mbold\x1b[m inside", "🇷🇺 flag", strings.Repeat("long ", 40),
}

func TestPaintRendersAsLipgloss(t *testing.T) {
	for i, s := range paintStyles() {
		p := newPaint(s)
		for _, text := range paintTexts {
			if got, want := p.Render(text), s.Render(text); got != want {
				t.Errorf("style %d, %q: paint %q, Render %q", i, text, got, want)
			}
		}
	}
}

// The rows' own styles take the short way: that is what paints are for.
func TestRowPaintsArePlain(t *testing.T) {
	for _, dark := range []bool{true, false} {
		for _, noColor := range []bool{true, false} {
			r := newStyles(dark, noColor).painted().rows
			ps := []paint{r.title, r.unread, r.unreadTitle, r.selTitle, r.date, r.source, r.dim, r.detected, r.unreadMark, r.star, r.badgeTag}
			ps = append(ps, r.badges[:]...)
			for i, p := range ps {
				if !p.plain {
					t.Errorf("dark %v, no colour %v: paint %d is rendered by lipgloss", dark, noColor, i)
				}
			}
		}
	}
}

func FuzzPaint(f *testing.F) {
	for _, text := range paintTexts {
		f.Add(text)
	}
	styles := paintStyles()
	paints := make([]paint, len(styles))
	for i, s := range styles {
		paints[i] = newPaint(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for i, p := range paints {
			if got, want := p.Render(text), styles[i].Render(text); got != want {
				t.Fatalf("style %d, %q: paint %q, Render %q", i, text, got, want)
			}
		}
	})
}
