// Package query is gazette's filter language, as the reader's filter box
// and `gazette list --query` read it.
package query

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/country"
)

// Query is a parsed filter, as typed in the reader's filter box or given to
// `gazette list --query`. Its terms are separated by spaces and all must
// hold:
//
//	tag:russia          the article carries the tag; countries are canonical,
//	                    so tag:prc means China; other tags match ignoring case
//	tag:russia,china    either tag
//	source:"virtual wire"
//	                    the source contains the text, ignoring case; a list
//	                    separated by commas matches any of them
//	after:2022-01-15    dated on or after that day
//	before:2022-02-01   dated before that day
//	"winter olympics"   the title or the source contains the phrase, ignoring case
//	olympics            the word's letters appear in the title in order
//	                    (fuzzy, ignoring case), or the source contains it
//	-term               negates any term: -tag:usa, -source:x, -word
//
// Articles without a date never match after: or before:, negated or not, so
// -after:D keeps dated articles before D. The zero Query matches everything.
type Query struct {
	// Detected makes tag: terms also match countries detected in the text
	// (Article.Mentions), not only the declared tags.
	Detected bool

	terms []term
}

// termKind tells the kinds of query terms apart. Words and phrases come
// first: Match checks every later kind before them, as those are cheaper.
type termKind uint8

const (
	termWord termKind = iota
	termPhrase
	termTag
	termSource
	termAfter
	termBefore
)

// term is one parsed query term. Text fields are folded once here so that
// Match never allocates.
type term struct {
	kind termKind
	neg  bool
	// text is the word, phrase or date as the query writes it.
	text string
	// pat is text prepared for matching, for word and phrase terms.
	pat pattern
	// tags are the alternatives of a tag: term.
	tags []tagWant
	// sources are the alternatives of a source: term.
	sources []sourceWant
	// day is the date of after: and before: terms as yyyymmdd.
	day int
}

// tagWant is one alternative of a tag: term.
type tagWant struct {
	name    string
	country bool
}

// sourceWant is one alternative of a source: term.
type sourceWant struct {
	text string
	pat  pattern
}

// Parse parses a filter query. Its errors are short and name the
// offending text, so that the reader can show them under the filter box.
func Parse(s string) (Query, error) {
	s = feed.SanitizeLine(s)
	var q Query
	i := 0
	for {
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsSpace(r) {
				break
			}
			i += n
		}
		if i >= len(s) {
			break
		}
		t, next, err := parseTerm(s, i)
		if err != nil {
			return Query{}, err
		}
		i = next
		if t != nil {
			q.terms = append(q.terms, *t)
		}
	}
	return q, nil
}

// parseTerm parses the term starting at s[i], which is not a space. It
// returns a nil term for input that filters nothing, such as "".
func parseTerm(s string, i int) (*term, int, error) {
	var t term
	if s[i] == '-' {
		t.neg = true
		i++
		if i >= len(s) || isSpaceAt(s, i) {
			return nil, i, errors.New(`a lone "-" negates nothing; write -word or -tag:name`)
		}
		if s[i] == '-' {
			return nil, i, fmt.Errorf("%q: negate a term with one \"-\"", tokenAt(s, i-1))
		}
	}
	if s[i] == '"' {
		v, next, err := readQuoted(s, i)
		if err != nil {
			return nil, next, err
		}
		if next < len(s) && !isSpaceAt(s, next) {
			return nil, next, fmt.Errorf("%q: put a space after the closing quote", tokenAt(s, i))
		}
		if v == "" {
			return nil, next, nil
		}
		t.kind, t.text, t.pat = termPhrase, v, newPattern(v)
		return &t, next, nil
	}
	j := i
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
		j++
	}
	if j == i || j >= len(s) || s[j] != ':' {
		end := tokenEnd(s, i)
		t.kind, t.text = termWord, s[i:end]
		t.pat = newPattern(t.text)
		return &t, end, nil
	}
	key := strings.ToLower(s[i:j])
	switch key {
	case "tag", "source":
		items, next, err := readList(s, j+1, key)
		if err != nil {
			return nil, next, err
		}
		if key == "tag" {
			t.kind = termTag
			for _, v := range items {
				// Sanitize first, as the article parser does, so that a tag
				// reads the same here and in the header it should match.
				if v = feed.SanitizeTag(v); v == "" {
					continue
				}
				if c, ok := country.Lookup(v); ok {
					t.tags = append(t.tags, tagWant{name: c.Name, country: true})
				} else {
					t.tags = append(t.tags, tagWant{name: v})
				}
			}
			if len(t.tags) == 0 {
				return nil, next, fmt.Errorf("%s: needs a tag name, as in tag:russia", key)
			}
		} else {
			t.kind = termSource
			for _, v := range items {
				t.sources = append(t.sources, sourceWant{text: v, pat: newPattern(v)})
			}
		}
		return &t, next, nil
	case "after", "before":
		items, next, err := readList(s, j+1, key)
		if err != nil {
			return nil, next, err
		}
		if len(items) != 1 {
			return nil, next, fmt.Errorf("%s: takes one date, as in %s:2022-01-15", key, key)
		}
		d, err := time.Parse(time.DateOnly, items[0])
		if err != nil {
			return nil, next, fmt.Errorf("%s: %q is not a date; write YYYY-MM-DD, as in %s:2022-01-15", key, items[0], key)
		}
		t.kind, t.text, t.day = termAfter, d.Format(time.DateOnly), dayKey(d)
		if key == "before" {
			t.kind = termBefore
		}
		return &t, next, nil
	}
	return nil, j, fmt.Errorf("%q: unknown field %q (fields are tag, source, after and before)", tokenAt(s, i), s[i:j])
}

