package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// show --format ansi picks its style by the reader's policy: --style, else
// GLAMOUR_STYLE, else notty without colour. (The order itself is tested in
// internal/render; this holds the wiring.)
func TestShowStylePolicy(t *testing.T) {
	ref := filepath.Join("..", "..", "testdata", "sample", "000_c5e2517048094a15.txt")
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		color bool // colour sequences expected
	}{
		{"no colour", nil, []string{"--color", "never"}, false},
		{"dumb terminal", map[string]string{"TERM": "dumb"}, nil, false},
		{"flag beats no colour", nil, []string{"--color", "never", "--style", "dark"}, true},
		{"env beats no colour", map[string]string{"GLAMOUR_STYLE": "light"}, []string{"--color", "never"}, true},
		{"flag beats env", map[string]string{"GLAMOUR_STYLE": "light"}, []string{"--color", "never", "--style", "notty"}, false},
		{"colour on", nil, []string{"--color", "always"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"show", "--format", "ansi", "--width", "80"}, tt.args...)
			r := runGazette(t, "", tt.env, append(args, ref)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if has := strings.Contains(r.stdout, "\x1b[38;"); has != tt.color {
				t.Errorf("colour sequences: %v, want %v", has, tt.color)
			}
		})
	}
}
