//go:build unix

package load

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/gazette-news/gazette/feed"
)

// A lazy load puts off detection only for articles that declare a
// country; Body detects them, and an eager load from a cache a lazy load
// wrote still gives every article's mentions, the same as a load without
// any cache.
func TestLazyDetect(t *testing.T) {
	dir := lazyDir(t)
	src := Source{Location: dir, Tags: []string{"Mine"}}
	ctx := context.Background()
	eager, _ := (&Loader{DropBodies: true}).LoadAll(ctx, []Source{src})
	byID := map[string]*feed.Article{}
	for _, a := range eager {
		if a.Undetected {
			t.Fatalf("%s: undetected in an eager load", a.Location)
		}
		byID[a.Location+"#"+a.ID] = a
	}
	c := newHeadCache(t)
	lazy := &Loader{DropBodies: true, Heads: c, LazyDetect: true}
	for round := range 2 {
		arts, _ := lazy.LoadAll(ctx, []Source{src})
		c.Wait()
		if len(arts) != len(eager) {
			t.Fatalf("round %d: %d articles, want %d", round, len(arts), len(eager))
		}
		put := 0
		for _, a := range arts {
			want := byID[a.Location+"#"+a.ID]
			declares := len(a.Countries()) > 0
			switch {
			case want == nil:
				t.Fatalf("%s: not in the eager load", a.Location)
			case a.Undetected != (declares && a.Body == nil):
				t.Errorf("round %d: %s: undetected %v with countries %v", round, a.Location, a.Undetected, a.Countries())
			case !a.Undetected && !reflect.DeepEqual(a.Mentions, want.Mentions):
				t.Errorf("round %d: %s: mentions %v, want %v", round, a.Location, a.Mentions, want.Mentions)
			}
			if !a.Undetected {
				continue
			}
			put++
			if a.Mentions != nil {
				t.Errorf("%s: undetected with mentions %v", a.Location, a.Mentions)
			}
			full, err := lazy.Body(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			if full.Undetected || !reflect.DeepEqual(full.Mentions, want.Mentions) {
				t.Errorf("%s: Body gives mentions %v (undetected %v), want %v", a.Location, full.Mentions, full.Undetected, want.Mentions)
			}
			if !a.Undetected || a.Mentions != nil {
				t.Errorf("%s: Body changed the article it was given", a.Location)
			}
		}
		if put < 2 {
			t.Errorf("round %d: %d articles put off, want the ones that declare countries", round, put)
		}
	}
	if c.hits.Load() == 0 {
		t.Fatal("the second lazy load did not use the cache")
	}
	// An eager load from the lazy load's cache detects what it put off.
	got, _ := loadJSON(t, &Loader{DropBodies: true, Heads: c}, src)
	want, _ := loadJSON(t, &Loader{DropBodies: true}, src)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("eager load from a lazy cache:\n%v\nwant\n%v", got, want)
	}
	// And it wrote them back detected: the next eager load takes them from
	// the cache.
	hits := c.hits.Load()
	got, _ = loadJSON(t, &Loader{DropBodies: true, Heads: c}, src)
	if !reflect.DeepEqual(got, want) || c.hits.Load()-hits != 5 {
		t.Errorf("second eager load: %d hits, want 5; same output %v", c.hits.Load()-hits, reflect.DeepEqual(got, want))
	}
	// A lazy load finds them detected too: none is put off again.
	again, _ := lazy.LoadAll(ctx, []Source{src})
	c.Wait()
	for _, a := range again {
		if a.Undetected {
			t.Errorf("%s: undetected again after an eager load", a.Location)
		}
	}
}

