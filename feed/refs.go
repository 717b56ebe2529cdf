package feed

// refBuilder numbers footnotes in reading order, giving a URL seen before
// the number it already has.
type refBuilder struct {
	refs []Ref
	// seen numbers the URLs once there are more than linearRefs: most
	// articles have a few, found sooner one by one than in a map that
	// every article would allocate.
	seen map[string]int
}

// linearRefs is how many footnotes number searches one by one.
const linearRefs = 16

// number returns the footnote number url has, if it has one.
func (b *refBuilder) number(url string) (int, bool) {
	if b.seen != nil {
		n, ok := b.seen[url]
		return n, ok
	}
	for _, r := range b.refs {
		if r.URL == url {
			return r.N, true
		}
	}
	return 0, false
}

// add returns the footnote number for url, adding it when new.
func (b *refBuilder) add(url string, kind RefKind) int {
	if n, ok := b.number(url); ok {
		return n
	}
	n := len(b.refs) + 1
	b.refs = append(b.refs, Ref{N: n, URL: url, Kind: kind})
	switch {
	case b.seen != nil:
		b.seen[url] = n
	case len(b.refs) > linearRefs:
		b.seen = make(map[string]int, 2*len(b.refs))
		for _, r := range b.refs {
			b.seen[r.URL] = r.N
		}
	}
	return n
}

// images returns the image URLs, in order.
func (b *refBuilder) images() []string {
	n := 0
	for _, r := range b.refs {
		if r.Kind == RefImage {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for _, r := range b.refs {
		if r.Kind == RefImage {
			out = append(out, r.URL)
		}
	}
	return out
}