// readList reads the value of a field at s[i]: items separated by commas,
// each bare or quoted. Empty items are dropped, so that a list being typed
// ("tag:russia,") still parses; a field with no item at all is an error.
func readList(s string, i int, key string) ([]string, int, error) {
	var items []string
	for {
		var v string
		if i < len(s) && s[i] == '"' {
			var err error
			v, i, err = readQuoted(s, i)
			if err != nil {
				return nil, i, err
			}
			if i < len(s) && s[i] != ',' && !isSpaceAt(s, i) {
				return nil, i, fmt.Errorf("%s: put a comma or a space after the closing quote", key)
			}
		} else {
			start := i
			for i < len(s) && s[i] != ',' && !isSpaceAt(s, i) {
				_, n := utf8.DecodeRuneInString(s[i:])
				i += n
			}
			v = s[start:i]
		}
		if v != "" {
			items = append(items, v)
		}
		if i >= len(s) || s[i] != ',' {
			break
		}
		i++
	}
	if len(items) == 0 {
		return nil, i, fmt.Errorf("%s: needs a value, as in %s", key, example(key))
	}
	return items, i, nil
}

// example shows a field in use, for error messages.
func example(key string) string {
	switch key {
	case "tag":
		return "tag:russia"
	case "source":
		return `source:"virtual wire"`
	}
	return key + ":2022-01-15"
}

