package main

import (
	"cmp"
	"context"
	"maps"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/store"
)

// openIndex opens the store that holds the full-text index, making it
// when there is none yet, or returns nil when it cannot be had: searching
// then scans the bodies, as it always could.
func (a *app) openIndex() *store.Store {
	path, err := a.storePath()
	if err != nil {
		return nil
	}
	st, err := store.Open(path, storeOptions)
	if err != nil {
		return nil
	}
	return st
}

// bodySearch is how a query's body terms are answered for one run.
type bodySearch struct {
	// match and score stand in for q.Match and q.Score.
	match func(*feed.Article) bool
	score func(*feed.Article) float64
}

// searchBodies loads the sources for a query with body terms. Articles are
// loaded without their bodies; the index answers for those it holds as
// they are now, and the bodies of the others (new or changed files, or
// all of them the first time) are read again, once each, to be scanned
// and indexed: the next run finds the index whole. Unless ranked, the
// index is asked for matches alone, which costs half as much, and the
// score gives its answers no weight.
func (a *app) searchBodies(ctx context.Context, srcs []load.Source, q query.Query, ranked bool, state *store.Store) (arts []*feed.Article, failed bool, bs bodySearch) {
	st := state
	if st == nil {
		// No database yet: this search makes the index it fills.
		if st = a.openIndex(); st != nil {
			defer st.Close()
		}
	}
	if st == nil {
		arts, failed = a.loadState(ctx, a.loader(), srcs, state)
		return arts, failed, bodySearch{match: q.Match, score: func(art *feed.Article) float64 { return q.Score(art, nil) }}
	}
	l := a.headLoader()
	searcher := search.NewSearcher(st)
	lookup := searcher.Find
	if ranked {
		lookup = searcher.Search
	}
	// The index is asked while the sources load.
	ans := ask(ctx, lookup, q)
	var plan search.Plan
	var hits *search.Hits
	var err error
	if mayBeCurrent(ctx, st, srcs) {
		arts, failed, plan, hits, err = a.skimLoad(ctx, srcs, state, st, ans)
	} else {
		arts, failed = a.loadState(ctx, l, srcs, state)
		if hits, err = ans.wait(); err == nil {
			// The first search of a directory keeps its memo too, so that
			// the second needs no sums.
			plan, err = a.planUnchanged(ctx, st, srcs, arts, failed)
		}
	}
	if err != nil {
		// The index cannot be read: scan every body.
		plan = search.Plan{Todo: arts, Stamps: make([]search.Stamp, len(arts))}
		hits = nil
	}
	var scanned map[*feed.Article]scanned
	if err == nil {
		// The limit kept once the load is over (KeepHeadroom) counts on a
		// live heap that grows no more; indexing reads every body again
		// and holds texts on their way to the index.
		defer liftLimitForIndexing(a.pacing())()
		scanned = scanIndexing(ctx, st, l, plan, q)
	} else {
		scanned = scanBodies(ctx, l, plan.Todo, q)
	}
	bs = bodySearch{
		match: func(art *feed.Article) bool {
			if r, ok := scanned[art]; ok {
				return r.match
			}
			if hits == nil {
				return q.Match(art)
			}
			return hits.Match(art)
		},
		score: func(art *feed.Article) float64 {
			if r, ok := scanned[art]; ok {
				return r.score
			}
			if hits == nil {
				return q.Score(art, nil)
			}
			return hits.Score(art)
		},
	}
	return arts, failed, bs
}

// planIndex compares a load of srcs with the index (search.MakePlan). The
// sources' roots count only when the load was whole: a file that failed
// to load is not gone.
func planIndex(ctx context.Context, st *store.Store, srcs []load.Source, arts []*feed.Article, failed bool) (search.Plan, error) {
	return search.MakePlan(ctx, st, arts, planRoots(srcs, failed))
}

