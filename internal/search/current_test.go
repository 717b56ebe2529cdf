package search_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/store"
)

// readCountingIndex is a store that counts the times the whole index is read.
type readCountingIndex struct {
	*store.Store
	reads int
}

func (c *readCountingIndex) Indexed(ctx context.Context) (map[string]store.IndexedDoc, error) {
	c.reads++
	return c.Store.Indexed(ctx)
}

// newStore opens a store in a temporary directory, closed when the test
// ends.
func newStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "gazette.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newCountingIndex is newStore, counting the times the whole index is
// read.
func newCountingIndex(t testing.TB) *readCountingIndex {
	t.Helper()
	return &readCountingIndex{Store: newStore(t)}
}

// loadDirs loads the directories without bodies, through a header cache
// in cache when it is not "", and fails the test on any error.
func loadDirs(t *testing.T, cache string, dirs ...string) ([]*feed.Article, *load.Loader) {
	t.Helper()
	l := &load.Loader{DropBodies: true}
	if cache != "" {
		l.Heads = &load.HeadCache{Dir: cache, Build: "test"}
	}
	var srcs []load.Source
	for _, d := range dirs {
		srcs = append(srcs, load.Source{Location: d})
	}
	arts, errs := l.LoadAll(context.Background(), srcs)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if l.Heads != nil {
		l.Heads.Wait()
	}
	return arts, l
}

// plan makes the plan of the articles against idx, then carries it out,
// and returns it with whether it read the whole index.
func plan(t *testing.T, idx *readCountingIndex, l *load.Loader, arts []*feed.Article, roots ...string) (search.Plan, bool) {
	t.Helper()
	ctx := context.Background()
	before := idx.reads
	p, err := search.MakePlan(ctx, idx, arts, roots)
	if err != nil {
		t.Fatal(err)
	}
	if err := (&search.Indexer{Index: idx, Body: l.Body}).Run(ctx, p); err != nil {
		t.Fatal(err)
	}
	// The load's sums are what the index keeps once it is current.
	kept, err := idx.RootDigests(ctx, roots)
	if err != nil {
		t.Fatal(err)
	}
	for r, sum := range p.Sums {
		if sum != kept[r] {
			t.Errorf("root %s: the plan summed %+v, the index keeps %+v", r, sum, kept[r])
		}
	}
	return p, idx.reads > before
}

