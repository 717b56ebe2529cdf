package country

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

//go:embed gazetteer.tsv
var gazetteerTSV string

// phraseKind says what a phrase of the gazetteer is.
type phraseKind uint8

const (
	kindName    phraseKind = iota // a country's name or alias
	kindDemonym                   // "Russian", "Ivorians"
	kindCapital                   // "Moscow", "Kremlin"
	kindPlace                     // a region or city: "Crimea", "Texas"
	kindBlock                     // names no country: "Gulf of Guinea"
	kindAmbig                     // settled by a rule: "Georgia"
)

var kindNames = [...]string{"name", "demonym", "capital", "place", "block", "ambig"}

func (k phraseKind) String() string { return kindNames[k] }

// form is how a phrase must be written in prose to count. Codes and
// acronyms are words too ("US", "IN", "PNG"), so they count only in the
// spelling the table gives them.
type form uint8

const (
	// formPlain: the first word is capitalised ("Russia", "RUSSIA").
	formPlain form = 1 << iota
	// formCaps: the first word is in capitals ("UK", "UAE").
	formCaps
	// formDotted: the first word is a dotted acronym ("U.S.").
	formDotted
	// formAny: the table spells it in lower case ("eSwatini"), so any
	// case counts.
	formAny
)

// groupUSState marks the US states and cities, the evidence that
// "Georgia" is the state.
const groupUSState = 1

// weights of the kinds of mention; the gazetteer may lower one phrase's.
const (
	weightName    = 1.0
	weightDemonym = 0.7
	weightCapital = 0.8
)

// phrase is one entry of the gazetteer, found by its normalised key.
type phrase struct {
	country int16 // index into the country table; -1 for none
	kind    phraseKind
	forms   form
	group   uint8
	rule    int16 // index into gazetteer.rules for kindAmbig
	weight  float32
}

// rule settles an ambiguous phrase from the evidence in the article.
type rule struct {
	phrase     string
	country    int16
	elseTo     int16 // where the mention counts when neg wins; -1: nowhere
	need       bool
	person     bool
	posCountry []int16
	negCountry []int16
	posGroup   uint8
	negGroup   uint8
}

// wordBits says, for each rule by bit, whether a word is evidence for or
// against it, or rules out a mention near it.
type wordBits struct {
	pos, neg, near uint64
}

// gazetteer is everything Detect looks up, built once from the two data
// files and never changed afterwards; only its pool of scratch buffers
// moves.
type gazetteer struct {
	countries []Country
	phrases   map[string]phrase
	// spans marks every run of words that is a phrase or the start of a
	// longer one ("south", "south georgia" and on to "south georgia and
	// the south sandwich islands"), so that reading a phrase word by word
	// costs one lookup a word.
	spans *spanTable
	// firstWords are the first words of phrases, and contextWords the
	// words of words, to pass over the other words at little cost;
	// oneWords are the phrases of one word, and secondWords the second
	// words of the others, to pass over a first word that starts no
	// phrase where it stands ("The talks": see leadsNowhere).
	firstWords, contextWords, oneWords, secondWords *filter
	words                                           map[string]wordBits
	// countRules has the bits of the rules that some word is evidence
	// for or against anywhere in the article (counts.text counts them).
	countRules uint64
	rules      []rule
	// stop are capitalised words that do not make a neighbouring
	// "Jordan" a person's name: "President", "In", "Monday".
	stop map[string]bool
	// scratch holds *scratch buffers between calls to Detect, which runs on
	// every article at load; only their capacity carries over.
	scratch sync.Pool
}

// maxRules is how many ambiguity rules fit in a wordBits mask.
const maxRules = 64

var gaz = sync.OnceValue(func() *gazetteer {
	g, err := buildGazetteer(table().all, gazetteerTSV)
	if err != nil {
		// Both files are compiled in and tested; an error is a build defect.
		panic(err)
	}
	return g
})

// Prepare builds the country table and the gazetteer now, as the first
// detection would otherwise: a caller with a core to spare before its
// first articles are parsed builds them there. It is safe to call
// beside a detection, which waits for the build under way.
func Prepare() { gaz() }

