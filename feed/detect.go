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

// paragraphLists holds the lists of paragraphs DetectCountries hands
// detection, one an article at load.
var paragraphLists = sync.Pool{New: func() any { return new([]string) }}

// DetectCountries fills a.Mentions with the countries its title and body
// are about, best first. Declared tags are left alone: they always win.
func DetectCountries(a *Article) {
	held := paragraphLists.Get().(*[]string)
	paras := (*held)[:0]
	for _, b := range a.Body {
		switch b.Kind {
		case Paragraph, Heading, Quote, ListItem:
			paras = append(paras, b.Text)
		}
	}
	ms := country.Detect(a.Title, paras)
	// Detect keeps none of the paragraphs; the list goes back empty, so
	// that it holds no article's text.
	clear(paras)
	*held = paras[:0]
	paragraphLists.Put(held)
	a.Undetected = false
	if len(ms) == 0 {
		a.Mentions = nil
		return
	}
	a.Mentions = make([]Mention, len(ms))
	for i, m := range ms {
		a.Mentions[i] = Mention{Name: m.Name, Code: m.Alpha2, Score: math.Round(m.Score*100) / 100}
	}
}
