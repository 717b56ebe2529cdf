//go:build unix

package load

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// An article Keep refuses comes Skimmed, with only what names it; one it
// keeps comes whole. Keep is asked only of cached records, with the name
// a source gives its articles, and a skimmed load leaves the cache whole
// for the next load.
func TestKeepSkims(t *testing.T) {
	dir := t.TempDir()
	for i, title := range []string{"Coal deal signed", "Gas pipeline opens", "Talks in Samarkand"} {
		text := fmt.Sprintf("%s\n\nRussia | China | %dth January 2022 | Wire\n\nThe text of story %d.\n", title, 10+i, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.txt", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	heads := newHeadCache(t)
	src := Source{Location: dir, ArticleSource: "Desk"}
	whole, errs := loadJSON(t, &Loader{DropBodies: true, Heads: heads}, src)
	if len(whole) != 3 || len(errs) != 0 {
		t.Fatalf("first load: %d articles, %v", len(whole), errs)
	}

	var mu sync.Mutex
	var asked []string
	l := &Loader{DropBodies: true, Heads: heads, Keep: func(key, title, source string) bool {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, title+"|"+source)
		if key == "" {
			t.Errorf("%q: asked with no key", title)
		}
		return strings.Contains(title, "Gas")
	}}
	arts, lerrs := l.LoadAll(context.Background(), []Source{src})
	heads.Wait()
	if len(arts) != 3 || len(lerrs) != 0 || len(asked) != 3 {
		t.Fatalf("%d articles, %v, asked %q", len(arts), lerrs, asked)
	}
	for _, q := range asked {
		if !strings.HasSuffix(q, "|Desk") {
			t.Errorf("asked %q, not with the source's name", q)
		}
	}
	skimmed := 0
	for _, a := range arts {
		if !a.Skimmed {
			if a.Title != "Gas pipeline opens" || len(a.Tags) == 0 || a.Source != "Desk" {
				t.Errorf("%s: kept, but not whole: %+v", a.Location, a)
			}
			continue
		}
		skimmed++
		if a.Title != "" || a.Tags != nil || a.ID == "" || a.Key == "" || a.Date.IsZero() || a.File.IsZero() || !strings.HasPrefix(a.Location, dir) {
			t.Errorf("%s: skimmed as %+v", a.Location, a)
		}
	}
	if skimmed != 2 {
		t.Errorf("%d skimmed, want 2", skimmed)
	}

	before := heads.hits.Load()
	again, errs := loadJSON(t, &Loader{DropBodies: true, Heads: heads}, src)
	if len(errs) != 0 || len(again) != len(whole) {
		t.Fatalf("after a skimmed load: %d articles, %v", len(again), errs)
	}
	for k, v := range whole {
		if again[k] != v {
			t.Errorf("%s after a skimmed load:\n%s\nwant\n%s", k, again[k], v)
		}
	}
	if h := heads.hits.Load() - before; h != 3 {
		t.Errorf("the cache answered for %d files after a skimmed load, want all 3", h)
	}
}

// Skimmed articles come many to a result, each result of one source, and
// none is lost or passed twice.
func TestKeepSkimsTogether(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	sizes := []int{100, 3}
	for d, dir := range dirs {
		for i := range sizes[d] {
			text := fmt.Sprintf("Story %d of %d\n\nRussia | 10th January 2022 | Wire\n\nThe text.\n", i, d)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.txt", i)), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	heads := newHeadCache(t)
	srcs := []Source{{Location: dirs[0]}, {Location: dirs[1]}}
	if arts, errs := (&Loader{DropBodies: true, Heads: heads}).LoadAll(context.Background(), srcs); len(arts) != 103 || len(errs) != 0 {
		t.Fatalf("first load: %d articles, %v", len(arts), errs)
	}
	heads.Wait()
	l := &Loader{DropBodies: true, Heads: heads, Keep: func(key, title, source string) bool { return false }}
	seen := map[string]bool{}
	results := 0
	for r := range l.Load(context.Background(), srcs) {
		results++
		if r.Err != nil || r.Articles != nil || len(r.Skimmed) == 0 {
			t.Fatalf("result %+v, want skimmed articles alone", r)
		}
		for _, a := range r.Skimmed {
			if !a.Skimmed || !strings.HasPrefix(a.Location, r.Source+string(filepath.Separator)) || seen[a.Location] {
				t.Errorf("%s (skimmed %v) passed in a result of %s, or twice", a.Location, a.Skimmed, r.Source)
			}
			seen[a.Location] = true
		}
	}
	heads.Wait()
	if len(seen) != 103 || results >= 20 {
		t.Errorf("%d skimmed in %d results, want 103 in a few", len(seen), results)
	}
}
