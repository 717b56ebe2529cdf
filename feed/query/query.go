// Package query is gazette's filter language: the reader's filter box and
// `gazette list --query` parse it, and the full-text index shares its
// tokenizer, so that an index answers a query exactly as a scan does.
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

// Query is a parsed filter. Terms side by side must all hold; OR between
// two terms lets either hold, and binds tighter than the space, so that
// "coal OR gas -tag:usa" means (coal OR gas) and not tag:usa. Parentheses
// group, and "-" negates a term or a group:
//
//	gas                 the word, whole, in the title, the source or the body,
//	                    ignoring case and diacritics: never Vegas or gasoline
//	gas*                a word that starts with gas
//	"coal deal"         the words in order in the title, the source or the body
//	title:gas           the word (or title:gas*, title:"coal deal") in the title
//	~olymp              the letters in order in the title (fuzzy)
//	tag:russia          the article carries the tag; countries are canonical,
//	                    so tag:prc means China; other tags match ignoring case
//	tag:russia,china    either tag
//	source:"virtual wire"
//	                    the source contains the text, ignoring case; a list
//	                    separated by commas matches any of them
//	after:2022-01-15    dated on or after that day
//	before:2022-02-01   dated before that day
//	is:unread           not read yet; also is:read and is:starred
//	sort:relevance      ranks by relevance instead of newest first
//	-term, -(a OR b)    negates a term or a group
//
// Articles without a date never match after: or before:, negated or not, so
// -after:D keeps dated articles before D. The zero Query matches everything.
type Query struct {
	// Detected makes tag: terms also match countries detected in the text
	// (Article.Mentions), not only the declared tags.
	Detected bool
	// Relevance is set by sort:relevance: the caller ranks the matches by
	// Score rather than newest first. It filters nothing.
	Relevance bool

	// root is the boolean tree; nil matches everything.
	root *node
	// leaves are the text leaves that search the body, numbered as
	// TextLeaves numbers them.
	leaves []*node
}

// kind tells the nodes of a query tree apart.
type kind uint8

const (
	kindAnd    kind = iota // every kid holds
	kindOr                 // some kid holds
	kindText               // words, a prefix or a phrase in the text
	kindFuzzy              // ~word: a subsequence of the title
	kindTag                // tag:
	kindSource             // source:
	kindAfter              // after:
	kindBefore             // before:
	kindIs                 // is:
)

// state is a value of is:.
type state uint8

const (
	stateUnread state = iota
	stateRead
	stateStarred
)

var stateNames = [...]string{"unread", "read", "starred"}

// node is one node of a query tree: an operator with kids, or a leaf.
type node struct {
	kind kind
	neg  bool
	kids []*node

	// text is the word, phrase, fuzzy word or date as written; quoted
	// tells whether the query quoted it.
	text   string
	quoted bool
	// title limits a text leaf to the title.
	title bool
	// toks are a text leaf's folded tokens; with prefix the last one is a
	// prefix. leaf is its number among the body leaves, or -1.
	toks   []string
	prefix bool
	leaf   int
	// joined is toks joined by spaces, as Folded holds tokens.
	joined string
	// first is the first token, for a quick test that rejects texts.
	first pattern
	// pat is a fuzzy word prepared for matching.
	pat pattern
	// tags are the alternatives of a tag: term.
	tags []tagWant
	// sources are the alternatives of a source: term.
	sources []sourceWant
	// day is the date of after: and before: terms as yyyymmdd.
	day int
	// state is the value of an is: term.
	state state
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

// parser reads one query.
type parser struct {
	s string
	i int
	// depth counts the open parentheses.
	depth int
	// relevance is set by sort:relevance; sorts counts the sort: terms.
	relevance bool
	sorts     int
}

// Parse parses a filter query. Its errors are short and name the offending
// text, so that the reader can show them under the filter box.
func Parse(s string) (Query, error) {
	p := parser{s: feed.SanitizeLine(s)}
	root, err := p.parseAnd()
	if err != nil {
		return Query{}, err
	}
	if p.i < len(p.s) {
		// Only a ")" stops parseAnd before the end.
		return Query{}, errors.New(`unbalanced ")": no "(" opens it`)
	}
	q := Query{Relevance: p.relevance, root: root}
	q.number(root)
	return q, nil
}

// number numbers the text leaves that search the body, in query order.
func (q *Query) number(n *node) {
	if n == nil {
		return
	}
	if n.kind == kindText && !n.title {
		n.leaf = len(q.leaves)
		q.leaves = append(q.leaves, n)
	}
	for _, k := range n.kids {
		q.number(k)
	}
}

// skipSpace moves past spaces.
func (p *parser) skipSpace() {
	for p.i < len(p.s) && isSpaceAt(p.s, p.i) {
		_, n := utf8.DecodeRuneInString(p.s[p.i:])
		p.i += n
	}
}

// atOR reports whether the parser is at the operator OR.
func (p *parser) atOR() bool {
	s := p.s[p.i:]
	return strings.HasPrefix(s, "OR") && (len(s) == 2 || isSpaceAt(s, 2) || s[2] == '(' || s[2] == ')')
}

// parseAnd parses terms side by side up to the end or a ")".
func (p *parser) parseAnd() (*node, error) {
	var kids []*node
	for {
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] == ')' {
			return join(kindAnd, kids), nil
		}
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if n != nil {
			kids = append(kids, n)
		}
	}
}

