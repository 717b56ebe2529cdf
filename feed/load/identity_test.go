package load

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// rssFeed writes an RSS feed whose items have the given GUIDs.
func rssFeed(title string, guids ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>https://wire.example/</link>`, title)
	for _, g := range guids {
		fmt.Fprintf(&b, `<item><title>Story %[1]s</title><guid isPermaLink="false">urn:wire:%[1]s</guid><description>Text of %[1]s.</description></item>`, g)
	}
	b.WriteString("</channel></rss>")
	return []byte(b.String())
}

// identityDir writes a directory with one article of each file format
// and two feeds that carry the same GUID.
func identityDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "news")
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"ref.txt":          "Coal deal signed\nEnergy, China | 1st March 2024 | Wire\n\nThe deal was signed.\n",
		"sub/notes.md":     "---\ntitle: Fisheries talks\ndate: 2024-03-02\nsource: Desk\n---\n\nTalks resumed.\n",
		"page.html":        "<html><head><title>Election page</title></head><body><article><h1>Election page</h1><p>Polls opened across the country this morning, and turnout was high in the early hours.</p></article></body></html>",
		"one.rss":          string(rssFeed("Wire", "shared", "only-one")),
		"sub/two.rss":      string(rssFeed("Mirror", "shared")),
		"sub/untitled.txt": "Notes\n\nNo date and no source here.\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loadKeys loads dir and maps each article's title and format to its key.
func loadKeys(t *testing.T, dir string, heads *HeadCache) map[string]string {
	t.Helper()
	l := &Loader{DropBodies: true, Heads: heads}
	arts, errs := l.LoadAll(context.Background(), []Source{{Location: dir}})
	if heads != nil {
		heads.Wait()
	}
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m := map[string]string{}
	for _, a := range arts {
		if a.Key == "" {
			t.Fatalf("%s has no key", a.Location)
		}
		name := a.Title + " (" + filepath.Base(a.Location) + ")"
		if a.Format == "rss" {
			// Feed items are told apart by title and feed title.
			name = a.Title + " (" + a.Source + ")"
		}
		m[name] = a.Key
	}
	return m
}

func TestKeysSurvive(t *testing.T) {
	dir := identityDir(t)
	cacheDir := t.TempDir()
	// The cache's clock runs ahead, so that files just written are not
	// too recent to be cached.
	heads := func() *HeadCache {
		return &HeadCache{Dir: cacheDir, Build: "test", now: func() time.Time { return time.Now().Add(time.Hour) }}
	}
	want := loadKeys(t, dir, heads())
	if len(want) != 7 {
		t.Fatalf("loaded %d articles, want 7: %v", len(want), want)
	}
	if want["Story shared (Wire)"] != want["Story shared (Mirror)"] {
		t.Errorf("one GUID in two feed files, two keys: %v", want)
	}
	check := func(t *testing.T, dir string, heads *HeadCache) {
		t.Helper()
		got := loadKeys(t, dir, heads)
		for name, k := range want {
			// A file's name is in the map's key; after a rename, look
			// the article up by its title alone.
			if got[name] != k {
				t.Errorf("%s: key %s, then %s", name, k, got[name])
			}
		}
	}
	t.Run("restart", func(t *testing.T) { check(t, dir, heads()) })
	t.Run("header cache deleted", func(t *testing.T) {
		os.RemoveAll(cacheDir)
		check(t, dir, heads())
	})
	t.Run("reload from the header cache", func(t *testing.T) {
		h := heads()
		check(t, dir, h)
		if h.hits.Load() == 0 {
			t.Error("nothing came from the header cache")
		}
	})
	t.Run("without the header cache", func(t *testing.T) { check(t, dir, nil) })
	t.Run("touched", func(t *testing.T) {
		later := time.Now().Add(time.Minute)
		filepath.WalkDir(dir, func(p string, _ os.DirEntry, _ error) error { return os.Chtimes(p, later, later) })
		check(t, dir, heads())
	})
	t.Run("re-saved unchanged", func(t *testing.T) {
		filepath.WalkDir(dir, func(p string, d os.DirEntry, _ error) error {
			if d.IsDir() {
				return nil
			}
			data, err := os.ReadFile(p)
			if err == nil {
				os.Remove(p)
				err = os.WriteFile(p, data, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
			return nil
		})
		check(t, dir, heads())
	})
	t.Run("directory moved and renamed", func(t *testing.T) {
		moved := filepath.Join(t.TempDir(), "archive", "renamed")
		if err := os.MkdirAll(filepath.Dir(moved), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(dir, moved); err != nil {
			t.Fatal(err)
		}
		defer os.Rename(moved, dir)
		check(t, moved, heads())
	})
}
