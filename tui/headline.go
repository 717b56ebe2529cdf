package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/gazette-news/gazette/internal/cells"
)

// titleLines wraps an article's title to the reader's column (cw wide,
// less its margins) in full, so that a long headline is never cut. Only a
// title that would take more than a third of a terminal h tall is cut, on
// its last line, to leave the article room.
func titleLines(title string, cw, h int) []string {
	if title == "" {
		title = "Untitled"
	}
	w := max(cw-4, 8)
	lines := strings.Split(ansi.Wrap(title, w, ""), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	if most := max(h/3, 1); len(lines) > most {
		lines = lines[:most]
		lines[most-1] = cells.Truncate(lines[most-1]+" …", w)
		if !strings.HasSuffix(lines[most-1], "…") {
			lines[most-1] = cells.Truncate(lines[most-1], w-1) + "…"
		}
	}
	return lines
}