// parseOr parses terms joined by OR.
func (p *parser) parseOr() (*node, error) {
	if p.atOR() {
		return nil, errors.New(`"OR" needs a term before it`)
	}
	var kids []*node
	sorts, terms := p.sorts, 0
	for {
		n, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		terms++
		if n != nil {
			kids = append(kids, n)
		}
		p.skipSpace()
		if !p.atOR() {
			break
		}
		p.i += 2
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] == ')' || p.atOR() {
			return nil, errors.New(`"OR" needs a term after it`)
		}
	}
	if p.sorts > sorts && terms > 1 {
		return nil, errors.New("sort: orders the whole query; it cannot be a choice of OR")
	}
	return join(kindOr, kids), nil
}

// join makes one node of kids under op, flattening kids of the same op.
func join(op kind, kids []*node) *node {
	var flat []*node
	for _, k := range kids {
		if k.kind == op && !k.neg {
			flat = append(flat, k.kids...)
		} else {
			flat = append(flat, k)
		}
	}
	switch len(flat) {
	case 0:
		return nil
	case 1:
		return flat[0]
	}
	return &node{kind: op, kids: flat}
}

// parseUnary parses a term or a group, negated or not. It returns nil for
// input that filters nothing, such as "" or sort:relevance.
func (p *parser) parseUnary() (*node, error) {
	s, neg := p.s, false
	if s[p.i] == '-' {
		neg = true
		p.i++
		if p.i >= len(s) || isSpaceAt(s, p.i) || s[p.i] == ')' {
			return nil, errors.New(`a lone "-" negates nothing; write -word or -tag:name`)
		}
		if s[p.i] == '-' {
			return nil, fmt.Errorf("%q: negate a term with one \"-\"", tokenAt(s, p.i-1))
		}
		if p.atOR() {
			return nil, errors.New(`"-OR" negates nothing; quote it to look for the word: "OR"`)
		}
	}
	var n *node
	var err error
	if s[p.i] == '(' {
		n, err = p.parseGroup()
	} else {
		start := p.i
		n, err = p.parseTerm()
		if err == nil && neg && strings.HasPrefix(strings.ToLower(s[start:]), "sort:") {
			return nil, errors.New("sort: cannot be negated")
		}
	}
	if err != nil || n == nil {
		return nil, err
	}
	if neg {
		n.neg = !n.neg
	}
	return n, nil
}

// parseGroup parses a parenthesised group at s[i] == '('.
func (p *parser) parseGroup() (*node, error) {
	p.i++
	p.depth++
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == ')' {
		return nil, errors.New(`empty group "()": put terms inside or remove it`)
	}
	n, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	if p.i >= len(p.s) {
		return nil, errors.New(`unbalanced "(": close it with ")"`)
	}
	p.i++
	p.depth--
	return n, nil
}

