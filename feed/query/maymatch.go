package query

// truth is a value of three-valued logic: what can be said of a term
// when some of the article's fields are not known.
type truth uint8

const (
	no truth = iota
	yes
	unknown
)

func (t truth) not() truth {
	switch t {
	case yes:
		return no
	case no:
		return yes
	}
	return unknown
}

// MayMatch reports whether an article with this title and source, whose
// body holds body leaf i exactly when bodyHit(i) is true, could satisfy
// the query, its other fields (tags, date, state, ...) being unknown. It
// is false only when no values of those fields would make Match true, so
// that a caller holding the index's answers can pass over an article
// without reading the rest of it. A query without text terms may match
// anything.
func (q Query) MayMatch(title, source string, bodyHit func(leaf int) bool) bool {
	if q.root == nil {
		return true
	}
	return maybe(q.root, title, source, bodyHit) != no
}

// maybe is what can be said of n, its negation included, for an article
// known only by its title, its source and its body leaves.
func maybe(n *node, title, source string, bodyHit func(leaf int) bool) truth {
	var t truth
	switch n.kind {
	case kindAnd, kindOr:
		// A kid that is absorb decides the node (no for AND, yes for
		// OR); an unknown kid leaves it unknown unless another decides.
		absorb := no
		t = yes
		if n.kind == kindOr {
			absorb, t = yes, no
		}
		for _, k := range n.kids {
			switch maybe(k, title, source, bodyHit) {
			case absorb:
				t = absorb
			case unknown:
				t = unknown
			}
			if t == absorb {
				break
			}
		}
	case kindText:
		switch {
		case n.inText(title):
			t = yes
		case n.title:
			t = no
		case n.inText(source):
			t = yes
		case n.leaf >= 0 && bodyHit(n.leaf):
			t = yes
		default:
			t = no
		}
	case kindFuzzy:
		t = no
		if n.pat.subsequenceOf(title) {
			t = yes
		}
	default:
		t = unknown
	}
	if n.neg {
		return t.not()
	}
	return t
}
