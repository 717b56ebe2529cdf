package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRemove(t *testing.T) {
	dir := t.TempDir()
	text := `[[source]]
url = "https://example.org/feed.xml"
name = "Example News"

[[source]]
path = "news"

[[source]]
url = "https://other.example/rss"
`
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		arg     string
		removed string
	}{
		{"https://example.org/feed.xml", "https://example.org/feed.xml"},
		{"example news", "https://example.org/feed.xml"},
		{"news", "news"},
		{filepath.Join(dir, "news"), "news"},
		{"./news/", "news"},
		{"https://other.example/rss/", "https://other.example/rss"},
		{"https://nowhere.example/", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			c, err := ParseConfig([]byte(text), dir)
			if err != nil {
				t.Fatal(err)
			}
			s, ok := c.Remove(tt.arg)
			if tt.removed == "" {
				if ok || len(c.Source) != 3 {
					t.Fatalf("Remove(%q) removed %+v", tt.arg, s)
				}
				return
			}
			if !ok || s.Location() != tt.removed || len(c.Source) != 2 {
				t.Fatalf("Remove(%q) = %+v, %v; %d left; want %q removed", tt.arg, s, ok, len(c.Source), tt.removed)
			}
		})
	}
}
