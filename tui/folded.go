package tui

import (
	"context"
	"hash/maphash"
	"math/bits"
	"sync"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
)

// foldedView returns the entry's title and source folded as the index
// folds words, or nil while the list has not been folded in one piece
// (see foldAll), or for an entry that came after: matching then reads the
// title and source as they are, which allocates nothing, where folding
// each entry here would hold a second copy of every title beside the
// list's until the collector finds it.
func (e *entry) foldedView() *query.Folded {
	return e.folded.Load()
}

// foldedList is the folded titles and sources of the whole list as one
// version of it held them, one after another (see query.FoldedList). A
// filter run over that version whose query requires a word finds the
// titles that may hold it with one scan of compact memory, adds the
// bodies the index found it in, and matches those entries alone: at
// 100,000 articles, reaching into every entry costs tens of
// milliseconds, mostly in waiting for memory.
type foldedList struct {
	all     []*entry
	version int
	text    *query.FoldedList
	// rows are the entries' rows, or -1 for an entry that carries its
	// body, which the filter reads rather than asking the index.
	rows []int32
	// keys are hashes of the entries' story keys, for the index's answers
	// by key while the rows are not bound: comparing hashes held in a
	// row costs no trip to each key's bytes, and two keys with equal
	// hashes only make one more entry to match. They are made the first
	// time they are needed (see keyHashes), which a bound index never
	// does: made with the fold, they took 20–30 ms more of the time
	// between the full count and the first word typed, at 100,000
	// articles, for nothing.
	keysOnce sync.Once
	keys     []uint64
	seed     maphash.Seed
}

// keyHashes returns the hashes of the entries' story keys (see keys).
func (fl *foldedList) keyHashes() []uint64 {
	fl.keysOnce.Do(func() {
		fl.keys = make([]uint64, len(fl.all))
		for i, e := range fl.all {
			fl.keys[i] = maphash.String(fl.seed, e.a.Key)
		}
	})
	return fl.keys
}

// foldAll folds the titles and sources of all, the list at version, so
// that the first body word typed finds them folded: a body word is
// matched against 100,000 titles at every key, and folding them costs
// five times the match. It runs in the background once the list is
// complete, and returns nil when ctx is done first. Each entry then
// holds its part of the list (see foldedView). It works on one core, and
// on two once help is closed (see query.FoldList).
func foldAll(ctx context.Context, all []*entry, version int, help <-chan struct{}) *foldedList {
	text := query.FoldList(ctx, len(all), func(i int) *feed.Article { return all[i].a }, help)
	if text == nil {
		return nil
	}
	fl := &foldedList{all: all, version: version, text: text,
		rows: make([]int32, len(all)), seed: maphash.MakeSeed()}
	for i, e := range all {
		e.folded.Store(text.At(i))
		fl.rows[i] = e.row
		if e.a.Body != nil {
			fl.rows[i] = -1
		}
	}
	return fl
}

// refold folds the list again, in the background, once a refresh has
// changed it, so that a required word narrows the new list too (see
// narrow); nil until the index build has folded the list once. A newer
// fold stops the one before it, which never replaces it.
func (m *model) refold() tea.Cmd {
	p := m.index.folded
	if p == nil {
		return nil
	}
	if m.index.stopFold != nil {
		m.index.stopFold()
	}
	ctx, stop := context.WithCancel(m.ctx)
	m.index.stopFold = stop
	all, version := m.list.all, m.list.version
	return safeCmd(func() tea.Msg {
		storeFolded(p, foldAll(ctx, all, version, nil))
		return nil
	})
}

// storeFolded puts fl in p, unless fl is nil or p holds a list of the
// same version or a later one: of the folds that overlap (the index
// build's, and those refreshes start), the newest list stays.
func storeFolded(p *atomic.Pointer[foldedList], fl *foldedList) {
	for fl != nil {
		old := p.Load()
		if old != nil && old.version >= fl.version || p.CompareAndSwap(old, fl) {
			return
		}
	}
}

// loadFolded returns the folded list p holds, or nil.
func loadFolded(p *atomic.Pointer[foldedList]) *foldedList {
	if p == nil {
		return nil
	}
	return p.Load()
}

// narrow returns, in order, the entries of all, the list at version, that
// f may let through, and true, when fl folded that very list and f's
// query requires a word (see query.Query.Anchor), in the title alone or
// with the index's answer for the bodies. Every other entry fails f, so
// filtering these gives the same list and counts as filtering all. ok is
// false when that cannot be told: all is then filtered whole.
func (fl *foldedList) narrow(all []*entry, version int, f filter) (_ []*entry, ok bool) {
	if fl == nil || fl.version != version || len(all) == 0 || len(all) != len(fl.all) || &all[0] != &fl.all[0] || !f.active() {
		return nil, false
	}
	leaf, ok := f.query.Anchor()
	if !ok || leaf >= 0 && f.rowHits == nil && f.hits == nil {
		return nil, false
	}
	may := make([]uint64, (len(all)+63)/64)
	fl.text.Within(f.query, func(i int) { may[i/64] |= 1 << (i % 64) })
	if leaf >= 0 {
		var (
			hit  map[uint64]bool
			keys []uint64
		)
		if f.rowHits == nil {
			hit, keys = make(map[uint64]bool), fl.keyHashes()
			f.hits.EachKey(leaf, func(key string) { hit[maphash.String(fl.seed, key)] = true })
		}
		for i, row := range fl.rows {
			if row < 0 || hit == nil && f.rowHits.Has(leaf, int(row)) || hit != nil && hit[keys[i]] {
				may[i/64] |= 1 << (i % 64)
			}
		}
	}
	var out []*entry
	for w, word := range may {
		for word != 0 {
			out = append(out, all[w*64+bits.TrailingZeros64(word)])
			word &= word - 1
		}
	}
	return out, true
}
