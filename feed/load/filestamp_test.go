package load

import (
	"context"
	"os"
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