// planRoots returns the roots of srcs for a plan: none when the load
// failed in part.
func planRoots(srcs []load.Source, failed bool) []string {
	if failed {
		return nil
	}
	return search.LocalRoots(sourcePaths(srcs))
}

// planUnchanged is planIndex, for a load that may have found its one
// directory as its header cache recorded it (see search.MakePlanMemo).
func (a *app) planUnchanged(ctx context.Context, st *store.Store, srcs []load.Source, arts []*feed.Article, failed bool) (search.Plan, error) {
	var memos search.Memos
	if len(srcs) == 1 && a.heads != nil {
		memos = a.heads
	}
	return search.MakePlanMemo(ctx, st, memos, arts, planRoots(srcs, failed))
}

// mayBeCurrent reports whether the index may answer for every article
// of srcs, so that skimming them is worth a try: they are local paths,
// and under each as many stories are indexed as the store last recorded
// it listing (at least one). Only a load can tell that the index answers
// for each article; this saves a first search, or one while the index is
// still being built, from loading the sources twice.
func mayBeCurrent(ctx context.Context, st *store.Store, srcs []load.Source) bool {
	paths := sourcePaths(srcs)
	if len(paths) == 0 || len(paths) < len(srcs) {
		return false
	}
	roots := search.LocalRoots(paths)
	got, err := st.RootDigests(ctx, roots)
	if err != nil {
		return false
	}
	for _, r := range roots {
		listed, err := st.UnreadCount(ctx, r)
		if err != nil || got[r].N == 0 || got[r].N < int64(listed.Total) {
			return false
		}
	}
	return true
}

// skimLoad loads the sources for a search whose body terms the index
// answered with hits, and plans the index's update. Only the articles
// that may match are decoded whole: the header cache's other records
// come Skimmed (see load.Loader.Keep), counted and recorded by the store
// but left out of arts. That holds only while the index is current for
// them; when the plan finds one it is not, the sources are loaded again,
// whole, and the plan made again.
func (a *app) skimLoad(ctx context.Context, srcs []load.Source, state, st *store.Store, ans *answer) (arts []*feed.Article, failed bool, plan search.Plan, hits *search.Hits, err error) {
	skim := a.headLoader()
	// Asked once the header cache is read, by when the index has answered.
	skim.Keep = func(key, title, source string) bool {
		hits, err := ans.wait()
		// Without an answer every article comes whole, to be scanned.
		return err != nil || hits.MayMatch(key, title, source)
	}
	arts, errs, failed := a.loadStateQuiet(ctx, skim, srcs, state)
	// Without an answer nothing was skimmed, and there is nothing to plan.
	if hits, err = ans.wait(); err == nil {
		plan, err = a.planUnchanged(ctx, st, srcs, arts, failed)
		if err != nil || !skimmedCurrent(plan) {
			arts, errs, failed = a.loadStateQuiet(ctx, a.headLoader(), srcs, state)
			plan, err = planIndex(ctx, st, srcs, arts, failed)
		}
	}
	for _, e := range errs {
		a.warn(e)
	}
	kept := arts[:0]
	for _, art := range arts {
		if !art.Skimmed {
			kept = append(kept, art)
		}
	}
	clear(arts[len(kept):])
	return kept, failed, plan, hits, err
}

// answer is the index's answer to a query, on its way.
type answer struct {
	done chan struct{}
	hits *search.Hits
	err  error
}

// ask asks lookup for q's hits in the background.
func ask(ctx context.Context, lookup func(context.Context, query.Query) (*search.Hits, error), q query.Query) *answer {
	ans := &answer{done: make(chan struct{})}
	go func() {
		defer close(ans.done)
		ans.hits, ans.err = lookup(ctx, q)
	}()
	return ans
}

// wait returns the answer once it has come.
func (ans *answer) wait() (*search.Hits, error) {
	<-ans.done
	return ans.hits, ans.err
}

