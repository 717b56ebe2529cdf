package country

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// sparseSeeds are texts that test the places where a sparse read could
// part from a full one: acronyms with dots, possessives, titles before a
// name, capitals inside words, runes beyond ASCII, long phrases, states
// after commas, and punctuation of every kind.
var sparseSeeds = []string{
	"Officials in the U.S. and the u.s. said U.S.A. and UK talks went on.",
	"The Kremlin's spokesman said Russia's and China's envoys met in eSwatini.",
	"Mr. Jordan met Gen. Chad in St. Lucia; Dr. Georgia spoke in Athens, Georgia, on Monday.",
	"South Georgia and the South Sandwich Islands, South Georgia and South Sudan.",
	"Paris, Texas and Lebanon, Ohio are towns; Paris and Lebanon are not.",
	"Paris fell, Texas rose; Lebanon said, Ohio officials; Moscow, New Mexico, and Moscow, new Mexico.",
	"Georgia's Tbilisi talks; Georgia, the state; Michael Jordan and Jordan Peterson; roast Turkey in Ankara; Chad Smith in N'Djamena.",
	"The Washington Post said Washington and Paris Hilton; Turkey Turkey turkey Georgia Georgia, Atlanta.",
	"Côte d’Ivoire, São Tomé and Príncipe and Curaçao: ÉCOLE, Ελλάδα, Россия, 中国。",
	"Guinea-Bissau and Papua New Guinea–Australia ties; the Democratic Republic of the Congo.",
	"roast turkey and Turkey, \"Turkey\" (Turkey) [Turkey] {Turkey} Turkey…Turkey",
	"a.b.c U.K.-based N.A.T.O. e.g. UK i.e. US, U.S. a u.s. b u.k.",
	"NATO\tRussia\nChina\r\nIran & Iraq & the Gambia 2022Russia Russia2022 'Russia' `China`",
	"x'Russia y's China’s Ukraine\u02bcs Iran\u2019 Korea's.",
	"New York, New Delhi, New Zealand and New Caledonia; North Korea and South Korea.",
	"\xff\xfeRussia \xc3 China \xe2\x80 Iran",
	"The the THE tHe The. The, The: The;",
	"Inc.com Russia.China Russia.china Russia. China. A. B. C.",
	"Athens (Georgia) and Athens [Georgia], Athens - Georgia; Athens “Georgia”, Athens  Georgia, Athens Georgia, Athens 'Georgia', Athens\tGeorgia.",
	"The Gambia, The Hague and The Bahamas; The talks, The  Gambia, The gambia, THE GAMBIA, The Gambia's, The South Sudan, The Côte, The U.S., The 2Gambia, The-Gambia, The\tGambia",
}

// matchText runs match on d and returns what it found as text, which does
// not depend on which tokens were kept: each hit, and each ambiguous
// mention's words and segment.
func matchText(g *gazetteer, d *doc) string {
	var m matches
	d.match(g, &m)
	var b strings.Builder
	for _, h := range m.hits {
		fmt.Fprintf(&b, "hit %d seg %d weight %g\n", h.country, h.seg, h.weight)
	}
	for _, a := range m.amb {
		fmt.Fprintf(&b, "amb %q seg %d\n", d.norm[d.toks[a.start].start:d.toks[a.end-1].end], d.toks[a.start].seg)
	}
	return b.String()
}

