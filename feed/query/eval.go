package query

import (
	"strings"
	"unicode/utf8"

	"github.com/gazette-news/gazette/feed"
)

// Leaf is one text term of a query that searches the article's body: a
// word, a prefix or a phrase, as the full-text index sees it.
type Leaf struct {
	// Text is the term as the query writes it.
	Text string
	// Tokens are the term's folded tokens, as IndexText makes them; a
	// phrase has several.
	Tokens []string
	// Prefix is true when the last token is a prefix: gas* matches gasoline.
	Prefix bool
	// Negated is true when the leaf sits under an odd number of negations.
	// The index must still answer it: MatchWith negates.
	Negated bool
}

// FTS returns the leaf as an FTS5 MATCH expression for a table whose only
// indexed column holds IndexText of the body: the tokens as one quoted
// phrase ("coal deal"), followed by * for a prefix ("gas"*). Tokens hold
// only letters and numbers, and quotes are doubled all the same, so no
// user input can change the expression's syntax.
func (l Leaf) FTS() string {
	var b strings.Builder
	b.WriteByte('"')
	for i, t := range l.Tokens {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ReplaceAll(t, `"`, `""`))
	}
	b.WriteByte('"')
	if l.Prefix {
		b.WriteByte('*')
	}
	return b.String()
}

// TextLeaves returns the text terms that search the body (every word,
// prefix and phrase but those of title:), in query order: leaf i of
// MatchWith and Score is TextLeaves()[i].
func (q Query) TextLeaves() []Leaf {
	if len(q.leaves) == 0 {
		return nil
	}
	out := make([]Leaf, len(q.leaves))
	walk(q.root, false, func(n *node, neg bool) {
		if n.kind == kindText && n.leaf >= 0 {
			out[n.leaf] = Leaf{Text: n.text, Tokens: n.toks, Prefix: n.prefix, Negated: neg}
		}
	})
	return out
}

// NeedsBody reports whether the query has a term that searches the body,
// so that its answer depends on a.Body (for Match) or on the index (for
// MatchWith).
func (q Query) NeedsBody() bool {
	return len(q.leaves) > 0
}

// Match reports whether the article satisfies the query, searching the
// body by scanning BodyText(a). An article loaded without its body (nil
// Body) is matched on its other fields alone: a body leaf is false for it.
// Match allocates nothing for such articles, so that it can run over a
// whole list on every keystroke.
func (q Query) Match(a *feed.Article) bool {
	if q.root == nil {
		return true
	}
	ev := evaluator{a: a, detected: q.Detected}
	return ev.eval(q.root)
}

// MatchWith reports whether the article satisfies the query, asking
// bodyHit whether the body holds body leaf i (TextLeaves()[i]) rather
// than reading a.Body. Title, source and every other field are checked on
// the article itself; bodyHit is called only when they do not decide the
// answer. With bodyHit answering from IndexText(BodyText(a)), MatchWith
// agrees with Match.
func (q Query) MatchWith(a *feed.Article, bodyHit func(leaf int) bool) bool {
	if q.root == nil {
		return true
	}
	ev := evaluator{a: a, detected: q.Detected, bodyHit: bodyHit}
	return ev.eval(q.root)
}

// evaluator holds what one evaluation of a query over an article needs.
type evaluator struct {
	a        *feed.Article
	detected bool
	bodyHit  func(leaf int) bool
	// folded, when set, is Fold(a), which text terms read the title and
	// the source from.
	folded *Folded
	// body is IndexText(BodyText(a)), made when first needed.
	body     string
	haveBody bool
}

// eval reports whether the article satisfies n.
func (ev *evaluator) eval(n *node) bool {
	return ev.holds(n) != n.neg
}

// holds reports whether the article satisfies n, ignoring its negation.
func (ev *evaluator) holds(n *node) bool {
	switch n.kind {
	case kindAnd:
		// Other fields first: they are cheaper than words and reject most.
		for _, k := range n.kids {
			if !textual(k) && !ev.eval(k) {
				return false
			}
		}
		for _, k := range n.kids {
			if textual(k) && !ev.eval(k) {
				return false
			}
		}
		return true
	case kindOr:
		for _, k := range n.kids {
			if ev.eval(k) {
				return true
			}
		}
		return false
	case kindText:
		a := ev.a
		if f := ev.folded; f != nil {
			if n.inFolded(f.text[:f.split]) {
				return true
			}
			if n.title {
				return false
			}
			if n.inFolded(f.text[f.split+1:]) {
				return true
			}
		} else {
			if n.inText(a.Title) {
				return true
			}
			if n.title {
				return false
			}
			if n.inText(a.Source) {
				return true
			}
		}
		if ev.bodyHit != nil {
			return ev.bodyHit(n.leaf)
		}
		if a.Body == nil || !n.mayOccurInBody(a) {
			return false
		}
		if len(n.toks) == 1 {
			// One token never spans blocks: look in each.
			return n.inBlocks(a)
		}
		if !ev.haveBody {
			ev.body, ev.haveBody = IndexText(BodyText(a)), true
		}
		return n.inText(ev.body)
	}
	return n.field(ev.a, ev.detected)
}

