package tui

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/store"
)

// The reader of one directory that its header cache found unchanged, once
// the look its load put off found every file as recorded, plans the index
// with the cache's memo: it keeps the sums of its articles as the memo, so
// that the next launch is spared them. The plan waits for the look, asked
// for here a moment after the load. A reader of two sources keeps none.
func TestIndexPlansWithTheMemo(t *testing.T) {
	t.Parallel()
	dir, other := t.TempDir(), t.TempDir()
	names, err := filepath.Glob("testdata/articles/*.txt")
	if err != nil || len(names) < 2 {
		t.Fatal(names, err)
	}
	for i, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		to := dir
		if i == 0 {
			to = other
		}
		if err := os.WriteFile(filepath.Join(to, filepath.Base(name)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The header cache keeps no file changed in the last two seconds.
	time.Sleep(2100 * time.Millisecond)
	for _, srcs := range [][]load.Source{
		{{Location: dir}, {Location: other}},
		{{Location: dir}},
	} {
		cache := t.TempDir()
		memos := func() []string {
			m, _ := filepath.Glob(filepath.Join(cache, "heads", "*.memo"))
			return m
		}
		heads := &load.HeadCache{Dir: cache, Build: "test"}
		st, err := store.Open(filepath.Join(t.TempDir(), "gazette.db"), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		// launch loads the sources as the reader does, and builds the
		// index; the files the load took from the cache unlooked are
		// looked at a moment later, as the keys pause.
		launch := func() {
			l := &load.Loader{DropBodies: true, Heads: heads, CheckLater: true}
			arts, _ := l.LoadAll(context.Background(), srcs)
			looked := make(chan error, 1)
			go func() {
				time.Sleep(300 * time.Millisecond)
				_, err := l.Stale(context.Background())
				looked <- err
			}()
			defer func() {
				if err := <-looked; err != nil {
					t.Fatal(err)
				}
				heads.Wait()
			}()
			d := &driver{t: t, m: newModel(context.Background(), Options{Sources: srcs, Loader: l, Store: st, Body: l.Body, Getenv: testEnv(nil)})}
			d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
			d.send(loadBatchMsg{arts: arts, done: true})
			if d.m.index.building {
				t.Fatal("the index is still being built")
			}
		}
		launch()
		if m := memos(); len(m) != 0 {
			t.Fatalf("%d sources: memo files %v after a first launch", len(srcs), m)
		}
		launch()
		if m, want := memos(), len(srcs) == 1; (len(m) == 1) != want {
			t.Fatalf("%d sources: memo files %v after a second launch; want one: %v", len(srcs), m, want)
		}
	}
}
