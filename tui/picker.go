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
	*common
	items  []facet
	counts []int
	// unread are the unread counts beside counts, when a store keeps
	// state.
	unread []int
	// detected are the detected share of counts, shaded in the bars.
	detected []int
	// chosen are the tags ticked so far, in the order they were ticked,
	// which is the order the status line names them in.
	chosen []tagID
	any    bool
	scroll scroller
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
func newPicker(c *common, counts []int, f filter) pickerModel {
	items := make([]facet, 0, len(c.tags.infos))
	for i, info := range c.tags.infos {
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
		common: c,
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

func (p pickerModel) unreadCount(id tagID) int {
	if int(id) < len(p.unread) {
		return p.unread[id]
	}
	return 0
}

// rows is the number of tags on screen.
func (p pickerModel) rows() int {
	_, rows := pickerSize(p.width, p.height, len(p.items))
	return rows
}

// update handles a key, returning the picker and what the root should do.
func (p pickerModel) update(msg tea.KeyPressMsg) (pickerModel, pickerAction) {
	k := p.keys
	rows := p.rows()
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
		id := p.items[p.scroll.cursor].id
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
		p.scroll.cursor++
	case key.Matches(msg, k.Up):
		p.scroll.cursor--
	case key.Matches(msg, k.PageDown):
		p.scroll.cursor += rows
	case key.Matches(msg, k.PageUp):
		p.scroll.cursor -= rows
	case key.Matches(msg, k.Top):
		p.scroll.cursor = 0
	case key.Matches(msg, k.Bottom):
		p.scroll.cursor = n - 1
	default:
		// A letter jumps to the next tag starting with it.
		if r := []rune(msg.Text); len(r) == 1 && n > 0 {
			p.scroll.cursor = p.jump(strings.ToLower(msg.Text))
		}
	}
	p.scroll = p.scroll.clamp(n, rows, 0)
	return p, pickerNone
}

// moveBy moves the cursor d tags, for the mouse wheel.
func (p pickerModel) moveBy(d int) pickerModel {
	p.scroll.cursor += d
	p.scroll = p.scroll.clamp(len(p.items), p.rows(), 0)
	return p
}

// jump finds the next tag after the cursor whose name starts with prefix.
func (p pickerModel) jump(prefix string) int {
	n := len(p.items)
	for k := 1; k <= n; k++ {
		i := (p.scroll.cursor + k) % n
		if strings.HasPrefix(strings.ToLower(p.items[i].info.name), prefix) {
			return i
		}
	}
	return p.scroll.cursor
}

// pickerSize returns the picker box's inner width and list rows for a
// terminal size.
func pickerSize(w, h, n int) (inner, rows int) {
	inner = min(max(w-8, 20), 46+pickerBarWidth(w-8))
	rows = min(max(h-10, 3), max(n, 1))
	return inner, rows
}

// view renders the picker box.
func (p pickerModel) view() string {
	st := &p.st
	inner, rows := pickerSize(p.width, p.height, len(p.items))
	sc := p.scroll.clamp(len(p.items), rows, 0)
	mode := "all of them"
	if p.any {
		mode = "any of them"
	}
	var b strings.Builder
	title := st.panelTitle.Render("Tags")
	if p.opt.Store != nil {
		title += st.dim.Render(" unread/all")
	}
	b.WriteString(cells.Spread(title, st.dim.Render("show articles with "+mode), inner))
	b.WriteString("\n")
	if len(p.items) == 0 {
		b.WriteString(st.dim.Render(cells.Fit("No tags yet.", inner)))
	}
	start, end := sc.window(len(p.items), rows)
	top := p.topCount()
	for i := start; i < end; i++ {
		if i > start {
			b.WriteString("\n")
		}
		it := p.items[i]
		box := "[ ] "
		if p.isChosen(it.id) {
			box = "[x] "
		}
		cnt := p.count(it.id)
		num := humanize.Thousands(cnt)
		if p.opt.Store != nil {
			num = humanize.Thousands(p.unreadCount(it.id)) + "/" + num
		}
		bw := badgeWidth(it.info, true, false)
		badge := p.badge(it.id, true, false)
		if !it.info.country {
			// The name follows; the badge only marks a tag that is no
			// country.
			badge, bw = st.badgeTag.Render(" # "), 3
			if st.noColor {
				badge = "[#]"
			}
		}
		barW := pickerBarWidth(inner)
		nameW := inner - 4 - bw - 1 - len(num) - 1 - barW
		name := cells.Fit(it.info.name, max(nameW, 1))
		bar := p.bar(it, cnt, top, barW)
		line := box + badge + " " + name + " " + num + bar
		switch {
		case i == sc.cursor:
			line = st.pickerSel.Render(box) + badge + st.pickerSel.Render(" "+name+" "+num) + bar
		case cnt == 0:
			line = st.faint.Render(box) + badge + st.faint.Render(" "+name+" "+num) + bar
		}
		b.WriteString(line)
	}
	b.WriteString("\n")
	var names []string
	for _, id := range p.chosen {
		names = append(names, p.tags.infos[id].name)
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
		pos = humanize.Thousands(sc.cursor+1) + "/" + humanize.Thousands(len(p.items))
	}
	b.WriteString(cells.Spread(st.dim.Render(cells.Truncate(sel, inner-len(pos)-1)), st.dim.Render(pos), inner))
	return st.panel.Render(b.String())
}
