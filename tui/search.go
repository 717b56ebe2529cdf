package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/search"
)

// indexState is what the reader knows of the full-text index.
type indexState struct {
	// searcher answers body words; nil without a store.
	searcher *search.Searcher
	// building is true from the end of the load until the index is up to
	// date; progress is how far it has come.
	building bool
	progress search.Progress
}

// status is the status line's word on an index being built.
func (s indexState) status() string {
	pct := 0
	if s.progress.Total > 0 {
		// Before the first report, nothing is known to be done.
		pct = s.progress.Percent()
	}
	return fmt.Sprintf("indexing %d%%", pct)
}

// startIndex starts the background build of the index once the load is
// done, over every article loaded: the first rows and the full count
// never wait for it.
func (m *model) startIndex() tea.Cmd {
	if m.index.searcher == nil || m.opt.Store == nil || m.index.building {
		return nil
	}
	arts := make([]*feed.Article, len(m.list.all))
	for i, e := range m.list.all {
		arts[i] = e.a
	}
	var roots []string
	if len(m.errs) == 0 {
		// Only a complete load tells which files are gone.
		var paths []string
		for _, s := range m.opt.Sources {
			if s.FS == nil {
				paths = append(paths, s.Location)
			}
		}
		roots = search.LocalRoots(paths)
	}
	m.index.building = true
	m.index.progress = search.Progress{}
	return buildIndex(m.ctx, m.opt.Store, m.opt.Body, arts, roots)
}

// indexProgress takes a report of the index build; when the build is
// done, a filter that looks for body words runs again, now over the
// whole index.
func (m *model) indexProgress(msg indexMsg) tea.Cmd {
	m.index.progress = msg.p
	if !msg.done {
		return waitIndex(msg.ch)
	}
	m.index.building = false
	if msg.err != nil && m.ctx.Err() == nil {
		m.errs = append(m.errs, feed.SanitizeLine("search index: "+msg.err.Error()))
	}
	m.index.searcher.Changed()
	m.list.results = resultCache{}
	if m.list.flt.query.NeedsBody() {
		return m.list.startFilter(m.list.flt, false)
	}
	return nil
}