// buildGazetteer combines the country table with the detection directives.
func buildGazetteer(all []Country, data string) (*gazetteer, error) {
	g := &gazetteer{
		countries:    all,
		phrases:      make(map[string]phrase, 4096),
		firstWords:   new(filter),
		contextWords: new(filter),
		oneWords:     new(filter),
		secondWords:  new(filter),
		words:        make(map[string]wordBits, 512),
		stop:         make(map[string]bool, 256),
	}
	byCode := make(map[string]int16, len(all))
	for i, c := range all {
		byCode[c.Alpha2] = int16(i)
	}
	if len(all) > 1<<15-1 {
		return nil, fmt.Errorf("country table too large: %d", len(all))
	}
	for i, c := range all {
		ci := int16(i)
		for _, s := range append([]string{c.Name}, c.Aliases...) {
			if err := g.addTable(s, ci, kindName, weightName); err != nil {
				return nil, err
			}
		}
		for _, s := range c.Demonyms {
			if err := g.addTable(s, ci, kindDemonym, weightDemonym); err != nil {
				return nil, err
			}
			if p, ok := plural(s); ok {
				// A generated plural that collides is not worth an error.
				_ = g.addTable(p, ci, kindDemonym, weightDemonym)
			}
		}
		for _, s := range c.Capitals {
			if err := g.addTable(s, ci, kindCapital, weightCapital); err != nil {
				return nil, err
			}
		}
	}
	for n, line := range strings.Split(data, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		if err := g.directive(strings.Split(line, "\t"), byCode); err != nil {
			return nil, fmt.Errorf("gazetteer.tsv:%d: %w", n+1, err)
		}
	}
	for _, w := range strings.Fields(stopWords) {
		g.stop[w] = true
	}
	spans := make(map[string]span, 8192)
	for key := range g.phrases {
		spans[key] |= spanPhrase
		for i, c := range key {
			if c == ' ' {
				spans[key[:i]] |= spanPrefix
			}
		}
		first, rest, long := strings.Cut(key, " ")
		g.firstWords.add(first)
		if !long {
			g.oneWords.add(key)
		} else {
			second, _, _ := strings.Cut(rest, " ")
			g.secondWords.add(second)
		}
	}
	var err error
	if g.spans, err = newSpanTable(spans); err != nil {
		return nil, err
	}
	for w, b := range g.words {
		g.contextWords.add(w)
		g.countRules |= b.pos | b.neg
	}
	return g, nil
}

// span says what a run of words is to the gazetteer.
type span uint8

const (
	spanPhrase span = 1 << iota // a phrase
	spanPrefix                  // the first words of a longer phrase
)

// formOf reads how s is written: its first word decides.
func formOf(s string) form {
	sc := newScanner(s)
	_, _, _, f, _ := sc.next(nil)
	switch {
	case f&flagDotted != 0:
		return formDotted
	case f&flagAllUpper != 0:
		return formCaps
	case f&flagUpper == 0:
		return formAny
	}
	return formPlain
}

// plural makes a demonym's plural the regular way ("Ivorian" ->
// "Ivorians"); words like "Swiss", "British" and "Chinese" have none.
func plural(s string) (string, bool) {
	switch {
	case strings.HasSuffix(s, "s"), strings.HasSuffix(s, "sh"),
		strings.HasSuffix(s, "ese"), strings.HasSuffix(s, "x"),
		strings.HasSuffix(s, "ch"):
		return "", false
	}
	return s + "s", true
}

// addTable adds one name, alias, demonym or capital from the country table.
func (g *gazetteer) addTable(s string, ci int16, kind phraseKind, w float32) error {
	key := Key(s)
	if key == "" {
		return fmt.Errorf("%q normalises to nothing", s)
	}
	f := formOf(s)
	if p, ok := g.phrases[key]; ok {
		if p.country != ci {
			return fmt.Errorf("%q names both %s and %s", s, g.countries[p.country].Name, g.countries[ci].Name)
		}
		// The same words twice ("USA" and "U.S.A."): either spelling counts,
		// and the stronger kind wins.
		p.forms |= f
		if kind < p.kind {
			p.kind, p.weight = kind, w
		}
		g.phrases[key] = p
		return nil
	}
	g.phrases[key] = phrase{country: ci, kind: kind, forms: f, rule: -1, weight: w}
	return nil
}

// directive applies one line of gazetteer.tsv.
func (g *gazetteer) directive(f []string, byCode map[string]int16) error {
	if len(f) < 2 {
		return fmt.Errorf("too few fields")
	}
	key := Key(f[1])
	if key == "" {
		return fmt.Errorf("%q normalises to nothing", f[1])
	}
	cur, exists := g.phrases[key]
	code := func(s string) (int16, error) {
		if s == "-" {
			return -1, nil
		}
		ci, ok := byCode[s]
		if !ok {
			return 0, fmt.Errorf("unknown country code %q", s)
		}
		return ci, nil
	}
	switch f[0] {
	case "drop":
		if !exists {
			return fmt.Errorf("drop %q: not in the table", f[1])
		}
		delete(g.phrases, key)
	case "weight":
		if !exists || len(f) != 3 {
			return fmt.Errorf("weight %q: not in the table, or no weight", f[1])
		}
		w, err := strconv.ParseFloat(f[2], 32)
		if err != nil || w <= 0 {
			return fmt.Errorf("weight %q: bad weight %q", f[1], f[2])
		}
		cur.weight = float32(w)
		g.phrases[key] = cur
	case "block":
		if exists && cur.kind != kindName && cur.kind != kindDemonym && cur.kind != kindCapital {
			return fmt.Errorf("block %q: already a %s", f[1], cur.kind)
		}
		g.phrases[key] = phrase{country: -1, kind: kindBlock, forms: formPlain | formCaps, rule: -1}
	case "place":
		if len(f) < 4 || len(f) > 5 {
			return fmt.Errorf("place %q: want CODE WEIGHT [GROUP]", f[1])
		}
		ci, err := code(f[2])
		if err != nil || ci < 0 {
			return fmt.Errorf("place %q: bad code %q", f[1], f[2])
		}
		if exists {
			return fmt.Errorf("place %q: already a %s", f[1], cur.kind)
		}
		w, err := strconv.ParseFloat(f[3], 32)
		if err != nil || w <= 0 {
			return fmt.Errorf("place %q: bad weight %q", f[1], f[3])
		}
		p := phrase{country: ci, kind: kindPlace, forms: formOf(f[1]), rule: -1, weight: float32(w)}
		if len(f) == 5 {
			if f[4] != "usstate" {
				return fmt.Errorf("place %q: unknown group %q", f[1], f[4])
			}
			p.group = groupUSState
		}
		g.phrases[key] = p
	case "ambig":
		return g.ambig(f, key, byCode, code)
	default:
		return fmt.Errorf("unknown directive %q", f[0])
	}
	return nil
}