// The countries Body detects after a lazy load go into the cache with
// SaveDetected, in as many saves as the caller likes (the reader saves
// them as they come): the next load, lazy or not, takes every file from
// there, detected, and gives what a load without any cache gives.
func TestSaveDetected(t *testing.T) {
	dir := lazyDir(t)
	src := Source{Location: dir, Tags: []string{"Mine"}}
	ctx := context.Background()
	c := newHeadCache(t)
	lazy := &Loader{DropBodies: true, Heads: c, LazyDetect: true}
	arts, _ := lazy.LoadAll(ctx, []Source{src})
	c.Wait()
	if err := lazy.SaveDetected([]Source{src}); err != nil {
		t.Fatalf("nothing detected yet: %v", err)
	}
	put := 0
	for _, a := range arts {
		if a.Undetected {
			put++
			if _, err := lazy.Body(ctx, a); err != nil {
				t.Fatal(err)
			}
			if put == 1 {
				// The first on its own, the rest together.
				if err := lazy.SaveDetected([]Source{src}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if put < 2 {
		t.Fatal("fewer than two put off")
	}
	if err := lazy.SaveDetected([]Source{src, {Location: t.TempDir()}}); err != nil {
		t.Fatal(err)
	}
	want, _ := loadJSON(t, &Loader{DropBodies: true}, src)
	for _, l := range []*Loader{{DropBodies: true, Heads: c}, lazy} {
		hits, misses := c.hits.Load(), c.misses.Load()
		got, _ := loadJSON(t, l, src)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("lazy %v: load after SaveDetected:\n%v\nwant\n%v", l.LazyDetect, got, want)
		}
		// The feed and the file that is not text are never cached.
		if h, m := c.hits.Load()-hits, c.misses.Load()-misses; h != 5 || m != 2 {
			t.Errorf("lazy %v: %d hits and %d misses, want 5 and 2", l.LazyDetect, h, m)
		}
	}
}

// The files a lazy load reads for the first rows while a large cache file
// is read come detected when there is a cache file: their records there
// are most often whole, and put off they would be detected again after
// the load, a few hundred files each launch. The cache file stays as it
// was. A lazy load with no cache file yet puts them off as any other.
func TestEarlyFilesDetected(t *testing.T) {
	const n = 1200
	dir := largeDir(t, n)
	src := Source{Location: dir}
	want, _ := loadJSON(t, &Loader{DropBodies: true}, src)
	ctx := context.Background()

	c := newHeadCache(t)
	first := &Loader{DropBodies: true, Heads: c, LazyDetect: true, FirstRows: true}
	arts, _ := first.LoadAll(ctx, []Source{src})
	c.Wait()
	if undetected(arts) != n {
		t.Fatalf("a lazy load with no cache file: %d of %d articles undetected", undetected(arts), n)
	}
	// An eager load makes every record whole.
	loadJSON(t, &Loader{DropBodies: true, Heads: c}, src)
	file := onlyCacheFile(t, c)
	before, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}

	c.hits.Store(0)
	c.gate = make(chan struct{})
	l := &Loader{DropBodies: true, Heads: c, LazyDetect: true, FirstRows: true}
	results := l.Load(ctx, []Source{src})
	// The first rows come while the cache file waits.
	var got []*feed.Article
	for r := range results {
		got = append(got, r.Articles...)
		if len(got) > 0 {
			break
		}
	}
	close(c.gate)
	rest, errs := Collect(results)
	got = append(got, rest...)
	c.Wait()
	if len(errs) > 0 || len(got) != n {
		t.Fatalf("%d articles, errors %v", len(got), errs)
	}
	if h := c.hits.Load(); h == n || h < n-maxEarly {
		t.Fatalf("%d of %d from the cache, want all but the first rows' (up to %d)", h, n, maxEarly)
	}
	if k := undetected(got); k != 0 {
		t.Errorf("%d articles undetected, want none", k)
	}
	differ := 0
	for _, a := range got {
		data, err := json.Marshal(a.ToJSON(false))
		if err != nil {
			t.Fatal(err)
		}
		if w := want[a.Location+"#"+a.ID]; string(data) != w {
			if differ++; differ <= 3 {
				t.Errorf("%s:\n%s\nwant\n%s", a.Location, data, w)
			}
		}
	}
	if differ > 0 {
		t.Errorf("%d articles differ from a load with no cache", differ)
	}
	if after, err := os.Stat(file); err != nil || !after.ModTime().Equal(before.ModTime()) {
		t.Error("the load wrote the cache again, with nothing changed")
	}
}

// undetected counts the articles whose countries were put off.
func undetected(arts []*feed.Article) int {
	n := 0
	for _, a := range arts {
		if a.Undetected {
			n++
		}
	}
	return n
}
