package load

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestResultSource checks that every result names the source it came
// from, an article of a directory and a file's error alike.
func TestResultSource(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(a, "one.md"), []byte("# One\n\nText.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b, "two.md"), []byte("# Two\n\nText.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(b, "bad.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(a, "missing")
	var l Loader
	got := map[string][]string{}
	for r := range l.Load(context.Background(), []Source{{Location: a}, {Location: b}, {Location: missing}}) {
		if r.Err != nil {
			got[r.Source] = append(got[r.Source], "error")
		}
		for _, a := range r.Articles {
			got[r.Source] = append(got[r.Source], a.Title)
		}
	}
	if len(got[a]) != 1 || got[a][0] != "One" {
		t.Errorf("source %s gave %v", a, got[a])
	}
	if len(got[b]) != 2 {
		t.Errorf("source %s gave %v, want an article and an error", b, got[b])
	}
	if len(got[missing]) != 1 || got[missing][0] != "error" {
		t.Errorf("source %s gave %v", missing, got[missing])
	}
}