// parseTerm parses the term at s[i], which is not a space, "-" or "(".
func (p *parser) parseTerm() (*node, error) {
	s, i := p.s, p.i
	if s[i] == '"' {
		v, next, err := readQuoted(s, i)
		p.i = next
		if err != nil {
			return nil, err
		}
		if next < len(s) && !isSpaceAt(s, next) && s[next] != ')' {
			return nil, fmt.Errorf("%q: put a space after the closing quote", tokenAt(s, i))
		}
		return textNode(v, true, false), nil
	}
	if s[i] == '~' {
		v, next, err := readValue(s, i+1, "~")
		p.i = next
		if err != nil {
			return nil, err
		}
		if v == "" {
			return nil, nil
		}
		return &node{kind: kindFuzzy, text: v, quoted: next > i+1 && s[i+1] == '"', pat: newPattern(v), leaf: -1}, nil
	}
	j := i
	for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
		j++
	}
	if j == i || j >= len(s) || s[j] != ':' {
		end := wordEnd(s, i)
		p.i = end
		return textNode(s[i:end], false, false), nil
	}
	key := strings.ToLower(s[i:j])
	n := &node{leaf: -1}
	switch key {
	case "tag", "source":
		items, next, err := readList(s, j+1, key)
		p.i = next
		if err != nil {
			return nil, err
		}
		if key == "source" {
			n.kind = kindSource
			for _, v := range items {
				n.sources = append(n.sources, sourceWant{text: v, pat: newPattern(v)})
			}
			return n, nil
		}
		n.kind = kindTag
		for _, v := range items {
			// Sanitize first, as the article parser does, so that a tag
			// reads the same here and in the header it should match.
			if v = feed.SanitizeTag(v); v == "" {
				continue
			}
			if c, ok := country.Lookup(v); ok {
				n.tags = append(n.tags, tagWant{name: c.Name, country: true})
			} else {
				n.tags = append(n.tags, tagWant{name: v})
			}
		}
		if len(n.tags) == 0 {
			return nil, fmt.Errorf("%s: needs a tag name, as in tag:russia", key)
		}
		return n, nil
	case "after", "before":
		items, next, err := readList(s, j+1, key)
		p.i = next
		if err != nil {
			return nil, err
		}
		if len(items) != 1 {
			return nil, fmt.Errorf("%s: takes one date, as in %s:2022-01-15", key, key)
		}
		d, err := time.Parse(time.DateOnly, items[0])
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a date; write YYYY-MM-DD, as in %s:2022-01-15", key, items[0], key)
		}
		n.kind, n.text, n.day = kindAfter, d.Format(time.DateOnly), dayKey(d)
		if key == "before" {
			n.kind = kindBefore
		}
		return n, nil
	case "title":
		v, next, err := readValue(s, j+1, key)
		p.i = next
		if err != nil {
			return nil, err
		}
		if v == "" {
			return nil, errors.New("title: needs a value, as in title:gas")
		}
		return textNode(v, s[j+1] == '"', true), nil
	case "is":
		items, next, err := readList(s, j+1, key)
		p.i = next
		if err != nil {
			return nil, err
		}
		v := strings.ToLower(items[0])
		for k, name := range stateNames {
			if len(items) == 1 && v == name {
				n.kind, n.state = kindIs, state(k)
				return n, nil
			}
		}
		return nil, fmt.Errorf("is: %q is not a state; write is:unread, is:read or is:starred", strings.Join(items, ","))
	case "sort":
		items, next, err := readList(s, j+1, key)
		p.i = next
		if err != nil {
			return nil, err
		}
		switch v := strings.ToLower(items[0]); {
		case len(items) == 1 && v == "relevance" && p.depth == 0:
			p.relevance = true
			p.sorts++
			return nil, nil
		case len(items) == 1 && v == "relevance":
			return nil, errors.New("sort: orders the whole query; put it outside parentheses")
		}
		return nil, fmt.Errorf("sort: %q is not an order; write sort:relevance", strings.Join(items, ","))
	}
	p.i = j
	return nil, fmt.Errorf("%q: unknown field %q (fields are tag, source, title, after, before, is and sort)", tokenAt(s, i), s[i:j])
}

// textNode makes the text leaf of a word or phrase v. A bare word ending in
// "*" is a prefix. It returns nil when v holds no token: punctuation
// filters nothing.
func textNode(v string, quoted, title bool) *node {
	prefix := !quoted && strings.HasSuffix(v, "*")
	toks := tokenize(v)
	if len(toks) == 0 {
		return nil
	}
	// A "*" after punctuation ("gas-*") has no word to extend.
	if prefix {
		_, _, end := lastToken(v)
		prefix = end == len(v)-1
	}
	return &node{kind: kindText, text: v, quoted: quoted, title: title, toks: toks, prefix: prefix, leaf: -1, first: newPattern(toks[0]), joined: strings.Join(toks, " ")}
}

// lastToken returns the span of the last token of v.
func lastToken(v string) (tok string, start, end int) {
	Tokens(v, func(t string, s, e int) { tok, start, end = t, s, e })
	return tok, start, end
}

