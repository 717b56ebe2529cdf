//go:build unix

package load

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/safefile"
)

// lazyDir fills a directory with one file of every kind a directory may
// hold: articles in each single-article format, a feed of several, a
// title-only article, a file that is not text, and a link to an article.
func lazyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyFile := func(from, to string) {
		t.Helper()
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("../../testdata/sample/000_c5e2517048094a15.txt", filepath.Join(dir, "ref.txt"))
	copyFile("../../testdata/sample/001_geneva-security-talks.txt", filepath.Join(dir, "sub", "geneva.txt"))
	copyFile("../../testdata/feeds/fisheries-talks.md", filepath.Join(dir, "fisheries.md"))
	copyFile("../../testdata/feeds/election-page.html", filepath.Join(dir, "election.html"))
	copyFile("../../testdata/feeds/world-desk.rss", filepath.Join(dir, "world.rss"))
	if err := os.WriteFile(filepath.Join(dir, "title-only.txt"), []byte("Just a title\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "binary.txt"), []byte("PNG\x00\x01\x02"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("ref.txt", filepath.Join(dir, "alias.txt")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// loadJSON loads sources and returns the articles' JSON without bodies,
// by location, and the error messages.
func loadJSON(t *testing.T, l *Loader, srcs ...Source) (map[string]string, []string) {
	t.Helper()
	arts, errs := l.LoadAll(context.Background(), srcs)
	if l.Heads != nil {
		l.Heads.Wait()
	}
	out := map[string]string{}
	for _, a := range arts {
		data, err := json.Marshal(a.ToJSON(false))
		if err != nil {
			t.Fatal(err)
		}
		key := a.Location + "#" + a.ID
		if _, dup := out[key]; dup {
			t.Fatalf("%s loaded twice", key)
		}
		out[key] = string(data)
	}
	var msgs []string
	for _, err := range errs {
		msgs = append(msgs, err.Error())
	}
	slices.Sort(msgs)
	return out, msgs
}

// newHeadCache returns a cache in a fresh directory whose clock runs an
// hour ahead, so that files just written count as settled.
// onlyCacheFile returns the path of c's one cache file, and fails the
// test when there is not exactly one.
func onlyCacheFile(t *testing.T, c *HeadCache) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(c.Dir, "heads", "*"))
	if err != nil || len(files) != 1 {
		t.Fatalf("cache files %v, %v", files, err)
	}
	return files[0]
}

func newHeadCache(t *testing.T) *HeadCache {
	t.Helper()
	return &HeadCache{Dir: t.TempDir(), Build: "test", now: func() time.Time { return time.Now().Add(time.Hour) }}
}

// Dropping bodies changes nothing but the bodies: every other field is
// what a full load gives, and Body gives the body back. Feeds keep theirs.
func TestDropBodies(t *testing.T) {
	dir := lazyDir(t)
	src := Source{Location: dir, Tags: []string{"Mine"}}
	full, fullErrs := (&Loader{}).LoadAll(context.Background(), []Source{src})
	l := &Loader{DropBodies: true}
	slim, slimErrs := l.LoadAll(context.Background(), []Source{src})
	if len(full) != len(slim) || len(full) < 8 || len(fullErrs) != 1 || len(slimErrs) != 1 {
		t.Fatalf("%d and %d articles, errors %v and %v", len(full), len(slim), fullErrs, slimErrs)
	}
	byID := map[string]*feed.Article{}
	for _, a := range full {
		byID[a.ID] = a
	}
	dropped := 0
	for _, a := range slim {
		want := byID[a.ID]
		if want == nil {
			t.Fatalf("%s: not in the full load", a.Location)
		}
		if !slices.ContainsFunc(a.Tags, func(t feed.Tag) bool { return t.Name == "Mine" }) {
			t.Errorf("%s: the source's tag is missing", a.Location)
		}
		// Feed items are at their URLs; a file reached through a link keeps
		// its body, since Body never follows links.
		single := !strings.HasPrefix(a.Location, "https://") && !strings.HasSuffix(a.Location, "alias.txt")
		switch {
		case single && a.Body != nil:
			t.Errorf("%s: body kept", a.Location)
		case !single && !reflect.DeepEqual(a.Body, want.Body):
			t.Errorf("%s: a feed's body was dropped", a.Location)
		}
		got, err := l.Body(context.Background(), a)
		if err != nil {
			t.Fatalf("%s: Body: %v", a.Location, err)
		}
		if a.Body == nil {
			dropped++
			if got == a || a.Body != nil {
				t.Errorf("%s: Body changed the article in place", a.Location)
			}
		}
		if len(want.Body) == 0 && got.Body == nil {
			t.Errorf("%s: an article without text has a nil body, which means left out", a.Location)
		}
		if len(want.Body) == 0 {
			got.Body = want.Body
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: with its body again:\n%+v\nwant\n%+v", a.Location, got, want)
		}
	}
	if dropped != 5 {
		t.Errorf("%d bodies dropped, want every single-article file's", dropped)
	}
}

// Dropping footnotes leaves out the footnotes and images of the articles
// whose bodies are left out, and nothing else, whether they come from
// their files or the header cache; Body gives them back, and the cache a
// load without footnotes writes keeps them for the next load that wants
// them.
func TestDropFootnotes(t *testing.T) {
	dir := lazyDir(t)
	src := Source{Location: dir}
	want, _ := (&Loader{DropBodies: true}).LoadAll(context.Background(), []Source{src})
	wantJSON, _ := loadJSON(t, &Loader{DropBodies: true}, src)
	byLocation := map[string]*feed.Article{}
	withImages := 0
	for _, a := range want {
		byLocation[a.Location+"#"+a.ID] = a
		if a.Body == nil && len(a.Images) > 0 {
			withImages++
		}
	}
	if withImages == 0 {
		t.Fatal("no article of the directory has images to drop")
	}
	c := newHeadCache(t)
	for _, launch := range []string{"files", "cache"} {
		l := &Loader{DropBodies: true, DropFootnotes: true, Heads: c}
		got, _ := l.LoadAll(context.Background(), []Source{src})
		c.Wait()
		if len(got) != len(want) {
			t.Fatalf("%s: %d articles, want %d", launch, len(got), len(want))
		}
		for _, a := range got {
			key := a.Location + "#" + a.ID
			w := byLocation[key]
			if w == nil {
				t.Fatalf("%s: %s not in the plain load", launch, a.Location)
			}
			if w.Body != nil {
				if !reflect.DeepEqual(a.Refs, w.Refs) || !reflect.DeepEqual(a.Images, w.Images) {
					t.Errorf("%s: %s, whose body is kept, lost its footnotes", launch, a.Location)
				}
				continue
			}
			if a.Refs != nil || a.Images != nil {
				t.Errorf("%s: %s keeps footnotes %v and images %v", launch, a.Location, a.Refs, a.Images)
			}
			// All else is as a plain load has it.
			with := *a
			with.Images = w.Images
			data, err := json.Marshal(with.ToJSON(false))
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != wantJSON[key] {
				t.Errorf("%s: %s:\n%s\nwant\n%s", launch, a.Location, data, wantJSON[key])
			}
			full, err := l.Body(context.Background(), a)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(full.Refs, w.Refs) || !reflect.DeepEqual(full.Images, w.Images) {
				t.Errorf("%s: %s: Body gives footnotes %v and images %v, want %v and %v", launch, a.Location, full.Refs, full.Images, w.Refs, w.Images)
			}
		}
	}
	if c.hits.Load() == 0 {
		t.Fatal("no load took anything from the cache")
	}
	got, _ := (&Loader{DropBodies: true, Heads: c}).LoadAll(context.Background(), []Source{src})
	for _, a := range got {
		w := byLocation[a.Location+"#"+a.ID]
		if len(a.Refs) != len(w.Refs) || !reflect.DeepEqual(a.Images, w.Images) {
			t.Errorf("from the cache, wanting footnotes: %s has %v and %v, want %v and %v", a.Location, a.Refs, a.Images, w.Refs, w.Images)
		}
	}
}

// Body reports a file that went away, naming it, and never reads a file
// an article did not come from.
func TestBodyErrors(t *testing.T) {
	dir := lazyDir(t)
	l := &Loader{DropBodies: true}
	arts, _ := l.LoadAll(context.Background(), []Source{{Location: dir}})
	var ref *feed.Article
	for _, a := range arts {
		if strings.HasSuffix(a.Location, "ref.txt") {
			ref = a
		}
	}
	if ref == nil {
		t.Fatal("no ref.txt")
	}
	if err := os.Remove(filepath.Join(dir, "ref.txt")); err != nil {
		t.Fatal(err)
	}
	_, err := l.Body(context.Background(), ref)
	if err == nil || !strings.Contains(err.Error(), "ref.txt") || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("Body of a removed file: %v", err)
	}
	// A link put in its place is not followed.
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("Secret\n\nroot:x:0:0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "ref.txt")); err != nil {
		t.Fatal(err)
	}
	got, err := l.Body(context.Background(), ref)
	if err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Body through a link put in the file's place: %v, %v", got, err)
	}
	for _, loc := range []string{"-", "https://example.com/a", ""} {
		a := &feed.Article{Location: loc}
		if got, err := l.Body(context.Background(), a); got != a || err != nil {
			t.Errorf("Body(%q) = %v, %v; want the article as it is", loc, got, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Body(ctx, &feed.Article{Location: filepath.Join(dir, "sub", "geneva.txt")}); err == nil {
		t.Error("Body ignored a cancelled context")
	}
}

// The cache gives exactly what parsing gives, the second time without
// reading a single article file; it is written once, readable only by
// the user, and not again while nothing changes.
func TestHeadCacheSame(t *testing.T) {
	dir := lazyDir(t)
	src := Source{Location: dir, Tags: []string{"Mine"}}
	want, wantErrs := loadJSON(t, &Loader{DropBodies: true}, src)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c}
	for i := range 3 {
		got, errs := loadJSON(t, l, src)
		if !reflect.DeepEqual(got, want) || !slices.Equal(errs, wantErrs) {
			t.Fatalf("load %d from the cache:\n%v\n%v\nwant\n%v\n%v", i, got, errs, want, wantErrs)
		}
	}
	// ref.txt, geneva.txt, fisheries.md, election.html and title-only.txt,
	// twice: not the feed, the link or the file that is not text.
	if h := c.hits.Load(); h != 10 {
		t.Errorf("%d articles from the cache, want 10", h)
	}
	file := onlyCacheFile(t, c)
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode %v", fi.Mode())
	}
	before := fi.ModTime()
	time.Sleep(10 * time.Millisecond)
	loadJSON(t, l, src)
	if fi, err := os.Stat(file); err != nil || !fi.ModTime().Equal(before) {
		t.Errorf("the cache was written again with nothing changed")
	}
}

