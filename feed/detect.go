package feed

import (
	"math"

	"github.com/gazette-news/gazette/feed/country"
)

// DetectCountries fills a.Mentions with the countries its title and body
// are about, best first. Declared tags are left alone: they always win.
func DetectCountries(a *Article) {
	var paras []string
	for _, b := range a.Body {
		switch b.Kind {
		case Paragraph, Heading, Quote, ListItem:
			paras = append(paras, b.Text)
		}
	}
	ms := country.Detect(a.Title, paras)
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
