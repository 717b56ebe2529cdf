package tui

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/search"
)

// filterJob is one run of the filter over a snapshot of the list. It runs
// in a command, off the UI loop, so typing never waits for 100,000 titles.
type filterJob struct {
	// all is what is filtered: the whole list, or the visible list when
	// the new filter can only narrow it.
	all     []*entry
	version int
	ntags   int
	flt     filter
	gen     int64
	latest  *atomic.Int64
	// preview computes facet counts for the tag picker only.
	preview bool
	// top puts the cursor back on the first row: the query changed.
	top bool
	// search answers body words from the index; nil scans what bodies
	// the articles carry. ctx bounds its lookups: it is done when a newer
	// run starts.
	search *search.Searcher
	ctx    context.Context
	// typed is set for a query being typed, whose very short words wait
	// a little for the next key (see shortWordWait).
	typed bool
	// rows is how many rows the entries were numbered with, and whole
	// the whole list, whose rows are bound when bind is set and they
	// are not yet: the list is loaded and the index not being built.
	// bindCtx bounds the binding, which outlives a run superseded.
	rows    int
	whole   []*entry
	bind    bool
	bindCtx context.Context
	// folded is the whole list's folded titles, for a required word to
	// narrow the entries matched (see foldedList.narrow); nil until the
	// list is first folded.
	folded *foldedList
}

// resultCache keeps the last few filter results of one list version and
// one choice of tags, by query text, so that deleting what was just typed
// costs nothing.
type resultCache struct {
	version  int
	tags     []tagID
	any      bool
	detected bool
	unread   bool
	byText   map[string]filterDoneMsg
}

// maxCachedResults bounds the cache: a result may hold 100,000 pointers.
const maxCachedResults = 8

// lookup returns the cached result for f over version, if any.
func (c *resultCache) lookup(f filter, version int) (filterDoneMsg, bool) {
	if c.byText == nil || !c.fits(f, version) {
		return filterDoneMsg{}, false
	}
	r, ok := c.byText[f.text]
	return r, ok
}

func (c *resultCache) fits(f filter, version int) bool {
	return c.version == version && c.any == f.any && c.detected == f.detected && c.unread == f.unread && slices.Equal(c.tags, f.tags)
}

// store keeps a finished run's result.
func (c *resultCache) store(msg filterDoneMsg) {
	j := msg.job
	if !c.fits(j.flt, j.version) || c.byText == nil || len(c.byText) >= maxCachedResults {
		*c = resultCache{
			version: j.version, tags: slices.Clone(j.flt.tags), any: j.flt.any,
			detected: j.flt.detected, unread: j.flt.unread, byText: make(map[string]filterDoneMsg),
		}
	}
	c.byText[j.flt.text] = msg
}

// startFilter starts a filter run with f, whose query text is parsed in the
// command, and makes earlier runs still going give up. A result cached for
// the same text is applied at once; a filter that can only narrow the
// current one runs over the visible list alone.
func (l *listModel) startFilter(f filter, top bool) tea.Cmd {
	return l.runFilter(f, top, false)
}

// runFilter is startFilter, for a query being typed when typed is set. The
// run it supersedes stops where it is, its index lookup too, and its
// result, should one come, is dropped.
func (l *listModel) runFilter(f filter, top, typed bool) tea.Cmd {
	l.fltGen++
	l.fltLatest.Store(l.fltGen)
	if l.fltStop != nil {
		l.fltStop()
		l.fltStop = nil
	}
	if hit, ok := l.results.lookup(f, l.version); ok {
		hit.job.gen, hit.job.top = l.fltGen, top
		return l.applyFilterDone(hit)
	}
	base := l.all
	if l.visVersion == l.version && narrows(l.flt, f) {
		base = l.visible
	}
	ctx, stop := context.WithCancel(l.ctx)
	l.fltStop = stop
	return filterJob{
		all: base, version: l.version, ntags: len(l.tags.infos),
		flt: f, gen: l.fltGen, latest: l.fltLatest, top: top,
		search: l.index.searcher, ctx: ctx, typed: typed,
		rows: l.nextRow, whole: l.all, bind: !l.loading && !l.index.building, bindCtx: l.ctx,
		folded: loadFolded(l.index.folded),
	}.cmd()
}

// shortWordWait is how long a query being typed whose body words are very
// short waits for the next key before it asks the index: a word of one or
// two letters is most often the start of a longer one, and in the bodies
// of 100,000 articles it may be found in nearly all of them ("s" of
// "Putin's"), which takes long to look up, to go through and to count.
const shortWordWait = 150 * time.Millisecond

// hasShortWord reports whether a body term of q has two letters at most,
// in all its words: "s", "s*", "東", "a b".
func hasShortWord(q query.Query) bool {
	for _, l := range q.TextLeaves() {
		n := 0
		for _, t := range l.Tokens {
			n += utf8.RuneCountInString(t)
		}
		if n > 0 && n <= 2 {
			return true
		}
	}
	return false
}

// waitShort waits shortWordWait, and reports whether the run should go
// on: false when a newer one started meanwhile.
func (j filterJob) waitShort() bool {
	t := time.NewTimer(shortWordWait)
	defer t.Stop()
	select {
	case <-j.ctx.Done():
		return false
	case <-t.C:
		return !j.superseded()
	}
}

// superseded reports whether a newer run started after this one, which
// then has nothing to deliver.
func (j filterJob) superseded() bool {
	return j.latest != nil && j.latest.Load() != j.gen
}

