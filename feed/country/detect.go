package country

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// Mention is a country found in an article's text, with how strongly the
// article is about it.
type Mention struct {
	// Name is the country's name from the table.
	Name string
	// Alpha2 is its ISO 3166-1 alpha-2 code.
	Alpha2 string
	// Score weighs the country's mentions by count, position and spread;
	// one plain mention in the opening paragraph scores about one, and
	// DefaultOptions tags from 1.
	Score float64
}

// Options tune Detect.
type Options struct {
	// Threshold is the score a country needs to be returned.
	Threshold float64
	// Relative is the fraction of the best country's score that another
	// country needs too, so that a story mostly about one country is not
	// tagged with every place it names in passing.
	Relative float64
	// Max is how many countries to return at most.
	Max int
	// MaxBytes caps the text read, title included; later paragraphs weigh
	// little, and detection runs on every article at load.
	MaxBytes int
}

// DefaultOptions returns the options Detect uses: a threshold measured on
// the labelled articles in testdata/countries.
func DefaultOptions() Options {
	return Options{Threshold: 1.0, Relative: 0.2, Max: 5, MaxBytes: 16 << 10}
}

// Detect finds the countries an article is about from its title and
// paragraphs, best first: at most five, each above the threshold of
// DefaultOptions.
//
// It reads names, aliases, demonyms, capitals and seats of government
// ("the Kremlin"), and some regions and cities; ISO codes only count when
// written as the table spells an alias ("U.S.", "UK"), never as bare words
// such as "US" or "IN". Ambiguous words (Georgia, Jordan, Chad, Turkey,
// Congo...) are settled by the rules in gazetteer.tsv.
func Detect(title string, paragraphs []string) []Mention {
	return DetectWith(title, paragraphs, DefaultOptions())
}

// maxSegments is how many text segments (the title and paragraphs) are
// read; a bit mask of them records a country's spread.
const maxSegments = 64

// token is one word of the article, normalised into doc.norm.
type token struct {
	start, end int32 // normalised text, in doc.norm
	src        int32 // where the token starts in its segment's text
	seg        int16 // 0 for the title, 1 and up for paragraphs
	flags      tokFlags
	// reach is, on a token that starts phrases, how many words the
	// longest has (buildGazetteer keeps them under 256).
	reach uint8
}

// doc is an article cut into tokens. Normalised words are kept in one
// buffer, separated by single spaces, so that any run of words is a
// substring that can be looked up without building a string.
type doc struct {
	norm []byte
	toks []token
	// growing is add's list of the phrases being read, kept for its
	// capacity.
	growing []chain
	segs    int
	// titleCase says the title is written in Title Case or capitals, where
	// a capitalised neighbour says nothing about names.
	titleCase bool
}

func (d *doc) word(i int) []byte { return d.norm[d.toks[i].start:d.toks[i].end] }

// hit is one counted mention of a country.
type hit struct {
	country int16
	seg     int16
	weight  float32
}

// pending is a mention of an ambiguous phrase, settled after the whole
// article has been read.
type pending struct {
	p          phrase
	start, end int
	// seg, first and last place the mention in the text, by the source
	// offsets of its first and last words (see place).
	seg         int16
	first, last int32
}

// AppendDetected is Detect appending the mentions to dst: a caller that
// detects in many articles, and keeps the mentions in lists of its own,
// reuses one.
func AppendDetected(dst []Mention, title string, paragraphs []string) []Mention {
	return detect(dst, title, paragraphs, DefaultOptions())
}

// DetectWith is Detect with options.
func DetectWith(title string, paragraphs []string, opt Options) []Mention {
	return detect(nil, title, paragraphs, opt)
}