// TestCurrentIndex checks that a load whose files are all indexed as they
// are finds the index current without reading it, and that a changed, an
// added or a removed file, or a second root, each make it read the index
// and do the work, after which it is current again.
func TestCurrentIndex(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	writeCorpus(t, dir, 30, 7)
	// Each change moves the modification time on.
	old := time.Now().Add(-time.Hour)
	touch := func(paths ...string) {
		for _, p := range paths {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
		old = old.Add(time.Second)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	touch(names...)
	idx := newCountingIndex(t)

	arts, l := loadDirs(t, "", dir)
	if p, read := plan(t, idx, l, arts, dir); len(p.Todo) != 30 || !read {
		t.Fatalf("first plan: %d to do (read the index: %v); want 30", len(p.Todo), read)
	}
	current := func(step string) {
		t.Helper()
		arts, l := loadDirs(t, "", dir)
		if p, read := plan(t, idx, l, arts, dir); !p.Empty() || read || p.Sums[dir].N != int64(len(arts)) {
			t.Errorf("%s: the next load has %d to do, %d gone, %d to move, and read the index: %v, summing %d; want nothing, summing %d",
				step, len(p.Todo), len(p.Gone), len(p.Moves), read, p.Sums[dir].N, len(arts))
		}
	}
	current("after the first build")

	changed := writeArticle(t, dir, 3, 7, "zanzibar\n")
	touch(changed)
	arts, l = loadDirs(t, "", dir)
	before, err := idx.RootDigests(context.Background(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if p, read := plan(t, idx, l, arts, dir); len(p.Todo) != 1 || p.Todo[0].Location != changed || !read || p.Sums[dir] == before[dir] {
		t.Errorf("a changed file: %d to do (read the index: %v), summing %+v as the index did before; want %s", len(p.Todo), read, p.Sums[dir], changed)
	}
	current("after a change")

	added := writeArticle(t, dir, 77, 7, "")
	touch(added)
	arts, l = loadDirs(t, "", dir)
	if p, _ := plan(t, idx, l, arts, dir); len(p.Todo) != 1 || p.Todo[0].Location != added {
		t.Errorf("an added file: %d to do; want %s", len(p.Todo), added)
	}
	current("after an addition")

	if err := os.Remove(filepath.Join(dir, "00005.txt")); err != nil {
		t.Fatal(err)
	}
	arts, l = loadDirs(t, "", dir)
	if p, _ := plan(t, idx, l, arts, dir); len(p.Todo) != 0 || len(p.Gone) != 1 {
		t.Errorf("a removed file: %d to do, %d gone; want 0, 1", len(p.Todo), len(p.Gone))
	}
	current("after a removal")

	second := writeArticle(t, other, 200, 7, "")
	touch(second)
	arts, l = loadDirs(t, "", dir, other)
	if p, _ := plan(t, idx, l, arts, dir, other); len(p.Todo) != 1 || p.Todo[0].Location != second {
		t.Errorf("a second root: %d to do; want %s", len(p.Todo), second)
	}
	arts, l = loadDirs(t, "", dir, other)
	if p, read := plan(t, idx, l, arts, dir, other); !p.Empty() || read {
		t.Errorf("two roots, unchanged: %d to do, %d gone, read the index: %v; want nothing", len(p.Todo), len(p.Gone), read)
	}
	if p, read := plan(t, idx, l, arts, dir, other, dir); !p.Empty() || read {
		t.Errorf("a root named twice: %d to do, %d gone, read the index: %v; want nothing", len(p.Todo), len(p.Gone), read)
	}
	// The first root alone is still current: the second's keys
	// are counted apart.
	current("with a second root indexed")
}

// TestUnrootedDocsMove checks that keys indexed under no root (by a load
// that was not complete, or before roots were kept) move under their
// root on the next complete load without being read again, after which
// the index is current.
func TestUnrootedDocsMove(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 12, 8)
	idx := newCountingIndex(t)
	arts, l := loadDirs(t, "", dir)
	if p, _ := plan(t, idx, l, arts); len(p.Todo) != 12 {
		t.Fatalf("first plan, no roots: %d to do; want 12", len(p.Todo))
	}
	p, read := plan(t, idx, l, arts, dir)
	if len(p.Todo) != 0 || len(p.Moves) != 12 || !read {
		t.Errorf("with the root: %d to do, %d to move; want 0, 12", len(p.Todo), len(p.Moves))
	}
	if p, read := plan(t, idx, l, arts, dir); !p.Empty() || read {
		t.Errorf("after the move: %d to do, %d to move, read the index: %v; want nothing", len(p.Todo), len(p.Moves), read)
	}
}

// TestStampsFromLoader checks that the loader gives each article the
// size and modification time of its file, read or taken from the header
// cache, so that stamps need not look at the files again.
func TestStampsFromLoader(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	writeCorpus(t, dir, 10, 9)
	old := time.Now().Add(-time.Hour)
	names, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	for _, n := range names {
		if err := os.Chtimes(n, old, old); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range []string{"read", "cached"} {
		arts, _ := loadDirs(t, cache, dir)
		if len(arts) != 10 {
			t.Fatalf("%s: %d articles, want 10", step, len(arts))
		}
		stamps := search.Stamps(context.Background(), arts)
		for i, a := range arts {
			fi, err := os.Stat(a.Location)
			if err != nil {
				t.Fatal(err)
			}
			want := feed.FileStamp{Size: fi.Size(), ModTime: fi.ModTime().UnixNano()}
			if a.File != want {
				t.Errorf("%s: %s has stamp %+v, want %+v", step, a.Location, a.File, want)
			}
			// The same stamp as a file looked at anew.
			bare := *a
			bare.File = feed.FileStamp{}
			if again := search.Stamps(context.Background(), []*feed.Article{&bare}); again[0] != stamps[i] || stamps[i] == (search.Stamp{}) {
				t.Errorf("%s: stamp %q from the loader, %q from the file", step, stamps[i], again[0])
			}
		}
	}
}

// TestOneStoryTwoFiles checks that of two files holding one story, the
// same one speaks for it in the index whatever order the articles come
// in, skimmed or whole, so that the index stays current across loads.
func TestOneStoryTwoFiles(t *testing.T) {
	dir := t.TempDir()
	text := "Talks in Samarkand\n\nRussia | China | 17th January 2022 | Wire\n\nThe talks went on.\n"
	old := time.Now().Add(-time.Hour)
	for _, name := range []string{"b.txt", "a.txt", "c.txt"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	idx := newCountingIndex(t)
	arts, l := loadDirs(t, "", dir)
	if len(arts) != 3 || arts[0].Key != arts[1].Key {
		t.Fatalf("%d articles, keys %q and %q: want three copies of one story", len(arts), arts[0].Key, arts[1].Key)
	}
	p, _ := plan(t, idx, l, arts, dir)
	if len(p.Todo) != 1 || filepath.Base(p.Todo[0].Location) != "a.txt" {
		t.Fatalf("first plan: %d to do, want a.txt alone", len(p.Todo))
	}
	reversed := []*feed.Article{arts[2], arts[1], arts[0]}
	skimmed := make([]*feed.Article, len(arts))
	for i, a := range arts {
		skimmed[i] = &feed.Article{ID: a.ID, Key: a.Key, Date: a.Date, Location: a.Location, File: a.File, Skimmed: true}
	}
	for name, order := range map[string][]*feed.Article{"loaded": arts, "reversed": reversed, "skimmed": skimmed} {
		if p, read := plan(t, idx, l, order, dir); !p.Empty() || read {
			t.Errorf("%s: %d to do, read the index: %v; want nothing", name, len(p.Todo), read)
		}
	}
}