// readQuoted reads the quoted string starting at s[i] == '"'. Inside it,
// \" and \\ stand for " and \; any other backslash is literal.
func readQuoted(s string, i int) (string, int, error) {
	start := i
	i++
	var b strings.Builder
	for i < len(s) {
		switch c := s[i]; {
		case c == '"':
			return b.String(), i + 1, nil
		case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", len(s), fmt.Errorf("unterminated quote: %s", s[start:])
}

// tokenEnd returns the index of the first space at or after i.
func tokenEnd(s string, i int) int {
	for i < len(s) && !isSpaceAt(s, i) {
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return i
}

// tokenAt returns the text from i up to the next space, for error messages.
func tokenAt(s string, i int) string {
	return s[i:tokenEnd(s, i)]
}

// isSpaceAt reports whether a space starts at s[i].
func isSpaceAt(s string, i int) bool {
	if c := s[i]; c < utf8.RuneSelf {
		return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

// foldRunes returns s in lower case, as runes.
func foldRunes(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		out = append(out, unicode.ToLower(r))
	}
	return out
}

// dayKey returns a calendar day as yyyymmdd, which orders like the days
// and ignores the time of day and the zone.
func dayKey(t time.Time) int {
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}

// Empty reports whether the query has no terms and so matches everything.
func (q Query) Empty() bool {
	return len(q.terms) == 0
}

// Tags returns the canonical names of the tags the query asks for, in
// order, leaving out negated terms.
func (q Query) Tags() []string {
	var out []string
	for _, t := range q.terms {
		if t.kind == termTag && !t.neg {
			for _, w := range t.tags {
				out = append(out, w.name)
			}
		}
	}
	return out
}

// Words returns the words and phrases the query looks for in titles, in
// order, leaving out negated terms; the reader may highlight them.
func (q Query) Words() []string {
	var out []string
	for _, t := range q.terms {
		if (t.kind == termWord || t.kind == termPhrase) && !t.neg {
			out = append(out, t.text)
		}
	}
	return out
}

// String returns the query in canonical form, which Parse reads back
// as the same query: fields in lower case, countries by their canonical
// names, and values quoted where they need it.
func (q Query) String() string {
	var b strings.Builder
	for i, t := range q.terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		if t.neg {
			b.WriteByte('-')
		}
		switch t.kind {
		case termWord:
			b.WriteString(t.text)
		case termPhrase:
			writeQuoted(&b, t.text)
		case termTag:
			b.WriteString("tag:")
			for k, w := range t.tags {
				if k > 0 {
					b.WriteByte(',')
				}
				writeValue(&b, w.name)
			}
		case termSource:
			b.WriteString("source:")
			for k, w := range t.sources {
				if k > 0 {
					b.WriteByte(',')
				}
				writeValue(&b, w.text)
			}
		case termAfter:
			b.WriteString("after:" + t.text)
		case termBefore:
			b.WriteString("before:" + t.text)
		}
	}
	return b.String()
}

// writeValue writes a field value, quoted when it holds a space, a comma or
// a quote, or is empty.
func writeValue(b *strings.Builder, v string) {
	needs := v == ""
	for i := 0; i < len(v) && !needs; {
		needs = v[i] == ',' || v[i] == '"' || isSpaceAt(v, i)
		_, n := utf8.DecodeRuneInString(v[i:])
		i += n
	}
	if needs {
		writeQuoted(b, v)
	} else {
		b.WriteString(v)
	}
}

// writeQuoted writes v between quotes, escaping quotes and backslashes.
func writeQuoted(b *strings.Builder, v string) {
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' || v[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
}

// Match reports whether the article satisfies every term of the query. It
// does not allocate, so it can run over a whole list on every keystroke.
func (q Query) Match(a *feed.Article) bool {
	// Tags, sources and dates first: they are cheap and reject the most.
	for i := range q.terms {
		if t := &q.terms[i]; t.kind >= termTag && t.match(a, q.Detected) == t.neg {
			return false
		}
	}
	for i := range q.terms {
		if t := &q.terms[i]; t.kind < termTag && t.match(a, q.Detected) == t.neg {
			return false
		}
	}
	return true
}

// match reports whether the article satisfies the term, ignoring negation.
func (t *term) match(a *feed.Article, detected bool) bool {
	switch t.kind {
	case termWord:
		return t.pat.subsequenceOf(a.Title) || t.pat.in(a.Source)
	case termPhrase:
		return t.pat.in(a.Title) || t.pat.in(a.Source)
	case termTag:
		for _, w := range t.tags {
			if w.country {
				if a.HasTag(w.name, detected) {
					return true
				}
				continue
			}
			for _, at := range a.Tags {
				if !at.Country && strings.EqualFold(at.Name, w.name) {
					return true
				}
			}
		}
		return false
	case termSource:
		for _, w := range t.sources {
			if w.pat.in(a.Source) {
				return true
			}
		}
		return false
	case termAfter, termBefore:
		// Undated articles match neither the term nor its negation.
		if a.Date.IsZero() {
			return t.neg
		}
		if t.kind == termAfter {
			return dayKey(a.Date) >= t.day
		}
		return dayKey(a.Date) < t.day
	}
	return false
}

// pattern is a word, phrase or source prepared once for matching without
// case, so that matching needs no allocation and, for ASCII, no decoding.
type pattern struct {
	// runes is the text in lower case.
	runes []rune
	// ascii is true when the text is all ASCII; lower and mask are then set.
	ascii bool
	// lower is the text in lower case.
	lower string
	// mask holds, for each byte of lower, 0x20 for a letter and 0 for any
	// other byte, so that c|mask[k] == lower[k] compares without case.
	mask string
	// ks is true when lower holds a k or an s, which the Kelvin sign and
	// the long s also match.
	ks bool
}

// newPattern prepares s for matching.
func newPattern(s string) pattern {
	p := pattern{runes: foldRunes(s), ascii: true}
	lower, mask := make([]byte, 0, len(s)), make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return pattern{runes: p.runes}
		}
		var m byte
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'a' <= c && c <= 'z' {
			m = 0x20
		}
		lower, mask = append(lower, c), append(mask, m)
	}
	p.lower, p.mask = string(lower), string(mask)
	p.ks = strings.ContainsAny(p.lower, "ks")
	return p
}

// subsequenceOf reports whether the pattern's characters appear in s in
// order, ignoring case: the fuzzy match of a title.
func (p *pattern) subsequenceOf(s string) bool {
	if !p.ascii {
		return subsequenceFold(s, p.runes)
	}
	n, m := p.lower, p.mask
	if p.ks && foldTraps(s) {
		return subsequenceASCII(s, n, m)
	}
	// strings.IndexByte is vectorised, so looking for each character in
	// turn beats a loop over every byte of s.
	for k := 0; k < len(n); k++ {
		j := indexFold(s, n[k], m[k])
		if j < 0 {
			return false
		}
		s = s[j+1:]
	}
	return true
}

// indexFold returns the index of the first c in s, or of its upper case when
// mask is 0x20, or -1.
func indexFold(s string, c, mask byte) int {
	j := strings.IndexByte(s, c)
	if mask == 0 {
		return j
	}
	if j >= 0 {
		s = s[:j]
	}
	if u := strings.IndexByte(s, c-0x20); u >= 0 {
		return u
	}
	return j
}

// foldTraps reports whether s holds a Kelvin sign or a long s, the only
// non-ASCII runes that fold to ASCII letters.
func foldTraps(s string) bool {
	return strings.Contains(s, "\u212a") || strings.Contains(s, "\u017f")
}

// subsequenceASCII is subsequenceOf for an ASCII pattern n, with letter
// mask m, that also sees the Kelvin sign and the long s.
func subsequenceASCII(s, n, m string) bool {
	if len(n) == 0 {
		return true
	}
	k := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size - 1
			if c = asciiFold(r); c == 0 {
				continue
			}
		}
		if c|m[k] == n[k] {
			k++
			if k == len(n) {
				return true
			}
		}
	}
	return false
}