// detect is DetectWith appending to dst.
func detect(dst []Mention, title string, paragraphs []string, opt Options) []Mention {
	if opt.Max <= 0 {
		return dst
	}
	g := gaz()
	budget := opt.MaxBytes
	if budget <= 0 {
		budget = DefaultOptions().MaxBytes
	}
	size := len(title)
	for _, p := range paragraphs {
		size += len(p) + 1
	}
	size = min(size, budget)
	sc, _ := g.scratch.Get().(*scratch)
	if sc == nil {
		sc = new(scratch)
	}
	defer sc.release(g)
	d := &sc.d
	m := matches{hits: sc.hits[:0], amb: sc.amb[:0]}
	defer func() { sc.hits, sc.amb = m.hits[:0], m.amb[:0] }()
	d.read(g, title, paragraphs, budget, size, readSparse, allSegs)
	d.match(g, &m)
	if len(m.amb) > 0 {
		// Settling an ambiguous mention weighs the words near it, and
		// perhaps those of the whole article: count those (counts.text),
		// and read the words around each mention again, every one of
		// them, finding it by its place (readAround).
		d.place(m.amb)
		c := &sc.counts
		*c = counts{}
		if wanted := ruleBits(m.amb) & g.countRules; wanted != 0 {
			eachSegment(title, paragraphs, budget, allSegs, func(s string, _ int) {
				sc.word = c.text(g, s, wanted, sc.word)
			})
		}
		w := &sc.window
		w.titleCase = d.titleCase
		for i := 0; i < len(m.amb); {
			// The mentions of one segment, in the order of the text. Past a
			// few, the segment is read whole, once: a window may have to
			// start from the segment's start (a text in capitals has no
			// place where the scanner may start but that).
			seg, n := m.amb[i].seg, 1
			for i+n < len(m.amb) && m.amb[i+n].seg == seg {
				n++
			}
			s := segmentText(title, paragraphs, budget, int(seg))
			whole := n > maxWindows
			if whole {
				w.readWhole(s, seg)
			}
			for _, a := range m.amb[i : i+n] {
				var ok bool
				if whole {
					a.start, a.end, ok = w.locate(a)
				} else {
					a.start, a.end, ok = w.readAround(s, seg, a.first, a.last)
				}
				if ok {
					m.hits = g.settle(w, a, c, &m.evidence, m.groupHits, m.hits)
				}
			}
			i += n
		}
	}
	return score(dst, g, d, m.hits, opt)
}

// readMode says which of a text's tokens add keeps, and what it marks.
type readMode uint8

const (
	// readFull keeps every token, and marks where phrases start.
	readFull readMode = iota
	// readSparse keeps the tokens matching reads (see add): enough to
	// find every mention, but not to settle an ambiguous one.
	readSparse
)

// allSegs has the bit of every segment set.
const allSegs = ^uint64(0)

// read cuts the title and paragraphs into d's tokens, at most budget bytes
// of them, and of them the segments whose bits segs has (the title is
// segment 0). A sparse read reads the title whole: it is short, and
// titleCase weighs all its words.
func (d *doc) read(g *gazetteer, title string, paragraphs []string, budget, size int, mode readMode, segs uint64) {
	*d = doc{norm: grow(d.norm[:0], size+size/8), toks: growToks(d.toks[:0], size/5+8), growing: d.growing[:0]}
	eachSegment(title, paragraphs, budget, segs, func(s string, seg int) {
		if seg == 0 && mode == readSparse {
			d.add(g, s, 0, readFull)
		} else {
			d.add(g, s, seg, mode)
		}
	})
}

// eachSegment calls f with the text of each segment whose bit segs has,
// in order, cut to what is left of budget bytes after the segments
// before it (the title is segment 0, and always within the budget's
// count).
func eachSegment(title string, paragraphs []string, budget int, segs uint64, f func(s string, seg int)) {
	if segs&1 != 0 {
		f(clip(title, budget), 0)
	}
	budget -= len(title)
	for i, p := range paragraphs {
		if budget <= 0 || i+1 >= maxSegments {
			break
		}
		if segs&(1<<(i+1)) != 0 {
			f(clip(p, budget), i+1)
		}
		budget -= len(p)
	}
}

// segmentText returns the text of segment seg, as read cuts it.
func segmentText(title string, paragraphs []string, budget, seg int) string {
	var text string
	eachSegment(title, paragraphs, budget, 1<<seg, func(s string, _ int) { text = s })
	return text
}

// ruleBits returns the bits of the mentions' rules.
func ruleBits(amb []pending) uint64 {
	var bits uint64
	for _, a := range amb {
		bits |= 1 << a.p.rule
	}
	return bits
}

