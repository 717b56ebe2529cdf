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

// TestLoadSwapDirForLinkOutside swaps a subdirectory of the source for a
// link to a folder outside it, and back, over and over while the source
// loads: no article from outside is ever listed, however the swap falls
// between listing a directory and reading its files.
func TestLoadSwapDirForLinkOutside(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{root, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 20 {
		writeFile(t, filepath.Join(root, fmt.Sprintf("top%d.txt", i)), article(fmt.Sprintf("Top %d", i)))
		writeFile(t, filepath.Join(outside, fmt.Sprintf("f%d.txt", i)), article(fmt.Sprintf("Outside %d", i)))
	}
	sub := filepath.Join(root, "sub")
	real := filepath.Join(base, "real-sub")
	if err := os.MkdirAll(real, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		writeFile(t, filepath.Join(real, fmt.Sprintf("f%d.txt", i)), article(fmt.Sprintf("Inside %d", i)))
	}
	link := filepath.Join(base, "link-sub")
	symlink(t, outside, link)
	// sub starts as the real directory; the swapper renames the link or
	// the directory over it, each rename one atomic step.
	if err := os.Rename(real, sub); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		isLink := false
		for ctx.Err() == nil {
			var err error
			if isLink {
				// sub is the link: put it back as link-sub, the
				// directory back in its place.
				if err = os.Rename(sub, link); err == nil {
					err = os.Rename(real, sub)
				}
			} else {
				if err = os.Rename(sub, real); err == nil {
					err = os.Rename(link, sub)
				}
			}
			if err != nil {
				t.Error(err)
				return
			}
			isLink = !isLink
		}
	}()
	iterations := 200
	if testing.Short() {
		iterations = 40
	}
	for range iterations {
		arts, _ := (&Loader{Workers: 2}).LoadAll(context.Background(), []Source{{Location: root}})
		for _, a := range arts {
			if strings.HasPrefix(a.Title, "Outside") {
				cancel()
				wg.Wait()
				t.Fatalf("listed %q from outside the source, as %s", a.Title, a.Location)
			}
		}
	}
	cancel()
	wg.Wait()
}

// TestBodyAfterDirSwappedForLink loads a directory without bodies, then
// swaps its subdirectory for a link to a folder outside holding a file of
// the same name: reading the body again does not read the outside file.
func TestBodyAfterDirSwappedForLink(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(root, "sub"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	inside := []byte("Story\n\nRussia | 17 January 2022 | Wire\n\nInside text.\n")
	writeFile(t, filepath.Join(root, "sub", "a.txt"), inside)
	writeFile(t, filepath.Join(outside, "a.txt"), []byte("Story\n\nRussia | 17 January 2022 | Wire\n\nOutside secret.\n"))
	l := &Loader{DropBodies: true}
	arts, errs := l.LoadAll(context.Background(), []Source{{Location: root}})
	if len(arts) != 1 || len(errs) != 0 {
		t.Fatalf("got %d articles, errors %v", len(arts), errs)
	}
	if err := os.Rename(filepath.Join(root, "sub"), filepath.Join(base, "moved")); err != nil {
		t.Fatal(err)
	}
	symlink(t, outside, filepath.Join(root, "sub"))
	full, err := l.Body(context.Background(), arts[0])
	if err == nil {
		for _, b := range full.Body {
			if strings.Contains(fmt.Sprint(b), "Outside") {
				t.Fatalf("Body read the file outside the source: %+v", full.Body)
			}
		}
		t.Fatalf("Body succeeded through a link out of the source: %+v", full.Body)
	}
}
