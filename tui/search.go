package tui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
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
	// highlight is the query in force, whose words are highlighted in
	// list titles and in the open article.
	highlight query.Query
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

// renderTitle renders a list row's title, fitted to its column from
// full, in style base, with the words the filter matched underlined and
// bold: attributes, not colours, so that they show under NO_COLOR too.
func (m *common) renderTitle(full, fitted string, base lipgloss.Style) string {
	spans := m.index.highlight.Highlights(full)
	if len(spans) == 0 {
		return base.Render(fitted)
	}
	// The fitted title is full's start, then an ellipsis or padding.
	kept := 0
	for kept < len(full) && kept < len(fitted) && full[kept] == fitted[kept] {
		kept++
	}
	for kept > 0 && kept < len(fitted) && !utf8.RuneStart(fitted[kept]) {
		kept--
	}
	hl := base.Underline(true).Bold(true)
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		start, end := sp[0], min(sp[1], kept)
		if start >= end {
			break
		}
		if start > at {
			b.WriteString(base.Render(fitted[at:start]))
		}
		b.WriteString(hl.Render(fitted[start:end]))
		at = end
	}
	if at < len(fitted) {
		b.WriteString(base.Render(fitted[at:]))
	}
	return b.String()
}
