package tui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/humanize"
)

// TestIndexBody checks that the index is built from Options.IndexBody
// when it is set, and not from Body.
func TestIndexBody(t *testing.T) {
	ctx := context.Background()
	f := loadArticles(t)
	l, heads := f.l, f.heads
	const word = "officials"
	q, _ := query.Parse(word)
	want := 0
	for _, a := range heads {
		if full, err := l.BodyText(ctx, a); err == nil && q.Match(full) {
			want++
		}
	}
	opt := f.options()
	opt.Body = func(context.Context, *feed.Article) (*feed.Article, error) {
		return nil, errors.New("not for the index")
	}
	opt.IndexBody = l.BodyText
	d := &driver{t: t, m: newModel(ctx, opt)}
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	next, build := d.m.Update(loadBatchMsg{arts: heads, done: true})
	d.m = next.(model)
	d.run(build)
	d.keys("/")
	d.typeText(word)
	if s, count := d.screen(), humanize.Thousands(want)+"/"+humanize.Thousands(len(heads)); !strings.Contains(s, count) {
		t.Errorf("an index built from IndexBody should count %s for %q:\n%s", count, word, s)
	}
}
