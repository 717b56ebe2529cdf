package state

import (
	"slices"
	"sort"
	"sync"

	"github.com/gazette-news/gazette/feed"
)

// stories knows, of a list of articles in the order a load gave them,
// which story keys more than one of them has: the work of Dedupe that
// needs no order, which Sync does while the list is sorted.
type stories struct {
	// all is the list, in load order; ends[i] is where the articles of
	// the i-th source end in it, and origins[i] names that source.
	all     []*feed.Article
	ends    []int
	origins []string
	// first holds, for each key, the place in all of the first article
	// with it; told holds, for each key more than one has, the places of
	// all of them, in load order until dedupe sorts them.
	first map[string]int32
	told  map[string][]int32
}

// findStories reads the keys of all, whose articles came from the sources
// origins names, the i-th up to ends[i]. With no origins, every article
// comes from one unnamed source.
func findStories(all []*feed.Article, ends []int, origins []string) *stories {
	s := &stories{all: all, ends: ends, origins: origins, first: make(map[string]int32, len(all))}
	for i, a := range all {
		if a.Key == "" {
			continue
		}
		at, ok := s.first[a.Key]
		if !ok {
			s.first[a.Key] = int32(i)
			continue
		}
		if s.told == nil {
			s.told = map[string][]int32{}
		}
		if s.told[a.Key] == nil {
			s.told[a.Key] = []int32{at}
		}
		s.told[a.Key] = append(s.told[a.Key], int32(i))
	}
	return s
}

// origin names the source of all[i], or "" without origins.
func (s *stories) origin(i int32) string {
	if len(s.origins) == 0 {
		return ""
	}
	return s.origins[sort.SearchInts(s.ends, int(i)+1)]
}

// dedupe returns sorted, which holds the articles of all in some order,
// with each story once: of the articles with one key, the first in sorted
// stays, and the others' locations go to its AlsoIn. Articles without a
// key all stay, and so do items of one feed document that share a key,
// which are the feed's doing. The order of sorted is kept. It returns
// the kept article of each key told more than once, for absorbSkimmed.
func (s *stories) dedupe(sorted []*feed.Article) ([]*feed.Article, map[string]*feed.Article) {
	if len(s.told) == 0 {
		return sorted, nil
	}
	// Where each article of a story told more than once is in sorted.
	at := make(map[*feed.Article]int, 2*len(s.told))
	for _, places := range s.told {
		for _, i := range places {
			at[s.all[i]] = -1
		}
	}
	for p, a := range sorted {
		if _, ok := at[a]; ok {
			at[a] = p
		}
	}
	kept := make(map[string]*feed.Article, len(s.told))
	var dropped []int
	for key, places := range s.told {
		slices.SortFunc(places, func(i, j int32) int { return at[s.all[i]] - at[s.all[j]] })
		k := places[0]
		first := s.all[k]
		kept[key] = first
		for _, i := range places[1:] {
			a := s.all[i]
			if s.origin(i) == s.origin(k) && !ownFile(a) && !ownFile(first) {
				continue
			}
			where := a.Location
			if where == first.Location || where == "" {
				where = s.origin(i)
			}
			if where != "" && where != first.Location && !contains(first.AlsoIn, where) {
				first.AlsoIn = append(first.AlsoIn, where)
			}
			dropped = append(dropped, at[a])
		}
	}
	slices.Sort(dropped)
	out := make([]*feed.Article, 0, len(sorted)-len(dropped))
	from := 0
	for _, p := range dropped {
		out = append(out, sorted[from:p]...)
		from = p + 1
	}
	return append(out, sorted[from:]...), kept
}

// keptFor returns the article that stands for a key in the list dedupe
// returned, given what it returned beside it; nil if no article has key.
func (s *stories) keptFor(key string, kept map[string]*feed.Article) *feed.Article {
	if a, ok := kept[key]; ok {
		return a
	}
	if i, ok := s.first[key]; ok {
		return s.all[i]
	}
	return nil
}

// sortedStories sorts arts, the articles of s in load order, newest
// first, and returns them each story once (see stories.dedupe). The keys
// are read while the list is sorted.
func sortedStories(arts []*feed.Article, ends []int, origins []string) (*stories, []*feed.Article, map[string]*feed.Article) {
	var s *stories
	var wg sync.WaitGroup
	wg.Go(func() { s = findStories(arts, ends, origins) })
	sorted := slices.Clone(arts)
	feed.SortNewest(sorted)
	wg.Wait()
	out, kept := s.dedupe(sorted)
	return s, out, kept
}