// checkSparse fails when a sparse read of the article finds other
// mentions than a full one.
func checkSparse(t *testing.T, title string, paras []string) {
	t.Helper()
	g := gaz()
	size := len(title)
	for _, p := range paras {
		size += len(p) + 1
	}
	var full, sparse doc
	full.read(g, title, paras, 16<<10, size, readFull, allSegs)
	sparse.read(g, title, paras, 16<<10, size, readSparse, allSegs)
	if f, s := matchText(g, &full), matchText(g, &sparse); f != s {
		t.Fatalf("%q %q:\nfull read finds\n%s\nsparse read finds\n%s", title, paras, f, s)
	}
	// A token marked joined is followed, in its segment, by one with no
	// break before it: beforeState takes the mark for that token.
	for i, tok := range full.toks {
		if tok.flags&flagJoined == 0 {
			continue
		}
		if i+1 == len(full.toks) || full.toks[i+1].seg != tok.seg || full.toks[i+1].flags&flagBreak != 0 {
			t.Fatalf("%q %q: token %q at %d/%d is marked joined to a next with a break, or none", title, paras, full.word(i), tok.seg, tok.src)
		}
	}
	// Each token kept is the full read's token at its place, word, flags
	// and reach alike.
	j := 0
	for i, tok := range sparse.toks {
		for j < len(full.toks) && (full.toks[j].seg < tok.seg || full.toks[j].seg == tok.seg && full.toks[j].src < tok.src) {
			j++
		}
		if j == len(full.toks) || full.toks[j].seg != tok.seg || full.toks[j].src != tok.src {
			t.Fatalf("%q %q: sparse token %q at %d/%d is no token of the full read", title, paras, sparse.word(i), tok.seg, tok.src)
		}
		if f := full.toks[j]; string(sparse.word(i)) != string(full.word(j)) || tok.flags != f.flags || tok.reach != f.reach {
			t.Fatalf("%q %q: sparse token %q %b reach %d at %d/%d, full %q %b reach %d", title, paras,
				sparse.word(i), tok.flags, tok.reach, tok.seg, tok.src, full.word(j), f.flags, f.reach)
		}
	}
	if full.segs != sparse.segs || full.titleCase != sparse.titleCase {
		t.Fatalf("%q: segments %d/%d, title case %v/%v", title, full.segs, sparse.segs, full.titleCase, sparse.titleCase)
	}
}

// detectFull is DetectWith as it reads with every token from the start:
// what the sparse read, and the words read again around its ambiguous
// mentions, must come to.
func detectFull(title string, paras []string, opt Options) []Mention {
	g := gaz()
	size := len(title)
	for _, p := range paras {
		size += len(p) + 1
	}
	var d doc
	d.read(g, title, paras, opt.MaxBytes, min(size, opt.MaxBytes), readFull, allSegs)
	var m matches
	d.match(g, &m)
	if len(m.amb) > 0 {
		d.place(m.amb)
		var c counts
		for i := range d.toks {
			c.add(g, d.word(i), ruleBits(m.amb))
		}
		for _, a := range m.amb {
			m.hits = g.settle(&d, a, &c, &m.evidence, m.groupHits, m.hits)
		}
	}
	return score(nil, g, &d, m.hits, opt)
}

// checkDetect fails when DetectWith finds other countries, or other
// scores, than detectFull.
func checkDetect(t *testing.T, title string, paras []string) {
	t.Helper()
	opt := Options{Threshold: 0.01, Max: 20, MaxBytes: 16 << 10}
	if got, want := DetectWith(title, paras, opt), detectFull(title, paras, opt); !slices.Equal(got, want) {
		t.Fatalf("%q %q:\ngot  %v\nwant %v", title, paras, got, want)
	}
}

