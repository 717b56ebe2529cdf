package config

import (
	"os"
	"path/filepath"
	"testing"
)

// TestConfigCrashMidWrite simulates a crash during Save: a temporary file
// holding half a config is left beside the real one. Loading reads the
// real config, whole; the next Save succeeds and replaces it.
func TestConfigCrashMidWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gazette", "config.toml")
	c, _ := LoadConfig(path)
	if _, err := c.Add("https://example.org/feed.xml", "Example", []string{"Russia"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// What a crash after half a write leaves: the temporary file.
	half := append([]byte(nil), whole[:len(whole)/2]...)
	stale := filepath.Join(filepath.Dir(path), ".config.toml.tmp-123456")
	writeFile(t, stale, half)

	got, err := LoadConfig(path)
	if err != nil {
		t.Fatalf("load after the crash: %v", err)
	}
	if srcs := got.Sources(); len(srcs) != 1 || srcs[0].Location != "https://example.org/feed.xml" {
		t.Errorf("sources %+v", srcs)
	}
	if _, err := got.Add(filepath.Join(dir, "news"), "", nil); err != nil {
		t.Fatal(err)
	}
	if err := got.Save(path); err != nil {
		t.Fatalf("save after the crash: %v", err)
	}
	again, err := LoadConfig(path)
	if err != nil || len(again.Sources()) != 2 {
		t.Fatalf("reload: %v", err)
	}
	if _, err := os.Lstat(stale); err == nil {
		t.Error("the next write left the crashed writer's temporary file")
	}

	// A config that is itself cut short (written by hand, or by another
	// program without a rename) is an error with a line, never a crash
	// and never a silently shorter list.
	data, _ := os.ReadFile(path)
	for cut := 1; cut < len(data); cut += max(1, len(data)/40) {
		if err := os.WriteFile(path, data[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := LoadConfig(path)
		if err == nil && len(c.Sources()) > 2 {
			t.Fatalf("cut at %d: %d sources", cut, len(c.Sources()))
		}
	}
}

// writeFile writes a test file, failing the test if it cannot.
func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
