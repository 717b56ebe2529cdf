package feed

// refBuilder numbers footnotes in reading order, giving a URL seen before
// the number it already has.
type refBuilder struct {
	refs []Ref
	seen map[string]int
}

// add returns the footnote number for url, adding it when new.
func (b *refBuilder) add(url string, kind RefKind) int {
	if n, ok := b.seen[url]; ok {
		return n
	}
	if b.seen == nil {
		b.seen = make(map[string]int)
	}
	n := len(b.refs) + 1
	b.refs = append(b.refs, Ref{N: n, URL: url, Kind: kind})
	b.seen[url] = n
	return n
}

// images returns the image URLs, in order.
func (b *refBuilder) images() []string {
	var out []string
	for _, r := range b.refs {
		if r.Kind == RefImage {
			out = append(out, r.URL)
		}
	}
	return out
}
