package feed

import (
	"math"
	"sync"

	"github.com/gazette-news/gazette/feed/country"
)

// codeMentions holds the mention of every country by its upper-case
// alpha-2 code, at (first-'A')*26 + second-'A'; a zero Name is no country.
var codeMentions = sync.OnceValue(func() *[26 * 26]Mention {
	var t [26 * 26]Mention
	for a := byte('A'); a <= 'Z'; a++ {
		for b := byte('A'); b <= 'Z'; b++ {
			if c, ok := country.ByCode(string([]byte{a, b})); ok && c.Alpha2 == string([]byte{a, b}) {
				t[int(a-'A')*26+int(b-'A')] = Mention{Name: c.Name, Code: c.Alpha2}
			}
		}
	}
	return &t
})

// MentionOf returns the mention, with no score, of the country whose
// upper-case alpha-2 code is code: the country table's name and code,
// found without hashing.
func MentionOf(code string) (Mention, bool) {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return Mention{}, false
	}
	m := codeMentions()[int(code[0]-'A')*26+int(code[1]-'A')]
	return m, m.Name != ""
}

// detectScratch is what DetectCountries hands detection, one an article
// at load: the list of paragraphs, and the list the countries come in,
// which become the article's own.
type detectScratch struct {
	paras    []string
	mentions []country.Mention
}

var detectScratches = sync.Pool{New: func() any { return new(detectScratch) }}

// PrepareDetection builds the tables DetectCountries reads (see
// country.Prepare): some 5 ms of a core, which the first detection pays
// otherwise.
func PrepareDetection() { country.Prepare() }

// DetectCountries fills a.Mentions with the countries its title and body
// are about, best first. Declared tags are left alone: they always win.
func DetectCountries(a *Article) {
	sc := detectScratches.Get().(*detectScratch)
	paras := sc.paras[:0]
	for _, b := range a.Body {
		switch b.Kind {
		case Paragraph, Heading, Quote, ListItem:
			paras = append(paras, b.Text)
		}
	}
	ms := country.AppendDetected(sc.mentions[:0], a.Title, paras)
	a.Undetected = false
	a.Mentions = nil
	if len(ms) > 0 {
		a.Mentions = make([]Mention, len(ms))
		for i, m := range ms {
			a.Mentions[i] = Mention{Name: m.Name, Code: m.Alpha2, Score: math.Round(m.Score*100) / 100}
		}
	}
	// Detection keeps none of the paragraphs; the lists go back empty, so
	// that they hold no article's text. (Countries' names are the table's.)
	clear(paras)
	sc.paras, sc.mentions = paras[:0], ms[:0]
	detectScratches.Put(sc)
}
