package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/gazette-news/gazette/feed"
)

// A summary-only article is marked in the list and says at its end that
// f fetches the rest; once f brought the page, the hint goes.
func TestSummaryOnlyHint(t *testing.T) {
	whole := *reference(t)
	part := whole
	part.ID, part.Title, part.Partial = "partial", "Only a summary here", true
	part.Link = "https://example.org/partial"
	d := newDriver(t, 80, 24, []*feed.Article{&whole, &part}, nil)
	d.m.opt.FullPage = func(_ context.Context, a *feed.Article) (*feed.Article, error) {
		full := *a
		full.Partial = false
		return &full, nil
	}
	rows := map[string]string{}
	for _, l := range strings.Split(d.screen(), "\n") {
		for _, a := range []*feed.Article{&whole, &part} {
			if strings.Contains(l, a.Title) {
				rows[a.ID] = l
			}
		}
	}
	if !strings.Contains(rows["partial"], "Only a summary here ⋯") {
		t.Errorf("the summary row is not marked: %q", rows["partial"])
	}
	if strings.Contains(rows[whole.ID], "⋯") {
		t.Errorf("a whole article is marked: %q", rows[whole.ID])
	}

	for d.m.list.visible[d.m.list.scroll.cursor].a.ID != "partial" {
		d.keys("j")
	}
	d.keys("enter", "G")
	if sc := d.screen(); !strings.Contains(sc, summaryHint) {
		t.Fatalf("no summary hint at the end:\n%s", sc)
	}
	d.keys("f", "G")
	if sc := d.screen(); strings.Contains(sc, "summary only") {
		t.Errorf("the hint stays after f:\n%s", sc)
	}
	d.keys("p", "G")
	if sc := d.screen(); strings.Contains(sc, "summary only") {
		t.Errorf("a whole article has the hint:\n%s", sc)
	}
}
