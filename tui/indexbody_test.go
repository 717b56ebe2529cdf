package tui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/store"
)

// TestIndexBody checks that the index is built from Options.IndexBody
// when it is set, and not from Body.
func TestIndexBody(t *testing.T) {
	ctx := context.Background()
	src := []load.Source{{Location: "testdata/articles"}}
	l := &load.Loader{DropBodies: true}
	heads, errs := l.LoadAll(ctx, src)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "gazette.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const word = "officials"
	q, _ := query.Parse(word)
	want := 0
	for _, a := range heads {
		if full, err := l.BodyText(ctx, a); err == nil && q.Match(full) {
			want++
		}
	}
	opt := Options{
		Sources: src,
		Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
		Opener:  "gazette-test-no-such-opener",
		Store:   st,
		Body: func(context.Context, *feed.Article) (*feed.Article, error) {
			return nil, errors.New("not for the index")
		},
		IndexBody: l.BodyText,
	}
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
