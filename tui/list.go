package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
)

// listModel is the article list: a cursor over the visible entries and the
// first row on screen. Only the rows on screen are ever rendered, so the
// list costs the same at 15 articles and at 100,000.
type listModel struct {
	cursor int
	offset int
	// sel is the entry under the cursor, so that the cursor stays on the
	// same article when articles arrive or the filter changes.
	sel *entry
	// moved is set once the user moves the cursor; until then the cursor
	// stays on the newest article while the list loads.
	moved bool
}

// scrollMargin is how many rows the cursor keeps from the edges of the
// screen when it can.
const scrollMargin = 2

// clamp keeps the cursor within n entries and the window of height rows
// around the cursor.
func (l listModel) clamp(visible []*entry, height int) listModel {
	n := len(visible)
	if n == 0 {
		l.cursor, l.offset, l.sel = 0, 0, nil
		return l
	}
	l.cursor = min(max(l.cursor, 0), n-1)
	height = max(height, 1)
	margin := min(scrollMargin, (height-1)/2)
	if l.cursor < l.offset+margin {
		l.offset = l.cursor - margin
	}
	if l.cursor > l.offset+height-1-margin {
		l.offset = l.cursor - height + 1 + margin
	}
	l.offset = min(max(l.offset, 0), max(n-height, 0))
	l.sel = visible[l.cursor]
	return l
}

// moveTo puts the cursor on entry i.
func (l listModel) moveTo(i int, visible []*entry, height int) listModel {
	l.cursor = i
	l.moved = true
	return l.clamp(visible, height)
}

// reselect finds the selected entry again in a new visible list, which is
// in the same newest-first order, by binary search. When it is gone the
// cursor stays at the same row.
func (l listModel) reselect(visible []*entry, height int) listModel {
	if !l.moved || l.sel == nil {
		if !l.moved {
			l.cursor, l.offset = 0, 0
		}
		return l.clamp(visible, height)
	}
	if i, ok := slices.BinarySearchFunc(visible, l.sel, newer); ok {
		// Keep the selected row where it was on screen.
		row := l.cursor - l.offset
		l.cursor = i
		l.offset = i - row
	}
	return l.clamp(visible, height)
}

// rowLayout holds the column widths of list rows for one terminal width.
type rowLayout struct {
	date, title, tags, source int
}

// layoutFor picks the columns for a width: the title gets what the date,
// tags and source leave, and narrow terminals drop the source and then the
// tags.
func layoutFor(w int) rowLayout {
	var lay rowLayout
	rest := w - 2 - 1 // the cursor marker and a right margin
	if w >= 50 {
		lay.date = 11
		rest -= lay.date + 2
	}
	switch {
	case w >= 120:
		lay.tags = 28
	case w >= 90:
		lay.tags = 22
	case w >= 56:
		lay.tags = 14
	}
	if lay.tags > 0 {
		rest -= lay.tags + 2
	}
	if w >= 72 {
		lay.source = min(max(w/7, 12), 22)
		rest -= lay.source + 2
	}
	lay.title = max(rest, 8)
	return lay
}

// renderRow renders one list row of exactly w cells.
func (m *model) renderRow(e *entry, w int, lay rowLayout, selected bool) string {
	st := &m.st
	var b strings.Builder
	plainBg := st.title
	bg := func(s string) string {
		if selected {
			return st.selRow.Render(s)
		}
		return s
	}
	if selected {
		if st.noColor {
			b.WriteString(st.marker.Render("> "))
		} else {
			b.WriteString(st.marker.Render("▌ "))
		}
	} else {
		b.WriteString("  ")
	}
	if lay.date > 0 {
		d := fit(e.dateColumn(), lay.date)
		if selected {
			b.WriteString(st.selRow.Inherit(st.date).Render(d))
		} else {
			b.WriteString(st.date.Render(d))
		}
		b.WriteString(bg("  "))
	}
	title := fit(e.a.Title, lay.title)
	if selected {
		b.WriteString(st.selTitle.Render(title))
	} else {
		b.WriteString(plainBg.Render(title))
	}
	if lay.tags > 0 {
		b.WriteString(bg("  "))
		badges := m.badges(e, lay.tags, selected)
		b.WriteString(badges)
		if pad := lay.tags - width(badges); pad > 0 {
			b.WriteString(bg(strings.Repeat(" ", pad)))
		}
	}
	if lay.source > 0 {
		b.WriteString(bg("  "))
		src := fit(e.a.Source, lay.source)
		if selected {
			b.WriteString(st.selRow.Inherit(st.source).Render(src))
		} else {
			b.WriteString(st.source.Render(src))
		}
	}
	b.WriteString(bg(" "))
	return b.String()
}

