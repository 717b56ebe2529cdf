package tui

import "container/list"

// renderKey identifies one rendering of an article.
type renderKey struct {
	id    string
	width int
	style string
	// full is true for the rendering of the article's fetched web page.
	full bool
}

// renderCache keeps the most recently used renderings, so that going back
// to an article, or paging with n and p, costs no render. It is capped by
// entries and by bytes: one rendering of a long article at one width can
// take tens of megabytes, and resizing makes one per width. It is owned by
// the model and used from Update only.
type renderCache struct {
	max   int
	order *list.List // of renderKey, most recent first
	items map[renderKey]cacheItem
	// maxBytes caps bytes, the size of the renderings kept.
	maxBytes, bytes int64
}

type cacheItem struct {
	r    rendered
	elem *list.Element
	size int64
}

// defaultCacheBytes caps the bytes of the renderings kept.
const defaultCacheBytes = 64 << 20

// renderedSize estimates the memory a rendering holds: its text and the
// string headers of its lines. The article is the list's, and not counted.
func renderedSize(r rendered) int64 {
	n := int64(len(r.Notice)) + 24*int64(cap(r.Lines))
	for _, l := range r.Lines {
		n += int64(len(l)) + 16
	}
	return n
}

// defaultCacheSize bounds the cache; an article's rendering is some tens of
// kilobytes.
const defaultCacheSize = 64

func newRenderCache(size int) *renderCache {
	if size <= 0 {
		size = defaultCacheSize
	}
	return &renderCache{max: size, maxBytes: defaultCacheBytes, order: list.New(), items: make(map[renderKey]cacheItem)}
}

func (c *renderCache) get(k renderKey) (rendered, bool) {
	it, ok := c.items[k]
	if !ok {
		return rendered{}, false
	}
	c.order.MoveToFront(it.elem)
	return it.r, true
}

// peek looks an entry up without marking it used.
func (c *renderCache) peek(k renderKey) (rendered, bool) {
	it, ok := c.items[k]
	return it.r, ok
}

func (c *renderCache) put(k renderKey, r rendered) {
	size := renderedSize(r)
	if it, ok := c.items[k]; ok {
		c.bytes -= it.size
		c.order.Remove(it.elem)
		delete(c.items, k)
	}
	if size > c.maxBytes {
		// Larger than the whole cache: it would push out everything and
		// still not fit. The reader shows it all the same; coming back
		// to it renders it again.
		return
	}
	c.items[k] = cacheItem{r: r, elem: c.order.PushFront(k), size: size}
	c.bytes += size
	for c.order.Len() > c.max || c.bytes > c.maxBytes {
		last := c.order.Back()
		c.order.Remove(last)
		lk := last.Value.(renderKey)
		c.bytes -= c.items[lk].size
		delete(c.items, lk)
	}
}
