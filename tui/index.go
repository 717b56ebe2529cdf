package tui

import (
	"cmp"
	"slices"
	"sync/atomic"

	"github.com/gazette-news/gazette/feed"
)

// tagID is a tag's index in the model's tag table. Articles hold their tags
// as IDs so that tag filters and facet counts compare integers.
type tagID int32

// tagInfo describes one interned tag.
type tagInfo struct {
	name    string
	code    string // ISO alpha-2, for countries
	country bool
}

// tagTable interns tag names. It only grows, and is only touched from
// Update, so snapshots of its length stay valid for commands.
type tagTable struct {
	infos  []tagInfo
	byName map[string]tagID
}

func newTagTable() *tagTable {
	return &tagTable{byName: make(map[string]tagID)}
}

func (t *tagTable) intern(name, code string, country bool) tagID {
	if id, ok := t.byName[name]; ok {
		return id
	}
	id := tagID(len(t.infos))
	t.infos = append(t.infos, tagInfo{name: name, code: code, country: country})
	t.byName[name] = id
	return id
}

// entry is one article as the list keeps it: the article, its interned
// tags, and what the list row shows, computed once.
type entry struct {
	a *feed.Article
	// tags are the declared tags; mentions the detected countries that are
	// not also declared.
	tags     []tagID
	mentions []tagID
	// date is the date column, "17 Jan 2022", or "" when undated.
	date string
}

// hasTag reports whether the entry carries the tag, declared or, with
// detected, detected.
func (e *entry) hasTag(id tagID, detected bool) bool {
	if slices.Contains(e.tags, id) {
		return true
	}
	return detected && slices.Contains(e.mentions, id)
}

// listDateLayout is the list's date column: fixed width, unambiguous.
const listDateLayout = "02 Jan 2006"

// newEntry builds an entry, interning the article's tags.
func newEntry(a *feed.Article, tt *tagTable) *entry {
	e := &entry{a: a}
	if !a.Date.IsZero() {
		e.date = a.Date.Format(listDateLayout)
	}
	if len(a.Tags) > 0 {
		e.tags = make([]tagID, 0, len(a.Tags))
		for _, t := range a.Tags {
			e.tags = append(e.tags, tt.intern(t.Name, t.Code, t.Country))
		}
	}
	for _, m := range a.Mentions {
		id := tt.intern(m.Name, m.Code, true)
		if !slices.Contains(e.tags, id) && !slices.Contains(e.mentions, id) {
			e.mentions = append(e.mentions, id)
		}
	}
	return e
}

// newer orders entries newest first, as feed.Newer orders articles.
func newer(a, b *entry) int {
	if feed.Newer(a.a, b.a) {
		return -1
	}
	if feed.Newer(b.a, a.a) {
		return 1
	}
	return 0
}

// mergeNewest merges two newest-first lists into a new one, leaving both
// untouched: commands may still be reading the old list.
func mergeNewest(old, add []*entry) []*entry {
	out := make([]*entry, 0, len(old)+len(add))
	i, j := 0, 0
	for i < len(old) && j < len(add) {
		if newer(add[j], old[i]) < 0 {
			out = append(out, add[j])
			j++
		} else {
			out = append(out, old[i])
			i++
		}
	}
	out = append(out, old[i:]...)
	return append(out, add[j:]...)
}

// filter is what the list is narrowed by: the parsed query of the filter
// box and the tags chosen in the picker.
type filter struct {
	// text is the filter box as typed; query is it parsed.
	text  string
	query feed.Query
	// tags are the chosen tags; any selects articles with any of them
	// rather than all.
	tags []tagID
	any  bool
	// detected lets tags match countries detected in the text too.
	detected bool
}

// active reports whether the filter narrows the list at all.
func (f filter) active() bool {
	return !f.query.Empty() || len(f.tags) > 0
}

// matchTags reports whether the entry passes the tag part of the filter.
func (f filter) matchTags(e *entry) bool {
	if len(f.tags) == 0 {
		return true
	}
	for _, id := range f.tags {
		has := e.hasTag(id, f.detected)
		if f.any && has {
			return true
		}
		if !f.any && !has {
			return false
		}
	}
	return !f.any
}

// filterResult is the outcome of running a filter over a snapshot of the
// list.
type filterResult struct {
	visible []*entry
	// counts[id] is the facet count of tag id: how many articles would
	// remain with it chosen. In "all" mode that is the visible articles
	// carrying it; in "any" mode, those matching the query that carry it.
	counts []int
}

// cancelCheckEvery is how many entries a filter run handles between checks
// that a newer run has not made it obsolete.
const cancelCheckEvery = 2048

// runFilter filters all, newest first, and counts facets over ntags tags.
// It gives up, returning ok false, as soon as latest no longer equals gen,
// so that typing fast never queues stale work. A nil latest never cancels.
func runFilter(all []*entry, f filter, ntags int, latest *atomic.Int64, gen int64) (filterResult, bool) {
	res := filterResult{counts: make([]int, ntags)}
	if !f.active() {
		res.visible = all
	} else {
		res.visible = make([]*entry, 0, min(len(all), 1024))
	}
	active := f.active()
	for i, e := range all {
		if latest != nil && i%cancelCheckEvery == cancelCheckEvery-1 && latest.Load() != gen {
			return filterResult{}, false
		}
		q := f.query.Match(e.a)
		t := q && f.matchTags(e)
		if active && t {
			res.visible = append(res.visible, e)
		}
		if (f.any && q) || t {
			countTags(res.counts, e, f.detected)
		}
	}
	return res, true
}

// countTags adds one entry's tags to the facet counts.
func countTags(counts []int, e *entry, detected bool) {
	for _, id := range e.tags {
		if int(id) < len(counts) {
			counts[id]++
		}
	}
	if detected {
		for _, id := range e.mentions {
			if int(id) < len(counts) {
				counts[id]++
			}
		}
	}
}

// facet is one line of the tag picker.
type facet struct {
	id    tagID
	info  tagInfo
	count int
}

// sortFacets orders the picker: countries first, then by count, then by
// name, so the order is the same every time.
func sortFacets(fs []facet) {
	slices.SortFunc(fs, func(a, b facet) int {
		if a.info.country != b.info.country {
			if a.info.country {
				return -1
			}
			return 1
		}
		if a.count != b.count {
			return cmp.Compare(b.count, a.count)
		}
		return cmp.Compare(a.info.name, b.info.name)
	})
}