// skimmedCurrent reports whether the index answers for every skimmed
// article of a load, so that the search can leave them out: none is in
// the plan's Todo. A skimmed article never stands for a story a whole
// one was merged into (see state.Sync), so no more need be checked.
func skimmedCurrent(plan search.Plan) bool {
	for _, art := range plan.Todo {
		if art.Skimmed {
			return false
		}
	}
	return true
}

// scanned is what reading one article's body again told of a query.
type scanned struct {
	match bool
	score float64
}

// scanIndexing brings the index up to date with the plan, and answers q
// for each article of its Todo from the body read to index it, as
// scanBodies does. The bodies are not kept: at 300,000 articles they
// would hold more than a gigabyte. Those the index could not take (a
// full disk, a database locked too long) are scanned alone.
func scanIndexing(ctx context.Context, st *store.Store, l *load.Loader, plan search.Plan, q query.Query) map[*feed.Article]scanned {
	out := make([]scanned, len(plan.Todo))
	read := make([]bool, len(plan.Todo))
	body := l.BodyText
	if q.Detected {
		body = l.Body
	}
	x := search.Indexer{Index: st, Body: body, Read: func(i int, full *feed.Article) {
		if full != nil {
			out[i], read[i] = scan(full, q), true
		}
	}}
	m := make(map[*feed.Article]scanned, len(plan.Todo))
	var rest []*feed.Article
	err := x.Run(ctx, plan)
	for i, ok := range read {
		switch {
		case ok:
			m[plan.Todo[i]] = out[i]
		case err != nil:
			rest = append(rest, plan.Todo[i])
		}
	}
	maps.Copy(m, scanBodies(ctx, l, rest, q))
	return m
}

// scan answers q for an article with its body. Only an article that
// matches is ranked: no other is shown.
func scan(full *feed.Article, q query.Query) scanned {
	r := scanned{match: q.Match(full)}
	if r.match {
		r.score = q.Score(full, nil)
	}
	return r
}

// scanBodies reads the bodies of arts again, on every core, and answers
// q for each article with its body, keeping only the answer. An article
// whose file cannot be read any more is left out, and matches on its
// other fields alone.
func scanBodies(ctx context.Context, l *load.Loader, arts []*feed.Article, q query.Query) map[*feed.Article]scanned {
	out := make([]scanned, len(arts))
	read := make([]bool, len(arts))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(2, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(arts) || ctx.Err() != nil {
					return
				}
				if f, err := l.Body(ctx, arts[i]); err == nil {
					out[i], read[i] = scan(f, q), true
				}
			}
		})
	}
	wg.Wait()
	m := make(map[*feed.Article]scanned, len(arts))
	for i, ok := range read {
		if ok {
			m[arts[i]] = out[i]
		}
	}
	return m
}

// scoredJSON is an article of `list --json --sort relevance`: its JSON
// form with its relevance.
type scoredJSON struct {
	feed.JSONArticle
	Score float64 `json:"score"`
}

// rankByRelevance orders the articles best match first, keeping the
// newest first among equals, and returns their scores in the same order.
func rankByRelevance(arts []*feed.Article, score func(*feed.Article) float64) ([]*feed.Article, []float64) {
	type ranked struct {
		art   *feed.Article
		score float64
	}
	rs := make([]ranked, len(arts))
	for i, art := range arts {
		rs[i] = ranked{art, score(art)}
	}
	slices.SortStableFunc(rs, func(x, y ranked) int { return cmp.Compare(y.score, x.score) })
	out := make([]*feed.Article, len(rs))
	scores := make([]float64, len(rs))
	for i, r := range rs {
		out[i], scores[i] = r.art, math.Round(r.score*1000)/1000
	}
	return out, scores
}

// sourcePaths returns the locations of the sources that are local paths.
func sourcePaths(srcs []load.Source) []string {
	var out []string
	for _, s := range srcs {
		if s.FS == nil {
			out = append(out, s.Location)
		}
	}
	return out
}