// A file that changes, appears or goes is read again or forgotten; the
// others still come from the cache.
func TestHeadCacheChanges(t *testing.T) {
	dir := lazyDir(t)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c}
	loadJSON(t, l, Source{Location: dir})
	// The same size, so that only the times and contents tell.
	writeStory(t, dir, "title-only.txt", "Changed title")
	writeStory(t, dir, "new.txt", "A new article")
	if err := os.Remove(filepath.Join(dir, "sub", "geneva.txt")); err != nil {
		t.Fatal(err)
	}
	c.hits.Store(0)
	got, _ := loadJSON(t, l, Source{Location: dir})
	titles := ""
	for _, j := range got {
		titles += j + "\n"
	}
	if !strings.Contains(titles, "Changed title") || !strings.Contains(titles, "A new article") ||
		strings.Contains(titles, "Just a title") || strings.Contains(titles, "Geneva") {
		t.Errorf("after the changes:\n%s", titles)
	}
	if h := c.hits.Load(); h != 3 {
		t.Errorf("%d from the cache, want ref.txt, fisheries.md and election.html", h)
	}
	want, _ := loadJSON(t, &Loader{DropBodies: true}, Source{Location: dir})
	c.hits.Store(0)
	if again, _ := loadJSON(t, l, Source{Location: dir}); !reflect.DeepEqual(again, want) || c.hits.Load() != 5 {
		t.Errorf("the rewritten cache gives %d from the cache:\n%v\nwant\n%v", c.hits.Load(), again, want)
	}
}