// place records in each mention where its words are in the text, which
// does not depend on the tokens a read kept.
func (d *doc) place(amb []pending) {
	for i := range amb {
		a := &amb[i]
		a.seg, a.first, a.last = d.toks[a.start].seg, d.toks[a.start].src, d.toks[a.end-1].src
	}
}

// maxWindows is how many ambiguous mentions of a segment are read in
// windows around each (readAround); a segment with more is read whole.
const maxWindows = 4

// readWhole reads into d every token of s, the text of segment seg, as a
// full read makes them.
func (d *doc) readWhole(s string, seg int16) {
	d.norm, d.toks = d.norm[:0], d.toks[:0]
	for sc := newScanner(s); ; {
		if _, more := d.next(&sc, seg); !more {
			return
		}
	}
}

// next appends to d the scanner's next token, of segment seg, as a full
// read makes it (see add), and returns where it starts in the text; more
// is false at the text's end.
func (d *doc) next(sc *scanner, seg int16) (src int32, more bool) {
	n := len(d.norm)
	var from, to int
	var f tokFlags
	if d.norm, from, to, f, more = sc.next(d.norm); !more {
		return 0, false
	}
	d.toks = append(d.toks, token{start: int32(n), end: int32(len(d.norm)), src: int32(from), seg: seg, flags: f | joined(sc.s, to)})
	return int32(from), true
}

// locate returns the tokens of the mention a in d, read whole by
// readWhole, or false if no token starts at its first or last word.
func (d *doc) locate(a pending) (start, end int, ok bool) {
	at := func(src int32) (int, bool) {
		return slices.BinarySearchFunc(d.toks, src, func(t token, src int32) int { return cmp.Compare(t.src, src) })
	}
	first, ok1 := at(a.first)
	last, ok2 := at(a.last)
	return first, last + 1, ok1 && ok2
}

// readAround reads into d the tokens of s, the text of segment seg,
// around the mention whose first and last words start at first and last:
// every token from nearWindow before the first (or from the text's start)
// to nearWindow after the last, as a full read of s makes them. The
// scanner starts where a token ends (tokenEnd), from where it goes on as
// from the text's start: a little before the mention, and further back
// while that leaves too few tokens before it. It returns the mention's
// tokens, or false if no token starts at first or at last (each token a
// sparse read keeps is one a full read makes too; a fuzz test holds them
// to it).
func (d *doc) readAround(s string, seg int16, first, last int32) (start, end int, ok bool) {
	for back := 64; ; back *= 4 {
		q := max(0, int(first)-back)
		for q > 0 && !tokenEnd(s, q) {
			q--
		}
		sc := newScanner(s)
		if q > 0 {
			sc.i, sc.pending = q, 0
		}
		d.norm, d.toks = d.norm[:0], d.toks[:0]
		start, end = -1, -1
		for end < 0 || len(d.toks)-end < nearWindow {
			src, more := d.next(&sc, seg)
			if !more || end < 0 && src > last {
				// The end, or past the last word with no token at it.
				break
			}
			if src == first {
				start = len(d.toks) - 1
			}
			if src == last {
				end = len(d.toks)
			}
		}
		switch {
		case start < 0 || end < 0:
			return 0, 0, false
		case q == 0 || start >= nearWindow:
			return start, end, true
		}
	}
}

// matches is what one pass over an article's tokens found.
type matches struct {
	hits      []hit
	amb       []pending
	evidence  [1 << 8]uint16 // unambiguous mentions per country
	groupHits uint16
}

// match finds the phrases of the gazetteer in d's tokens, longest first,
// and records them in m.
func (d *doc) match(g *gazetteer, m *matches) {
	n := len(d.toks)
	for i := 0; i < n; {
		t := d.toks[i]
		// Only a token that starts a phrase has a reach (see add): other
		// words cost nothing more.
		if t.reach == 0 {
			i++
			continue
		}
		l := 1
		for l < int(t.reach) && i+l < n && d.toks[i+l].seg == t.seg && d.toks[i+l].flags&flagBreak == 0 {
			l++
		}
		matched := false
		for ; l >= 1; l-- {
			p, ok := g.phrases[string(d.norm[t.start:d.toks[i+l-1].end])]
			if !ok || !formOK(p.forms, t.flags) {
				continue
			}
			matched = true
			switch {
			case p.kind == kindBlock:
			case p.group == 0 && d.beforeState(g, i+l):
				// "Paris, Texas" and "Lebanon, Ohio" are towns.
			case p.kind == kindAmbig:
				m.amb = append(m.amb, pending{p: p, start: i, end: i + l})
			default:
				m.hits = append(m.hits, hit{country: p.country, seg: t.seg, weight: p.weight})
				if int(p.country) < len(m.evidence) {
					m.evidence[p.country]++
				}
				if p.group != 0 {
					m.groupHits++
				}
			}
			i += l
			break
		}
		if !matched {
			i++
		}
	}
}