// TestDetectAsFullRead checks that detection, which reads sparsely and
// reads every word again only where a mention is ambiguous, finds what a
// full read finds, ambiguous mentions settled alike.
func TestDetectAsFullRead(t *testing.T) {
	for _, c := range loadEval(t) {
		checkDetect(t, c.title, c.paragraphs)
	}
	// Evidence in one paragraph, the mention in another.
	checkDetect(t, "Holiday menu", []string{"Turkey was on every table.", "The thanksgiving recipe calls for gravy, stuffing and brine."})
	checkDetect(t, "Talks", []string{"Georgia sent envoys.", "Atlanta officials and the governor said the county agreed."})
	checkDetect(t, "Talks", []string{"Envoys met Hilton.", "Paris Hilton and Hilton Paris; Washington said."})
	// More mentions in a paragraph than are read in windows: the
	// paragraph is read whole, in capitals too, where no window could
	// start but at its start.
	many := "Roast turkey for Turkey: Georgia, Turkey and Jordan met in Athens, Georgia, then Jordan Peterson and Turkey's envoy in Paris; Ankara and Tbilisi agreed."
	checkDetect(t, "Talks", []string{many, strings.ToUpper(many), strings.Repeat("GEORGIA TURKEY ", 40) + "ROAST TURKEY"})
	// A word that rules a mention out, further back than a few words
	// usually take.
	checkDetect(t, "Menu", []string{"A roast, incomprehensibly internationally acclaimed, extraordinarily overcomplicated Turkey."})
	for _, s := range sparseSeeds {
		checkDetect(t, s, []string{s, strings.ToLower(s)})
		for i := range len(s) {
			checkDetect(t, s[:i], []string{s[i:], s})
		}
	}
}

// TestSparseReadFindsWhatFullReadFinds checks the sparse read against the
// full one on the labelled articles and on texts made to trip it.
func TestSparseReadFindsWhatFullReadFinds(t *testing.T) {
	for _, c := range loadEval(t) {
		checkSparse(t, c.title, c.paragraphs)
	}
	title, paras := benchArticle()
	checkSparse(t, title, paras)
	for _, s := range sparseSeeds {
		checkSparse(t, s, []string{s, strings.ToUpper(s), strings.ToLower(s)})
		// Every cut of the text, so that each phrase meets the start and
		// the end of a paragraph.
		for i := range len(s) {
			checkSparse(t, "", []string{s[:i], s[i:]})
		}
	}
}

// TestSparseReadSkips checks that the sparse read leaves out most of an
// article's words: were it to keep them all, detection would cost what
// it did before.
func TestSparseReadSkips(t *testing.T) {
	g := gaz()
	title, paras := benchArticle()
	var full, sparse doc
	full.read(g, title, paras, 16<<10, 4096, readFull, allSegs)
	sparse.read(g, title, paras, 16<<10, 4096, readSparse, allSegs)
	if len(sparse.toks)*2 > len(full.toks) {
		t.Errorf("sparse read kept %d of %d tokens", len(sparse.toks), len(full.toks))
	}
}

// FuzzSparseRead requires a sparse read to find what a full read finds.
func FuzzSparseRead(f *testing.F) {
	for _, s := range sparseSeeds {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, title, para string) {
		checkSparse(t, title, []string{para, title + para})
		checkDetect(t, title, []string{para, title + para})
	})
}

// tokensFrom lists the tokens a scanner set at i with nothing pending
// reads, as text with flags and source ranges.
func tokensFrom(s string, i int, pending tokFlags) []string {
	sc := scanner{s: s, i: i, pending: pending}
	var out []string
	for {
		w, start, end, f, ok := sc.next(nil)
		if !ok {
			return out
		}
		out = append(out, fmt.Sprintf("%q %d-%d %b", w, start, end, f))
	}
}

// checkResume fails where tokenEnd or plainWord promise what the scanner
// does not do.
func checkResume(t *testing.T, s string) {
	t.Helper()
	all := tokensFrom(s, 0, flagSentence|flagBreak)
	ends := map[int]int{}   // end offset -> tokens read up to it
	starts := map[int]int{} // start offset -> token index
	sc := newScanner(s)
	for n := 0; ; n++ {
		_, start, end, _, ok := sc.next(nil)
		if !ok {
			break
		}
		ends[end] = n + 1
		starts[start] = n
	}
	for i := range len(s) + 1 {
		if tokenEnd(s, i) {
			n, ok := ends[i]
			if !ok {
				t.Fatalf("%q: tokenEnd at %d, where no token ends", s, i)
			}
			if got := tokensFrom(s, i, 0); !slices.Equal(got, all[n:]) {
				t.Fatalf("%q: resumed at %d, reads\n%q\nnot\n%q", s, i, got, all[n:])
			}
		}
		if i == len(s) {
			break
		}
		if e, ok := plainWord(s, i); ok {
			n, ok := starts[i]
			want := fmt.Sprintf("%q %d-%d", strings.ToLower(s[i:e]), i, e)
			if !ok || !strings.HasPrefix(all[n], want+" ") {
				t.Fatalf("%q: plain word %q at %d, but the scanner reads %q", s, s[i:e], i, all[min(n, len(all)-1)])
			}
		}
	}
}

