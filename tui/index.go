package tui

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/search"
)

// tagID is a tag's index in the model's tag table. Articles hold their tags
// as IDs so that tag filters and facet counts compare integers.
type tagID int32

// tagInfo describes one interned tag.
type tagInfo struct {
	name    string
	code    string // ISO alpha-2, for countries
	country bool
	// declared is set once an article declares the tag; a country only
	// ever detected in the text is not.
	declared bool
}

// tagTable interns tag names, and the short lists of tags that articles
// share. It only grows, and is only touched from Update, so snapshots of
// its length stay valid for commands.
type tagTable struct {
	infos  []tagInfo
	byName map[string]tagID
	// sets holds each list of up to maxSharedTags declared tags once, with
	// its IDs: most articles carry one of a few thousand such lists, and
	// 100,000 copies of them would cost about ten megabytes.
	sets map[tagSetKey]tagSet
	// recent holds lists shared lately, each where the strings it is made
	// of place it (see recentSlot): an article's tags are, most often, the
	// country table's names or the strings a loader interned, the same
	// strings for every article that has them, so a list is found again
	// there without hashing a name. A slot holds one list, the last placed
	// there; a list found in none is looked up as before. Of the 100,000
	// articles gen-corpus makes (11,430 lists of 43 names), 77% find their
	// list so with 4,096 slots, 62% with 1,024 (the slots take 192 KB);
	// taking them into the list, BenchmarkLoadBatches on one core, 113 ms
	// against 120 ms with 1,024.
	recent *[recentSets]tagSet
}

// recentSets is how many lists tagTable.recent holds.
const (
	recentBits = 12
	recentSets = 1 << recentBits
)

// maxSharedTags is the longest list of tags that is shared, and maxTagSets
// bounds how many lists are: past either, an article's tags are its own.
const (
	maxSharedTags = 4
	maxTagSets    = 1 << 16
)

// tagSetKey names a list of tags by their IDs plus one; zero ends it.
type tagSetKey [maxSharedTags]tagID

// tagSet is one shared list of tags, and their IDs.
type tagSet struct {
	tags []feed.Tag
	ids  []tagID
}

func newTagTable() *tagTable {
	return &tagTable{byName: make(map[string]tagID), sets: make(map[tagSetKey]tagSet)}
}

// shared returns the shared list equal to tags, made when new, interning
// the tags; ok is false when tags is too long to share.
func (t *tagTable) shared(tags []feed.Tag) (tagSet, bool) {
	if len(tags) > maxSharedTags {
		return tagSet{}, false
	}
	if len(tags) == 0 {
		return tagSet{}, true
	}
	if t.recent == nil {
		t.recent = new([recentSets]tagSet)
	}
	// Lists are compared by value: strings equal but apart in memory only
	// miss the slot.
	slot := &t.recent[recentSlot(tags)]
	if slices.Equal(slot.tags, tags) {
		return *slot, true
	}
	set, ok := t.share(tags)
	*slot = set
	return set, ok
}

// recentSlot places a list of tags in tagTable.recent by where its names
// are in memory.
func recentSlot(tags []feed.Tag) int {
	h := uint64(len(tags))
	for _, tag := range tags {
		h = (h ^ uint64(uintptr(unsafe.Pointer(unsafe.StringData(tag.Name))))) * 0x9E3779B97F4A7C15
	}
	return int(h >> (64 - recentBits))
}

// share is shared for a list that tagTable.recent does not hold.
func (t *tagTable) share(tags []feed.Tag) (tagSet, bool) {
	var key tagSetKey
	var ids [maxSharedTags]tagID
	for k, tag := range tags {
		ids[k] = t.intern(tag.Name, tag.Code, tag.Country, true)
		key[k] = ids[k] + 1
	}
	set, ok := t.sets[key]
	if ok && slices.Equal(set.tags, tags) {
		return set, true
	}
	set = tagSet{tags: slices.Clip(slices.Clone(tags)), ids: slices.Clip(slices.Clone(ids[:len(tags)]))}
	if len(set.ids) == 0 {
		set.tags, set.ids = nil, nil
	}
	if !ok && len(t.sets) < maxTagSets {
		t.sets[key] = set
	}
	return set, true
}

func (t *tagTable) intern(name, code string, country, declared bool) tagID {
	if id, ok := t.byName[name]; ok {
		if declared && !t.infos[id].declared {
			t.infos[id].declared = true
		}
		return id
	}
	id := tagID(len(t.infos))
	t.infos = append(t.infos, tagInfo{name: name, code: code, country: country, declared: declared})
	t.byName[name] = id
	return id
}

