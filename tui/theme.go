package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"

	"github.com/gazette-news/gazette/internal/config"
)

// withTheme returns the styles with the colours of the config's [theme]
// for this background over the built-in ones. Without colour it changes
// nothing. The colours were checked when the config was read.
func (s styles) withTheme(t config.ThemeColors) styles {
	if s.noColor {
		return s
	}
	col := func(v string) color.Color { return lipgloss.Color(v) }
	if v := t.Selection; v != "" {
		s.selRow = s.selRow.Background(col(v))
		s.selTitle = s.selTitle.Background(col(v))
		s.marker = s.marker.Background(col(v))
		s.pickerSel = s.pickerSel.Background(col(v))
	}
	if v := t.Unread; v != "" {
		s.unread = s.unread.Foreground(col(v))
	}
	if v := t.Badge; v != "" {
		s.badgeTag = s.badgeTag.Background(col(v))
	}
	if v := t.Dim; v != "" {
		for _, st := range []*lipgloss.Style{&s.dim, &s.date, &s.source, &s.status, &s.count, &s.headerText, &s.percent, &s.detected} {
			*st = st.Foreground(col(v))
		}
	}
	if v := t.Accent; v != "" {
		for _, st := range []*lipgloss.Style{&s.marker, &s.spinner, &s.notice, &s.prompt, &s.panelTitle} {
			*st = st.Foreground(col(v))
		}
		s.panel = s.panel.BorderForeground(col(v))
	}
	return s
}
