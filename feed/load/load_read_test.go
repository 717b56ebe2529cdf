package load

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gazette-news/gazette/feed"
)

// A worker reads file after file into one buffer: each article is what its
// own file says, whatever the file before it held, long or short.
func TestLoadReusesBuffer(t *testing.T) {
	dir := t.TempDir()
	want := map[string]*feed.Article{}
	for i, n := range []int{2000, 1, 50, 3000, 0, 7, 600, maxKeptBuffer/40 + 1, 3} {
		text := fmt.Sprintf("Title %d\n\nRussia | 17 January 2022 | Wire\n\n%s\n", i, strings.Repeat(fmt.Sprintf("word%d ", i), n))
		path := filepath.Join(dir, fmt.Sprintf("%02d.txt", i))
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		a, err := feed.ParseDoc(feed.Doc{Location: path, Data: []byte(text), Key: path})
		if err != nil {
			t.Fatal(err)
		}
		want[path] = a[0]
	}
	for range 3 {
		arts, errs := (&Loader{Workers: 1}).LoadAll(context.Background(), []Source{{Location: dir}})
		if len(errs) > 0 || len(arts) != len(want) {
			t.Fatalf("%d articles, errors %v", len(arts), errs)
		}
		for _, a := range arts {
			w := want[a.Location]
			if w == nil || a.Title != w.Title || !slices.Equal(a.Body, w.Body) {
				t.Errorf("%s: loaded as %q, %d blocks; want %q, %d", a.Location, a.Title, len(a.Body), w.Title, len(w.Body))
			}
		}
	}
}

// A worker lends the blocks of a body it dropped to the next file's
// parse: each article is detected in, and keeps, what its own file says,
// whatever the file before it held, more blocks or fewer, more than a
// worker lends or none.
func TestLoadLendsBlocks(t *testing.T) {
	dir := t.TempDir()
	places := []string{"Japan", "Brazil", "Kenya", "Norway", "Chile", "Egypt", "Canada", "Vietnam", "Peru"}
	want := map[string]*feed.Article{}
	for i, n := range []int{40, 1, 200, 3, maxLentBlocks + 500, 0, 5, 2 * maxLentBlocks, 2} {
		var b strings.Builder
		fmt.Fprintf(&b, "Title %d\n\nRussia | 17 January 2022 | Wire\n\n", i)
		for k := range n {
			fmt.Fprintf(&b, "Officials in %s spoke, paragraph %d.\n\n", places[i], k)
		}
		path := filepath.Join(dir, fmt.Sprintf("%02d.txt", i))
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		a, err := feed.ParseDoc(feed.Doc{Location: path, Data: []byte(b.String()), Key: path})
		if err != nil {
			t.Fatal(err)
		}
		want[path] = a[0]
	}
	l := &Loader{Workers: 1, DropBodies: true}
	for range 3 {
		arts, errs := l.LoadAll(context.Background(), []Source{{Location: dir}})
		if len(errs) > 0 || len(arts) != len(want) {
			t.Fatalf("%d articles, errors %v", len(arts), errs)
		}
		for _, a := range arts {
			w := want[a.Location]
			if w == nil || a.Body != nil || a.Title != w.Title || !slices.Equal(a.Mentions, w.Mentions) {
				t.Fatalf("%s: loaded as %q, body %v, mentions %v; want %q, none, %v", a.Location, a.Title, a.Body != nil, a.Mentions, w.Title, w.Mentions)
			}
			full, err := l.Body(context.Background(), a)
			if err != nil || !slices.Equal(full.Body, w.Body) {
				t.Errorf("%s: body read again: %d blocks, %v; want %d", a.Location, len(full.Body), err, len(w.Body))
			}
		}
	}
}

// A source that is not there fails with a *SourceError that still says
// so to errors.Is, as does a file gone before its body is read again.
func TestLoadMissingIsNotExist(t *testing.T) {
	dir := t.TempDir()
	_, errs := (&Loader{}).LoadAll(context.Background(), []Source{{Location: filepath.Join(dir, "gone")}})
	var se *SourceError
	if len(errs) != 1 || !errors.As(errs[0], &se) || !errors.Is(errs[0], fs.ErrNotExist) {
		t.Fatalf("errors %v, want one *SourceError that is fs.ErrNotExist", errs)
	}
	path := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(path, []byte("Title\n\nRussia | 17 January 2022 | Wire\n\nBody.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	arts, errs := (&Loader{DropBodies: true}).LoadAll(context.Background(), []Source{{Location: dir}})
	if len(arts) != 1 || len(errs) != 0 {
		t.Fatalf("%d articles, errors %v", len(arts), errs)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := (&Loader{}).Body(context.Background(), arts[0]); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Body of a removed file: %v, want fs.ErrNotExist", err)
	}
}
