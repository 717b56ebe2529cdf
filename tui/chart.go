package tui

import (
	"image/color"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// ChartRow is one bar of a tag chart: a tag and how many articles carry it.
type ChartRow struct {
	// Label is the tag's name, shown before the bar. For a country without
	// a code it also picks the colour, as it does for the badge.
	Label string
	// Count is the number of articles counted for the tag: the bar's length.
	Count int
	// Detected is how many of Count were found by detection in the text
	// rather than declared by the source. That end of the bar is shaded, so
	// that detected tags never pass for declared ones.
	Detected int
	// Country paints the bar in the country's badge colour; other tags get
	// a neutral grey.
	Country bool
	// Code is the country's ISO 3166 alpha-2 code, which picks its colour.
	Code string
}

// ChartStyle says how charts are painted.
type ChartStyle struct {
	// NoColor draws every bar in the terminal's own colour. The bars stay
	// readable: their lengths, counts and the shading of detected parts do
	// not depend on colour.
	NoColor bool
}

// DefaultChartWidth is the width TagChart draws at when it is given none,
// as when the output is a pipe.
const DefaultChartWidth = 80

// minChartBar is the fewest cells a bar is given before labels are cut.
const minChartBar = 10

// minChartLabel is the fewest cells a label is cut to, however narrow the
// chart: below it names stop being readable.
const minChartLabel = 8

// chartGap is the space between a chart's columns.
const chartGap = "  "

// eighthBlock holds the blocks that fill a cell's first k eighths, for k
// from 0 to 8, so that a bar's length is exact to an eighth of a cell.
var eighthBlock = [9]string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"}

// sparkLevels are the eight levels of a sparkline, lowest first.
var sparkLevels = [8]string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// shadeBlock draws the detected part of a bar.
const shadeBlock = "░"

// neutralBar is the colour of a bar whose tag is no country: a mid grey
// that shows on dark and light backgrounds alike.
const neutralBar = "#8A8A8A"

// barColor is a row's bar colour: a country's badge background, so that
// a country looks the same in the list, the picker and the chart.
func barColor(r ChartRow) color.Color {
	if r.Country {
		return lipgloss.Color(badgePalette[paletteIndex(r.Code, r.Label)].bg)
	}
	return lipgloss.Color(neutralBar)
}

// paint renders s in the row's colour, or plain without colour.
func (st ChartStyle) paint(r ChartRow, s string) string {
	if st.NoColor || s == "" {
		return s
	}
	return lipgloss.NewStyle().Foreground(barColor(r)).Render(s)
}

// barEighths returns the length of a bar for n out of top in cells cells,
// counted in eighths of a cell, rounded to the nearest eighth. A count
// above zero always gets at least an eighth, so that it never looks like
// none.
func barEighths(n, top, cells int) int {
	if n <= 0 || top <= 0 || cells <= 0 {
		return 0
	}
	n = min(n, top)
	e := (2*n*cells*8 + top) / (2 * top)
	return min(max(e, 1), cells*8)
}

// eighthBlocks draws a bar e eighths long: full blocks, then one partial
// block.
func eighthBlocks(e int) string {
	if e <= 0 {
		return ""
	}
	return strings.Repeat(eighthBlock[8], e/8) + eighthBlock[e%8]
}

// bar draws a row's bar in at most cells cells, scaled so that top fills
// them, and returns it with its width. The declared part is solid and
// exact to an eighth; the detected part follows in shaded whole cells.
func (st ChartStyle) bar(r ChartRow, top, cells int) (string, int) {
	total := barEighths(r.Count, top, cells)
	if total == 0 {
		return "", 0
	}
	det := min(max(r.Detected, 0), r.Count)
	if det == 0 {
		return st.paint(r, eighthBlocks(total)), (total + 7) / 8
	}
	solid := 0
	if det < r.Count {
		// Leave a cell for the shadeBlock: the declared part gives way to it.
		solid = min(barEighths(r.Count-det, top, cells), (cells-1)*8)
	}
	used := (solid + 7) / 8
	// The shaded cells cover what is left of the whole bar, and at least
	// one cell, so that a single detected article still shows.
	shaded := min(max((total+4)/8-used, 1), cells-used)
	if shaded <= 0 {
		return st.paint(r, eighthBlocks(solid)), used
	}
	return st.paint(r, eighthBlocks(solid)+strings.Repeat(shadeBlock, shaded)), used + shaded
}

// ChartBar draws one row's bar, scaled so that a count of top fills cells
// cells, and pads it with spaces to exactly cells cells. A tag picker
// passes the largest count it lists as top, so that its bars compare.
func ChartBar(r ChartRow, top, cells int, st ChartStyle) string {
	if cells <= 0 {
		return ""
	}
	s, w := st.bar(r, top, cells)
	return s + strings.Repeat(" ", cells-w)
}

// TagChart draws a horizontal bar chart, one line per row in the order
// given: the label, the count right-aligned, and the bar, scaled so that
// the largest count fills the room left on a line of width cells. Labels
// are aligned by display width, and cut with an ellipsis (to no fewer
// than eight cells) when they would leave the bars less than ten. A width
// of zero or less means DefaultChartWidth. When the rows hold countries
// and then other tags, a blank line parts the two. No line ends in spaces
// and the result has no final newline.
func TagChart(rows []ChartRow, width int, st ChartStyle) string {
	if len(rows) == 0 {
		return ""
	}
	if width <= 0 {
		width = DefaultChartWidth
	}
	top, widest, countW := 0, 0, 1
	for _, r := range rows {
		top = max(top, r.Count)
		widest = max(widest, ansi.StringWidth(r.Label))
		countW = max(countW, len(strconv.Itoa(r.Count)))
	}
	// What is left for the label and the bar once the count and the gaps
	// around it are placed.
	room := width - len(chartGap) - countW - 1
	labelW := min(widest, max(room-minChartBar, min(widest, minChartLabel)))
	cells := room - labelW

	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteByte('\n')
			if rows[i-1].Country && !r.Country {
				b.WriteByte('\n')
			}
		}
		line := fit(r.Label, labelW) + chartGap + padLeft(strconv.Itoa(r.Count), countW)
		if s, w := st.bar(r, top, cells); w > 0 {
			line += " " + s
		}
		line = strings.TrimRight(line, " ")
		if ansi.StringWidth(line) > width {
			line = ansi.Truncate(line, width, "")
		}
		b.WriteString(line)
	}
	return b.String()
}

