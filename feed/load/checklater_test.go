//go:build unix

package load

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// With CheckLater, a file whose record the cache holds comes from its
// record without a look: one changed in place since comes as it was,
// and Stale names it once the load is over. Its record is dropped, so
// that the next load reads the file, as it reads a file added since.
func TestCheckLater(t *testing.T) {
	dir := lazyDir(t)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c, CheckLater: true}
	_, firstErrs := loadJSON(t, l, Source{Location: dir, Tags: []string{"Desk"}})
	if stale, err := l.Stale(context.Background()); err != nil || len(stale) != 0 {
		t.Fatalf("Stale after the first load: %v, %v", stale, err)
	}
	// The same size, so that only the stamp tells.
	path := filepath.Join(dir, "title-only.txt")
	if err := os.WriteFile(path, []byte("Just a tittle\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "new.txt"), []byte("A new article\n"))
	c.hits.Store(0)
	arts, errs := l.LoadAll(context.Background(), []Source{{Location: dir, Tags: []string{"Desk"}}})
	stale, err := l.Stale(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c.Wait()
	titles := map[string]string{}
	for _, a := range arts {
		titles[filepath.Base(a.Location)] = a.Title
	}
	if titles["title-only.txt"] != "Just a title" || titles["new.txt"] != "A new article" {
		t.Errorf("the changed file comes as recorded, the new one as written: %q", titles)
	}
	if len(stale) != 1 || stale[0].Location != path || !slices.Equal(stale[0].Tags, []string{"Desk"}) {
		t.Fatalf("Stale = %+v, want the changed file alone, as a source of the directory's", stale)
	}
	if h := c.hits.Load(); h != 5 || len(errs) != len(firstErrs) {
		t.Errorf("%d from the cache, want 5; errors %v, before %v", h, errs, firstErrs)
	}
	if again, err := l.Stale(context.Background()); err != nil || len(again) != 0 {
		t.Errorf("Stale names a file twice: %v, %v", again, err)
	}

	// The next load reads the changed file, and finds nothing stale.
	c.hits.Store(0)
	arts, _ = l.LoadAll(context.Background(), []Source{{Location: dir}})
	if stale, err := l.Stale(context.Background()); err != nil || len(stale) != 0 {
		t.Errorf("Stale after the file was read again: %v, %v", stale, err)
	}
	c.Wait()
	found := false
	for _, a := range arts {
		if a.Location == path {
			found = a.Title == "Just a tittle"
		}
	}
	if !found || c.hits.Load() != 5 {
		t.Errorf("the changed file read again: %v; %d from the cache, want the 5 cached before it", found, c.hits.Load())
	}
}

// A file removed between the listing and the look is stale too.
func TestCheckLaterRemoved(t *testing.T) {
	dir := lazyDir(t)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c, CheckLater: true}
	loadJSON(t, l, Source{Location: dir})
	path := filepath.Join(dir, "ref.txt")
	ch := l.Load(context.Background(), []Source{{Location: dir}})
	n := 0
	for range ch {
		if n++; n == 1 {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
		}
	}
	stale, err := l.Stale(context.Background())
	c.Wait()
	if err != nil || len(stale) != 1 || stale[0].Location != path {
		t.Errorf("Stale = %+v, %v; want %s", stale, err, path)
	}
}

// A load whose caller never asks Stale looks by itself, and writes its
// cache: nothing waits for the call.
func TestCheckLaterWithoutStale(t *testing.T) {
	defer func(d time.Duration) { laterWait = d }(laterWait)
	laterWait = 300 * time.Millisecond
	dir := lazyDir(t)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c, CheckLater: true}
	l.LoadAll(context.Background(), []Source{{Location: dir}})
	c.Wait()
	if err := os.WriteFile(filepath.Join(dir, "title-only.txt"), []byte("Just a tittle\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	l.LoadAll(context.Background(), []Source{{Location: dir}})
	c.Wait()
	if d := time.Since(start); d < laterWait/2 {
		t.Errorf("the cache was written %v after the load, before the look", d)
	}
	stale, err := l.Stale(context.Background())
	if err != nil || len(stale) != 1 {
		t.Errorf("what the load found itself: %+v, %v", stale, err)
	}
	// A cancelled load does not wait.
	ctx, cancel := context.WithCancel(context.Background())
	ch := l.Load(ctx, []Source{{Location: dir}})
	for range ch {
	}
	cancel()
	done := make(chan struct{})
	go func() { c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(laterWait / 2):
		t.Error("a cancelled load waited for the look")
	}
}

// A load that took no file unlooked, the first of a directory, writes
// its cache at once.
func TestCheckLaterFirstLoadWaitsForNothing(t *testing.T) {
	dir := lazyDir(t)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c, CheckLater: true}
	start := time.Now()
	l.LoadAll(context.Background(), []Source{{Location: dir}})
	c.Wait()
	if d := time.Since(start); d >= laterWait {
		t.Errorf("the first load wrote its cache after %v", d)
	}
	if c.misses.Load() == 0 {
		t.Error("nothing was read")
	}
}

// When the load changes nothing else, the cache's records are let go
// before the look; a file it finds stale is left out of the cache file
// all the same, and the others stay in it.
func TestCheckLaterReleased(t *testing.T) {
	dir := lazyDir(t)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c, CheckLater: true}
	loadJSON(t, l, Source{Location: dir})
	path := filepath.Join(dir, "sub", "geneva.txt")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), "Geneva", "Genf", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	c.hits.Store(0)
	c.misses.Store(0)
	l.LoadAll(context.Background(), []Source{{Location: dir}})
	read := c.misses.Load() // the files never cached: a feed, a file that fails
	stale, err := l.Stale(context.Background())
	c.Wait()
	if err != nil || len(stale) != 1 || stale[0].Location != path || c.hits.Load() != 5 {
		t.Fatalf("Stale = %+v, %v, after %d from the cache; want %s after 5", stale, err, c.hits.Load(), path)
	}
	c.hits.Store(0)
	c.misses.Store(0)
	arts, _ := l.LoadAll(context.Background(), []Source{{Location: dir}})
	l.Stale(context.Background())
	c.Wait()
	if c.hits.Load() != 4 || c.misses.Load() != read+1 {
		t.Errorf("%d from the cache and %d read, want 4, and the changed file with the %d never cached", c.hits.Load(), c.misses.Load(), read)
	}
	for _, a := range arts {
		if a.Location == path && !strings.Contains(a.Title, "Genf") {
			t.Errorf("the changed file reads %q", a.Title)
		}
	}
}

// A load that delivered its last article writes its cache even when its
// context ends before the look: the files it read are not read again.
func TestCheckLaterCancelledBeforeTheLook(t *testing.T) {
	dir := lazyDir(t)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c, CheckLater: true}
	loadJSON(t, l, Source{Location: dir})
	writeFile(t, filepath.Join(dir, "new.txt"), []byte("A new article\n"))
	ctx, cancel := context.WithCancel(context.Background())
	for range l.Load(ctx, []Source{{Location: dir}}) {
	}
	cancel()
	c.Wait()
	c.hits.Store(0)
	l.CheckLater = false
	loadJSON(t, l, Source{Location: dir})
	if h := c.hits.Load(); h != 6 {
		t.Errorf("%d from the cache, want the 5 cached before and the new file", h)
	}
}
