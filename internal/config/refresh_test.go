package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRefreshPlan(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		every  time.Duration
		per    map[string]time.Duration
		errHas string
	}{
		{name: "off by default", text: "[[source]]\nurl = \"https://example.org/feed\"\n"},
		{
			name:  "top level",
			text:  "refresh = \"15m\"\n[[source]]\nurl = \"https://example.org/feed\"\n",
			every: 15 * time.Minute,
		},
		{
			name:  "per source, and off",
			text:  "refresh = \"1h\"\n[[source]]\nurl = \"https://example.org/a\"\nrefresh = \"30m\"\n[[source]]\nurl = \"https://example.org/b\"\nrefresh = \"off\"\n[[source]]\nurl = \"https://example.org/c\"\n",
			every: time.Hour,
			per:   map[string]time.Duration{"https://example.org/a": 30 * time.Minute, "https://example.org/b": 0},
		},
		{name: "capped", text: "refresh = \"100000h\"\n", every: MaxRefresh},
		{name: "too often", text: "refresh = \"5s\"\n", errHas: "under the least of 1m0s"},
		{name: "not a duration", text: "\n\nrefresh = \"soon\"\n", errHas: ":3: refresh \"soon\""},
		{name: "bad in a source", text: "[[source]]\nurl = \"https://example.org/a\"\nrefresh = \"-3m\"\n", errHas: "source 1: refresh"},
		{name: "a long value is clipped", text: "refresh = \"" + strings.Repeat("x", 500) + "\"\n", errHas: "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig([]byte(tt.text), t.TempDir())
			if tt.errHas != "" {
				var ce *ConfigError
				if !errors.As(err, &ce) {
					t.Fatalf("err = %v, want a ConfigError", err)
				}
				if msg := (&ConfigError{Path: "config.toml", Line: ce.Line, Msg: ce.Msg}).Error(); !strings.Contains(msg, tt.errHas) || len(msg) > 200 {
					t.Errorf("error %q, want it to hold %q", msg, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			every, per := c.RefreshPlan()
			if every != tt.every {
				t.Errorf("every = %s, want %s", every, tt.every)
			}
			if len(per) != len(tt.per) {
				t.Fatalf("per source = %v, want %v", per, tt.per)
			}
			for k, v := range tt.per {
				if got, ok := per[k]; !ok || got != v {
					t.Errorf("per[%q] = %s, %v; want %s", k, got, ok, v)
				}
			}
		})
	}
}

func TestRefreshSurvivesSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	c, err := ParseConfig([]byte("refresh = \"20m\"\n[[source]]\nurl = \"https://example.org/a\"\nrefresh = \"2h\"\n"), filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	again, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	every, per := again.RefreshPlan()
	if every != 20*time.Minute || per["https://example.org/a"] != 2*time.Hour {
		t.Errorf("after a save: every %s, per %v", every, per)
	}
}
