// Package state joins what the store remembers to what a load returned:
// which source listed which story, the items a feed no longer lists, the
// same story from two sources listed once, and each article's read and
// starred state. The commands and the reader share it, so that both keep
// the store the same way.
package state

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/store"
)

// SourceKey returns the name the store knows a source by: a URL as
// written, a path made absolute (so that ~/news and news seen from ~ are
// one source), and "embedded:" and the location for a source read from an
// fs.FS such as the sample feed. Standard input is no lasting source: its
// key is "", and nothing is recorded for it.
func SourceKey(src load.Source) string {
	loc := src.Location
	switch {
	case src.FS != nil:
		return "embedded:" + loc
	case loc == "-" || loc == "":
		return ""
	case feed.IsURL(loc):
		return loc
	}
	if abs, err := filepath.Abs(loc); err == nil {
		return abs
	}
	return filepath.Clean(loc)
}

// Loaded is what one source gave in a load.
type Loaded struct {
	// Source is the source as it was loaded.
	Source load.Source
	// Articles are the articles it gave, in the order they came.
	Articles []*feed.Article
	// Failed is true when some of the source could not be read, so that
	// what it gave is not all it lists.
	Failed bool
}

// Group takes every result of a load of srcs and sorts the articles by
// the source they came from (see load.Result.Source), in the order of
// srcs, a source given twice once; errs are the load's errors in the
// order they arrived.
func Group(ch <-chan load.Result, srcs []load.Source) (loaded []Loaded, errs []error) {
	loaded = make([]Loaded, 0, len(srcs))
	at := make(map[string]int, len(srcs))
	for _, src := range srcs {
		if _, ok := at[src.Location]; !ok {
			// A second entry would be recorded as listing nothing.
			at[src.Location] = len(loaded)
			loaded = append(loaded, Loaded{Source: src})
		}
	}
	for r := range ch {
		i, ok := at[r.Source]
		if r.Err != nil {
			errs = append(errs, r.Err)
			if ok {
				loaded[i].Failed = true
			}
			continue
		}
		if !ok {
			// A result from no source asked for cannot be recorded, but
			// is still listed.
			i = len(loaded)
			at[r.Source] = i
			loaded = append(loaded, Loaded{Source: load.Source{Location: r.Source}, Failed: true})
		}
		loaded[i].Articles = append(loaded[i].Articles, r.Articles...)
		loaded[i].Articles = append(loaded[i].Articles, r.Skimmed...)
	}
	return loaded, errs
}

// Record tells st that source (a SourceKey) lists arts. Items fetched from
// a URL are kept whole (Store.Keep), so that they stay listed after they
// leave the feed; a feed only ever adds to what it lists. For a directory
// or a file, complete says that arts are all it lists now, so that what
// it no longer holds leaves it (see Store.Seen).
func Record(ctx context.Context, st *store.Store, source string, arts []*feed.Article, complete bool) error {
	if st == nil || source == "" {
		return nil
	}
	if feed.IsURL(source) {
		return st.Keep(ctx, source, arts)
	}
	keys := make([]string, 0, len(arts))
	for _, a := range arts {
		if a.Key != "" {
			keys = append(keys, a.Key)
		}
	}
	return st.Seen(ctx, source, keys, complete)
}

// Merge returns the articles a fetch returned, then the kept ones (see
// Store.History) it no longer returned: one article for each Key, the
// fetched copy winning, since it is the newer.
func Merge(kept, fetched []*feed.Article) []*feed.Article {
	if len(kept) == 0 {
		return fetched
	}
	have := make(map[string]bool, len(fetched))
	for _, a := range fetched {
		have[a.Key] = true
	}
	out := make([]*feed.Article, 0, len(fetched)+len(kept))
	out = append(out, fetched...)
	for _, a := range kept {
		if a.Key == "" || !have[a.Key] {
			have[a.Key] = true
			out = append(out, a)
		}
	}
	return out
}

// Dedupe lists each story once: of the articles with the same Key, the
// first in arts stays (in a list sorted newest first, the newest), and
// the others' locations go to its AlsoIn. Articles without a Key are all
// kept, and so are items of one feed that share a Key, which Dedupe cannot
// tell from items of two feed files; Sync, which knows each article's
// source, merges those across sources. The order of arts is kept.
func Dedupe(arts []*feed.Article) []*feed.Article {
	out, _ := findStories(arts, nil, nil).dedupe(arts)
	return out
}

