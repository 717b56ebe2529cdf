package search

// MayMatch reports whether an article with this key, title and source
// could satisfy the query whose body terms h answers, its other fields
// unknown (see query.Query.MayMatch): the index's answers stand for its
// body. It is a Loader's Keep for a search whose index is current.
func (h *Hits) MayMatch(key, title, source string) bool {
	return h.q.MayMatch(title, source, func(leaf int) bool {
		_, ok := h.leaves[leaf][key]
		return ok
	})
}
