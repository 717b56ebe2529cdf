package tui

import (
	"github.com/gazette-news/gazette/internal/chart"
)

// pickerBar is the widest a picker's bar grows, and minPickerInner the
// narrowest picker that draws bars at all.
const (
	pickerBar      = 14
	minPickerInner = 34
)

// pickerBarWidth is the room a bar takes in a picker row inner cells
// wide, its leading space included: none in a narrow picker.
func pickerBarWidth(inner int) int {
	if inner < minPickerInner {
		return 0
	}
	return 1 + min(pickerBar, inner-minPickerInner+4)
}

// topCount is the largest count the picker lists, which fills a bar.
func (p pickerModel) topCount() int {
	top := 0
	for _, it := range p.items {
		top = max(top, p.count(it.id))
	}
	return top
}

// detectedCount is how many of a tag's count are detected countries.
func (p pickerModel) detectedCount(id tagID) int {
	if int(id) < len(p.detected) {
		return p.detected[id]
	}
	return 0
}

// bar draws a tag's bar with the shared chart code, as `gazette tags`
// does: the country's colour, the detected share shaded.
func (p pickerModel) bar(it facet, n, top, w int) string {
	if w <= 1 {
		return ""
	}
	row := chart.ChartRow{
		Label: it.info.name, Count: n, Detected: p.detectedCount(it.id),
		Country: it.info.country, Code: it.info.code,
	}
	return " " + chart.ChartBar(row, top, w-1, chart.ChartStyle{NoColor: p.st.noColor})
}