// TestResumePoints checks, at every offset of the seeds and the labelled
// articles, that a scanner resumed at a tokenEnd reads what the whole
// scan reads from there, and that a plainWord is one token, its letters
// in lower case.
func TestResumePoints(t *testing.T) {
	for _, s := range sparseSeeds {
		checkResume(t, s)
	}
	for _, c := range loadEval(t) {
		checkResume(t, c.title)
		for _, p := range c.paragraphs {
			checkResume(t, p)
		}
	}
}

func FuzzResumePoints(f *testing.F) {
	for _, s := range sparseSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkResume(t, s)
	})
}

// TestFiltersHoldTheirWords checks that the filters never turn away a
// word of their sets.
func TestFiltersHoldTheirWords(t *testing.T) {
	g := gaz()
	for key := range g.phrases {
		first, rest, long := strings.Cut(key, " ")
		if !g.firstWords.may(first) {
			t.Errorf("first words filter turns away %q", first)
		}
		if !long && !g.oneWords.may(key) {
			t.Errorf("one-word phrases filter turns away %q", key)
		}
		if second, _, _ := strings.Cut(rest, " "); long && !g.secondWords.may(second) {
			t.Errorf("second words filter turns away %q of %q", second, key)
		}
	}
	for w := range g.words {
		if !g.contextWords.mayBytes([]byte(w)) {
			t.Errorf("context words filter turns away %q", w)
		}
	}
	passed := 0
	for _, w := range strings.Fields("joint statement runs analysts said markets reacted calmly officials declined comment residents noticed") {
		if g.firstWords.may(w) {
			passed++
		}
	}
	if passed > 3 {
		t.Errorf("first words filter passes %d of 13 common words", passed)
	}
}

// TestLeadsNowhere checks which first words of phrases a sparse read
// passes over: none that starts a phrase, or may.
func TestLeadsNowhere(t *testing.T) {
	g := gaz()
	for text, want := range map[string]bool{
		"The talks":     true,
		"The Talks":     true,
		"THE TALKS":     true,
		"The Gambia":    false, // a phrase
		"The gambia":    false, // read as "the gambia" all the same
		"The Hague":     false,
		"The  talks":    false, // not one space: left to the scanner
		"The talks2":    false, // not plain
		"The tälks":     false,
		"The":           false,
		"The ":          false,
		"Russia talks":  false, // a phrase alone
		"Georgia talks": false,
	} {
		e, _ := plainWord(text, 0)
		got := g.leadsNowhere(text, 0, e, filterHash(text[:e]))
		if got != want {
			t.Errorf("%q: leads nowhere %v, want %v", text, got, want)
		}
		// What the tables say of it, as a full read would ask them.
		if first, second, ok := strings.Cut(strings.ToLower(text), " "); got && ok &&
			(g.spans.get([]byte(first))&spanPhrase != 0 || g.spans.get([]byte(first+" "+second)) != 0) {
			t.Errorf("%q: passed over, but it starts a phrase", text)
		}
	}
}