// textual reports whether n is or holds a text term.
func textual(n *node) bool {
	return n.kind == kindText || n.kind == kindAnd || n.kind == kindOr
}

// field reports whether the article satisfies a leaf that is not a text
// term, ignoring negation.
func (n *node) field(a *feed.Article, detected bool) bool {
	switch n.kind {
	case kindFuzzy:
		return n.pat.subsequenceOf(a.Title)
	case kindTag:
		for _, w := range n.tags {
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
	case kindSource:
		for _, w := range n.sources {
			if w.pat.in(a.Source) {
				return true
			}
		}
		return false
	case kindAfter, kindBefore:
		// Undated articles match neither the term nor its negation.
		if a.Date.IsZero() {
			return n.neg
		}
		if n.kind == kindAfter {
			return dayKey(a.Date) >= n.day
		}
		return dayKey(a.Date) < n.day
	case kindIs:
		switch n.state {
		case stateRead:
			return a.State.Read
		case stateStarred:
			return a.State.Starred
		}
		return !a.State.Read
	}
	return false
}

// inText reports whether the text term's tokens occur in s, in order.
func (n *node) inText(s string) bool {
	if len(n.toks) == 1 && n.first.ascii {
		// A whole ASCII word between ASCII separators is a token: found
		// without tokenizing. Not found, only an ASCII text is decided.
		// An ASCII text holds neither a Kelvin sign nor a long s.
		if isASCII(s) {
			return n.first.wordIn(s, n.prefix)
		}
		if !(n.first.ks && foldTraps(s)) && n.first.wordIn(s, n.prefix) {
			return true
		}
	}
	return n.count(s, 1) > 0
}

// inBlocks reports whether the one-token term occurs in the body, block by
// block: the words of BodyText are those of its blocks, each without its
// link markers and URLs.
func (n *node) inBlocks(a *feed.Article) bool {
	for _, b := range a.Body {
		if b.Kind == feed.Image || !n.mayOccur(b.Text) {
			continue
		}
		text := b.Text
		if strings.Contains(text, " [") || strings.Contains(text, "://") {
			text = string(appendPlain(nil, text, a.Refs))
		}
		if n.inText(text) {
			return true
		}
	}
	return false
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	// Eight bytes at a time: their high bits together.
	for len(s) >= 8 {
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		if w&0x8080808080808080 != 0 {
			return false
		}
		s = s[8:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// tokenBuf is room enough for a folded token of most languages, so that
// matching allocates nothing.
const tokenBuf = 128

// count counts the occurrences of the term's tokens in s, stopping at
// limit when limit is positive.
func (n *node) count(s string, limit int) int {
	if len(n.toks) == 0 || !n.mayOccur(s) {
		return 0
	}
	var arr [tokenBuf]byte
	c := 0
	for i := 0; i < len(s); {
		start, end := nextToken(s, i)
		if start >= len(s) {
			break
		}
		i = end
		if !n.tokenIs(0, fold(arr[:0], s[start:end])) {
			continue
		}
		// Follow the phrase, then go on from its first word.
		k, j := 1, end
		for ; k < len(n.toks); k++ {
			start, end := nextToken(s, j)
			if start >= len(s) || !n.tokenIs(k, fold(arr[:0], s[start:end])) {
				break
			}
			j = end
		}
		if k < len(n.toks) {
			continue
		}
		c++
		if c == limit {
			break
		}
	}
	return c
}

// tokenIs reports whether tok is the term's token k, or starts with it
// when it is the last of a prefix term.
func (n *node) tokenIs(k int, tok []byte) bool {
	want := n.toks[k]
	if n.prefix && k == len(n.toks)-1 {
		return len(tok) >= len(want) && string(tok[:len(want)]) == want
	}
	return string(tok) == want
}

// mayOccur is a quick test that rejects most texts without tokenizing
// them: an ASCII text that does not contain the first token, ignoring
// case, cannot hold the term.
func (n *node) mayOccur(s string) bool {
	if !n.first.ascii || n.first.in(s) {
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// mayOccurInBody is mayOccur for the body: the body's words are words of
// its blocks, so a term that may occur in no block is not in the body,
// and most bodies are rejected without building BodyText.
func (n *node) mayOccurInBody(a *feed.Article) bool {
	for _, b := range a.Body {
		if b.Kind != feed.Image && n.mayOccur(b.Text) {
			return true
		}
	}
	return false
}
