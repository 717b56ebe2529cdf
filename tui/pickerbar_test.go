package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/gazette-news/gazette/feed"
)

// The tag picker draws a bar per tag, scaled to the largest count, with
// the detected share shaded as `gazette tags` shades it.
func TestPickerBars(t *testing.T) {
	arts := testArticles(t)
	a := *arts[0]
	a.Mentions = []feed.Mention{{Name: "Mongolia", Code: "MN", Score: 1}}
	arts[0] = &a
	d := newDriver(t, 100, 30, nil, nil)
	d.m.opt.Detected, d.m.list.flt.detected = true, true
	d.send(loadBatchMsg{arts: arts, done: true})
	d.keys("t")
	if !d.at(screenList, overlayPicker) {
		t.Fatalf("at %s", d.where())
	}
	rows := map[string]string{}
	for _, l := range strings.Split(ansi.Strip(d.m.picker.view()), "\n") {
		for _, name := range []string{"Mongolia", "Russia", "Japan", "Elections"} {
			if strings.Contains(l, " "+name+" ") {
				rows[name] = l
			}
		}
	}
	if !strings.Contains(rows["Russia"], "███") {
		t.Errorf("Russia has no bar: %q", rows["Russia"])
	}
	if !strings.Contains(rows["Mongolia"], "░") || strings.Contains(rows["Mongolia"], "█") {
		t.Errorf("a detected-only tag is not shaded: %q", rows["Mongolia"])
	}
	if strings.Contains(rows["Russia"], "░") {
		t.Errorf("a declared tag is shaded: %q", rows["Russia"])
	}
	for name, row := range rows {
		if w := ansi.StringWidth(row); w != ansi.StringWidth(rows["Russia"]) {
			t.Errorf("%s row is %d cells: %q", name, w, row)
		}
	}

	// A narrow picker leaves the bars out rather than the names.
	d.send(tea.WindowSizeMsg{Width: 40, Height: 20})
	if strings.ContainsAny(ansi.Strip(d.m.picker.view()), "█░") {
		t.Errorf("bars at 40 columns:\n%s", ansi.Strip(d.m.picker.view()))
	}
}
