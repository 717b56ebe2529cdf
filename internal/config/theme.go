package config

import (
	"fmt"
	"regexp"
	"strconv"
)

// Theme is the [theme] table: the colours of the article list. Colours
// set in [theme] apply on dark and light backgrounds alike; [theme.dark]
// and [theme.light] set them for one background. What is left unset keeps
// the built-in dark or light theme.
//
//	[theme]
//	selection = "#2D2B55"
//	[theme.light]
//	selection = "#E4E2FF"
type Theme struct {
	ThemeColors
	// Dark and Light override the colours for one background.
	Dark  ThemeColors `toml:"dark,omitempty"`
	Light ThemeColors `toml:"light,omitempty"`
}

// ThemeColors are the list's colours, each "#RRGGBB", "#RGB" or an ANSI
// colour number from 0 to 255; empty means the built-in one.
type ThemeColors struct {
	// Selection is the background of the selected row.
	Selection string `toml:"selection,omitempty"`
	// Unread is the colour of an unread article's title.
	Unread string `toml:"unread,omitempty"`
	// Badge is the background of a tag that is no country.
	Badge string `toml:"badge,omitempty"`
	// Dim is the colour of dates, sources, counts and the status line.
	Dim string `toml:"dim,omitempty"`
	// Accent is the colour of the cursor mark, notices and prompts.
	Accent string `toml:"accent,omitempty"`
}

// For returns the colours for a dark or light background: those of its
// own table over those of [theme].
func (t Theme) For(dark bool) ThemeColors {
	own := t.Light
	if dark {
		own = t.Dark
	}
	c := t.ThemeColors
	for _, p := range []struct {
		dst *string
		src string
	}{
		{&c.Selection, own.Selection}, {&c.Unread, own.Unread}, {&c.Badge, own.Badge},
		{&c.Dim, own.Dim}, {&c.Accent, own.Accent},
	} {
		if p.src != "" {
			*p.dst = p.src
		}
	}
	return c
}

// hexColor is a colour as "#RGB" or "#RRGGBB".
var hexColor = regexp.MustCompile(`^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$`)

// validColor reports whether s is a colour the theme takes.
func validColor(s string) bool {
	if hexColor.MatchString(s) {
		return true
	}
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && n <= 255 && strconv.Itoa(n) == s
}

// checkTheme checks every colour of the [theme] tables.
func (c *Config) checkTheme(text string) error {
	check := func(table string, tc ThemeColors) error {
		for _, f := range []struct{ key, val string }{
			{"selection", tc.Selection}, {"unread", tc.Unread}, {"badge", tc.Badge},
			{"dim", tc.Dim}, {"accent", tc.Accent},
		} {
			if f.val != "" && !validColor(f.val) {
				return &ConfigError{
					Line: tableKeyLine(text, table, f.key),
					Msg:  fmt.Sprintf("[%s] %s: %q is no colour; give \"#RRGGBB\" or a number from 0 to 255", table, f.key, f.val),
				}
			}
		}
		return nil
	}
	if err := check("theme", c.Theme.ThemeColors); err != nil {
		return err
	}
	if err := check("theme.dark", c.Theme.Dark); err != nil {
		return err
	}
	return check("theme.light", c.Theme.Light)
}
