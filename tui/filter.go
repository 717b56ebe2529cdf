package tui

import (
	"sync/atomic"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
)

// filterJob is one run of the filter over a snapshot of the list. It runs
// in a command, off the UI loop, so typing never waits for 100,000 titles.
type filterJob struct {
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
		q, err := feed.ParseQuery(j.flt.text)
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

// startFilter starts a filter run over the whole list with f, whose query
// text is parsed in the command. Earlier runs still going give up.
func (m *model) startFilter(f filter, top bool) tea.Cmd {
	m.fltGen++
	m.fltLatest.Store(m.fltGen)
	return filterJob{
		all: m.all, version: m.version, ntags: len(m.tags.infos),
		flt: f, gen: m.fltGen, latest: m.fltLatest, top: top,
	}.cmd()
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
	m.fltErr = ""
	m.flt = j.flt
	m.fltText = j.flt.text
	m.visible = msg.res.visible
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
	add := make([]*entry, len(arts))
	for i, a := range arts {
		add[i] = newEntry(a, m.tags)
	}
	m.all = mergeNewest(m.all, add)
	m.version++
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
			q := m.flt.query.Match(e.a)
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
