package query

import (
	"strings"

	"github.com/gazette-news/gazette/feed"
)

// Folded is an article's title and source as the tokenizer folds them:
// their tokens, folded, joined by single spaces. Made once per article, it
// lets a query typed against 100,000 articles match their titles without
// tokenizing them again at every key: MatchFolded with it answers as
// MatchWith does.
type Folded struct {
	// text is the title's tokens, a newline, the source's tokens.
	text string
	// split is where the newline is.
	split int
}

// emptyToken stands for a token that folds to nothing: it breaks a phrase
// as it does for Match, and no term's token equals it.
const emptyToken = "\x01"

// Fold returns the folded title and source of a.
func Fold(a *feed.Article) Folded {
	buf := make([]byte, 0, len(a.Title)+len(a.Source)+1)
	buf = appendFolded(buf, a.Title)
	split := len(buf)
	buf = append(buf, '\n')
	buf = appendFolded(buf, a.Source)
	return Folded{text: string(buf), split: split}
}

// appendFolded appends the folded tokens of s, joined by spaces, with
// emptyToken for those that fold to nothing.
func appendFolded(dst []byte, s string) []byte {
	dst, _ = appendTokens(dst, s, false, emptyToken)
	return dst
}

// MatchFolded reports whether the article satisfies the query, as
// MatchWith does (Match when bodyHit is nil), with the title and source
// read from f, which is Fold(a).
func (q Query) MatchFolded(a *feed.Article, f *Folded, bodyHit func(leaf int) bool) bool {
	if q.root == nil {
		return true
	}
	ev := evaluator{a: a, detected: q.Detected, bodyHit: bodyHit, folded: f}
	return ev.eval(q.root)
}

// inFolded reports whether the text term's tokens occur, in order, among
// the folded tokens of s (as Folded holds them).
func (n *node) inFolded(s string) bool {
	want := n.joined
	for off := 0; len(s)-off >= len(want); {
		j := strings.Index(s[off:], want)
		if j < 0 {
			return false
		}
		j += off
		end := j + len(want)
		if (j == 0 || s[j-1] == ' ') && (n.prefix || end == len(s) || s[end] == ' ') {
			return true
		}
		off = j + 1
	}
	return false
}