// badgeText is a tag's label, its name or, in short form, its country code.
func badgeText(t tagInfo, short bool) string {
	if short && t.country && t.code != "" {
		return t.code
	}
	if short {
		return truncate(t.name, 10)
	}
	return t.name
}

// badge renders one tag. A country gets its own colour; another tag a
// neutral one; a detected country (not declared) is dimmed and marked with
// "~" so it never passes for a declared tag.
func (m *model) badge(id tagID, short, detected bool) string {
	t := m.tags.infos[id]
	label := badgeText(t, short)
	st := &m.st
	switch {
	case detected:
		return st.detected.Render("~" + label)
	case st.noColor:
		return "[" + label + "]"
	case t.country:
		return st.badges[paletteIndex(t.code, t.name)].Render(" " + label + " ")
	default:
		return st.badgeTag.Render(" " + label + " ")
	}
}

// badgeWidth is the width badge would render at.
func badgeWidth(t tagInfo, short, detected bool) int {
	if detected {
		return 1 + width(badgeText(t, short))
	}
	return 2 + width(badgeText(t, short))
}

// namedTagsWidth is the narrowest tag column that shows country names
// rather than codes.
const namedTagsWidth = 28

// badges renders an entry's tags in at most w cells: names in a wide
// column, else country codes, and "+N" for those left over. Detected
// countries follow the declared tags when there is room.
func (m *model) badges(e *entry, w int, selected bool) string {
	if len(e.tags) == 0 && len(e.mentions) == 0 {
		return ""
	}
	// Names need room; below it every row shows country codes, so that
	// the column reads the same all the way down.
	short := w < namedTagsWidth
	// On the selected row, the gaps and dim marks take the row's
	// background too.
	space, dim := " ", m.st.dim
	if selected {
		space, dim = m.st.selRow.Render(" "), m.st.selRow.Inherit(m.st.dim)
	}
	var b strings.Builder
	used := 0
	put := func(id tagID, detected bool, reserve int) bool {
		bw := badgeWidth(m.tags.infos[id], short, detected)
		sep := min(used, 1)
		if used+sep+bw+reserve > w {
			return false
		}
		if sep > 0 {
			b.WriteString(space)
		}
		badge := m.badge(id, short, detected)
		if detected && selected {
			badge = m.st.selRow.Inherit(m.st.detected).Render(ansi.Strip(badge))
		}
		b.WriteString(badge)
		used += sep + bw
		return true
	}
	for k, id := range e.tags {
		reserve := 0
		if left := len(e.tags) - k - 1; left > 0 {
			reserve = 2 + len(thousands(left))
		}
		if !put(id, false, reserve) {
			tail := "+" + thousands(len(e.tags)-k)
			sep := min(used, 1)
			if used+sep+width(tail) <= w {
				if sep > 0 {
					b.WriteString(space)
				}
				b.WriteString(dim.Render(tail))
			}
			return b.String()
		}
	}
	for _, id := range e.mentions {
		if !put(id, true, 0) {
			break
		}
	}
	return b.String()
}

// statusText is the list's status line: "37/312 articles · Russia + China ·
// "olympics"", "312 articles", or while loading "loading… 1,234". The word
// "articles" appears only once loading has ended, so that a script watching
// the screen knows the count is final.
func statusText(loading bool, visible, total int, tagNames []string, anyMode bool, query string) string {
	filtered := len(tagNames) > 0 || query != ""
	count := thousands(total)
	if filtered {
		count = thousands(visible) + "/" + thousands(total)
	}
	var parts []string
	if loading {
		parts = append(parts, "loading… "+count)
	} else {
		parts = append(parts, count+" articles")
	}
	if len(tagNames) > 0 {
		sep := " + "
		if anyMode {
			sep = " or "
		}
		parts = append(parts, strings.Join(tagNames, sep))
	}
	if query != "" {
		parts = append(parts, `"`+query+`"`)
	}
	return strings.Join(parts, " · ")
}

// sourceLabel names the sources in the header.
func sourceLabel(srcs []load.Source) string {
	names := make([]string, 0, len(srcs))
	for _, s := range srcs {
		names = append(names, feed.SanitizeLine(s.String()))
	}
	return strings.Join(names, ", ")
}
