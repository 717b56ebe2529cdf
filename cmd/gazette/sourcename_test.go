package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A source's name from the config is the source of its articles: listed
// in the source column, and matched by source:.
func TestSourceNameShownAndMatched(t *testing.T) {
	dir := t.TempDir()
	news := filepath.Join(dir, "news")
	if err := os.Mkdir(news, 0o755); err != nil {
		t.Fatal(err)
	}
	art := "Harbour reopens after storm\n\nChile | 3 March 2022 | Coast Courier\n\nBoats are back.\n"
	if err := os.WriteFile(filepath.Join(news, "a.txt"), []byte(art), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.toml")
	text := "[[source]]\npath = \"" + news + "\"\nname = \"My Harbour Desk\"\n"
	if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	list := runGazette(t, "", nil, "--config", cfg, "list", "--json")
	if list.code != 0 || !strings.Contains(list.stdout, `"source": "My Harbour Desk"`) {
		t.Fatalf("list: exit %d, %q %q", list.code, list.stdout, list.stderr)
	}
	if strings.Contains(list.stdout, "Coast Courier") {
		t.Errorf("the feed's own source shows instead of the name: %q", list.stdout)
	}
	q := runGazette(t, "", nil, "--config", cfg, "list", "--query", `source:"harbour desk"`)
	if q.code != 0 || !strings.Contains(q.stdout, "Harbour reopens") {
		t.Errorf("source: does not match the name: exit %d, %q %q", q.code, q.stdout, q.stderr)
	}
}