// entry is one article as the list keeps it: the article, its interned
// tags, and what the list row shows, computed once.
type entry struct {
	// a is the article the loader delivered, the list's from then on.
	// newEntries moves its strings and lists into blocks of its batch,
	// so that what filters read (title, source, tags, mentions) sits
	// with that of the batch's other articles, and what the loader made
	// them of (its records, its lists) is let go. Filtering 100,000
	// articles is bound by memory, and reading compact memory in order is
	// about ten times faster than chasing each string's own allocation.
	// The article itself is not copied: a copy into the entry took a third
	// of newEntries, and left the loader's as garbage, 35 MB at 100,000.
	a *feed.Article
	// tags are the declared tags; mentions the detected countries that are
	// not also declared.
	tags     []tagID
	mentions []tagID
	// mentionCodes is every detected country, declared or not, as its
	// alpha-2 code, best first, when the article's Mentions are left out to
	// save memory (see packable); appendMentions gives them back.
	mentionCodes string
	// late is what the background detection found, when the loader put
	// detection off (see detectedIDs).
	late atomic.Pointer[detection]
	// sec and nsec are the date, and title the title's first bytes
	// (feed.TitleKey), for sorting without reaching into the article or
	// its title; sec is math.MinInt64 when the date is unknown.
	sec   int64
	title uint64
	nsec  int32
	// row numbers the entry for the index's bound answers (see number).
	row int32
	// state holds the read and starred bits (stateRead, stateStarred).
	// Update writes it while filter runs read it, hence the atomic; the
	// article's State stays zero.
	state atomic.Uint32
	// fills is true when the source declared no country, so that the
	// detected countries stand in for declared ones, as feed.HasTag has it.
	fills bool
	// refsLater is true when the article keeps no footnotes (Refs, Images):
	// the article is a local file's, read again for its body when it is
	// shown, and its footnotes come with the body. At 100,000 articles
	// they held some 15 MB that the list never reads.
	refsLater bool
	// folded is the folded title and source, a part of the whole list's
	// once it is folded (see foldAll and foldedView).
	folded atomic.Pointer[query.Folded]
}

// dateColumn is the list's date column, "17 Jan 2022", or "" when the
// article is undated. Only rows on screen need it, so it is not kept.
func (e *entry) dateColumn() string {
	if e.a.Date.IsZero() {
		return ""
	}
	return e.a.Date.Format(listDateLayout)
}

// hasTag reports whether the entry carries the tag, declared or, with
// detected, detected.
func (e *entry) hasTag(id tagID, detected bool) bool {
	if slices.Contains(e.tags, id) {
		return true
	}
	return (detected || e.fills) && slices.Contains(e.detectedIDs(), id)
}

// refsLater reports whether an entry of a leaves its footnotes to the
// article's body: a is a local file's, loaded without its body, which the
// reader reads again, footnotes and all, to show it.
func refsLater(a *feed.Article) bool {
	return a.Body == nil && !a.File.IsZero()
}

// refURL returns the URL of the first of refs whose URL is url.
func refURL(refs []feed.Ref, url string) (string, bool) {
	for _, r := range refs {
		if r.URL == url {
			return r.URL, true
		}
	}
	return "", false
}

// listDateLayout is the list's date column: fixed width, unambiguous.
const listDateLayout = "02 Jan 2006"