// scratch is the working memory of one Detect call, kept for the next.
type scratch struct {
	d      doc
	hits   []hit
	amb    []pending
	counts counts
	word   []byte // a word of counts.text
	window doc    // the words around a mention (readAround)
}

// maxScratch is the largest buffer kept between calls, in bytes of text:
// a call with a raised MaxBytes should not pin its memory for good.
const maxScratch = 256 << 10

func (sc *scratch) release(g *gazetteer) {
	if cap(sc.d.norm) > maxScratch {
		return
	}
	g.scratch.Put(sc)
}

// grow returns b with room for at least n bytes.
func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, 0, n)
	}
	return b
}

// growToks returns t with room for at least n tokens.
func growToks(t []token, n int) []token {
	if cap(t) < n {
		return make([]token, 0, n)
	}
	return t
}

// clip cuts s to at most n bytes; a rune cut in two reads as U+FFFD.
func clip(s string, n int) string {
	if n < 0 {
		n = 0
	}
	if len(s) > n {
		return s[:n]
	}
	return s
}

func formOK(f form, t tokFlags) bool {
	switch {
	case f&formAny != 0:
		return true
	case f&formPlain != 0 && t&flagUpper != 0:
		return true
	case f&formCaps != 0 && t&(flagAllUpper|flagDotted) != 0:
		return true
	case f&formDotted != 0 && t&flagDotted != 0:
		return true
	}
	return false
}

// beforeState reports whether token j, after a comma, starts a US state:
// "Athens, Georgia" is not Greece.
func (d *doc) beforeState(g *gazetteer, j int) bool {
	// A sparse read keeps no token after a phrase that the next follows
	// with no break: the flag says what that token would.
	if d.toks[j-1].flags&flagJoined != 0 ||
		j >= len(d.toks) || d.toks[j].flags&flagBreak == 0 || d.toks[j].flags&flagSentence != 0 ||
		d.toks[j].seg != d.toks[j-1].seg || d.toks[j].flags&flagUpper == 0 {
		return false
	}
	for l := 1; l <= 2 && j+l <= len(d.toks); l++ {
		if d.toks[j+l-1].seg != d.toks[j].seg {
			break
		}
		if p, ok := g.phrases[string(d.norm[d.toks[j].start:d.toks[j+l-1].end])]; ok && p.group&groupUSState != 0 {
			return true
		}
	}
	return false
}

// settle decides what the ambiguous mention a counts for, from the
// words around it (d holds its tokens and theirs), the context words of
// the article (c) and its other evidence, and adds its hit.
func (g *gazetteer) settle(d *doc, a pending, c *counts, evidence *[1 << 8]uint16, groupHits uint16, hits []hit) []hit {
	r := &g.rules[a.p.rule]
	if d.near(g, a, 1<<a.p.rule) || (r.person && d.person(g, a)) {
		return hits
	}
	p, q := int(c.pos[a.p.rule]), int(c.neg[a.p.rule])
	for _, k := range r.posCountry {
		p += int(evidence[k])
	}
	for _, k := range r.negCountry {
		q += int(evidence[k])
	}
	if r.posGroup&groupUSState != 0 {
		p += int(groupHits)
	}
	if r.negGroup&groupUSState != 0 {
		q += int(groupHits)
	}
	to := r.country
	switch {
	case q > p:
		to = r.elseTo
	case p == 0 && r.need:
		to = -1
	}
	if to >= 0 {
		hits = append(hits, hit{country: to, seg: a.seg, weight: a.p.weight})
	}
	return hits
}

// nearWindow is how many words around a mention near= words reach.
const nearWindow = 6