// A file changed within racyWindow of the load may change again unseen
// within the file system's time resolution: it is read, not cached.
func TestHeadCacheRacy(t *testing.T) {
	dir := lazyDir(t)
	c := &HeadCache{Dir: t.TempDir(), Build: "test"}
	l := &Loader{DropBodies: true, Heads: c}
	loadJSON(t, l, Source{Location: dir})
	loadJSON(t, l, Source{Location: dir})
	if h := c.hits.Load(); h != 0 {
		t.Errorf("%d files just written came from the cache", h)
	}
}

// The cache file is read as hostile input: damage of any kind, a record
// with a control character or a bad URL, a cache of another build or of
// another directory, or something that is not a file at all, costs a
// reading of the articles and never an error, a wrong article or a hang.
func TestHeadCacheDamaged(t *testing.T) {
	dir := lazyDir(t)
	want, wantErrs := loadJSON(t, &Loader{DropBodies: true}, Source{Location: dir})
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c}
	loadJSON(t, l, Source{Location: dir})
	file := onlyCacheFile(t, c)
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// resum puts a valid checksum on a changed file, as an attacker would.
	resum := func(b []byte) []byte {
		b = slices.Clone(b)
		start := len(headsMagic) + 4
		binary.LittleEndian.PutUint32(b[start-4:], crc32.Checksum(b[start:], crcTable))
		return b
	}
	title := []byte("Putin and Xi")
	at := strings.Index(string(good), string(title))
	if at < 0 {
		t.Fatal("no title in the cache file")
	}
	escaped := slices.Clone(good)
	escaped[at] = 0x1b
	url := strings.Index(string(good), "https://")
	badURL := slices.Clone(good)
	copy(badURL[url:], "javascri")
	cases := map[string][]byte{
		"empty":       {},
		"magic only":  []byte(headsMagic),
		"truncated":   good[:len(good)/2],
		"flipped":     append(slices.Clone(good[:len(good)-9]), good[len(good)-9]^0x40),
		"garbage":     []byte(strings.Repeat("\xff", 5000)),
		"escape":      resum(escaped),
		"bad url":     resum(badURL),
		"huge length": resum(append(slices.Clone(good), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)),
	}
	check := func(name string) {
		t.Helper()
		got, errs := loadJSON(t, l, Source{Location: dir})
		if !reflect.DeepEqual(got, want) || !slices.Equal(errs, wantErrs) {
			t.Errorf("%s: got\n%v\n%v\nwant\n%v\n%v", name, got, errs, want, wantErrs)
		}
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(file, data, 0o600); err != nil {
				t.Fatal(err)
			}
			c.hits.Store(0)
			check(name)
			if name == "escape" || name == "bad url" {
				// One record refused: the other four still serve.
				if h := c.hits.Load(); h != 4 {
					t.Errorf("%d from the cache, want the 4 good records", h)
				}
			}
			// It was written anew, whole.
			c.hits.Store(0)
			check(name + ", then")
			if h := c.hits.Load(); h != 5 {
				t.Errorf("%d from the cache after it was rewritten, want 5", h)
			}
		})
	}
	t.Run("another build", func(t *testing.T) {
		c2 := &HeadCache{Dir: c.Dir, Build: "other", now: c.now}
		loadJSON(t, &Loader{DropBodies: true, Heads: c2}, Source{Location: dir})
		if h := c2.hits.Load(); h != 0 {
			t.Errorf("%d from another build's cache", h)
		}
	})
	t.Run("not a file", func(t *testing.T) {
		if err := os.Remove(file); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(file, 0o600); err != nil {
			t.Skip("no FIFOs here:", err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			check("fifo")
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("a FIFO in place of the cache file blocked the load")
		}
	})
}

