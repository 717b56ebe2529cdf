package query

import (
	"context"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gazette-news/gazette/feed"
)

// FoldedList is the folded titles and sources of a list of articles, held
// one after another in strings of a part of the list each. Each
// article's Folded is a slice of its part, so a list costs a few
// allocations per part rather than three per article, and a word is
// looked for in every title with a scan of compact memory (see Within)
// rather than article by article: at 100,000 articles, a millisecond or
// two rather than about ten.
type FoldedList struct {
	parts []foldedPart
	folds []Folded
	// freq counts the bytes of the parts' text, one in freqStride, for
	// Within to look for the rarest byte of a word (see rarest).
	freq [256]int
}

// foldedPart is the folded text of the articles from first on, up to the
// next part's.
type foldedPart struct {
	first int
	text  string
	// ends[k] is where the text of article first+k ends in text; a zero
	// byte, which no folded token holds, follows it.
	ends []int32
}

// foldListPart is how many articles a part of a FoldedList holds.
const foldListPart = 256

// FoldList folds the titles and sources of the n articles at returns, in
// order, as Fold does. It returns nil when ctx is done first. It works
// on one core and lets other goroutines run between parts: it runs
// beside what the user is waiting for. Once help is closed (never, when
// it is nil), a second goroutine takes the parts not yet begun: the
// reader folds beside the search index's bind, and its core is free
// once the bind is done.
func FoldList(ctx context.Context, n int, at func(i int) *feed.Article, help <-chan struct{}) *FoldedList {
	// Parts of foldListPart articles, about 25 KB of text each: pieces
	// that fit in the memory a load has just let go, where larger
	// strings would need fresh pages (measured in the reader: its peak
	// memory was 5-10 MiB higher with parts of 1,024, and higher still
	// with one string).
	count := (n + foldListPart - 1) / foldListPart
	l := &FoldedList{parts: make([]foldedPart, count), folds: make([]Folded, n)}
	var next atomic.Int64
	// work folds the parts not begun yet, counting their bytes in freq;
	// false when ctx is done or a text is too long.
	work := func(freq *[256]int) bool {
		for {
			p := int(next.Add(1) - 1)
			if p >= count {
				return true
			}
			if ctx.Err() != nil {
				return false
			}
			first, end := p*foldListPart, min(n, (p+1)*foldListPart)
			pt := &l.parts[p]
			if !pt.fold(first, l.folds[first:end], at) {
				return false
			}
			for i := 0; i < len(pt.text); i += freqStride {
				freq[pt.text[i]]++
			}
			runtime.Gosched()
		}
	}
	// The helper waits for help, which a nil channel never gives, or for
	// the caller's parts to run out.
	done := make(chan struct{})
	var (
		wg       sync.WaitGroup
		helpFreq [256]int
		helpOK   = true
		// A panic in the helper is raised again here, as one in the
		// caller's own parts would be.
		helpPanic any
	)
	wg.Go(func() {
		defer func() { helpPanic = recover() }()
		select {
		case <-help:
			helpOK = work(&helpFreq)
		case <-done:
		}
	})
	ok := func() bool {
		// Closed whatever happens, so that the helper never waits on.
		defer close(done)
		return work(&l.freq)
	}()
	wg.Wait()
	if helpPanic != nil {
		panic(helpPanic)
	}
	if !ok || !helpOK {
		return nil
	}
	for i, c := range helpFreq {
		l.freq[i] += c
	}
	return l
}

