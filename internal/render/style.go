package render

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/glamour/v2"

	"github.com/gazette-news/gazette/feed"
)

// StyleChoice is what the article style is chosen from. The reader and
// the commands fill it in from their flags, environment and terminal, and
// Style applies the one precedence documented for --style.
type StyleChoice struct {
	// Flag is the style asked for by --style (or the reader's option);
	// empty or "auto" leaves the choice to what follows.
	Flag string
	// Getenv reads GLAMOUR_STYLE and TERM; nil reads nothing.
	Getenv func(string) string
	// NoColor says colour is off, by flag or environment.
	NoColor bool
	// Light says the terminal's background is light. Commands that cannot
	// ask the terminal leave it false.
	Light bool
}

// Style picks the Glamour style: the flag, else $GLAMOUR_STYLE, else,
// with colour off, "notty" ("ascii" for TERM=dumb, which draws no box
// characters either), else "dark" or "light" after the background.
func (c StyleChoice) Style() string {
	if s := c.Forced(); s != "" {
		return s
	}
	switch {
	case c.NoColor && c.getenv("TERM") == "dumb":
		return "ascii"
	case c.NoColor:
		return "notty"
	case c.Light:
		return "light"
	}
	return "dark"
}

// Forced is the style chosen by flag or environment, or "" when the
// choice follows the terminal. "auto" asks for the terminal's choice: as a
// flag it also overrides $GLAMOUR_STYLE.
func (c StyleChoice) Forced() string {
	s := strings.TrimSpace(c.Flag)
	if s == "" {
		s = strings.TrimSpace(c.getenv("GLAMOUR_STYLE"))
	}
	if s == "auto" {
		return ""
	}
	return s
}

func (c StyleChoice) getenv(k string) string {
	if c.Getenv == nil {
		return ""
	}
	return c.Getenv(k)
}

// ErrStyle reports a style that cannot be loaded.
var ErrStyle = errors.New("unknown style")

// CheckStyle reports whether a Glamour style name or style file can be
// used, so that a bad --style fails before the screen changes.
func CheckStyle(style string) error {
	if style == "" || style == "auto" {
		return nil
	}
	opt, err := styleOption(style)
	if err == nil {
		_, err = glamour.NewTermRenderer(opt)
	}
	if err != nil {
		return fmt.Errorf("%w %q: use dark, light, notty, ascii, dracula, pink, tokyo-night or a JSON style file", ErrStyle, feed.SanitizeLine(style))
	}
	return nil
}