// Sparkline draws one block per value, its height scaled so that the
// largest value reaches the top. Zero, and anything below, is a space: no
// articles is not the same as few.
func Sparkline(values []int) string {
	top := 0
	for _, v := range values {
		top = max(top, v)
	}
	var b strings.Builder
	for _, v := range values {
		if v <= 0 || top == 0 {
			b.WriteByte(' ')
			continue
		}
		level := (v*len(sparkLevels) + top - 1) / top // 1 to 8, rounded up
		b.WriteString(sparkLevels[min(level, len(sparkLevels))-1])
	}
	return b.String()
}

// MonthRow is one row of a month table: a tag and its articles by month.
type MonthRow struct {
	ChartRow
	// Months holds the count for each month of the table, in its order.
	Months []int
	// Undated counts the articles that carry no date. They are in Count,
	// but in no month.
	Undated int
}

// maxTrend is the most months a row's sparkline covers: the latest ones.
const maxTrend = 24

// MonthTable draws a table of counts, one row per tag and one column per
// month (months are labels such as "2022-01", oldest first). Each row
// starts with the label and a sparkline in the tag's colour over the
// latest months, up to 24; an "undated" column appears when some row has
// undated articles, and a "total" column ends each row with its Count. A
// zero shows as "·". When width is above zero and the months do not all
// fit, the oldest columns are left out (the sparkline still shows them);
// a width of zero or less prints every month. No line ends in spaces and
// the result has no final newline.
func MonthTable(months []string, rows []MonthRow, width int, st ChartStyle) string {
	if len(rows) == 0 {
		return ""
	}
	labelW, colW, totalW := 0, 1, len("total")
	undated := false
	for _, m := range months {
		colW = max(colW, ansi.StringWidth(m))
	}
	for _, r := range rows {
		labelW = max(labelW, ansi.StringWidth(r.Label))
		totalW = max(totalW, len(strconv.Itoa(r.Count)))
		for _, n := range r.Months {
			colW = max(colW, len(strconv.Itoa(n)))
		}
		undated = undated || r.Undated > 0
	}
	undatedW := 0
	if undated {
		undatedW = len("undated")
		for _, r := range rows {
			undatedW = max(undatedW, len(strconv.Itoa(r.Undated)))
		}
	}
	trendN := min(len(months), maxTrend)
	trendW := 0
	if trendN > 0 {
		trendW = max(trendN, len("trend"))
	}
	if width > 0 {
		labelW = min(labelW, max(width*2/5, 8))
	}
	fixed := labelW + len(chartGap) + totalW
	if trendW > 0 {
		fixed += len(chartGap) + trendW
	}
	if undated {
		fixed += len(chartGap) + undatedW
	}
	shown := len(months)
	if width > 0 {
		shown = min(shown, max((width-fixed)/(len(chartGap)+colW), 0))
	}
	first := len(months) - shown

	cell := func(n, w int) string {
		if n == 0 {
			return chartGap + padLeft("·", w)
		}
		return chartGap + padLeft(strconv.Itoa(n), w)
	}
	var b strings.Builder
	head := strings.Repeat(" ", labelW)
	if trendW > 0 {
		head += chartGap + fit("trend", trendW)
	}
	for _, m := range months[first:] {
		head += chartGap + padLeft(m, colW)
	}
	if undated {
		head += chartGap + padLeft("undated", undatedW)
	}
	head += chartGap + padLeft("total", totalW)
	b.WriteString(chartLine(head, width))
	for _, r := range rows {
		line := fit(r.Label, labelW)
		ms := monthCounts(r.Months, len(months))
		if trendW > 0 {
			spark := Sparkline(ms[len(ms)-trendN:])
			line += chartGap + st.paint(r.ChartRow, spark) + strings.Repeat(" ", trendW-trendN)
		}
		for _, n := range ms[first:] {
			line += cell(n, colW)
		}
		if undated {
			line += cell(r.Undated, undatedW)
		}
		line += cell(r.Count, totalW)
		b.WriteByte('\n')
		b.WriteString(chartLine(line, width))
	}
	return b.String()
}

// monthCounts returns counts padded or cut to n values, so that a row
// with the wrong number of months still lines up.
func monthCounts(counts []int, n int) []int {
	if len(counts) == n {
		return counts
	}
	out := make([]int, n)
	copy(out, counts)
	return out
}

// chartLine trims trailing spaces from a line and cuts it to width cells
// when width is above zero.
func chartLine(s string, width int) string {
	s = strings.TrimRight(s, " ")
	if width > 0 && ansi.StringWidth(s) > width {
		s = ansi.Truncate(s, width, "")
	}
	return s
}