// ownFile reports whether an article is a file of its own, not an item of
// a feed: its Location is a path, not a link or a feed's path and "#" and
// the item.
func ownFile(a *feed.Article) bool {
	return a.Location != "" && a.Location != "-" && !feed.IsURL(a.Location) && !strings.Contains(a.Location, "#")
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Apply sets each article's State from states, by Key; an article the map
// does not hold gets the zero State.
func Apply(states map[string]feed.State, arts []*feed.Article) {
	applyFound(states, arts)
}

// applyFound is Apply, and returns the articles with a key the map does
// not hold. A long list is done in two halves at once: a second launch
// of 100,000 articles waits for it.
func applyFound(states map[string]feed.State, arts []*feed.Article) (missing []*feed.Article) {
	do := func(arts []*feed.Article) (missing []*feed.Article) {
		for _, a := range arts {
			s, ok := states[a.Key]
			a.State = s
			if !ok && a.Key != "" {
				missing = append(missing, a)
			}
		}
		return missing
	}
	if len(arts) < applyInTwo {
		return do(arts)
	}
	half := len(arts) / 2
	var first []*feed.Article
	var wg sync.WaitGroup
	wg.Go(func() { first = do(arts[:half]) })
	second := do(arts[half:])
	wg.Wait()
	return append(first, second...)
}

// applyInTwo is the length from which applyFound does two halves at once.
const applyInTwo = 16 << 10

// skimRatio is how many skimmed articles a load must hold for each whole
// one for Sync to look the whole ones' states up key by key: a lookup
// costs a few times what reading one row of a scan does.
const skimRatio = 4

// manyKeys is the number of keys past which reading every state the store
// holds (one scan) costs less than looking each key up.
const manyKeys = 2000

// Sync records what each source listed (Record), adds to each URL source
// the items it no longer lists (Merge), and returns every article, newest
// first, each story once (Dedupe), with its state (Apply). With a nil st
// it only sorts and dedupes. errs are the store's failures, each naming
// what failed; the articles come back whole either way.
//
// A source is recorded complete when it was read whole: it did not fail
// and ctx was not cancelled.
//
// early, when not nil, holds the states read while the sources loaded
// (see ReadEarly); Sync then only looks up the keys recorded since.
//
// Skimmed articles (see load.Loader.Keep) are recorded with the others,
// and come last, without their state (see absorbSkimmed).
func Sync(ctx context.Context, st *store.Store, loaded []Loaded, early *Early) (arts []*feed.Article, errs []error) {
	var skimmed []*feed.Article
	ends := make([]int, len(loaded))
	origins := make([]string, len(loaded))
	// A directory or a file is recorded while the list is sorted; what
	// a URL listed before is needed first.
	recordErrs := make([]error, len(loaded))
	var record []int
	for i, l := range loaded {
		key := SourceKey(l.Source)
		got := l.Articles
		if st != nil && key != "" && feed.IsURL(key) {
			kept, err := st.History(ctx, key)
			if err != nil {
				errs = append(errs, err)
			}
			if len(got) > 0 {
				if err := Record(ctx, st, key, got, false); err != nil {
					errs = append(errs, err)
				}
			}
			got = Merge(kept, got)
		} else if st != nil && key != "" && (len(got) > 0 || !l.Failed) {
			record = append(record, i)
		}
		for _, a := range got {
			if a.Skimmed {
				skimmed = append(skimmed, a)
				continue
			}
			arts = append(arts, a)
		}
		ends[i], origins[i] = len(arts), l.Source.Location
	}
	var recorded sync.WaitGroup
	recorded.Go(func() {
		for _, i := range record {
			complete := !loaded[i].Failed && ctx.Err() == nil
			recordErrs[i] = Record(ctx, st, SourceKey(loaded[i].Source), loaded[i].Articles, complete)
		}
	})
	s, arts, kept := sortedStories(arts, ends, origins)
	whole := len(arts)
	arts = absorbSkimmed(arts, skimmed, func(key string) *feed.Article { return s.keptFor(key, kept) })
	recorded.Wait()
	for _, err := range recordErrs {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if st == nil {
		return arts, errs
	}
	// The states are read once every source is recorded, so that the
	// articles new to the store come with the time they were first seen.
	var err error
	switch {
	case early != nil && whole > manyKeys:
		err = early.apply(ctx, st, arts[:whole])
	case whole < len(skimmed)/skimRatio:
		// The store holds a row for most of the skimmed too: reading
		// them all would cost more than a lookup of each key wanted.
		var states map[string]feed.State
		states, err = lookupStates(ctx, st, arts[:whole])
		Apply(states, arts[:whole])
	default:
		var states map[string]feed.State
		states, err = States(ctx, st, arts[:whole])
		Apply(states, arts[:whole])
	}
	if err != nil {
		errs = append(errs, err)
	}
	return arts, errs
}

// absorbSkimmed returns arts, each story once, followed by the skimmed
// articles of stories arts does not hold. A skimmed article of a story
// arts holds is one more place it is in (AlsoIn): it never stands for a
// whole one. The skimmed are neither sorted nor deduped: they are never
// shown. keptFor returns the article of arts with a key, if any.
func absorbSkimmed(arts, skimmed []*feed.Article, keptFor func(key string) *feed.Article) []*feed.Article {
	for _, s := range skimmed {
		var kept *feed.Article
		if s.Key != "" {
			kept = keptFor(s.Key)
		}
		if kept == nil {
			arts = append(arts, s)
			continue
		}
		if s.Location != kept.Location && !contains(kept.AlsoIn, s.Location) {
			kept.AlsoIn = append(kept.AlsoIn, s.Location)
		}
	}
	return arts
}

// Early is every state a store keeps, read in the background while a
// load runs, for Sync.
type Early struct {
	done   chan struct{}
	states map[string]feed.State
	err    error
	// later is set when the store kept few states as the load began, and
	// a copy of the states is kept at copyPath: a load that records many
	// (a directory's first) then reads them whole once recorded, through
	// the copy, so that the next launch finds the copy made.
	later    bool
	copyPath string
}

// ReadEarly starts reading every state st keeps, when it keeps many: a
// load of many articles then finds them read when it ends, the store read
// beside the files. It returns nil when st is nil or keeps few, which a
// lookup of each key answers for less, unless a copy is kept.
//
// copyPath, when not empty, is a file of the cache directory for a copy
// of the states: they are read from it while the store's states are as
// they were when it was made, and it is made again when they are not.
// When st keeps few, a load that brings many reads them, once recorded,
// through the copy, which is then made.
func ReadEarly(ctx context.Context, st *store.Store, copyPath string) *Early {
	if st == nil {
		return nil
	}
	if c, err := st.UnreadCount(ctx); err != nil || c.Total <= manyKeys {
		if copyPath == "" {
			return nil
		}
		e := &Early{done: make(chan struct{}), later: true, copyPath: copyPath}
		close(e.done)
		return e
	}
	e := &Early{done: make(chan struct{})}
	go func() {
		defer close(e.done)
		e.states, e.err = loadStates(ctx, st, copyPath)
	}()
	return e
}

// apply gives arts their states: those read early, and those of the
// keys the store did not know then (the articles recorded since), read
// now.
func (e *Early) apply(ctx context.Context, st *store.Store, arts []*feed.Article) error {
	select {
	case <-e.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if e.later {
		states, err := loadStates(ctx, st, e.copyPath)
		Apply(states, arts)
		return err
	}
	if e.err != nil {
		states, err := States(ctx, st, arts)
		Apply(states, arts)
		return err
	}
	missing := applyFound(e.states, arts)
	if len(missing) == 0 {
		return nil
	}
	more, err := States(ctx, st, missing)
	Apply(more, missing)
	return err
}

// States returns the state of the articles, by Key: one lookup for a few,
// one scan of the store for many.
func States(ctx context.Context, st *store.Store, arts []*feed.Article) (map[string]feed.State, error) {
	if st == nil {
		return nil, nil
	}
	if len(arts) > manyKeys {
		return st.LoadStates(ctx)
	}
	return lookupStates(ctx, st, arts)
}

// lookupStates returns the state of the articles, by Key, looking each up.
func lookupStates(ctx context.Context, st *store.Store, arts []*feed.Article) (map[string]feed.State, error) {
	keys := make([]string, 0, len(arts))
	for _, a := range arts {
		if a.Key != "" {
			keys = append(keys, a.Key)
		}
	}
	return st.States(ctx, keys)
}

// Prune drops, in st, what the retention setting lets go (see
// Store.Prune): items read more than keepRead ago that no source lists
// any more. Unread and starred articles are never dropped. A keepRead of
// zero or less keeps everything, and so does a store in memory, which
// is gone at exit anyway.
func Prune(ctx context.Context, st *store.Store, keepRead time.Duration) (int, error) {
	if st == nil || st.Memory() || keepRead <= 0 {
		return 0, nil
	}
	return st.Prune(ctx, time.Now(), keepRead)
}
