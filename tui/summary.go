package tui

import (
	"slices"

	"github.com/gazette-news/gazette/feed"
)

// summaryMark is what ends the title of a row whose article came as a
// summary only, so that it is known before it is opened.
const summaryMark = " ⋯"

// summaryHint ends an article that came as a summary only, saying how to
// get the rest; summaryHintNoFetch where full pages cannot be fetched.
const (
	summaryHint        = "summary only · f for the full article"
	summaryHintNoFetch = "summary only · o opens the full article in the browser"
)

// summaryMarkWidth is the room the summary mark takes in a row.
func summaryMarkWidth(a *feed.Article) int {
	if a.Partial {
		return 2
	}
	return 0
}

// summaryMark renders the mark of a summary-only row, or nothing.
func (m *common) summaryMark(a *feed.Article, selected bool) string {
	if !a.Partial {
		return ""
	}
	if selected {
		return m.st.selRow.Inherit(m.st.dim).Render(summaryMark)
	}
	return m.st.rows.dim.Render(summaryMark)
}

// withSummaryHint returns the rendered lines of the article on screen
// with a last line saying that it is a summary, when it is one and its
// web page has not been fetched. The cached lines are not changed.
func (r *readerModel) withSummaryHint(lines []string, full bool) []string {
	if full || r.e == nil || !r.e.a.Partial {
		return lines
	}
	hint := summaryHint
	if r.opt.FullPage == nil {
		hint = summaryHintNoFetch
	}
	out := slices.Clip(lines)
	return append(out, "", "  "+r.st.notice.Render(hint))
}