// A cache too big to read before the directory is read beside it: with
// FirstRows the first files are read from their files meanwhile, the rest
// wait for it; without, all wait and come from it; the result is the
// same. Files read early that had not changed do not make the cache be
// written again.
func TestHeadCacheLarge(t *testing.T) {
	const n = 1200
	dir := largeDir(t, n)
	want, _ := loadJSON(t, &Loader{DropBodies: true}, Source{Location: dir})
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c}
	loadJSON(t, l, Source{Location: dir})
	file := onlyCacheFile(t, c)
	fi, err := os.Stat(file)
	if err != nil || fi.Size() <= max(syncHeads, 2*bodyBlock) {
		t.Fatalf("cache of %d bytes, want more than %d: %v", fi.Size(), max(syncHeads, 2*bodyBlock), err)
	}
	for i := range 4 {
		l.FirstRows = i%2 == 0
		c.hits.Store(0)
		got, _ := loadJSON(t, l, Source{Location: dir})
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("load %d from the cache differs", i)
		}
		least := int64(n)
		if l.FirstRows {
			least = n - maxEarly
		}
		if h := c.hits.Load(); h < least {
			t.Errorf("load %d (first rows %v): %d from the cache, want at least %d", i, l.FirstRows, h, least)
		}
		if again, err := os.Stat(file); err != nil || !again.ModTime().Equal(fi.ModTime()) {
			t.Errorf("load %d wrote the cache again, with nothing changed", i)
		}
		if !c.Unchanged(dir) {
			t.Errorf("load %d (first rows %v) did not find the directory unchanged", i, l.FirstRows)
		}
	}
}