// BenchmarkRead reads the labelled articles into tokens, fully and
// sparsely: the part of detection the sparse read is there to cut.
func BenchmarkRead(b *testing.B) {
	cases := loadEval(b)
	g := gaz()
	size := 0
	for _, c := range cases {
		size += len(c.title)
		for _, p := range c.paragraphs {
			size += len(p)
		}
	}
	for _, mode := range []readMode{readFull, readSparse} {
		b.Run(fmt.Sprintf("mode=%d", mode), func(b *testing.B) {
			var d doc
			b.SetBytes(int64(size))
			for b.Loop() {
				for _, c := range cases {
					d.read(g, c.title, c.paragraphs, 16<<10, 16<<10, mode, allSegs)
				}
			}
		})
	}
}

// TestReadAround checks that a mention is found again by its place,
// with the words around it as a full read makes them, however far back
// the text's start or a place to start the scanner lies; and that a
// place where no token starts is not found.
func TestReadAround(t *testing.T) {
	g := gaz()
	texts := []string{
		"Officials in Ankara said roast turkey and Turkey were on the menu.",
		"Turkey, said the officials.",
		"The U.S. and Turkey",
		strings.Repeat("Word ", 100) + "and Turkey's envoy",
		strings.Repeat("internationalization ", 10) + "Turkey, and incomprehensibilities",
		strings.Repeat("ÉCOLE NATIONALE ", 30) + "MET TURKEY'S ENVOY AT ONE OF THE EMBASSIES",
		strings.Repeat("u.s.", 50) + " Turkey " + strings.Repeat("中国", 40),
	}
	for _, text := range texts {
		var full, sparse, w doc
		full.read(g, "", []string{text}, 16<<10, len(text), readFull, allSegs)
		sparse.read(g, "", []string{text}, 16<<10, len(text), readSparse, allSegs)
		var m matches
		sparse.match(g, &m)
		if len(m.amb) != 1 {
			t.Fatalf("%q: ambiguous mentions %d, want 1", text, len(m.amb))
		}
		sparse.place(m.amb)
		a := m.amb[0]
		start, end, ok := w.readAround(text, a.seg, a.first, a.last)
		if !ok {
			t.Fatalf("%q: mention not found again", text)
		}
		at := slices.IndexFunc(full.toks, func(t token) bool { return t.src == a.first })
		if start < min(at, nearWindow) || start > at || end != start+1 {
			t.Fatalf("%q: mention at %d-%d, with %d tokens before it in the text", text, start, end, at)
		}
		for i := range w.toks {
			f := full.toks[at-start+i]
			if got, want := string(w.word(i)), string(full.word(at-start+i)); got != want || w.toks[i].src != f.src || w.toks[i].flags != f.flags {
				t.Errorf("%q: token %d %q at %d (%b), want %q at %d (%b)", text, i, got, w.toks[i].src, w.toks[i].flags, want, f.src, f.flags)
			}
		}
		if after := len(full.toks) - (at + 1); len(w.toks)-end != min(after, nearWindow) {
			t.Errorf("%q: %d tokens after the mention, want %d", text, len(w.toks)-end, min(after, nearWindow))
		}
		if _, _, ok := w.readAround(text, a.seg, a.first+1, a.last+1); ok {
			t.Errorf("%q: a place inside a word was found", text)
		}
	}
}

// nextStartByByte is nextStart as it was before it passed over eight
// bytes at a time.
func nextStartByByte(s string, i int) int {
	for ; i < len(s); i++ {
		if startByte[s[i]] && (s[i] != '.' || i+1 < len(s) && isASCIILetter(s[i+1])) {
			return i
		}
	}
	return len(s)
}

// TestNextStartEveryByteEverywhere holds nextStart to the byte-by-byte
// search for every byte value, and a dot before a letter or not, at every
// place in a word of eight, from every start.
func TestNextStartEveryByteEverywhere(t *testing.T) {
	odd := []string{".a", ". ", ".", "é"}
	for c := range 256 {
		odd = append(odd, string([]byte{byte(c)}))
	}
	for _, o := range odd {
		for before := range 17 {
			for _, after := range []int{0, 1, 7, 8, 9} {
				s := strings.Repeat("a", before) + o + strings.Repeat("b", after)
				for i := 0; i <= len(s); i++ {
					if got, want := nextStart(s, i), nextStartByByte(s, i); got != want {
						t.Fatalf("nextStart(%q, %d) = %d, want %d", s, i, got, want)
					}
				}
			}
		}
	}
}

