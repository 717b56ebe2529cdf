package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A [keys] table the reader cannot take is refused when the config is
// read, by any command, with the line at fault.
func TestKeysCheckedAtLoad(t *testing.T) {
	tests := []struct {
		name, keys string
		want       string // in stderr; "" means the config is fine
	}{
		{"rebind", "open = [\"enter\", \"l\"]\n", ""},
		{"unknown action", "open = [\"enter\"]\nfly = [\"w\"]\n", `config.toml:6: [keys] "fly" is no action`},
		{"bound twice", "\nopen = [\"enter\"]\ndown = [\"j\", \"t\"]\n", `config.toml:7: [keys] down: "t" is bound to tags too (on the list screen)`},
		{"twice in one action", "quit = [\"q\", \"q\"]\n", `config.toml:5: [keys] quit: "q" is given twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "config.toml")
			text := "[[source]]\npath = \"" + dir + "\"\n\n[keys]\n" + tt.keys
			if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			res := runGazette(t, "", nil, "--config", cfg, "sources")
			if tt.want == "" {
				if res.code != 0 {
					t.Fatalf("exit %d: %s", res.code, res.stderr)
				}
				return
			}
			if res.code == 0 || !strings.Contains(res.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %q", res.code, res.stderr, tt.want)
			}
		})
	}
}
