package tui

import (
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// badgePalette holds the background colours of country badges. Each has a
// foreground chosen for contrast, and all read on dark and light terminals
// alike, because a badge always paints its own background.
var badgePalette = [...]struct{ bg, fg string }{
	{"#B8322A", "#FFFFFF"}, // brick red
	{"#1F6FB2", "#FFFFFF"}, // blue
	{"#1E8449", "#FFFFFF"}, // green
	{"#B7950B", "#000000"}, // mustard
	{"#7D3C98", "#FFFFFF"}, // purple
	{"#117A65", "#FFFFFF"}, // teal
	{"#E59866", "#000000"}, // apricot
	{"#2E4053", "#FFFFFF"}, // slate
	{"#C2185B", "#FFFFFF"}, // raspberry
	{"#00838F", "#FFFFFF"}, // cyan
	{"#6D4C41", "#FFFFFF"}, // brown
	{"#AAB7B8", "#000000"}, // silver
	{"#9E9D24", "#000000"}, // olive
	{"#3949AB", "#FFFFFF"}, // indigo
	{"#E67E22", "#000000"}, // orange
	{"#558B2F", "#FFFFFF"}, // moss
}

// paletteIndex picks a country's badge colour from its ISO alpha-2 code,
// so that a country keeps its colour across runs, screens and corpora. The
// countries most often in the news have colours of their own, all
// different; the others share the palette by their letters.
func paletteIndex(code, name string) int {
	switch strings.ToUpper(code) {
	case "RU":
		return 0 // brick red
	case "CN":
		return 3 // mustard
	case "US":
		return 1 // blue
	case "UA":
		return 9 // cyan
	case "IN":
		return 14 // orange
	case "IR":
		return 2 // green
	case "PK":
		return 5 // teal
	case "JP":
		return 8 // raspberry
	case "DE":
		return 7 // slate
	case "FR":
		return 13 // indigo
	case "GB":
		return 4 // purple
	case "TR":
		return 6 // apricot
	case "IL":
		return 11 // silver
	case "TW":
		return 15 // moss
	case "SA":
		return 12 // olive
	case "KP":
		return 10 // brown
	}
	if len(code) == 2 {
		a, b := int(code[0]|0x20)-'a', int(code[1]|0x20)-'a'
		if a >= 0 && a < 26 && b >= 0 && b < 26 {
			return (a*26 + b) % len(badgePalette)
		}
	}
	// A country without a code still gets a stable colour, from its name.
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h ^= uint32(name[i])
		h *= 16777619
	}
	return int(h % uint32(len(badgePalette)))
}

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

	badges   [len(badgePalette)]lipgloss.Style
	badgeTag lipgloss.Style // a tag that is no country
	detected lipgloss.Style // a country detected in the text, not declared

	help help.Styles
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

	for i, p := range badgePalette {
		if noColor {
			s.badges[i] = lipgloss.NewStyle()
			continue
		}
		s.badges[i] = lipgloss.NewStyle().
			Foreground(lipgloss.Color(p.fg)).
			Background(lipgloss.Color(p.bg))
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