// newEntries builds the entries of a batch of articles, in the batch's
// order, interning their tags. The articles become the list's: their
// strings, footnotes and countries are moved into blocks of the batch, as
// are the entries and their tag IDs; short lists of declared tags are
// shared through the tag table.
func newEntries(arts []*feed.Article, tt *tagTable) []*entry {
	size, ntags, nments, nrefs, nimages := 0, 0, 0, 0, 0
	packed, later := make([]bool, len(arts)), make([]bool, len(arts))
	for i, a := range arts {
		size += len(a.Title) + len(a.Source) + len(a.ID) + len(a.Key) + len(a.Link) + len(a.DateText)
		if packed[i] = packable(a.Mentions); packed[i] {
			size += 2 * len(a.Mentions)
		} else {
			nments += len(a.Mentions)
		}
		if len(a.Tags) > maxSharedTags {
			ntags += len(a.Tags)
		}
		if later[i] = refsLater(a); later[i] {
			continue
		}
		for _, r := range a.Refs {
			size += len(r.URL)
		}
		for _, img := range a.Images {
			if _, ok := refURL(a.Refs, img); !ok {
				size += len(img)
			}
		}
		nrefs += len(a.Refs)
		nimages += len(a.Images)
	}
	// The article's own strings are copied together, in this order, so
	// that they sit together and hold on to nothing of the loader's: an
	// article from the header cache is made of slices of its record.
	var sb strings.Builder
	sb.Grow(size)
	for i, a := range arts {
		sb.WriteString(a.Title)
		sb.WriteString(a.Source)
		sb.WriteString(a.ID)
		sb.WriteString(a.Key)
		sb.WriteString(a.Link)
		sb.WriteString(a.DateText)
		if packed[i] {
			for _, m := range a.Mentions {
				sb.WriteString(m.Code)
			}
		}
		if later[i] {
			continue
		}
		for _, r := range a.Refs {
			sb.WriteString(r.URL)
		}
		for _, img := range a.Images {
			if _, ok := refURL(a.Refs, img); !ok {
				sb.WriteString(img)
			}
		}
	}
	arena := sb.String()
	off := 0
	take := func(n int) string {
		s := arena[off : off+n]
		off += n
		return s
	}
	tagSlab := make([]feed.Tag, 0, ntags)
	mentionSlab := make([]feed.Mention, 0, nments)
	refSlab := make([]feed.Ref, 0, nrefs)
	imageSlab := make([]string, 0, nimages)
	idSlab := make([]tagID, 0, ntags+nments)
	slab := make([]entry, len(arts))
	out := make([]*entry, len(arts))
	for i, a := range arts {
		e := &slab[i]
		e.a = a
		e.sec = math.MinInt64
		if !a.Date.IsZero() {
			e.sec, e.nsec = a.Date.Unix(), int32(a.Date.Nanosecond())
		}
		e.title = feed.TitleKey(a.Title)
		tags, ments, refs, images := a.Tags, a.Mentions, a.Refs, a.Images
		a.Title = take(len(a.Title))
		a.Source = take(len(a.Source))
		a.ID = take(len(a.ID))
		a.Key = take(len(a.Key))
		a.Link = take(len(a.Link))
		a.DateText = take(len(a.DateText))
		a.Mentions = nil
		if packed[i] {
			e.mentionCodes = take(2 * len(ments))
		}
		a.Refs, a.Images = nil, nil
		e.refsLater = later[i]
		if len(refs) > 0 && !later[i] {
			r0 := len(refSlab)
			for _, r := range refs {
				r.URL = take(len(r.URL))
				refSlab = append(refSlab, r)
			}
			a.Refs = refSlab[r0:len(refSlab):len(refSlab)]
		}
		if len(images) > 0 && !later[i] {
			i0 := len(imageSlab)
			for _, img := range images {
				// Most images are footnotes too: their URL is held once.
				u, ok := refURL(a.Refs, img)
				if !ok {
					u = take(len(img))
				}
				imageSlab = append(imageSlab, u)
			}
			a.Images = imageSlab[i0:len(imageSlab):len(imageSlab)]
		}
		if !packed[i] && len(ments) > 0 {
			m0 := len(mentionSlab)
			mentionSlab = append(mentionSlab, ments...)
			a.Mentions = mentionSlab[m0:len(mentionSlab):len(mentionSlab)]
		}
		if set, ok := tt.shared(tags); ok {
			a.Tags, e.tags = set.tags, set.ids
		} else {
			t0 := len(tagSlab)
			tagSlab = append(tagSlab, tags...)
			a.Tags = tagSlab[t0:len(tagSlab):len(tagSlab)]
			i0 := len(idSlab)
			for _, t := range tags {
				idSlab = append(idSlab, tt.intern(t.Name, t.Code, t.Country, true))
			}
			e.tags = idSlab[i0:len(idSlab):len(idSlab)]
		}
		e.fills = !slices.ContainsFunc(tags, func(t feed.Tag) bool { return t.Country })
		i1 := len(idSlab)
		for _, m := range ments {
			id := tt.intern(m.Name, m.Code, true, e.fills)
			if !slices.Contains(e.tags, id) && !slices.Contains(idSlab[i1:], id) {
				idSlab = append(idSlab, id)
			}
		}
		e.mentions = idSlab[i1:len(idSlab):len(idSlab)]
		if len(e.tags) == 0 {
			e.tags = nil
		}
		if len(e.mentions) == 0 {
			e.mentions = nil
		}
		out[i] = e
	}
	return out
}