// TestLettersEndEveryByteEverywhere holds lettersEnd to a byte-by-byte
// scan for every byte value, at every place in a run of letters, from
// every start.
func TestLettersEndEveryByteEverywhere(t *testing.T) {
	byByte := func(s string, i int) int {
		for i < len(s) && isASCIILetter(s[i]) {
			i++
		}
		return i
	}
	for c := range 256 {
		for before := range 17 {
			for _, after := range []int{0, 1, 7, 8, 9} {
				s := strings.Repeat("aZ", before)[:before] + string([]byte{byte(c)}) + strings.Repeat("Qz", after)[:after]
				for i := 0; i <= len(s); i++ {
					if got, want := lettersEnd(s, i), byByte(s, i); got != want {
						t.Fatalf("lettersEnd(%q, %d) = %d, want %d", s, i, got, want)
					}
				}
			}
		}
	}
}

// countSeeds hold context words written every way the scanner reads a
// word: capitals, possessives, acronyms' dots, digits, ampersands,
// accents and runes beyond ASCII next to them.
var countSeeds = []string{
	"The governor of Georgia, in Atlanta's county, met Caucasus envoys; GOVERNOR Kobakhidze & the Bulldogs.",
	"Governor's, governor2, 2governor, governor., governor.s, g.o.v, atlanta-savannah, atlanta—savannah «county» county’s",
	"Abkhazia\u0301 Ossetia\u02bcs ÁTLANTA, atlantä, Batumi。Kutaisi… nba-basketball; NBA's Bulls & Nike: sneakers!",
	"N.B.A. and n.b.a. players, the N.B.A.'s Bulls; peach peaches Peach-era regency-era terrace\tcounty\ncounty\r\ncounties x'county county'x `county` st.county",
}

// checkCount fails when counting the words of s finds other counts than
// counting the tokens of a full read of it.
func checkCount(t *testing.T, s string) {
	t.Helper()
	g := gaz()
	var d doc
	d.read(g, "", []string{s}, len(s)+1, len(s)+1, readFull, allSegs)
	var want, got counts
	for i := range d.toks {
		want.add(g, d.word(i), allRules)
	}
	got.text(g, s, allRules, nil)
	if got != want {
		t.Fatalf("%q: counted\n%v %v\nnot, as the tokens,\n%v %v", s, got.pos, got.neg, want.pos, want.neg)
	}
}

// allRules has every rule's bit.
const allRules = ^uint64(0)

// TestCountTextAsTokens holds the count of a text's words to the count
// of its tokens, on the labelled articles and on texts made to trip it,
// cut everywhere.
func TestCountTextAsTokens(t *testing.T) {
	for _, c := range loadEval(t) {
		for _, p := range c.paragraphs {
			checkCount(t, p)
		}
	}
	counted := 0
	for _, s := range append(slices.Clone(countSeeds), sparseSeeds...) {
		for _, v := range []string{s, strings.ToUpper(s), strings.ToLower(s)} {
			for i := range len(v) {
				checkCount(t, v[:i])
				checkCount(t, v[i:])
			}
		}
		var c counts
		c.text(gaz(), s, allRules, nil)
		for r := range c.pos {
			counted += int(c.pos[r] + c.neg[r])
		}
	}
	// The seeds are there to hold context words: a count of none would
	// compare nothing.
	if counted < 30 {
		t.Errorf("the seeds count %d context words", counted)
	}
}

// FuzzCountText holds the count of a text's words to the count of its
// tokens.
func FuzzCountText(f *testing.F) {
	for _, s := range append(slices.Clone(countSeeds), sparseSeeds...) {
		f.Add(s)
	}
	f.Fuzz(checkCount)
}