// fold folds the articles from first on into the part, one for each of
// folds, which it fills; false when the text is too long for its
// offsets.
func (pt *foldedPart) fold(first int, folds []Folded, at func(i int) *feed.Article) bool {
	// Folding seldom makes a text longer: one allocation, mostly.
	size := 0
	for k := range folds {
		a := at(first + k)
		size += len(a.Title) + len(a.Source) + 2
	}
	var b strings.Builder
	b.Grow(min(size, math.MaxInt32))
	var buf []byte
	pt.first, pt.ends = first, make([]int32, len(folds))
	for k := range folds {
		a := at(first + k)
		buf = appendFolded(buf[:0], a.Title)
		folds[k].split = len(buf)
		buf = append(buf, '\n')
		buf = appendFolded(buf, a.Source)
		if b.Len()+len(buf)+1 > math.MaxInt32 {
			return false
		}
		b.Write(buf)
		pt.ends[k] = int32(b.Len())
		b.WriteByte(0)
	}
	pt.text = b.String()
	start := 0
	for k, end := range pt.ends {
		folds[k].text = pt.text[start:end]
		start = int(end) + 1
	}
	return true
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
// tells apart. When q has no Anchor, fn is never called.
//
// A long list is looked through on every core, a stretch of parts each:
// the look is a scan of memory, and the cores are otherwise idle while a
// word is typed (over 100,000 titles, 1.7 ms on two against 3.0 on one).
// fn is called on the calling goroutine, once every stretch is done.
func (l *FoldedList) Within(q Query, fn func(i int)) {
	n := q.anchor()
	if n == nil {
		return
	}
	want := n.joined
	rare, ok := l.rarest(want)
	look := func(parts []foldedPart, fn func(i int)) {
		for _, pt := range parts {
			for off := 0; off < len(pt.text); {
				var j int
				if ok {
					j = indexAt(pt.text[off:], want, rare)
				} else {
					j = strings.Index(pt.text[off:], want)
				}
				if j < 0 {
					break
				}
				j += off
				k := sort.Search(len(pt.ends), func(k int) bool { return int(pt.ends[k]) > j })
				if k == len(pt.ends) {
					break
				}
				fn(pt.first + k)
				off = int(pt.ends[k]) + 1
			}
		}
	}
	stretches := min(runtime.GOMAXPROCS(0), len(l.parts)/minStretch)
	if stretches < 2 {
		look(l.parts, fn)
		return
	}
	found := make([][]int32, stretches)
	// A panic in a stretch is raised again here, on the caller's
	// goroutine, as the look on one core raised it: the caller's recover
	// sees it, where a goroutine's own would end the program.
	panics := make([]any, stretches)
	var wg sync.WaitGroup
	for s := range stretches {
		wg.Go(func() {
			defer func() { panics[s] = recover() }()
			from, to := s*len(l.parts)/stretches, (s+1)*len(l.parts)/stretches
			look(l.parts[from:to], func(i int) { found[s] = append(found[s], int32(i)) })
		})
	}
	wg.Wait()
	for _, p := range panics {
		if p != nil {
			panic(p)
		}
	}
	for _, f := range found {
		for _, i := range f {
			fn(int(i))
		}
	}
}

// minStretch is the fewest parts of a list that Within gives a core of
// its own: some 400 KB of text, which takes longer to look through than a
// goroutine takes to start.
const minStretch = 16

// rarest returns the place in want of the byte the list's text holds
// fewest of, and whether looking for that byte finds want sooner than
// strings.Index does. strings.Index looks for want's first byte and
// compares the rest where it finds it; in titles the first byte of a word
// is most often a common letter (the "s" of "samarkand" comes every 14
// bytes of the benchmark corpus's titles), and the reader's search spent
// most of a keystroke in that look. The rarest byte (its "k", every 68)
// comes far less often, unless even that one is common (see commonByte).
func (l *FoldedList) rarest(want string) (rare int, ok bool) {
	total := 0
	for _, n := range l.freq {
		total += n
	}
	for i := 1; i < len(want); i++ {
		if l.freq[want[i]] < l.freq[want[rare]] {
			rare = i
		}
	}
	return rare, l.freq[want[rare]]*commonByte <= total
}

// freqStride is how far apart the bytes FoldList counts are: a share of
// them says which bytes are rare as well as all of them would, and
// counting every byte made folding a list 7% slower (BenchmarkFoldList,
// 56.4 ms against 52.6 without counting; 53.5 counting one in 7).
const freqStride = 7

// commonByte is the share of the list's text (one byte in commonByte)
// past which a word's rarest byte is too common to look for. strings.Index
// itself looks for the first byte so only until it has found more false
// starts than one in 8 bytes (bytealg.Cutover), and compares the word at
// every place from then on, which is then sooner.
const commonByte = 8

// indexAt is strings.Index(text, want), found by looking for the byte of
// want at rare and comparing the rest around it.
func indexAt(text, want string, rare int) int {
	c := want[rare]
	for i := rare; i < len(text); {
		j := strings.IndexByte(text[i:], c)
		if j < 0 {
			return -1
		}
		start := i + j - rare
		if start+len(want) > len(text) {
			return -1
		}
		if text[start:start+len(want)] == want {
			return start
		}
		i += j + 1
	}
	return -1
}
