package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/internal/config"
)

// Every binding of the key map can be rebound by name, those added later
// included: the names come from the map itself.
func TestKeyActionsCoverKeyMap(t *testing.T) {
	k := newKeyMap()
	bs := k.bindings()
	if len(bs) != len(KeyActions()) || len(bs) < 30 {
		t.Fatalf("%d bindings, %d actions", len(bs), len(KeyActions()))
	}
	for _, name := range KeyActions() {
		rebound, err := keyMapFrom(map[string][]string{name: {"ctrl+]"}})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := rebound.bindings()[name].Keys(); len(got) != 1 || got[0] != "ctrl+]" {
			t.Errorf("%s: keys %q after rebinding", name, got)
		}
	}
	for field, want := range map[string]string{"PageDown": "page_down", "Open": "open", "ForceQ": "force_quit"} {
		if got := actionName(field); got != want {
			t.Errorf("actionName(%s) = %q, want %q", field, got, want)
		}
	}
}

// A rebound key works, the old one no longer does, and help shows the
// keys in force.
func TestRebindOpen(t *testing.T) {
	arts := testArticles(t)
	opt := Options{
		Getenv: testEnv(map[string]string{"TERM": "xterm-256color"}),
		Keys:   map[string][]string{"open": {"o", "l"}, "quit": {"Q"}},
	}
	d := &driver{t: t, m: newModel(context.Background(), opt)}
	d.m.exec = execNow
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	d.send(loadBatchMsg{arts: arts, done: true})
	d.keys("enter")
	if !d.at(screenList, overlayNone) {
		t.Fatalf("enter still opens: at %s", d.where())
	}
	if bar := d.screen(); !strings.Contains(bar, "o/l read") || !strings.Contains(bar, "Q quit") {
		t.Errorf("the help bar does not show the keys in force:\n%s", bar)
	}
	d.keys("?")
	if sc := d.screen(); !strings.Contains(sc, "o/l") || strings.Contains(sc, "enter/→") {
		t.Errorf("full help does not show the keys in force:\n%s", sc)
	}
	d.keys("esc", "l")
	if !d.at(screenReader, overlayNone) {
		t.Fatalf("l does not open: at %s", d.where())
	}
	d.keys("q", "q")
	if d.quit {
		t.Error("q still quits")
	}
	d.keys("Q")
	if !d.quit {
		t.Error("Q does not quit")
	}
}

func TestKeyErrors(t *testing.T) {
	tests := []struct {
		name string
		keys map[string][]string
		want string
	}{
		{"unknown", map[string][]string{"fly": {"w"}}, `"fly" is no action`},
		{"clash on a screen", map[string][]string{"down": {"j", "n"}}, `down: "n" is bound to next too (on the reader screen)`},
		{"clash between two rebound", map[string][]string{"filter": {"F"}, "tags": {"F"}}, `is bound to`},
		{"same key, other screens", map[string][]string{"open": {"enter", "l"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckKeys(tt.keys)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
	if err := Run(context.Background(), Options{Keys: map[string][]string{"fly": {"w"}}}); err == nil {
		t.Error("Run took an unknown action")
	}
}

// The theme's colours reach the list; unset ones keep the built-in theme.
func TestThemeColors(t *testing.T) {
	arts := testArticles(t)
	theme := config.Theme{ThemeColors: config.ThemeColors{Selection: "#123456"}, Light: config.ThemeColors{Selection: "#654321"}}
	opt := Options{Getenv: testEnv(map[string]string{"TERM": "xterm-256color"}), Theme: theme}
	d := &driver{t: t, m: newModel(context.Background(), opt)}
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	d.send(loadBatchMsg{arts: arts, done: true})
	row := strings.Split(d.m.View().Content, "\n")[1]
	if !strings.Contains(row, "18;52;86") {
		t.Errorf("the selected row is not #123456: %q", row)
	}
	light := newStyles(false, false).withTheme(theme.For(false))
	if got := light.selRow.Render("x"); !strings.Contains(got, "101;67;33") {
		t.Errorf("light selection: %q", got)
	}
	plain := newStyles(true, false)
	if got, want := plain.withTheme(config.ThemeColors{}).dim.Render("x"), plain.dim.Render("x"); got != want {
		t.Errorf("an empty theme changed the dim style: %q, want %q", got, want)
	}
	if got := newStyles(true, true).withTheme(theme.For(true)).selRow.Render("x"); strings.Contains(got, "18;52;86") {
		t.Errorf("colour without colour: %q", got)
	}
}
