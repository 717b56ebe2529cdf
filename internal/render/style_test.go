package render

import (
	"errors"
	"testing"
)

// The precedence is the one README.md gives for --style: the flag, else
// GLAMOUR_STYLE, else dark or light after the background, else notty
// without colour.
func TestStyleChoice(t *testing.T) {
	tests := []struct {
		name string
		c    StyleChoice
		env  map[string]string
		want string
	}{
		{"dark background", StyleChoice{}, nil, "dark"},
		{"light background", StyleChoice{Light: true}, nil, "light"},
		{"env", StyleChoice{Light: true}, map[string]string{"GLAMOUR_STYLE": "dracula"}, "dracula"},
		{"env trimmed", StyleChoice{}, map[string]string{"GLAMOUR_STYLE": " pink "}, "pink"},
		{"flag beats env", StyleChoice{Flag: "pink"}, map[string]string{"GLAMOUR_STYLE": "dracula"}, "pink"},
		{"flag auto follows the background", StyleChoice{Flag: "auto", Light: true}, map[string]string{"GLAMOUR_STYLE": "dracula"}, "light"},
		{"env auto follows the background", StyleChoice{Light: true}, map[string]string{"GLAMOUR_STYLE": "auto"}, "light"},
		{"no colour", StyleChoice{NoColor: true, Light: true}, nil, "notty"},
		{"dumb terminal", StyleChoice{NoColor: true}, map[string]string{"TERM": "dumb"}, "ascii"},
		{"flag beats no colour", StyleChoice{Flag: "dark", NoColor: true}, nil, "dark"},
		{"env beats no colour", StyleChoice{NoColor: true}, map[string]string{"GLAMOUR_STYLE": "light"}, "light"},
		{"no getenv", StyleChoice{Getenv: nil, NoColor: true}, nil, "notty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			if tt.env != nil {
				c.Getenv = func(k string) string { return tt.env[k] }
			}
			if got := c.Style(); got != tt.want {
				t.Errorf("Style() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckStyle(t *testing.T) {
	for _, ok := range []string{"", "auto", "dark", "light", "notty", "ascii", "dracula"} {
		if err := CheckStyle(ok); err != nil {
			t.Errorf("CheckStyle(%q): %v", ok, err)
		}
	}
	if err := CheckStyle("no-such-style"); !errors.Is(err, ErrStyle) {
		t.Errorf("CheckStyle(no-such-style) = %v, want ErrStyle", err)
	}
}
