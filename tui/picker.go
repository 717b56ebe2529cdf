package tui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/gazette-news/gazette/internal/cells"
	"github.com/gazette-news/gazette/internal/humanize"
)

// pickerModel is the tag picker: every tag with its facet count, countries
// first and by count. Its order is fixed when it opens, so rows do not jump
// while counts change under the cursor.
type pickerModel struct {
	items  []facet
	counts []int
	// chosen are the tags ticked so far, in the order they were ticked,
	// which is the order the status line names them in.
	chosen []tagID
	any    bool
	cursor int
	offset int
}

// pickerAction is what a key in the picker asks of the root model.
type pickerAction int

const (
	pickerNone pickerAction = iota
	pickerChanged
	pickerApply
	pickerClose
)

// newPicker opens the picker on the tags known now, with the filter's
// current choice ticked. Countries only detected in the text are listed
// when the filter counts detected countries, and only then.
func newPicker(tt *tagTable, counts []int, f filter) pickerModel {
	items := make([]facet, 0, len(tt.infos))
	for i, info := range tt.infos {
		if !info.declared && !f.detected {
			continue
		}
		c := 0
		if i < len(counts) {
			c = counts[i]
		}
		items = append(items, facet{id: tagID(i), info: info, count: c})
	}
	sortFacets(items)
	return pickerModel{
		items:  items,
		counts: counts,
		chosen: slices.Clone(f.tags),
		any:    f.any,
	}
}

func (p pickerModel) isChosen(id tagID) bool {
	return slices.Contains(p.chosen, id)
}

func (p pickerModel) count(id tagID) int {
	if int(id) < len(p.counts) {
		return p.counts[id]
	}
	return 0
}

// update handles a key, returning the picker and what the root should do.
func (p pickerModel) update(msg tea.KeyPressMsg, k keyMap, rows int) (pickerModel, pickerAction) {
	n := len(p.items)
	switch {
	case key.Matches(msg, k.Close):
		return p, pickerClose
	case key.Matches(msg, k.Apply):
		return p, pickerApply
	case key.Matches(msg, k.Toggle):
		if n == 0 {
			return p, pickerNone
		}
		id := p.items[p.cursor].id
		if i := slices.Index(p.chosen, id); i >= 0 {
			p.chosen = slices.Delete(slices.Clone(p.chosen), i, i+1)
		} else {
			p.chosen = append(slices.Clone(p.chosen), id)
		}
		return p, pickerChanged
	case key.Matches(msg, k.Mode):
		p.any = !p.any
		return p, pickerChanged
	case key.Matches(msg, k.ClearTags):
		if len(p.chosen) == 0 {
			return p, pickerNone
		}
		p.chosen = nil
		return p, pickerChanged
	case key.Matches(msg, k.Down):
		p.cursor++
	case key.Matches(msg, k.Up):
		p.cursor--
	case key.Matches(msg, k.PageDown):
		p.cursor += rows
	case key.Matches(msg, k.PageUp):
		p.cursor -= rows
	case key.Matches(msg, k.Top):
		p.cursor = 0
	case key.Matches(msg, k.Bottom):
		p.cursor = n - 1
	default:
		// A letter jumps to the next tag starting with it.
		if r := []rune(msg.Text); len(r) == 1 && n > 0 {
			p.cursor = p.jump(strings.ToLower(msg.Text))
		}
	}
	p = p.clamp(rows)
	return p, pickerNone
}

// jump finds the next tag after the cursor whose name starts with prefix.
func (p pickerModel) jump(prefix string) int {
	n := len(p.items)
	for k := 1; k <= n; k++ {
		i := (p.cursor + k) % n
		if strings.HasPrefix(strings.ToLower(p.items[i].info.name), prefix) {
			return i
		}
	}
	return p.cursor
}

func (p pickerModel) clamp(rows int) pickerModel {
	n := len(p.items)
	if n == 0 {
		p.cursor, p.offset = 0, 0
		return p
	}
	p.cursor = min(max(p.cursor, 0), n-1)
	rows = max(rows, 1)
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+rows {
		p.offset = p.cursor - rows + 1
	}
	p.offset = min(max(p.offset, 0), max(n-rows, 0))
	return p
}

// pickerSize returns the picker box's inner width and list rows for a
// terminal size.
func pickerSize(w, h, n int) (inner, rows int) {
	inner = min(max(w-8, 20), 46)
	rows = min(max(h-10, 3), max(n, 1))
	return inner, rows
}

// view renders the picker box.
func (p pickerModel) view(m *model, w, h int) string {
	st := &m.st
	inner, rows := pickerSize(w, h, len(p.items))
	p = p.clamp(rows)
	mode := "all of them"
	if p.any {
		mode = "any of them"
	}
	var b strings.Builder
	b.WriteString(cells.Spread(st.panelTitle.Render("Tags"), st.dim.Render("show articles with "+mode), inner))
	b.WriteString("\n")
	if len(p.items) == 0 {
		b.WriteString(st.dim.Render(cells.Fit("No tags yet.", inner)))
	}
	for i := p.offset; i < min(p.offset+rows, len(p.items)); i++ {
		if i > p.offset {
			b.WriteString("\n")
		}
		it := p.items[i]
		box := "[ ] "
		if p.isChosen(it.id) {
			box = "[x] "
		}
		cnt := p.count(it.id)
		num := humanize.Thousands(cnt)
		bw := badgeWidth(it.info, true, false)
		badge := m.badge(it.id, true, false)
		if !it.info.country {
			// The name follows; the badge only marks a tag that is no
			// country.
			badge, bw = m.st.badgeTag.Render(" # "), 3
			if m.st.noColor {
				badge = "[#]"
			}
		}
		nameW := inner - 4 - bw - 1 - len(num) - 1
		name := cells.Fit(it.info.name, max(nameW, 1))
		line := box + badge + " " + name + " " + num
		switch {
		case i == p.cursor:
			line = st.pickerSel.Render(box) + badge + st.pickerSel.Render(" "+name+" "+num)
		case cnt == 0:
			line = st.faint.Render(box) + badge + st.faint.Render(" "+name+" "+num)
		}
		b.WriteString(line)
	}
	b.WriteString("\n")
	var names []string
	for _, id := range p.chosen {
		names = append(names, m.tags.infos[id].name)
	}
	sel := "none chosen"
	if len(names) > 0 {
		sep := " + "
		if p.any {
			sep = " or "
		}
		sel = strings.Join(names, sep)
	}
	pos := ""
	if len(p.items) > rows {
		pos = humanize.Thousands(p.cursor+1) + "/" + humanize.Thousands(len(p.items))
	}
	b.WriteString(cells.Spread(st.dim.Render(cells.Truncate(sel, inner-len(pos)-1)), st.dim.Render(pos), inner))
	return st.panel.Render(b.String())
}
