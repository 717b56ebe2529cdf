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
// to an article, or paging with n and p, costs no render. It is owned by the
// model and used from Update only.
type renderCache struct {
	max   int
	order *list.List // of renderKey, most recent first
	items map[renderKey]cacheItem
}

type cacheItem struct {
	r    rendered
	elem *list.Element
}

// defaultCacheSize bounds the cache; an article's rendering is some tens of
// kilobytes.
const defaultCacheSize = 64

func newRenderCache(size int) *renderCache {
	if size <= 0 {
		size = defaultCacheSize
	}
	return &renderCache{max: size, order: list.New(), items: make(map[renderKey]cacheItem)}
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
	if it, ok := c.items[k]; ok {
		it.r = r
		c.items[k] = it
		c.order.MoveToFront(it.elem)
		return
	}
	c.items[k] = cacheItem{r: r, elem: c.order.PushFront(k)}
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(renderKey))
	}
}