// ambig adds a rule for an ambiguous phrase.
func (g *gazetteer) ambig(f []string, key string, byCode map[string]int16, code func(string) (int16, error)) error {
	if len(f) < 3 {
		return fmt.Errorf("ambig %q: no country", f[1])
	}
	if len(g.rules) >= maxRules {
		return fmt.Errorf("ambig %q: more than %d rules", f[1], maxRules)
	}
	ci, err := code(f[2])
	if err != nil || ci < 0 {
		return fmt.Errorf("ambig %q: bad code %q", f[1], f[2])
	}
	r := rule{phrase: f[1], country: ci, elseTo: -1}
	bit := uint64(1) << len(g.rules)
	var group uint8
	for _, field := range f[3:] {
		name, val, _ := strings.Cut(field, "=")
		switch name {
		case "need":
			r.need = true
			continue
		case "person":
			r.person = true
			continue
		case "else":
			if r.elseTo, err = code(val); err != nil {
				return fmt.Errorf("ambig %q: %w", f[1], err)
			}
			continue
		case "group":
			if val != "usstate" {
				return fmt.Errorf("ambig %q: unknown group %q", f[1], val)
			}
			group = groupUSState
			continue
		case "pos", "neg", "near":
		default:
			return fmt.Errorf("ambig %q: unknown rule %q", f[1], field)
		}
		if val == "" {
			continue
		}
		for _, w := range strings.Split(val, ",") {
			if w == "@usstate" && name != "near" {
				if name == "pos" {
					r.posGroup |= groupUSState
				} else {
					r.negGroup |= groupUSState
				}
				continue
			}
			if strings.HasPrefix(w, "@") && name != "near" {
				c, ok := byCode[w[1:]]
				if !ok {
					return fmt.Errorf("ambig %q: unknown country %q", f[1], w)
				}
				if name == "pos" {
					r.posCountry = append(r.posCountry, c)
				} else {
					r.negCountry = append(r.negCountry, c)
				}
				continue
			}
			k := Key(w)
			if k == "" || strings.Contains(k, " ") {
				return fmt.Errorf("ambig %q: context %q must be one word", f[1], w)
			}
			b := g.words[k]
			switch name {
			case "pos":
				b.pos |= bit
			case "neg":
				b.neg |= bit
			case "near":
				b.near |= bit
			}
			g.words[k] = b
		}
	}
	w := float32(weightName)
	if cur, ok := g.phrases[key]; ok {
		// A demonym or capital keeps its weaker weight.
		w = cur.weight
	}
	p := phrase{country: ci, kind: kindAmbig, forms: formPlain, group: group, rule: int16(len(g.rules)), weight: w}
	g.phrases[key] = p
	// A demonym's plural is as ambiguous as the demonym: "Georgians".
	if pl, ok := plural(f[1]); ok {
		if cur, ok := g.phrases[Key(pl)]; ok && cur.kind == kindDemonym {
			g.phrases[Key(pl)] = p
		}
	}
	g.rules = append(g.rules, r)
	return nil
}

// stopWords are capitalised words that may stand next to an ambiguous name
// without making it a person's name: function words that start sentences,
// titles, and the words news put after a country's name.
const stopWords = `
a an the in on at of to from for by with without into onto over under after before
and or but nor so yet as if while when where why how what which who whom whose
this that these those there here then now today tonight yesterday tomorrow
also even only just both either neither each every all some many most no not
neighbouring neighboring northern southern eastern western central
since until during amid among between across against about around near inside
outside within via including like unlike despite although though because once
however meanwhile still meanwhile
his her its their our my your
says said say tells told warns warned urges urged
president presidents king queen prince princess crown emir sultan sheikh
prime minister ministers minister's foreign interior defence defense finance
government army military forces police navy officials official embassy ambassador
border parliament national state central bank team coach football soccer
senate house assembly congress legislature court supreme election elections
runoff primary primaries governor lawmakers legislators voters secretary
university college tech republicans democrats republican democratic party
valley river times post power airport port stock exchange
cup open grand prix league federation airways airlines times news
monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
mr mrs ms dr sir lord lady
`
