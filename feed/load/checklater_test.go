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
	stale, err := staleAfter(t, l, dir, func() error { return os.Remove(path) })
	if err != nil || len(stale) != 1 || stale[0].Location != path {
		t.Errorf("Stale = %+v, %v; want %s", stale, err, path)
	}
}

// staleAfter loads dir again with l, calls change as the first result
// comes, and returns what Stale names once the load is over, its cache
// written.
func staleAfter(t *testing.T, l *Loader, dir string, change func() error) ([]Source, error) {
	t.Helper()
	ch := l.Load(context.Background(), []Source{{Location: dir}})
	n := 0
	for range ch {
		if n++; n == 1 {
			if err := change(); err != nil {
				t.Fatal(err)
			}
		}
	}
	stale, err := l.Stale(context.Background())
	l.Heads.Wait()
	return stale, err
}

// The look finds the files changed, and those alone, however the
// directory is named: by an absolute path, relative to the working
// directory, as ".", with a trailing separator, or through a link. It
// looks at each file through the directory, opened once, and by its path
// when the directory cannot be opened: one removed whole leaves every
// file stale.
func TestCheckLaterLooksThroughTheDirectory(t *testing.T) {
	changeSameSize := func(t *testing.T, path string) {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(strings.Replace(string(data), "Geneva", "Genf!", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		// at names the directory, from the directory above it.
		at func(t *testing.T, dir string) string
	}{
		{"absolute", func(t *testing.T, dir string) string { return dir }},
		{"relative", func(t *testing.T, dir string) string { return filepath.Join(filepath.Base(dir), ".") }},
		{"dot", func(t *testing.T, dir string) string { t.Chdir(dir); return "." }},
		{"trailing separator", func(t *testing.T, dir string) string { return dir + string(filepath.Separator) }},
		{"link", func(t *testing.T, dir string) string {
			link := filepath.Join(t.TempDir(), "news")
			if err := os.Symlink(dir, link); err != nil {
				t.Fatal(err)
			}
			return link
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := lazyDir(t)
			t.Chdir(filepath.Dir(dir))
			at := tc.at(t, dir)
			c := newHeadCache(t)
			l := &Loader{DropBodies: true, Heads: c, CheckLater: true}
			loadJSON(t, l, Source{Location: at})
			changeSameSize(t, filepath.Join(dir, "sub", "geneva.txt"))
			changeSameSize(t, filepath.Join(dir, "ref.txt"))
			l.LoadAll(context.Background(), []Source{{Location: at}})
			stale, err := l.Stale(context.Background())
			c.Wait()
			var got []string
			for _, s := range stale {
				got = append(got, s.Location)
			}
			slices.Sort(got)
			want := []string{filepath.Join(at, "ref.txt"), filepath.Join(at, "sub", "geneva.txt")}
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("Stale = %q, %v; want %q", got, err, want)
			}
		})
	}
	t.Run("removed", func(t *testing.T) {
		dir := lazyDir(t)
		c := newHeadCache(t)
		l := &Loader{DropBodies: true, Heads: c, CheckLater: true}
		loadJSON(t, l, Source{Location: dir})
		c.hits.Store(0)
		stale, err := staleAfter(t, l, dir, func() error { return os.RemoveAll(dir) })
		if err != nil || int64(len(stale)) != c.hits.Load() || len(stale) < 4 {
			t.Errorf("Stale = %+v, %v; want the %d files taken from the cache", stale, err, c.hits.Load())
		}
	})
}

// Looked waits for the looks of the loads started so far, whoever asks
// for them, and takes nothing Stale returns; it waits no longer than it
// is told to for a look that waits for the caller's watch.
func TestLooked(t *testing.T) {
	dir := lazyDir(t)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c, CheckLater: true}
	// A first load takes nothing unlooked.
	loadJSON(t, l, Source{Location: dir})
	start := time.Now()
	l.Looked(context.Background(), time.Minute)
	if d := time.Since(start); d > laterWait/2 {
		t.Fatalf("Looked waited %v with no look to wait for", d)
	}
	path := filepath.Join(dir, "title-only.txt")
	l.LoadAll(context.Background(), []Source{{Location: dir}})
	if err := os.WriteFile(path, []byte("Just a tittle\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const after = 100 * time.Millisecond
	asked := make(chan []Source, 1)
	go func() {
		time.Sleep(after)
		stale, _ := l.Stale(context.Background())
		asked <- stale
	}()
	start = time.Now()
	l.Looked(context.Background(), time.Minute)
	// The load looks by itself after laterWait, unasked.
	if d := time.Since(start); d < after || d > laterWait/2 {
		t.Errorf("Looked returned after %v; want it when Stale had the look done, after %v", d, after)
	}
	if stale := <-asked; len(stale) != 1 || stale[0].Location != path {
		t.Errorf("Stale = %+v beside Looked; want %s", stale, path)
	}
	c.Wait()

	// A look that waits for a watch never in place.
	l = &Loader{DropBodies: true, Heads: c, CheckLater: true, WatchLater: true}
	l.LoadAll(context.Background(), []Source{{Location: dir}})
	start = time.Now()
	l.Looked(context.Background(), 50*time.Millisecond)
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("Looked returned after %v, with the look waiting for the watch", d)
	}
	l.Watched()
	if _, err := l.Stale(context.Background()); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	l.Looked(context.Background(), time.Minute)
	if d := time.Since(start); d > laterWait/2 {
		t.Errorf("Looked waited %v for a look done", d)
	}
	c.Wait()
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

// With WatchLater, the files a load reads before the caller's watch is in
// place are looked at again once it is: a file changed in place or
// removed between its read and the watch is named by Stale, as the files
// taken from their records unlooked are, and the look waits for Watched.
// A file read once the watch is in place is left to the watch.
func TestWatchLater(t *testing.T) {
	ctx := context.Background()
	dir := lazyDir(t)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c, CheckLater: true, WatchLater: true}
	if !l.WatchesLater() || (&Loader{DropBodies: true, CheckLater: true, WatchLater: true}).WatchesLater() {
		t.Fatal("WatchesLater wants WatchLater, CheckLater, DropBodies and Heads")
	}
	// A first load: every file is read, none taken from a record.
	l.LoadAll(ctx, []Source{{Location: dir}})
	changed := filepath.Join(dir, "title-only.txt")
	if err := os.WriteFile(changed, []byte("Just a tittle\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	removed := filepath.Join(dir, "fisheries.md")
	if err := os.Remove(removed); err != nil {
		t.Fatal(err)
	}
	// A feed of several articles has no record: it is looked at all the
	// same.
	feedFile := filepath.Join(dir, "world.rss")
	now := time.Now()
	if err := os.Chtimes(feedFile, now, now); err != nil {
		t.Fatal(err)
	}
	got := make(chan []Source, 1)
	go func() {
		stale, err := l.Stale(ctx)
		if err != nil {
			t.Error(err)
		}
		got <- stale
	}()
	select {
	case stale := <-got:
		t.Fatalf("the files were looked at before the watch was in place: %+v", stale)
	case <-time.After(100 * time.Millisecond):
	}
	// Changed after Stale was asked, and before the watch: found too.
	late := filepath.Join(dir, "sub", "geneva.txt")
	appendParagraph(t, late)
	l.Watched()
	l.Watched() // twice does no harm
	var names []string
	for _, s := range <-got {
		names = append(names, s.Location)
	}
	slices.Sort(names)
	// The directory itself too: a file was removed from it.
	if want := []string{changed, removed, late, feedFile, dir}; !slices.Equal(names, sortedCopy(want)) {
		t.Errorf("Stale = %q, want %q", names, sortedCopy(want))
	}
	c.Wait()

	// That load took nothing from a record, and wrote its cache at once:
	// the records of the files found changed are outdated, and the next
	// load takes them, as it would the record of any file changed since,
	// and names them once it has looked. A load that takes records waits
	// for its look to write its cache: the record of a file it read, found
	// changed, is followed by a tombstone, and the next load reads it.
	l2 := &Loader{DropBodies: true, Heads: c, CheckLater: true, WatchLater: true}
	added := filepath.Join(dir, "added.txt")
	writeFile(t, added, []byte("An added article\n"))
	c.hits.Store(0)
	l2.LoadAll(ctx, []Source{{Location: dir}})
	if err := os.WriteFile(added, []byte("An added article, changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l2.Watched()
	names = names[:0]
	stale, err := l2.Stale(ctx)
	for _, s := range stale {
		names = append(names, s.Location)
	}
	slices.Sort(names)
	if want := sortedCopy([]string{changed, late, added}); err != nil || !slices.Equal(names, want) || c.hits.Load() != 4 {
		t.Errorf("Stale = %q, %v, want %q; %d from the cache, want 4", names, err, want, c.hits.Load())
	}
	c.Wait()

	// With the watch in place, a load reads those files as they are, and
	// does not look at them again: the watch tells of their changes.
	l3 := &Loader{DropBodies: true, Heads: c, CheckLater: true, WatchLater: true}
	l3.Watched()
	c.hits.Store(0)
	arts, _ := l3.LoadAll(ctx, []Source{{Location: dir}})
	titles := map[string]string{}
	for _, a := range arts {
		titles[a.Location] = a.Title
	}
	if titles[changed] != "Just a tittle" || titles[added] != "An added article, changed" || c.hits.Load() != 2 {
		t.Errorf("read again: %q and %q; %d from the cache, want 2 (ref.txt, election.html)", titles[changed], titles[added], c.hits.Load())
	}
	if err := os.WriteFile(changed, []byte("Just a title!\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if stale, err := l3.Stale(ctx); err != nil || len(stale) != 0 {
		t.Errorf("a file read with the watch in place was looked at again: %+v, %v", stale, err)
	}
	c.Wait()
}

// appendParagraph changes the file at path in place.
func appendParagraph(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("\nOne more paragraph.\n"); err != nil {
		t.Fatal(err)
	}
}

func sortedCopy(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// With WatchLater, a directory a load listed before the caller's watch
// was in place is looked at again once it is: a file added to it, or to
// a directory under it, since its listing began makes Stale name the
// source itself, to be read again whole; a directory left alone, and one
// listed with the watch in place, name nothing.
func TestWatchLaterListing(t *testing.T) {
	ctx := context.Background()
	dir := lazyDir(t)
	link := filepath.Join(t.TempDir(), "news")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	heads := newHeadCache(t)
	for _, c := range []struct {
		name    string
		watched bool
		add     string
		want    []string
		through string
	}{
		{"nothing added", false, "", nil, ""},
		{"nothing added, through a link", false, "", nil, link},
		{"a file added, through a link", false, "new-too.txt", []string{link}, link},
		{"a file added under it", false, filepath.Join("sub", "new.txt"), []string{dir}, ""},
		{"a file added to it", false, "new.txt", []string{dir}, ""},
		{"a file added with the watch in place", true, "newer.txt", nil, ""},
	} {
		l := &Loader{DropBodies: true, Heads: heads, CheckLater: true, WatchLater: true}
		if c.watched {
			l.Watched()
		}
		src := dir
		if c.through != "" {
			src = c.through
		}
		l.LoadAll(ctx, []Source{{Location: src}})
		if c.add != "" {
			writeFile(t, filepath.Join(dir, c.add), []byte("A new article\n"))
		}
		l.Watched()
		stale, err := l.Stale(ctx)
		var names []string
		for _, s := range stale {
			if s.Location == src {
				names = append(names, s.Location)
			}
		}
		if err != nil || !slices.Equal(names, c.want) {
			t.Errorf("%s: Stale names %q, %v; want %q", c.name, names, err, c.want)
		}
		heads.Wait()
	}
}

// A file whose record a load takes and then reads again, to detect its
// countries, is looked at once after the watch, through its record, and
// named once when it changed.
func TestWatchLaterNamesOnce(t *testing.T) {
	ctx := context.Background()
	dir := lazyDir(t)
	c := newHeadCache(t)
	(&Loader{DropBodies: true, Heads: c, LazyDetect: true}).LoadAll(ctx, []Source{{Location: dir}})
	c.Wait()
	l := &Loader{DropBodies: true, Heads: c, CheckLater: true, WatchLater: true}
	arts, _ := l.LoadAll(ctx, []Source{{Location: dir}})
	ref := filepath.Join(dir, "ref.txt")
	for _, a := range arts {
		if a.Location == ref && a.Undetected {
			t.Fatal("the record of a lazy load came undetected")
		}
	}
	appendParagraph(t, ref)
	l.Watched()
	stale, err := l.Stale(ctx)
	n := 0
	for _, s := range stale {
		if s.Location == ref {
			n++
		}
	}
	if err != nil || n != 1 {
		t.Errorf("the changed file named %d times (%+v, %v), want once", n, stale, err)
	}
	c.Wait()
}
