package query

import (
	"math"
	"slices"

	"github.com/gazette-news/gazette/feed"
)

// Highlights returns the byte spans of text (a title, a source or a line
// of the body) that the query's words, prefixes and phrases match, sorted
// and merged where they touch or overlap: a whole word for a word or a
// prefix, the first word to the last for a phrase. Negated terms and
// fields other than text (tag:, ~fuzzy, ...) highlight nothing.
func (q Query) Highlights(text string) [][2]int {
	var terms []*node
	walk(q.root, false, func(n *node, neg bool) {
		if n.kind == kindText && !neg {
			terms = append(terms, n)
		}
	})
	if len(terms) == 0 {
		return nil
	}
	type token struct {
		tok        string
		start, end int
	}
	var toks []token
	Tokens(text, func(tok string, start, end int) { toks = append(toks, token{tok, start, end}) })
	var spans [][2]int
	for _, n := range terms {
		for i := range toks {
			if i+len(n.toks) > len(toks) {
				break
			}
			k := 0
			for ; k < len(n.toks) && n.tokenIs(k, []byte(toks[i+k].tok)); k++ {
			}
			if k == len(n.toks) {
				spans = append(spans, [2]int{toks[i].start, toks[i+k-1].end})
			}
		}
	}
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	out := spans[:0]
	for _, s := range spans {
		if l := len(out) - 1; l >= 0 && s[0] <= out[l][1] {
			out[l][1] = max(out[l][1], s[1])
			continue
		}
		out = append(out, s)
	}
	return out
}

// Score rates how well the article matches the query's text, for
// sort:relevance: higher is better. For each body leaf that is not
// negated it adds 2 when the title holds it, 1 when the source does, and
// bodyScore(i) for the body, where i numbers the leaf as TextLeaves does;
// each title: term adds 2 when the title holds it. A caller with the
// full-text index passes -bm25() of the article's row for leaf i's FTS
// expression (bm25 is negative, lower is better), and 0 where the leaf did
// not match. With a nil bodyScore, Score scans the body, as Match does,
// and scores it by the leaf's occurrences, saturated as BM25 does:
// 2.2·tf/(tf+1.2). Score does not check that the article matches.
func (q Query) Score(a *feed.Article, bodyScore func(leaf int) float64) float64 {
	var body string
	haveBody := false
	score := 0.0
	walk(q.root, false, func(n *node, neg bool) {
		if n.kind != kindText || neg {
			return
		}
		if n.inText(a.Title) {
			score += 2
		}
		if n.title {
			return
		}
		if n.inText(a.Source) {
			score++
		}
		switch {
		case bodyScore != nil:
			score += bodyScore(n.leaf)
		case a.Body != nil:
			if !haveBody {
				body, haveBody = IndexText(BodyText(a)), true
			}
			if tf := float64(n.count(body, 0)); tf > 0 {
				score += 2.2 * tf / (tf + 1.2)
			}
		}
	})
	if math.IsNaN(score) {
		return 0
	}
	return score
}