// newer orders entries newest first, as feed.Newer orders articles: by
// date, undated last, then by title (its first bytes, then the rest), and
// then as feed.Newer has it. Most comparisons read only the entries, which
// sit together in memory.
func newer(a, b *entry) int {
	if a.sec != b.sec {
		return cmp.Compare(b.sec, a.sec)
	}
	if a.nsec != b.nsec {
		return cmp.Compare(b.nsec, a.nsec)
	}
	if a.title != b.title {
		return cmp.Compare(a.title, b.title)
	}
	if c := strings.Compare(a.a.Title, b.a.Title); c != 0 {
		return c
	}
	switch {
	case a == b:
		return 0
	case feed.Newer(a.a, b.a):
		return -1
	case feed.Newer(b.a, a.a):
		return 1
	}
	return 0
}

// mergeNewest merges two newest-first lists into a new one, leaving both
// untouched: commands may still be reading the old list. Of entries that
// sort alike, old ones come first.
//
// A batch's entries usually fall far apart in a long list (100 of them
// into 50,000, one in 500), so the old entries before each are found by
// galloping and copied as a block: comparing every old entry, on every
// batch of a load, was most of the time the list took to merge.
func mergeNewest(old, add []*entry) []*entry {
	out := make([]*entry, 0, len(old)+len(add))
	i := 0
	for j, a := range add {
		k := i + olderFrom(old[i:], a)
		out = append(out, old[i:k]...)
		out = append(out, a)
		if i = k; i == len(old) {
			return append(out, add[j+1:]...)
		}
	}
	return append(out, old[i:]...)
}

// olderFrom returns where a goes in old, a newest-first list: after every
// entry that sorts before it or alike. It probes 1, 2, 4, ... entries on,
// then searches between the last two probes.
func olderFrom(old []*entry, a *entry) int {
	first := func(k int) bool { return newer(a, old[k]) < 0 }
	hi := 1
	for hi <= len(old) && !first(hi-1) {
		hi *= 2
	}
	lo := hi / 2
	hi = min(hi, len(old))
	return lo + sort.Search(hi-lo, func(k int) bool { return first(lo + k) })
}

// filter is what the list is narrowed by: the parsed query of the filter
// box and the tags chosen in the picker.
type filter struct {
	// text is the filter box as typed; query is it parsed.
	text  string
	query query.Query
	// tags are the chosen tags; any selects articles with any of them
	// rather than all.
	tags []tagID
	any  bool
	// detected lets tags match countries detected in the text too.
	detected bool
	// unread shows unread articles only (the U toggle).
	unread bool
	// stateful counts unread articles beside the facet counts: a store
	// keeps state.
	stateful bool
	// isTerms is set when the query may test the state (is:unread), whose
	// answer the entry's state bits give, not the article.
	isTerms bool
	// noTags is set when the query holds no tag: term, the only one that
	// reads the countries detected late; the article then serves as it is.
	noTags bool
	// hits are the index's answers to the query's body words; nil when
	// there is no index or the query has none.
	hits *search.Hits
	// rowHits are the same answers over the entries' rows, when the
	// rows are bound; hits is nil then.
	rowHits *search.RowHits
}

// match reports whether the article passes the query, asking the index
// about body words when there is one.
func (f filter) match(a *feed.Article, e *entry) bool {
	if f.rowHits != nil {
		return f.rowHits.Match(a, e.foldedView(), int(e.row))
	}
	if f.hits != nil {
		return f.hits.MatchFolded(a, e.foldedView())
	}
	return f.query.Match(a)
}

// active reports whether the filter narrows the list at all.
func (f filter) active() bool {
	return !f.query.Empty() || len(f.tags) > 0 || f.unread
}

// matchScratch is where matchQuery puts together, for a query that reads
// them, a copy of the article with the entry's state and detected
// countries.
type matchScratch struct {
	a        feed.Article
	mentions []feed.Mention
}

// matchQuery reports whether the entry passes the query and the unread
// toggle. scratch holds a copy of the article with the entry's state
// and countries when the query tests them.
func (f filter) matchQuery(e *entry, scratch *matchScratch) bool {
	st := e.state.Load()
	if f.unread && st&stateRead != 0 {
		return false
	}
	late := e.late.Load()
	if !f.isTerms && (f.noTags || late == nil && e.mentionCodes == "") {
		// Copying the article costs more than the match of a word.
		return f.match(e.a, e)
	}
	scratch.a = *e.a
	switch {
	case late != nil:
		scratch.mentions = late.appendMentions(scratch.mentions[:0])
		scratch.a.Mentions, scratch.a.Undetected = scratch.mentions, false
	case e.mentionCodes != "":
		scratch.mentions = appendMentions(scratch.mentions[:0], e.mentionCodes)
		scratch.a.Mentions = scratch.mentions
	}
	scratch.a.State.Read, scratch.a.State.Starred = st&stateRead != 0, st&stateStarred != 0
	return f.match(&scratch.a, e)
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
	// unread[id] counts the unread ones among them, when the filter is
	// stateful.
	unread []int
	// detected[id] is how many of counts[id] carry the tag only as a
	// country detected in the text, which the picker's bars shade.
	detected []int
}