// readValue reads the value of a field that takes one: quoted, or bare up
// to a space or a ")".
func readValue(s string, i int, key string) (string, int, error) {
	if i < len(s) && s[i] == '"' {
		v, next, err := readQuoted(s, i)
		if err != nil {
			return "", next, err
		}
		if next < len(s) && !isSpaceAt(s, next) && s[next] != ')' {
			return "", next, fmt.Errorf("%s: put a space after the closing quote", key)
		}
		return v, next, nil
	}
	end := wordEnd(s, i)
	return s[i:end], end, nil
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
			if i < len(s) && s[i] != ',' && s[i] != ')' && !isSpaceAt(s, i) {
				return nil, i, fmt.Errorf("%s: put a comma or a space after the closing quote", key)
			}
		} else {
			start := i
			for i < len(s) && s[i] != ',' && s[i] != ')' && !isSpaceAt(s, i) {
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
	case "is":
		return "is:unread"
	case "sort":
		return "sort:relevance"
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

// wordEnd returns the index of the first space or ")" at or after i: a
// bare word ends there.
func wordEnd(s string, i int) int {
	for i < len(s) && s[i] != ')' && !isSpaceAt(s, i) {
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return i
}

// tokenAt returns the text from i up to the next space, for error messages.
func tokenAt(s string, i int) string {
	end := i
	for end < len(s) && !isSpaceAt(s, end) {
		_, n := utf8.DecodeRuneInString(s[end:])
		end += n
	}
	return s[i:end]
}

// isSpaceAt reports whether a space starts at s[i].
func isSpaceAt(s string, i int) bool {
	if c := s[i]; c < utf8.RuneSelf {
		return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

// dayKey returns a calendar day as yyyymmdd, which orders like the days
// and ignores the time of day and the zone.
func dayKey(t time.Time) int {
	y, m, d := t.Date()
	return y*10000 + int(m)*100 + d
}

// Empty reports whether the query filters nothing: it matches every
// article. A query of sort:relevance alone is empty.
func (q Query) Empty() bool {
	return q.root == nil
}

// Tags returns the canonical names of the tags the query asks for, in
// order, leaving out negated terms.
func (q Query) Tags() []string {
	var out []string
	walk(q.root, false, func(n *node, neg bool) {
		if n.kind == kindTag && !neg {
			for _, w := range n.tags {
				out = append(out, w.name)
			}
		}
	})
	return out
}

// Words returns the words and phrases the query looks for, as written, in
// order, leaving out negated terms.
func (q Query) Words() []string {
	var out []string
	walk(q.root, false, func(n *node, neg bool) {
		if n.kind == kindText && !neg {
			out = append(out, n.text)
		}
	})
	return out
}

// walk calls fn with every node under n, and whether an odd number of
// negations covers it.
func walk(n *node, neg bool, fn func(n *node, neg bool)) {
	if n == nil {
		return
	}
	neg = neg != n.neg
	fn(n, neg)
	for _, k := range n.kids {
		walk(k, neg, fn)
	}
}

// String returns the query in canonical form, which Parse reads back as the
// same query: fields in lower case, countries by their canonical names,
// values quoted where they need it, groups in parentheses only where they
// change the meaning, and sort:relevance last.
func (q Query) String() string {
	var b strings.Builder
	if q.root != nil {
		q.root.write(&b, kindAnd)
	}
	if q.Relevance {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("sort:relevance")
	}
	return b.String()
}

// write writes the node, as one operand of parent.
func (n *node) write(b *strings.Builder, parent kind) {
	if n.neg {
		b.WriteByte('-')
	}
	switch n.kind {
	case kindAnd, kindOr:
		// OR binds tighter than AND, so only an AND inside an OR, or a
		// negated group, needs parentheses.
		paren := n.neg || n.kind == kindAnd && parent == kindOr
		if paren {
			b.WriteByte('(')
		}
		sep := " "
		if n.kind == kindOr {
			sep = " OR "
		}
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(sep)
			}
			k.write(b, n.kind)
		}
		if paren {
			b.WriteByte(')')
		}
	case kindText:
		if n.title {
			b.WriteString("title:")
		}
		if n.quoted {
			writeQuoted(b, n.text)
		} else {
			b.WriteString(n.text)
		}
	case kindFuzzy:
		b.WriteByte('~')
		if n.quoted {
			writeQuoted(b, n.text)
		} else {
			b.WriteString(n.text)
		}
	case kindTag:
		b.WriteString("tag:")
		for k, w := range n.tags {
			if k > 0 {
				b.WriteByte(',')
			}
			writeValue(b, w.name)
		}
	case kindSource:
		b.WriteString("source:")
		for k, w := range n.sources {
			if k > 0 {
				b.WriteByte(',')
			}
			writeValue(b, w.text)
		}
	case kindAfter:
		b.WriteString("after:" + n.text)
	case kindBefore:
		b.WriteString("before:" + n.text)
	case kindIs:
		b.WriteString("is:" + stateNames[n.state])
	}
}

// writeValue writes a field value, quoted when it holds a space, a comma, a
// parenthesis or a quote, or is empty.
func writeValue(b *strings.Builder, v string) {
	needs := v == ""
	for i := 0; i < len(v) && !needs; {
		needs = v[i] == ',' || v[i] == '"' || v[i] == ')' || v[i] == '(' || isSpaceAt(v, i)
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
