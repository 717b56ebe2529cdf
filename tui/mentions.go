package tui

import (
	"sync"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/country"
)

// An entry keeps its detected countries as their alpha-2 codes, two bytes
// each, rather than as feed.Mention values, forty bytes each: at 100,000
// articles of three or four mentions that is about 13 MB less held while
// the reader runs. The list needs only which countries were found and in
// what order (the scores order them, and only list --json prints them),
// and a query's tag: terms read them back through appendMentions.

// packable reports whether ms can be kept as codes: each mention is the
// one the country table gives back from its code alone.
func packable(ms []feed.Mention) bool {
	for _, m := range ms {
		back, found := mentionOfCode(m.Code)
		if !found || back.Name != m.Name || back.Code != m.Code {
			return false
		}
	}
	return true
}

// appendMentions appends to dst the mentions that codes names, in order,
// with no scores.
func appendMentions(dst []feed.Mention, codes string) []feed.Mention {
	for i := 0; i+1 < len(codes); i += 2 {
		if m, ok := mentionOfCode(codes[i : i+2]); ok {
			dst = append(dst, m)
		}
	}
	return dst
}

// codeMentions holds the mention of every country by its upper-case
// alpha-2 code, at (first-'A')*26 + second-'A'; a zero Name is no country.
var codeMentions = sync.OnceValue(func() *[26 * 26]feed.Mention {
	var t [26 * 26]feed.Mention
	for a := byte('A'); a <= 'Z'; a++ {
		for b := byte('A'); b <= 'Z'; b++ {
			if c, ok := country.ByCode(string([]byte{a, b})); ok && c.Alpha2 == string([]byte{a, b}) {
				t[int(a-'A')*26+int(b-'A')] = feed.Mention{Name: c.Name, Code: c.Alpha2}
			}
		}
	}
	return &t
})

// mentionOfCode returns the mention of the country whose upper-case
// alpha-2 code is code.
func mentionOfCode(code string) (feed.Mention, bool) {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return feed.Mention{}, false
	}
	m := codeMentions()[int(code[0]-'A')*26+int(code[1]-'A')]
	return m, m.Name != ""
}