// cancelCheckEvery is how many entries a filter run handles between checks
// that a newer run has not made it obsolete.
const cancelCheckEvery = 2048

// minChunk is the smallest share of the list worth a goroutine of its own.
// The entries a body word narrows the list to (see foldedList.narrow) are
// few but mostly matches, each a microsecond or more of reaching into its
// article: split at 1,024 rather than 8,192, the 2,786 of a word over
// 100,000 articles took a keystroke from 8.5–8.9 ms to 7.1–7.8
// (BenchmarkBodySearch).
const minChunk = 1024

// runFilter filters all, newest first, and counts facets over ntags tags,
// splitting the list among the processors. It gives up, returning ok
// false, as soon as latest no longer equals gen, so that typing fast never
// queues stale work. A nil latest never cancels.
func runFilter(all []*entry, f filter, ntags int, latest *atomic.Int64, gen int64) (filterResult, bool) {
	parts := min(runtime.GOMAXPROCS(0), max(len(all)/minChunk, 1))
	if parts <= 1 {
		return filterChunk(all, f, ntags, latest, gen, !f.active())
	}
	results := make([]filterResult, parts)
	oks := make([]bool, parts)
	var wg sync.WaitGroup
	per := (len(all) + parts - 1) / parts
	for p := range parts {
		chunk := all[min(p*per, len(all)):min((p+1)*per, len(all))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[p], oks[p] = filterChunk(chunk, f, ntags, latest, gen, false)
		}()
	}
	wg.Wait()
	res := filterResult{counts: make([]int, ntags), detected: make([]int, ntags)}
	if f.stateful {
		res.unread = make([]int, ntags)
	}
	n := 0
	for p, r := range results {
		if !oks[p] {
			return filterResult{}, false
		}
		n += len(r.visible)
		for i, c := range r.counts {
			res.counts[i] += c
		}
		for i, c := range r.unread {
			res.unread[i] += c
		}
		for i, c := range r.detected {
			res.detected[i] += c
		}
	}
	if !f.active() {
		res.visible = all
		return res, true
	}
	res.visible = make([]*entry, 0, n)
	for _, r := range results {
		res.visible = append(res.visible, r.visible...)
	}
	return res, true
}

// filterChunk is runFilter over one part of the list. With shareAll, an
// inactive filter returns the list itself rather than a copy.
func filterChunk(all []*entry, f filter, ntags int, latest *atomic.Int64, gen int64, shareAll bool) (filterResult, bool) {
	res := filterResult{counts: make([]int, ntags), detected: make([]int, ntags)}
	if f.stateful {
		res.unread = make([]int, ntags)
	}
	var scratch matchScratch
	active := f.active()
	switch {
	case !active && shareAll:
		res.visible = all
	case !active:
		res.visible = nil
	default:
		res.visible = make([]*entry, 0, min(len(all), 1024))
	}
	for i, e := range all {
		if latest != nil && i%cancelCheckEvery == cancelCheckEvery-1 && latest.Load() != gen {
			return filterResult{}, false
		}
		q := f.matchQuery(e, &scratch)
		t := q && f.matchTags(e)
		if active && t {
			res.visible = append(res.visible, e)
		}
		if (f.any && q) || t {
			countTags(res.counts, res.detected, e, f.detected)
			if res.unread != nil && e.state.Load()&stateRead == 0 {
				countTags(res.unread, nil, e, f.detected)
			}
		}
	}
	return res, true
}

// countTags adds one entry's tags to the facet counts, and its detected
// countries to det too.
func countTags(counts, det []int, e *entry, detected bool) {
	for _, id := range e.tags {
		if int(id) < len(counts) {
			counts[id]++
		}
	}
	if detected || e.fills {
		for _, id := range e.detectedIDs() {
			if int(id) < len(counts) {
				counts[id]++
			}
			if int(id) < len(det) {
				det[id]++
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