// in reports whether s contains the pattern, ignoring case.
func (p *pattern) in(s string) bool {
	if !p.ascii {
		return containsFold(s, p.runes)
	}
	n, m := p.lower, p.mask
	if len(n) == 0 {
		return true
	}
	n0, m0 := n[0], m[0]
	if p.ks && foldTraps(s) {
		// Each byte of the pattern takes at least one byte of s.
		for i := 0; i+len(n) <= len(s); i++ {
			if c := s[i]; c|m0 != n0 && c < utf8.RuneSelf {
				continue
			}
			if hasPrefixASCII(s[i:], n, m) {
				return true
			}
		}
		return false
	}
	for len(s) >= len(n) {
		j := indexFold(s, n0, m0)
		if j < 0 {
			return false
		}
		if hasPrefixASCII(s[j:], n, m) {
			return true
		}
		s = s[j+1:]
	}
	return false
}

// hasPrefixASCII reports whether s starts with the ASCII pattern n, whose
// letter mask is m, ignoring case.
func hasPrefixASCII(s, n, m string) bool {
	j := 0
	for k := 0; k < len(n); k++ {
		if j >= len(s) {
			return false
		}
		c := s[j]
		j++
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[j-1:])
			j += size - 1
			if c = asciiFold(r); c == 0 {
				return false
			}
		}
		if c|m[k] != n[k] {
			return false
		}
	}
	return true
}

// asciiFold returns the lower-case ASCII letter that r equals under simple
// case folding, or 0. Only the Kelvin sign and the long s have one.
func asciiFold(r rune) byte {
	switch r {
	case '\u212a':
		return 'k'
	case '\u017f':
		return 's'
	}
	return 0
}

// subsequenceFold reports whether the runes of needle, which is in lower
// case, appear in s in order, ignoring case: the fuzzy match of a title.
func subsequenceFold(s string, needle []rune) bool {
	if len(needle) == 0 {
		return true
	}
	k := 0
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		i += n
		if foldEq(r, needle[k]) {
			k++
			if k == len(needle) {
				return true
			}
		}
	}
	return false
}

// containsFold reports whether s contains needle, which is in lower case,
// ignoring case.
func containsFold(s string, needle []rune) bool {
	if len(needle) == 0 {
		return true
	}
	for i := 0; i < len(s); {
		if hasPrefixFold(s[i:], needle) {
			return true
		}
		if s[i] < utf8.RuneSelf {
			i++
		} else {
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
		}
	}
	return false
}

// hasPrefixFold reports whether s starts with needle, ignoring case.
func hasPrefixFold(s string, needle []rune) bool {
	i := 0
	for _, want := range needle {
		if i >= len(s) {
			return false
		}
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if !foldEq(r, want) {
			return false
		}
		i += n
	}
	return true
}

// foldEq reports whether r equals want, a lower-case rune, under simple case
// folding, as strings.EqualFold compares runes.
func foldEq(r, want rune) bool {
	if r == want {
		return true
	}
	if r < utf8.RuneSelf && want < utf8.RuneSelf {
		return 'A' <= r && r <= 'Z' && r+'a'-'A' == want
	}
	// SimpleFold walks the orbit of runes equal under folding.
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f == want {
			return true
		}
	}
	return false
}
