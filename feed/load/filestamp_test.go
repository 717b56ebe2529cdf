//go:build unix

package load

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gazette-news/gazette/feed"
)

// Every article of a file of its own carries the file's size and
// modification time, whether the file was read or taken from the header
// cache; articles of feeds carry none.
func TestArticleFileStamp(t *testing.T) {
	dir := lazyDir(t)
	c := newHeadCache(t)
	l := &Loader{DropBodies: true, Heads: c}
	for _, step := range []string{"read", "cached"} {
		hits := c.hits.Load()
		arts, _ := l.LoadAll(context.Background(), []Source{{Location: dir}})
		c.Wait()
		stamped := 0
		for _, a := range arts {
			fi, err := os.Stat(a.Location)
			if err != nil {
				if !a.File.IsZero() {
					t.Errorf("%s: %s, no file, has stamp %+v", step, a.Location, a.File)
				}
				continue
			}
			want := feed.FileStamp{Size: fi.Size(), ModTime: fi.ModTime().UnixNano()}
			if a.File != want {
				t.Errorf("%s: %s has stamp %+v, want %+v", step, a.Location, a.File, want)
			}
			stamped++
		}
		// ref.txt, its link alias.txt, geneva.txt, fisheries.md,
		// election.html and title-only.txt.
		if stamped != 6 {
			t.Errorf("%s: %d articles of files, want 6", step, stamped)
		}
		if step == "cached" && c.hits.Load()-hits != 5 {
			t.Errorf("%d articles from the cache, want 5", c.hits.Load()-hits)
		}
	}
}

// BodyText gives the body Body gives, and leaves an article whose
// countries were put off undetected.
func TestBodyText(t *testing.T) {
	dir := lazyDir(t)
	ctx := context.Background()
	l := &Loader{DropBodies: true, LazyDetect: true}
	arts, _ := l.LoadAll(ctx, []Source{{Location: dir}})
	undetected := 0
	for _, a := range arts {
		text, err := l.BodyText(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		full, err := l.Body(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(text.Body, full.Body) || !reflect.DeepEqual(text.Refs, full.Refs) {
			t.Errorf("%s: BodyText and Body differ", a.Location)
		}
		if text.Undetected != a.Undetected || (a.Undetected && text.Mentions != nil) {
			t.Errorf("%s: BodyText detected: undetected %v, mentions %v", a.Location, text.Undetected, text.Mentions)
		}
		if a.Undetected {
			undetected++
			if full.Undetected {
				t.Errorf("%s: Body left it undetected", a.Location)
			}
		}
	}
	if undetected == 0 {
		t.Error("no article was put off: the test tests nothing")
	}
}

// A source named by a relative path has its bodies read again from the
// working directory, as an absolute one does.
func TestBodyRelative(t *testing.T) {
	dir := lazyDir(t)
	t.Chdir(filepath.Dir(dir))
	ctx := context.Background()
	l := &Loader{DropBodies: true}
	// The directory holds a file that is not text: its error is not
	// this test's.
	arts, errs := l.LoadAll(ctx, []Source{{Location: filepath.Base(dir)}})
	if len(arts) == 0 {
		t.Fatal(errs)
	}
	for _, a := range arts {
		if filepath.IsAbs(a.Location) {
			t.Fatalf("%s: an absolute location from a relative source", a.Location)
		}
		full, err := l.Body(ctx, a)
		if err != nil || full.Body == nil || full.ID != a.ID {
			t.Errorf("%s: body %v, %v", a.Location, full, err)
		}
	}
}

// Body reads every file into a buffer it then reuses: what an earlier
// Body returned is its own, and stays as it was while other files are
// read into the same buffers, in every format.
func TestBodyBufferReused(t *testing.T) {
	dir := lazyDir(t)
	ctx := context.Background()
	l := &Loader{DropBodies: true}
	arts, _ := l.LoadAll(ctx, []Source{{Location: dir}})
	type kept struct {
		full *feed.Article
		copy feed.Article
	}
	var all []kept
	for round := range 3 {
		for _, a := range arts {
			full, err := l.Body(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			if round == 0 {
				// A deep copy, made from the JSON form, to compare with.
				var c feed.Article
				data, _ := json.Marshal(full)
				if err := json.Unmarshal(data, &c); err != nil {
					t.Fatal(err)
				}
				all = append(all, kept{full, c})
			}
		}
	}
	if len(all) < 3 {
		t.Fatalf("%d bodies read, want a few", len(all))
	}
	for _, k := range all {
		data, _ := json.Marshal(k.full)
		var now feed.Article
		if err := json.Unmarshal(data, &now); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(now, k.copy) {
			t.Errorf("%s: the body changed as other files were read", k.full.Location)
		}
	}
}