// largeDir writes n articles whose records, with their many footnotes,
// make a cache file too large to read before the directory is listed.
func largeDir(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		title := fmt.Sprintf("Article %d about Russia and China, with a title long enough to fill the cache", i)
		body := strings.Repeat("Officials in Geneva described the talks as constructive. ", 3)
		var pics strings.Builder
		for p := range 20 {
			fmt.Fprintf(&pics, "Picture -https://example.com/photos/2022/01/%d-%d-a-long-file-name-for-a-picture.jpg\n\n", i, p)
		}
		data := fmt.Sprintf("%s\n\nRussia | China | 17 January 2022 | Wire\n\n%s%s\n", title, pics.String(), body)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.txt", i)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// While a large cache file is read, the workers hold the batches that
// wait for it and look at their files meanwhile; what they found then
// decides, as a look at lookup would: a file changed before the load is
// read again, the others come from the cache, and the articles are those
// of a load with no cache. A load that looks later holds nothing.
func TestHeadCacheLooksAhead(t *testing.T) {
	const n = 600
	dir := largeDir(t, n)
	c := newHeadCache(t)
	loadJSON(t, &Loader{DropBodies: true, Heads: c}, Source{Location: dir})
	changed := filepath.Join(dir, "0007.txt")
	if err := os.WriteFile(changed, []byte("Article 7, rewritten\n\nChina | 18 January 2022 | Wire\n\nNew text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want, _ := loadJSON(t, &Loader{DropBodies: true}, Source{Location: dir})
	c.hits.Store(0)
	c.gate = make(chan struct{})
	l := &Loader{DropBodies: true, Heads: c}
	results := l.Load(context.Background(), []Source{{Location: dir}})
	deadline := time.Now().Add(30 * time.Second)
	for c.looksAhead.Load() < n {
		if time.Now().After(deadline) {
			close(c.gate)
			t.Fatalf("%d files looked at while the cache waited, want %d", c.looksAhead.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
	close(c.gate)
	arts, errs := Collect(results)
	c.Wait()
	if len(errs) > 0 || len(arts) != n {
		t.Fatalf("%d articles, errors %v", len(arts), errs)
	}
	for _, a := range arts {
		data, err := json.Marshal(a.ToJSON(false))
		if err != nil {
			t.Fatal(err)
		}
		if w := want[a.Location+"#"+a.ID]; string(data) != w {
			t.Errorf("%s:\n%s\nwant\n%s", a.Location, data, w)
		}
	}
	if h := c.hits.Load(); h != n-1 {
		t.Errorf("%d from the cache, want all but the changed file: %d", h, n-1)
	}

	c.looksAhead.Store(0)
	c.gate = make(chan struct{})
	later := &Loader{DropBodies: true, Heads: c, CheckLater: true}
	results = later.Load(context.Background(), []Source{{Location: dir}})
	time.Sleep(50 * time.Millisecond)
	close(c.gate)
	if arts, _ := Collect(results); len(arts) != n {
		t.Fatalf("looking later: %d articles", len(arts))
	}
	if _, err := later.Stale(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	if k := c.looksAhead.Load(); k != 0 {
		t.Errorf("looking later, %d files looked at ahead", k)
	}
}

// The cache is written after the last article is out, and Wait waits for
// it. A load cancelled part way leaves no temporary file behind, and a
// temporary file a killed program left is removed once it is old.
func TestHeadCacheWriteAfterLoad(t *testing.T) {
	dir := t.TempDir()
	for i := range 300 {
		data := fmt.Sprintf("Article %d\n\nRussia | 17 January 2022 | Wire\n\nText %d.\n", i, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%03d.txt", i)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	leftovers := func(c *HeadCache) []string {
		names, _ := filepath.Glob(filepath.Join(c.Dir, "heads", ".tmp-*"))
		return names
	}

	c := newHeadCache(t)
	heads := filepath.Join(c.Dir, "heads")
	if err := os.MkdirAll(heads, 0o700); err != nil {
		t.Fatal(err)
	}
	prefix := ".tmp-" + filepath.Base(c.file(dir)) + "-"
	stale, fresh := filepath.Join(heads, prefix+"killed"), filepath.Join(heads, prefix+"running")
	for _, name := range []string{stale, fresh} {
		if err := os.WriteFile(name, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * safefile.StaleTemp)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	l := &Loader{DropBodies: true, Heads: c}
	n := 0
	for r := range l.Load(context.Background(), []Source{{Location: dir}}) {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		n += len(r.Articles)
	}
	c.Wait()
	if n != 300 {
		t.Fatalf("%d articles", n)
	}
	if _, err := os.Stat(c.file(dir)); err != nil {
		t.Fatalf("no cache after Wait: %v", err)
	}
	if got := leftovers(c); !slices.Equal(got, []string{fresh}) {
		t.Errorf("temporary files %v, want only the recent one %s", got, fresh)
	}
	c.hits.Store(0)
	loadJSON(t, l, Source{Location: dir})
	if h := c.hits.Load(); h != 300 {
		t.Errorf("%d articles from the cache, want 300", h)
	}

	for range 20 {
		c := newHeadCache(t)
		l := &Loader{DropBodies: true, Heads: c}
		ctx, cancel := context.WithCancel(context.Background())
		ch := l.Load(ctx, []Source{{Location: dir}})
		<-ch
		cancel()
		for range ch {
		}
		c.Wait()
		if got := leftovers(c); len(got) > 0 {
			t.Fatalf("a cancelled load left %v", got)
		}
		if _, err := os.Stat(c.file(dir)); err == nil {
			// The load was over before it was cancelled: its cache is whole.
			c.hits.Store(0)
			loadJSON(t, &Loader{DropBodies: true, Heads: c}, Source{Location: dir})
			if h := c.hits.Load(); h != 300 {
				t.Fatalf("%d articles from the cache of a load cancelled at its end", h)
			}
		}
	}
}

// fill keeps the last of the records with one key, as a map filled in
// the file's order would, and hands on the map once its input ends.
func TestFillHeads(t *testing.T) {
	in := make(chan []keyedRecord, 2)
	out := make(chan map[uint64]*headRecord, 1)
	a, b, c := &headRecord{body: "a"}, &headRecord{body: "b"}, &headRecord{body: "c"}
	in <- []keyedRecord{{1, a}, {2, b}}
	in <- []keyedRecord{{1, c}}
	close(in)
	fill(in, out, 2)
	m := <-out
	if len(m) != 2 || m[1] != c || m[2] != b {
		t.Errorf("filled %v", m)
	}
}

// A load that finds a directory's cache file tells Expect what its
// articles will take once decoded, from the file's size, once for the
// directory; a load with no cache file yet tells nothing. The pipe is in
// place before any file is read.
func TestExpect(t *testing.T) {
	dir := lazyDir(t)
	c := newHeadCache(t)
	var told []int64
	var mu sync.Mutex
	var piped atomic.Bool
	l := &Loader{DropBodies: true, Heads: c,
		Expect: func(n int64) {
			mu.Lock()
			defer mu.Unlock()
			if !piped.Load() {
				t.Error("Expect was called before the pipe was in place")
			}
			told = append(told, n)
		},
		Pipe: func(_ context.Context, ch <-chan Result) <-chan Result {
			piped.Store(true)
			return ch
		},
	}
	loadJSON(t, l, Source{Location: dir})
	if len(told) != 0 {
		t.Fatalf("a load with no cache file told %v", told)
	}
	c.Wait()
	fi, err := os.Stat(c.file(dir))
	if err != nil {
		t.Fatal(err)
	}
	loadJSON(t, l, Source{Location: dir})
	if want := decodedSize(fi.Size()); len(told) != 1 || told[0] != want || want <= fi.Size() {
		t.Errorf("told %v for a cache file of %d bytes, want [%d]", told, fi.Size(), want)
	}
}

// A blockList gives back every item added, in order, across its blocks,
// until told to stop.
func TestBlockList(t *testing.T) {
	for _, n := range []int{0, 1, listBlock - 1, listBlock, listBlock + 1, 3*listBlock + 7} {
		var f freshKeys
		for i := range n {
			f.add(freshKey{rel: strconv.Itoa(i), st: stamp{size: int64(i)}})
		}
		i := 0
		f.each(func(k freshKey) bool {
			if k.rel != strconv.Itoa(i) || k.st.size != int64(i) {
				t.Fatalf("n %d: key %d is %+v", n, i, k)
			}
			i++
			return true
		})
		if i != n || f.n != n {
			t.Errorf("n %d: %d keys given back, count %d", n, i, f.n)
		}
		stop := n / 2
		i = 0
		f.each(func(freshKey) bool {
			i++
			return i < stop
		})
		if want := min(max(stop, 1), n); i != want {
			t.Errorf("n %d: %d keys given back, told to stop at %d", n, i, want)
		}
		for _, b := range f.blocks {
			if cap(b) != listBlock {
				t.Errorf("n %d: a block of %d", n, cap(b))
			}
		}
	}
}
