package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/gazette-news/gazette/internal/chart"
)

// styles are the Lip Gloss styles of every screen, built once for a
// background (dark or light) and a colour setting, and rebuilt when the
// terminal reports its background.
type styles struct {
	noColor bool
	dark    bool

	app        lipgloss.Style // the "gazette" pill in the header
	headerText lipgloss.Style
	dim        lipgloss.Style
	faint      lipgloss.Style
	title      lipgloss.Style
	unread     lipgloss.Style // the title of an article not read yet
	selTitle   lipgloss.Style
	selRow     lipgloss.Style
	marker     lipgloss.Style
	date       lipgloss.Style
	source     lipgloss.Style
	status     lipgloss.Style
	statusWarn lipgloss.Style
	spinner    lipgloss.Style
	errorText  lipgloss.Style
	notice     lipgloss.Style
	rule       lipgloss.Style
	panel      lipgloss.Style
	panelTitle lipgloss.Style
	pickerSel  lipgloss.Style
	count      lipgloss.Style
	prompt     lipgloss.Style
	readerHead lipgloss.Style
	percent    lipgloss.Style

	unreadTitle lipgloss.Style // the title of an unread row
	unreadMark  lipgloss.Style // its "•"
	star        lipgloss.Style // the "★" of a starred row

	badges   [chart.PaletteSize]lipgloss.Style
	badgeTag lipgloss.Style // a tag that is no country
	detected lipgloss.Style // a country detected in the text, not declared

	help help.Styles

	// rows holds the styles of the list's rows as paints (see painted).
	rows rowPaints
}

// rowPaints are the styles of the list's rows, the selected one's title
// among them.
type rowPaints struct {
	title, unread, unreadTitle  paint
	selTitle                    paint
	date, source, dim, detected paint
	unreadMark, star, badgeTag  paint
	badges                      [chart.PaletteSize]paint
}

// painted returns the styles with their rows' paints, made from the
// styles as they are now: it comes last, after the theme.
func (s styles) painted() styles {
	r := &s.rows
	r.title, r.unread, r.unreadTitle = newPaint(s.title), newPaint(s.unread), newPaint(s.unreadTitle)
	r.selTitle = newPaint(s.selTitle)
	r.date, r.source, r.dim, r.detected = newPaint(s.date), newPaint(s.source), newPaint(s.dim), newPaint(s.detected)
	r.unreadMark, r.star, r.badgeTag = newPaint(s.unreadMark), newPaint(s.star), newPaint(s.badgeTag)
	for i, b := range s.badges {
		r.badges[i] = newPaint(b)
	}
	return s
}

// newStyles builds the styles for a dark or light background. With noColor
// it uses no colour at all, only bold, faint and reverse, and badges get
// brackets so that they still stand apart from the text.
func newStyles(dark, noColor bool) styles {
	ld := lipgloss.LightDark(dark)
	c := func(light, darkc string) color.Color {
		if noColor {
			return lipgloss.NoColor{}
		}
		return ld(lipgloss.Color(light), lipgloss.Color(darkc))
	}
	accent := c("#5A56E0", "#7D79F6")
	muted := c("#7A7A7A", "#8A8A8A")
	subtle := c("#A8A8A8", "#5C5C5C")
	text := c("#1A1A1A", "#E4E4E4")
	warn := c("#B8322A", "#FF6F61")
	selBg := c("#E4E2FF", "#2D2B55")

	s := styles{noColor: noColor, dark: dark}
	s.app = lipgloss.NewStyle().Bold(true).Padding(0, 1)
	if noColor {
		s.app = s.app.Reverse(true)
	} else {
		s.app = s.app.Foreground(lipgloss.Color("#FFFDF5")).Background(lipgloss.Color("#5A56E0"))
	}
	s.headerText = lipgloss.NewStyle().Foreground(muted)
	s.dim = lipgloss.NewStyle().Foreground(muted)
	s.faint = lipgloss.NewStyle().Foreground(subtle)
	s.title = lipgloss.NewStyle().Foreground(text)
	s.unread = s.title
	s.selRow = lipgloss.NewStyle().Background(selBg)
	s.selTitle = lipgloss.NewStyle().Foreground(text).Background(selBg).Bold(true)
	s.marker = lipgloss.NewStyle().Foreground(accent).Background(selBg).Bold(true)
	s.date = lipgloss.NewStyle().Foreground(muted)
	s.source = lipgloss.NewStyle().Foreground(muted).Italic(!noColor)
	s.status = lipgloss.NewStyle().Foreground(muted)
	s.statusWarn = lipgloss.NewStyle().Foreground(warn).Bold(true)
	s.spinner = lipgloss.NewStyle().Foreground(accent)
	s.errorText = lipgloss.NewStyle().Foreground(warn)
	s.notice = lipgloss.NewStyle().Foreground(accent)
	s.rule = lipgloss.NewStyle().Foreground(subtle)
	s.panel = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1)
	if noColor {
		s.panel = lipgloss.NewStyle().Border(lipgloss.NormalBorder()).Padding(0, 1)
	}
	s.panelTitle = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.pickerSel = lipgloss.NewStyle().Background(selBg).Bold(true)
	s.count = lipgloss.NewStyle().Foreground(muted)
	s.prompt = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.readerHead = lipgloss.NewStyle().Bold(true).Foreground(text)
	s.percent = lipgloss.NewStyle().Foreground(muted)
	s.unreadTitle = lipgloss.NewStyle().Foreground(text).Bold(true)
	s.unreadMark = lipgloss.NewStyle().Foreground(accent).Bold(true)
	s.star = lipgloss.NewStyle().Foreground(c("#B07D00", "#F5C542"))

	for i := range s.badges {
		if noColor {
			s.badges[i] = lipgloss.NewStyle()
			continue
		}
		b := chart.Palette(i)
		s.badges[i] = lipgloss.NewStyle().
			Foreground(lipgloss.Color(b.FG)).
			Background(lipgloss.Color(b.BG))
	}
	if noColor {
		s.badgeTag = lipgloss.NewStyle()
		s.detected = lipgloss.NewStyle().Faint(true)
	} else {
		s.badgeTag = lipgloss.NewStyle().Foreground(text).Background(c("#DADADA", "#3A3A3A"))
		s.detected = lipgloss.NewStyle().Foreground(muted).Italic(true)
	}

	s.help = help.DefaultStyles(dark)
	if noColor {
		s.help = help.Styles{
			ShortKey:  lipgloss.NewStyle().Bold(true),
			FullKey:   lipgloss.NewStyle().Bold(true),
			ShortDesc: lipgloss.NewStyle(), FullDesc: lipgloss.NewStyle(),
			ShortSeparator: lipgloss.NewStyle(), FullSeparator: lipgloss.NewStyle(),
			Ellipsis: lipgloss.NewStyle(),
		}
	}
	return s
}

// inputStyles are the styles of a text input: the filter box or the pipe
// prompt.
func inputStyles(st styles, dark, noColor bool) textinput.Styles {
	s := textinput.DefaultStyles(dark)
	s.Focused.Prompt = st.prompt
	s.Blurred.Prompt = st.prompt
	if noColor {
		s = textinput.Styles{}
	}
	// A steady cursor: blinking redraws the screen twice a second for
	// nothing.
	s.Cursor.Blink = false
	return s
}
