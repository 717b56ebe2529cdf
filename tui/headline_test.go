package tui

import (
	"strings"
	"testing"

	"github.com/gazette-news/gazette/feed"
)

// A long headline is wrapped in the article's header, never cut, and the
// article below it still fills the screen exactly.
func TestReaderHeaderWrapsTitle(t *testing.T) {
	const title = "UK announces first sanctions on Russian banks after recognition of breakaway regions"
	for _, size := range [][2]int{{80, 24}, {120, 40}, {40, 12}} {
		w, h := size[0], size[1]
		a := *reference(t)
		a.ID, a.Title = "long-title", title
		d := newDriver(t, w, h, []*feed.Article{&a}, nil)
		d.keys("enter")
		sc := d.screen()
		lines := strings.Split(strings.TrimSuffix(sc, "\n"), "\n")
		if len(lines) != h {
			t.Errorf("%dx%d: the screen has %d lines:\n%s", w, h, len(lines), sc)
		}
		var head []string
		for _, l := range lines {
			if strings.Contains(l, "────") {
				break
			}
			head = append(head, strings.TrimSpace(l))
		}
		joined := strings.Join(head, " ")
		if !strings.Contains(joined, title) {
			t.Errorf("%dx%d: the header does not hold the whole title:\n%s", w, h, sc)
		}
		if strings.Contains(joined, "…") {
			t.Errorf("%dx%d: the title is cut:\n%s", w, h, sc)
		}
	}
}

// A title too long for a third of the screen is cut on its last line, so
// that the article keeps its room.
func TestTitleLinesCap(t *testing.T) {
	long := strings.Repeat("word ", 200)
	lines := titleLines(long, 80, 24)
	if len(lines) != 8 || !strings.HasSuffix(lines[7], "…") {
		t.Errorf("got %d lines, last %q", len(lines), lines[len(lines)-1])
	}
	if got := titleLines("", 80, 24); len(got) != 1 || got[0] != "Untitled" {
		t.Errorf("empty title: %q", got)
	}
}

// The list gives the headline priority: at 80 columns it takes more than
// half the row, and the source column appears only where the title keeps
// minTitleWithSource cells.
func TestLayoutHeadlineFirst(t *testing.T) {
	for _, w := range []int{40, 60, 80, 100, 120, 200} {
		lay := layoutFor(w)
		if lay.source > 0 && lay.title < minTitleWithSource {
			t.Errorf("width %d: source shown with a %d-cell title", w, lay.title)
		}
		if w >= 80 && lay.title*2 < w {
			t.Errorf("width %d: title gets %d cells", w, lay.title)
		}
		if w < namedTagsWidth*5 && lay.tags >= namedTagsWidth {
			t.Errorf("width %d: tags by name in a %d-cell column", w, lay.tags)
		}
	}
}