// near reports whether a word that rules the mention out stands close to
// it in the same paragraph: "roast turkey".
func (d *doc) near(g *gazetteer, a pending, bit uint64) bool {
	seg := d.toks[a.start].seg
	lo, hi := max(0, a.start-nearWindow), min(len(d.toks), a.end+nearWindow)
	for i := lo; i < hi; i++ {
		if d.toks[i].seg != seg || (i >= a.start && i < a.end) {
			continue
		}
		if w := d.word(i); !g.contextWords.mayBytes(w) {
			continue
		} else if b, ok := g.words[string(w)]; ok && b.near&bit != 0 {
			return true
		}
	}
	return false
}

// person reports whether the mention reads as part of a person's name: a
// capitalised word right before it ("Michael Jordan") or right after it
// ("Jordan Peterson"), with no punctuation between, that is no title or
// function word. In a Title Case headline capitals say nothing.
func (d *doc) person(g *gazetteer, a pending) bool {
	seg := d.toks[a.start].seg
	if seg == 0 && d.titleCase {
		return false
	}
	nameLike := func(i int) bool {
		t := d.toks[i]
		return t.seg == seg && t.flags&flagUpper != 0 && t.flags&(flagAllUpper|flagDotted) == 0 &&
			!g.stop[string(d.word(i))] && !g.isPlace(d.word(i))
	}
	if a.start > 0 && d.toks[a.start].flags&flagBreak == 0 && nameLike(a.start-1) {
		return true
	}
	return a.end < len(d.toks) && d.toks[a.end].flags&flagBreak == 0 && nameLike(a.end)
}

// isPlace reports whether a single word is itself a country or place, as in
// "Syria Jordan border" headlines.
func (g *gazetteer) isPlace(w []byte) bool {
	p, ok := g.phrases[string(w)]
	return ok && p.kind != kindBlock
}

// Position weights: the title weighs most, then the opening paragraphs.
const (
	weightTitle = 3.0
	weightLead  = 1.6
	weightStep  = 0.2
	weightFloor = 0.6
)

func segWeight(seg int16) float64 {
	if seg == 0 {
		return weightTitle
	}
	return math.Max(weightFloor, weightLead-weightStep*float64(seg-1))
}

// score sums each country's mentions by position and scales the sum by
// the share of the article's segments that mention it, and appends those
// that count to dst.
func score(dst []Mention, g *gazetteer, d *doc, hits []hit, opt Options) []Mention {
	if len(hits) == 0 {
		return dst
	}
	type acc struct {
		country int16
		sum     float64
		segs    uint64
	}
	var buf [16]acc
	accs := buf[:0]
	for _, h := range hits {
		j := -1
		for x := range accs {
			if accs[x].country == h.country {
				j = x
				break
			}
		}
		if j < 0 {
			accs = append(accs, acc{country: h.country})
			j = len(accs) - 1
		}
		accs[j].sum += float64(h.weight) * segWeight(h.seg)
		accs[j].segs |= 1 << h.seg
	}
	segs := float64(max(d.segs, 1))
	best := 0.0
	for x := range accs {
		spread := float64(bits.OnesCount64(accs[x].segs)) / segs
		accs[x].sum = math.Round(accs[x].sum*(0.5+0.5*spread)*100) / 100
		best = math.Max(best, accs[x].sum)
	}
	// Ties go to the country mentioned first.
	// An insertion sort is stable and, on the handful of countries an
	// article names, cheaper than sort.SliceStable's allocations.
	for i := 1; i < len(accs); i++ {
		for j := i; j > 0 && accs[j].sum > accs[j-1].sum; j-- {
			accs[j], accs[j-1] = accs[j-1], accs[j]
		}
	}
	keep := func(a acc) bool { return a.sum >= opt.Threshold && a.sum >= opt.Relative*best }
	n := 0
	for _, a := range accs {
		if keep(a) && n < opt.Max {
			n++
		}
	}
	dst = slices.Grow(dst, n)
	for _, a := range accs {
		if keep(a) && n > 0 {
			c := g.countries[a.country]
			dst = append(dst, Mention{Name: c.Name, Alpha2: c.Alpha2, Score: a.sum})
			n--
		}
	}
	return dst
}
