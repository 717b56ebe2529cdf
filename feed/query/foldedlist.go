package query

import (
	"context"
	"math"
	"sort"
	"strings"

	"github.com/gazette-news/gazette/feed"
)

// FoldedList is the folded titles and sources of a list of articles, held
// one after another in one string. Each article's Folded is a slice of
// it, so a list costs three allocations rather than three per article,
// and a word is looked for in every title with one scan of compact memory
// (see Within) rather than article by article: at 100,000 articles that
// is a millisecond instead of twenty.
type FoldedList struct {
	text  string
	folds []Folded
	// ends[i] is where article i's text ends in text; a zero byte, which
	// no folded token holds, follows it.
	ends []int32
}

// foldListCheck is how many articles FoldList folds between two looks at
// its context.
const foldListCheck = 1024

// FoldList folds the titles and sources of the n articles at returns, in
// order, as Fold does. It returns nil when ctx is done first, or when the
// text would not fit the list's 32-bit offsets.
func FoldList(ctx context.Context, n int, at func(i int) *feed.Article) *FoldedList {
	l := &FoldedList{folds: make([]Folded, n), ends: make([]int32, n)}
	// Folding seldom makes a text longer: one allocation, mostly.
	size := 0
	for i := range n {
		a := at(i)
		size += len(a.Title) + len(a.Source) + 2
	}
	var b strings.Builder
	b.Grow(min(size, math.MaxInt32))
	var buf []byte
	for i := range n {
		if i%foldListCheck == 0 && ctx.Err() != nil {
			return nil
		}
		a := at(i)
		buf = appendFolded(buf[:0], a.Title)
		l.folds[i].split = len(buf)
		buf = append(buf, '\n')
		buf = appendFolded(buf, a.Source)
		if b.Len()+len(buf)+1 > math.MaxInt32 {
			return nil
		}
		b.Write(buf)
		l.ends[i] = int32(b.Len())
		b.WriteByte(0)
	}
	l.text = b.String()
	start := 0
	for i, end := range l.ends {
		l.folds[i].text = l.text[start:end]
		start = int(end) + 1
	}
	return l
}

// Len is the number of articles in the list.
func (l *FoldedList) Len() int { return len(l.folds) }

// At returns article i's Folded, which lives as long as the list.
func (l *FoldedList) At(i int) *Folded { return &l.folds[i] }

// Anchor returns the number among TextLeaves of a text term that every
// article satisfying q holds, in its title, its source or its body, and
// true: q is that term, or all of its terms must hold and that is one of
// them, not negated. The leaf is -1 when the term looks in the title alone
// (title:). ok is false when no such term is required: an OR of words,
// tags or dates alone, a negated word, a fuzzy ~word.
func (q Query) Anchor() (leaf int, ok bool) {
	n := q.anchor()
	if n == nil {
		return 0, false
	}
	return n.leaf, true
}

// anchor is the term Anchor names, the longest when several are
// required, or nil.
func (q Query) anchor() *node {
	root := q.root
	if root == nil || root.neg {
		return nil
	}
	required := func(n *node) bool { return n.kind == kindText && !n.neg && n.joined != "" }
	if required(root) {
		return root
	}
	if root.kind != kindAnd {
		return nil
	}
	var best *node
	for _, k := range root.kids {
		if required(k) && (best == nil || len(k.joined) > len(best.joined)) {
			best = k
		}
	}
	return best
}

// Within calls fn, in order, with each article i whose folded title or
// source holds the folded tokens of q's Anchor as text: every article
// whose title or source satisfies that term is among them, and a few
// others may be (the tokens inside longer words), which MatchFolded then
// tells apart. It calls fn with none when q has no Anchor.
func (l *FoldedList) Within(q Query, fn func(i int)) {
	n := q.anchor()
	if n == nil {
		return
	}
	want := n.joined
	for off := 0; off < len(l.text); {
		j := strings.Index(l.text[off:], want)
		if j < 0 {
			return
		}
		j += off
		i := sort.Search(len(l.ends), func(i int) bool { return int(l.ends[i]) > j })
		if i == len(l.ends) {
			return
		}
		fn(i)
		off = int(l.ends[i]) + 1
	}
}