// narrows reports whether every article that passes f also passes old, so
// that f need only look at what old let through. That holds when the
// tags are the same and the text only grows by adding terms after a
// space, which all must hold too, and no OR or group can join them to
// what was there. A word that grows is another word: it may match more.
func narrows(old, f filter) bool {
	if old.any != f.any || old.detected != f.detected || old.unread != f.unread || !slices.Equal(old.tags, f.tags) {
		return false
	}
	if old.any && len(old.tags) > 0 {
		// Facet counts in "any" mode count articles the list does not
		// show.
		return false
	}
	if old.text == "" || f.text == old.text || !strings.HasPrefix(f.text, old.text) || strings.Contains(f.text, `"`) || mayTestState(f.text) {
		return false
	}
	added := f.text[len(old.text):]
	return (strings.HasSuffix(old.text, " ") || strings.HasPrefix(added, " ")) &&
		!strings.ContainsAny(f.text, "()") && !slices.Contains(strings.Fields(f.text), "OR")
}

// startPreview recounts the picker's facets for the tags it has chosen so
// far, without touching the list.
func (l *listModel) startPreview(tags []tagID, anyTag bool) tea.Cmd {
	f := l.flt
	f.tags = tags
	f.any = anyTag
	l.pickGen++
	l.pickLatest.Store(l.pickGen)
	return filterJob{
		all: l.all, version: l.version, ntags: len(l.tags.infos),
		flt: f, gen: l.pickGen, latest: l.pickLatest, preview: true,
	}.cmd()
}

// previewCounts returns the facet counts of the picker's latest preview
// run, if msg is that run.
func (l listModel) previewCounts(msg filterDoneMsg) ([]int, bool) {
	if msg.job.gen != l.pickGen || msg.err != nil {
		return nil, false
	}
	return msg.res.counts, true
}

// applyFilterDone takes a finished filter run into the model.
func (l *listModel) applyFilterDone(msg filterDoneMsg) tea.Cmd {
	j := msg.job
	if j.gen != l.fltGen {
		return nil
	}
	if l.fltStop != nil {
		// Done: its context is let go.
		l.fltStop()
		l.fltStop = nil
	}
	redo := l.fltRedo
	l.fltRedo = false
	if msg.err != nil {
		// Keep the last good result while the query is being typed; say
		// what is wrong under the box.
		l.fltErr = feed.SanitizeLine(msg.err.Error())
		l.fltText = j.flt.text
		if redo {
			return l.startFilter(l.flt, false)
		}
		return nil
	}
	l.results.store(msg)
	l.fltErr = ""
	l.flt = j.flt
	l.index.highlight = j.flt.query
	l.fltText = j.flt.text
	l.visible = msg.res.visible
	l.visVersion = j.version
	l.counts = msg.res.counts
	l.unreadCounts = msg.res.unread
	l.recountUnread()
	l.detected = msg.res.detected
	if j.top {
		l.scroll, l.moved = scroller{}, false
		*l = l.clamp()
	} else {
		*l = l.reselect()
	}
	if j.version != l.version || redo {
		// Articles arrived, or changed, while it ran: run again over
		// all of them.
		return l.startFilter(l.flt, false)
	}
	return nil
}

// refilter runs the filter in force again, over articles that changed
// under it. A run going on is let finish, and the filter runs again
// after it: it may be the query being typed, which the filter in force
// would overtake with the query before it. A query waiting for its frame
// will run over the changes anyway.
func (l *listModel) refilter() tea.Cmd {
	if l.fltQueued {
		return nil
	}
	if l.fltStop != nil {
		l.fltRedo = true
		return nil
	}
	return l.startFilter(l.flt, false)
}

// addBatch merges a batch of loaded articles into the list, and into the
// visible list through the filter in force, keeping the cursor on its
// article.
func (l *listModel) addBatch(arts []*feed.Article) {
	if len(arts) == 0 {
		return
	}
	// The articles come in the order the loader made them, next to each
	// other in memory, and are read so; the entries are put in order only
	// then, by the keys they hold. Sorted first, the articles were read
	// all over the loader's memory.
	add := newEntries(arts, l.tags)
	slices.SortFunc(add, newer)
	l.number(add)
	current := l.visVersion == l.version
	l.all = mergeNewest(l.all, add)
	l.version++
	if current {
		l.visVersion = l.version
	}
	if n := len(l.tags.infos); len(l.counts) < n {
		l.counts = append(l.counts, make([]int, n-len(l.counts))...)
	}
	l.applyStates(add)
	if n := len(l.tags.infos); len(l.detected) < n {
		l.detected = append(l.detected, make([]int, n-len(l.detected))...)
	}
	if !l.flt.active() {
		l.visible = l.all
		for _, e := range add {
			countTags(l.counts, l.detected, e, l.flt.detected)
			l.countUnread(e, true, true)
		}
	} else {
		var keep []*entry
		var scratch matchScratch
		for _, e := range add {
			q := l.flt.matchQuery(e, &scratch)
			t := q && l.flt.matchTags(e)
			if t {
				keep = append(keep, e)
			}
			if (l.flt.any && q) || t {
				countTags(l.counts, l.detected, e, l.flt.detected)
			}
			l.countUnread(e, (l.flt.any && q) || t, t)
		}
		if len(keep) > 0 {
			l.visible = mergeNewest(l.visible, keep)
		}
	}
	*l = l.reselect()
}
