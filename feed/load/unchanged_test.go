//go:build unix

package load

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gazette-news/gazette/internal/safefile"
)

// plainDir returns a directory of n one-article text files, the kind the
// header cache keeps, and its absolute path.
func plainDir(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		writeStory(t, dir, fmt.Sprintf("%02d.txt", i), fmt.Sprintf("Story %d", i))
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func writeStory(t *testing.T, dir, name, title string) {
	t.Helper()
	data := title + "\n\nRussia | 17 January 2022 | Wire\n\nBody text.\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestHeadCacheUnchanged loads a directory again and again, changing it
// in every way between some loads, and checks that Unchanged says so only
// of a load that found every file as the cache file recorded it, and that
// a memo lasts exactly as long as that cache file does.
func TestHeadCacheUnchanged(t *testing.T) {
	dir := plainDir(t, 5)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c}
	src := Source{Location: dir}
	step := func(what string, want bool) {
		t.Helper()
		loadJSON(t, l, src)
		if got := c.Unchanged(dir); got != want {
			t.Fatalf("%s: Unchanged %v, want %v", what, got, want)
		}
	}
	memo := func(what, want string) {
		t.Helper()
		if got := string(c.Memo(dir)); got != want {
			t.Fatalf("%s: memo %q, want %q", what, got, want)
		}
	}
	step("first load, no cache file", false)
	if err := c.SetMemo(dir, []byte("lost")); err != nil {
		t.Fatal(err)
	}
	memo("first load", "")
	step("second load", true)
	memo("second load, none kept", "")
	if err := c.SetMemo(dir, []byte("sum 1")); err != nil {
		t.Fatal(err)
	}
	memo("second load", "sum 1")
	if fi, err := os.Stat(c.memoFile(dir)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("memo file: %v, %v", fi, err)
	}
	step("third load", true)
	memo("third load", "sum 1")
	// A temporary memo file a killed program left goes at the next memo
	// kept; one being written now stays.
	prefix := filepath.Join(filepath.Dir(c.memoFile(dir)), ".tmp-"+filepath.Base(c.memoFile(dir))+"-")
	for _, name := range []string{"killed", "running"} {
		if err := os.WriteFile(prefix+name, []byte("part"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * safefile.StaleTemp)
	if err := os.Chtimes(prefix+"killed", old, old); err != nil {
		t.Fatal(err)
	}
	if err := c.SetMemo(dir, []byte("sum 1")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(prefix + "killed"); !os.IsNotExist(err) {
		t.Errorf("a stale temporary memo file stayed: %v", err)
	}
	if _, err := os.Stat(prefix + "running"); err != nil {
		t.Errorf("a recent temporary memo file went: %v", err)
	}
	if c.Unchanged(dir+"/") || c.Unchanged(filepath.Dir(dir)) {
		t.Error("Unchanged answers for another path")
	}

	changes := []struct {
		what   string
		change func()
	}{
		{"a file rewritten", func() { writeStory(t, dir, "01.txt", "Story X") }},
		{"a file added", func() { writeStory(t, dir, "new.txt", "A new story") }},
		{"a file removed", func() { os.Remove(filepath.Join(dir, "02.txt")) }},
		{"a file touched", func() {
			at := time.Now().Add(-time.Minute)
			os.Chtimes(filepath.Join(dir, "03.txt"), at, at)
		}},
		{"a directory added", func() {
			os.Mkdir(filepath.Join(dir, "sub"), 0o755)
			writeStory(t, filepath.Join(dir, "sub"), "deep.txt", "A deep story")
		}},
	}
	for i, ch := range changes {
		ch.change()
		step(ch.what, false)
		memo(ch.what, "")
		step(ch.what+", loaded again", true)
		memo(ch.what+", loaded again", "")
		keep := fmt.Sprintf("sum %d", i+2)
		if err := c.SetMemo(dir, []byte(keep)); err != nil {
			t.Fatal(err)
		}
		step(ch.what+", and again", true)
		memo(ch.what+", and again", keep)
	}

	// A link is read at every load, never cached: a directory that holds
	// one is never found as its cache file recorded it.
	if err := os.Symlink(filepath.Join(dir, "00.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	step("a link added", false)
	step("a link, loaded again", false)
	// Gone again, it leaves the directory as the cache file, which never
	// recorded it, has it: the memo kept for that file holds again.
	os.Remove(filepath.Join(dir, "link.txt"))
	step("the link removed", true)
	memo("the link removed", fmt.Sprintf("sum %d", len(changes)+1))

	// A file too new to cache is read and not recorded: the cache file
	// stays as it was, but the load did not find the directory so.
	writeStory(t, dir, "racy.txt", "A story just written")
	c.now = time.Now
	step("a file too new to cache", false)
	step("a file too new to cache, loaded again", false)
	c.now = newHeadCache(t).now
	step("the file settled", false)
	step("the file settled, loaded again", true)

	// A cancelled load may have left files out.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	Collect(l.Load(ctx, []Source{src}))
	c.Wait()
	if c.Unchanged(dir) {
		t.Error("a cancelled load found the directory unchanged")
	}
}

// A load with CheckLater takes records without a look, so it has not
// found the directory unchanged when its last article is out: it has
// once the look found every file as its record has it, unless another
// load started since. A look that finds a file changed, or a directory
// that gained one, leaves it changed.
func TestHeadCacheUnchangedAfterTheLook(t *testing.T) {
	dir := plainDir(t, 5)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c, CheckLater: true}
	src := Source{Location: dir}
	load := func(what string) {
		t.Helper()
		l.LoadAll(context.Background(), []Source{src})
		if c.Unchanged(dir) {
			t.Fatalf("%s: Unchanged before the look", what)
		}
	}
	look := func(what string, want bool) {
		t.Helper()
		if _, err := l.Stale(context.Background()); err != nil {
			t.Fatal(err)
		}
		c.Wait()
		if got := c.Unchanged(dir); got != want {
			t.Fatalf("%s: Unchanged %v after the look, want %v", what, got, want)
		}
	}
	load("first load")
	look("first load", false)
	load("second load")
	look("second load", true)
	if err := c.SetMemo(dir, []byte("sum")); err != nil {
		t.Fatal(err)
	}
	if got := string(c.Memo(dir)); got != "sum" {
		t.Fatalf("memo %q after a look that found the directory unchanged", got)
	}

	// Another load, of another directory, started before the look: it is
	// the last load, which did not load dir.
	load("third load")
	other := &Loader{DropBodies: true, Heads: c}
	other.LoadAll(context.Background(), []Source{{Location: plainDir(t, 1)}})
	look("a load started before the look", false)
	load("fourth load")
	look("fourth load", true)

	// A file changed in place: its record is taken, and the look finds
	// it changed.
	load("fifth load")
	writeStory(t, dir, "01.txt", "Story Y")
	look("a file changed before the look", false)
	load("the changed file read again")
	look("the changed file read again", false)
	load("and again")
	look("and again", true)

	// With WatchLater, the look sees whether the directory gained a file
	// since its listing, before the watch was in place.
	for _, added := range []bool{false, true} {
		l = &Loader{DropBodies: true, Heads: c, CheckLater: true, WatchLater: true}
		load("a load before the watch")
		if added {
			writeStory(t, dir, "new.txt", "A new story")
		}
		l.Watched()
		look(fmt.Sprintf("a load before the watch, a file added after its listing: %v", added), !added)
	}
}

// TestHeadCacheMemoDamaged checks that a memo file that is damaged, cut
// short, of another build or directory, or that is not a file, is no memo.
func TestHeadCacheMemoDamaged(t *testing.T) {
	dir := plainDir(t, 3)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c}
	for range 2 {
		loadJSON(t, l, Source{Location: dir})
	}
	if err := c.SetMemo(dir, []byte("the sum")); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(c.memoFile(dir))
	if err != nil {
		t.Fatal(err)
	}
	other := &HeadCache{Dir: c.Dir, Build: "other", now: c.now}
	for range 2 {
		loadJSON(t, &Loader{DropBodies: true, Heads: other}, Source{Location: dir})
	}
	if m := other.Memo(dir); m != nil {
		t.Errorf("another build read the memo %q", m)
	}
	for i := range good {
		bad := append([]byte(nil), good...)
		bad[i] ^= 0x20
		if err := os.WriteFile(c.memoFile(dir), bad, 0o600); err != nil {
			t.Fatal(err)
		}
		if m := c.Memo(dir); m != nil {
			t.Fatalf("byte %d changed: memo %q", i, m)
		}
		if err := os.WriteFile(c.memoFile(dir), good[:i], 0o600); err != nil {
			t.Fatal(err)
		}
		if m := c.Memo(dir); m != nil {
			t.Fatalf("cut at %d: memo %q", i, m)
		}
	}
	os.Remove(c.memoFile(dir))
	if err := os.Mkdir(c.memoFile(dir), 0o700); err != nil {
		t.Fatal(err)
	}
	if m := c.Memo(dir); m != nil {
		t.Errorf("a directory gave the memo %q", m)
	}
	if err := c.SetMemo(dir, []byte("the sum")); err == nil {
		t.Error("a memo was written over a directory")
	}
}

// FuzzReadMemo checks that any memo file reads without a panic, and that
// what SetMemo writes reads back.
func FuzzReadMemo(f *testing.F) {
	st := stamp{size: 1, mtime: 2, ctime: 3, ino: 4, dev: 5}
	e := encoder{b: []byte(memoMagic)}
	e.str("build")
	e.str("/news")
	e.stamp(st)
	e.str("the sum")
	f.Add(e.b, []byte("x"))
	f.Add([]byte(memoMagic), []byte{})
	f.Fuzz(func(t *testing.T, data, memo []byte) {
		readMemo(data, "build", "/news", st)
		e := encoder{b: []byte(memoMagic)}
		e.str("build")
		e.str("/news")
		e.stamp(st)
		e.str(string(memo))
		e.b = appendCRC(e.b)
		if got := readMemo(e.b, "build", "/news", st); string(got) != string(memo) || got == nil {
			t.Fatalf("memo %q read back as %q", memo, got)
		}
		if got := readMemo(e.b, "build", "/news", stamp{}); got != nil {
			t.Fatalf("memo of another cache file read as %q", got)
		}
	})
}
