package tui

import (
	"slices"
	"strings"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
)

// filterJob is one run of the filter over a snapshot of the list. It runs
// in a command, off the UI loop, so typing never waits for 100,000 titles.
type filterJob struct {
	// all is what is filtered: the whole list, or the visible list when
	// the new filter can only narrow it.
	all     []*entry
	version int
	ntags   int
	flt     filter
	gen     int64
	latest  *atomic.Int64
	// preview computes facet counts for the tag picker only.
	preview bool
	// top puts the cursor back on the first row: the query changed.
	top bool
}

// filterDoneMsg carries a filter run's outcome.
type filterDoneMsg struct {
	job filterJob
	res filterResult
	err error
}

// cmd returns the command that parses the query and filters.
func (j filterJob) cmd() tea.Cmd {
	return safeCmd(func() tea.Msg {
		q, err := query.Parse(j.flt.text)
		if err != nil {
			return filterDoneMsg{job: j, err: err}
		}
		q.Detected = j.flt.detected
		j.flt.query = q
		res, ok := runFilter(j.all, j.flt, j.ntags, j.latest, j.gen)
		if !ok {
			return nil
		}
		return filterDoneMsg{job: j, res: res}
	})
}

// resultCache keeps the last few filter results of one list version and
// one choice of tags, by query text, so that deleting what was just typed
// costs nothing.
type resultCache struct {
	version  int
	tags     []tagID
	any      bool
	detected bool
	byText   map[string]filterDoneMsg
}

// maxCachedResults bounds the cache: a result may hold 100,000 pointers.
const maxCachedResults = 8

// lookup returns the cached result for f over version, if any.
func (c *resultCache) lookup(f filter, version int) (filterDoneMsg, bool) {
	if c.byText == nil || !c.fits(f, version) {
		return filterDoneMsg{}, false
	}
	r, ok := c.byText[f.text]
	return r, ok
}

func (c *resultCache) fits(f filter, version int) bool {
	return c.version == version && c.any == f.any && c.detected == f.detected && slices.Equal(c.tags, f.tags)
}

// store keeps a finished run's result.
func (c *resultCache) store(msg filterDoneMsg) {
	j := msg.job
	if !c.fits(j.flt, j.version) || c.byText == nil || len(c.byText) >= maxCachedResults {
		*c = resultCache{
			version: j.version, tags: slices.Clone(j.flt.tags), any: j.flt.any,
			detected: j.flt.detected, byText: make(map[string]filterDoneMsg),
		}
	}
	c.byText[j.flt.text] = msg
}

// startFilter starts a filter run with f, whose query text is parsed in the
// command, and makes earlier runs still going give up. A result cached for
// the same text is applied at once; a filter that can only narrow the
// current one runs over the visible list alone.
func (m *model) startFilter(f filter, top bool) tea.Cmd {
	m.fltGen++
	m.fltLatest.Store(m.fltGen)
	if hit, ok := m.results.lookup(f, m.version); ok {
		hit.job.gen, hit.job.top = m.fltGen, top
		return m.applyFilterDone(hit)
	}
	base := m.all
	if m.visVersion == m.version && narrows(m.flt, f) {
		base = m.visible
	}
	return filterJob{
		all: base, version: m.version, ntags: len(m.tags.infos),
		flt: f, gen: m.fltGen, latest: m.fltLatest, top: top,
	}.cmd()
}

// narrows reports whether every article that passes f also passes old, so
// that f need only look at what old let through. That holds when the
// tags are the same and the text only grows by adding terms after a
// space, which all must hold too, and no OR or group can join them to
// what was there. A word that grows is another word: it may match more.
func narrows(old, f filter) bool {
	if old.any != f.any || old.detected != f.detected || !slices.Equal(old.tags, f.tags) {
		return false
	}
	if old.any && len(old.tags) > 0 {
		// Facet counts in "any" mode count articles the list does not
		// show.
		return false
	}
	if old.text == "" || f.text == old.text || !strings.HasPrefix(f.text, old.text) || strings.Contains(f.text, `"`) {
		return false
	}
	added := f.text[len(old.text):]
	return (strings.HasSuffix(old.text, " ") || strings.HasPrefix(added, " ")) &&
		!strings.ContainsAny(f.text, "()") && !slices.Contains(strings.Fields(f.text), "OR")
}

// startPreview recounts the picker's facets for the tags it has chosen so
// far, without touching the list.
func (m *model) startPreview() tea.Cmd {
	f := m.flt
	f.tags = m.picker.chosen
	f.any = m.picker.any
	m.pickGen++
	m.pickLatest.Store(m.pickGen)
	return filterJob{
		all: m.all, version: m.version, ntags: len(m.tags.infos),
		flt: f, gen: m.pickGen, latest: m.pickLatest, preview: true,
	}.cmd()
}

// applyFilterDone takes a finished filter run into the model.
func (m *model) applyFilterDone(msg filterDoneMsg) tea.Cmd {
	j := msg.job
	if j.preview {
		if j.gen != m.pickGen || msg.err != nil {
			return nil
		}
		m.picker.counts = msg.res.counts
		return nil
	}
	if j.gen != m.fltGen {
		return nil
	}
	if msg.err != nil {
		// Keep the last good result while the query is being typed; say
		// what is wrong under the box.
		m.fltErr = feed.SanitizeLine(msg.err.Error())
		m.fltText = j.flt.text
		return nil
	}
	m.results.store(msg)
	m.fltErr = ""
	m.flt = j.flt
	m.fltText = j.flt.text
	m.visible = msg.res.visible
	m.visVersion = j.version
	m.counts = msg.res.counts
	if j.top {
		m.list.cursor, m.list.offset, m.list.moved = 0, 0, false
		m.list = m.list.clamp(m.visible, m.listHeight())
	} else {
		m.list = m.list.reselect(m.visible, m.listHeight())
	}
	if j.version != m.version {
		// Articles arrived while it ran: run again over all of them.
		return m.startFilter(m.flt, false)
	}
	return nil
}

// addBatch merges a batch of loaded articles into the list, and into the
// visible list through the filter in force, keeping the cursor on its
// article.
func (m *model) addBatch(arts []*feed.Article) {
	if len(arts) == 0 {
		return
	}
	add := newEntries(arts, m.tags)
	current := m.visVersion == m.version
	m.all = mergeNewest(m.all, add)
	m.version++
	if current {
		m.visVersion = m.version
	}
	if n := len(m.tags.infos); len(m.counts) < n {
		m.counts = append(m.counts, make([]int, n-len(m.counts))...)
	}
	if !m.flt.active() {
		m.visible = m.all
		for _, e := range add {
			countTags(m.counts, e, m.flt.detected)
		}
	} else {
		var keep []*entry
		for _, e := range add {
			q := m.flt.query.Match(&e.view)
			t := q && m.flt.matchTags(e)
			if t {
				keep = append(keep, e)
			}
			if (m.flt.any && q) || t {
				countTags(m.counts, e, m.flt.detected)
			}
		}
		if len(keep) > 0 {
			m.visible = mergeNewest(m.visible, keep)
		}
	}
	m.list = m.list.reselect(m.visible, m.listHeight())
}
