// Package chart draws the tag chart, the month table and sparklines, and
// holds the badge palette, so that a country has the same colour in the
// reader's list, its picker and `gazette tags`.
package chart

import (
	"image/color"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/gazette-news/gazette/internal/cells"
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
		return lipgloss.Color(badgePalette[PaletteIndex(r.Code, r.Label)].BG)
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
	barCells := room - labelW

	var b strings.Builder
	for i, r := range rows {
		if i > 0 {
			b.WriteByte('\n')
			if rows[i-1].Country && !r.Country {
				b.WriteByte('\n')
			}
		}
		line := cells.Fit(r.Label, labelW) + chartGap + cells.PadLeft(strconv.Itoa(r.Count), countW)
		if s, w := st.bar(r, top, barCells); w > 0 {
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
			return chartGap + cells.PadLeft("·", w)
		}
		return chartGap + cells.PadLeft(strconv.Itoa(n), w)
	}
	var b strings.Builder
	head := strings.Repeat(" ", labelW)
	if trendW > 0 {
		head += chartGap + cells.Fit("trend", trendW)
	}
	for _, m := range months[first:] {
		head += chartGap + cells.PadLeft(m, colW)
	}
	if undated {
		head += chartGap + cells.PadLeft("undated", undatedW)
	}
	head += chartGap + cells.PadLeft("total", totalW)
	b.WriteString(chartLine(head, width))
	for _, r := range rows {
		line := cells.Fit(r.Label, labelW)
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

// PaletteSize is the number of badge colours.
const PaletteSize = 16

// Badge is one badge colour pair, as "#RRGGBB" strings.
type Badge struct {
	// BG is the badge's background, also the bar colour of its country.
	BG string
	// FG is the text colour chosen for contrast with BG.
	FG string
}

// Palette returns badge colour i, for i in [0, PaletteSize).
func Palette(i int) Badge {
	return badgePalette[i]
}

// badgePalette holds the background colours of country badges. Each has a
// foreground chosen for contrast, and all read on dark and light terminals
// alike, because a badge always paints its own background.
var badgePalette = [PaletteSize]Badge{
	{BG: "#B8322A", FG: "#FFFFFF"}, // brick red
	{BG: "#1F6FB2", FG: "#FFFFFF"}, // blue
	{BG: "#1E8449", FG: "#FFFFFF"}, // green
	{BG: "#B7950B", FG: "#000000"}, // mustard
	{BG: "#7D3C98", FG: "#FFFFFF"}, // purple
	{BG: "#117A65", FG: "#FFFFFF"}, // teal
	{BG: "#E59866", FG: "#000000"}, // apricot
	{BG: "#2E4053", FG: "#FFFFFF"}, // slate
	{BG: "#C2185B", FG: "#FFFFFF"}, // raspberry
	{BG: "#00838F", FG: "#FFFFFF"}, // cyan
	{BG: "#6D4C41", FG: "#FFFFFF"}, // brown
	{BG: "#AAB7B8", FG: "#000000"}, // silver
	{BG: "#9E9D24", FG: "#000000"}, // olive
	{BG: "#3949AB", FG: "#FFFFFF"}, // indigo
	{BG: "#E67E22", FG: "#000000"}, // orange
	{BG: "#558B2F", FG: "#FFFFFF"}, // moss
}

// PaletteIndex picks a country's badge colour from its ISO alpha-2 code,
// so that a country keeps its colour across runs, screens and corpora. The
// countries most often in the news have colours of their own, all
// different; the others share the palette by their letters.
func PaletteIndex(code, name string) int {
	switch strings.ToUpper(code) {
	case "RU":
		return 0 // brick red
	case "CN":
		return 3 // mustard
	case "US":
		return 1 // blue
	case "UA":
		return 9 // cyan
	case "IN":
		return 14 // orange
	case "IR":
		return 2 // green
	case "PK":
		return 5 // teal
	case "JP":
		return 8 // raspberry
	case "DE":
		return 7 // slate
	case "FR":
		return 13 // indigo
	case "GB":
		return 4 // purple
	case "TR":
		return 6 // apricot
	case "IL":
		return 11 // silver
	case "TW":
		return 15 // moss
	case "SA":
		return 12 // olive
	case "KP":
		return 10 // brown
	}
	if len(code) == 2 {
		a, b := int(code[0]|0x20)-'a', int(code[1]|0x20)-'a'
		if a >= 0 && a < 26 && b >= 0 && b < 26 {
			return (a*26 + b) % len(badgePalette)
		}
	}
	// A country without a code still gets a stable colour, from its name.
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h ^= uint32(name[i])
		h *= 16777619
	}
	return int(h % uint32(len(badgePalette)))
}
