package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeysAndTheme(t *testing.T) {
	good := `[[source]]
path = "/news"

[keys]
open = ["enter", "l"]
quit = ["q", "ctrl+q"]

[theme]
selection = "#2D2B55"
dim = "245"

[theme.light]
selection = "#E4E2FF"
`
	c, err := ParseConfig([]byte(good), "/")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Keys["open"], ","); got != "enter,l" {
		t.Errorf("open = %q", got)
	}
	if d, l := c.Theme.For(true), c.Theme.For(false); d.Selection != "#2D2B55" || l.Selection != "#E4E2FF" || l.Dim != "245" {
		t.Errorf("dark %+v, light %+v", d, l)
	}
	err = c.KeyError("c.toml", "quit", "no such action")
	if err.Error() != `"c.toml":6: [keys] no such action` && err.Error() != "c.toml:6: [keys] no such action" {
		t.Errorf("KeyError: %v", err)
	}

	bad := []struct {
		name, text string
		line       int
		msg        string
	}{
		{"twice", "[keys]\nopen = [\"l\", \"l\"]\n", 2, `"l" is given twice`},
		{"no keys", "[theme]\ndim = \"8\"\n[keys]\n\nopen = []\n", 5, "at least one key"},
		{"bad name", "[keys]\nOpen-It = [\"l\"]\n", 2, "no action name"},
		{"bad key", "[keys]\nopen = [\"a b\"]\n", 2, "no key name"},
		{"bad colour", "[keys]\nopen = [\"l\"]\n[theme]\nselection = \"blue\"\n", 4, "no colour"},
		{"bad light colour", "[theme]\ndim = \"8\"\n[theme.light]\ndim = \"256\"\n", 4, "[theme.light] dim"},
		{"unknown theme key", "[theme]\nbackground = \"#000\"\n", 2, "unknown key"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.text), "/")
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Line != tt.line || !strings.Contains(ce.Msg, tt.msg) {
				t.Errorf("got %v, want line %d and %q", err, tt.line, tt.msg)
			}
		})
	}
}

// Keys and theme survive a write of the config, and an empty theme writes
// nothing.
func TestKeysThemeSaved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	c, err := ParseConfig([]byte("[keys]\nopen = [\"enter\", \"l\"]\n[theme.dark]\nunread = \"#FFFFFF\"\n"), "/")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Add("/news", "", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(back.Keys["open"], ",") != "enter,l" || back.Theme.For(true).Unread != "#FFFFFF" {
		t.Errorf("lost on save: %+v %+v", back.Keys, back.Theme)
	}
	plain := &Config{}
	if _, err := plain.Add("/news", "", nil); err != nil {
		t.Fatal(err)
	}
	if err := plain.Save(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "theme") || strings.Contains(string(data), "keys") {
		t.Errorf("an empty theme or keys table was written:\n%s", data)
	}
}
