package tui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/store"
)

// TestIndexInBackground checks the reader's index: the status line says
// "indexing N%" while it is built, a body word finds only what is
// indexed meanwhile, and the filter runs again when the index is done,
// finding the word in every body that holds it.
func TestIndexInBackground(t *testing.T) {
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
	want, before := 0, 0
	for _, a := range heads {
		full, err := l.Body(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if q.Match(full) {
			want++
		}
		if q.Match(a) {
			before++
		}
	}
	if want <= before {
		t.Fatalf("%q should be in more bodies (%d) than titles (%d)", word, want, before)
	}

	opt := Options{
		Sources: src,
		Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
		Opener:  "gazette-test-no-such-opener",
		Store:   st,
		Body:    l.Body,
	}
	d := &driver{t: t, m: newModel(ctx, opt)}
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	next, build := d.m.Update(loadBatchMsg{arts: heads, done: true})
	d.m = next.(model)
	if s := d.screen(); !strings.Contains(s, "indexing 0%") {
		t.Errorf("no \"indexing 0%%\" while the index is built:\n%s", s)
	}
	next, _ = d.m.Update(indexMsg{p: searchProgress(41, 100), ch: make(chan indexMsg)})
	d.m = next.(model)
	if s := d.screen(); !strings.Contains(s, "indexing 41%") {
		t.Errorf("no \"indexing 41%%\" at 41 of 100:\n%s", s)
	}

	count := func(n int) string {
		return humanize.Thousands(n) + "/" + humanize.Thousands(len(heads))
	}
	d.keys("/")
	d.typeText(word)
	if s := d.screen(); !strings.Contains(s, count(before)) {
		t.Errorf("before the index, %q should count %s:\n%s", word, count(before), s)
	}
	d.run(build)
	s := d.screen()
	if !strings.Contains(s, count(want)) {
		t.Errorf("after the index, %q should count %s:\n%s", word, count(want), s)
	}
	if strings.Contains(s, "indexing") {
		t.Errorf("still indexing once done:\n%s", s)
	}
}

// searchProgress is a Progress of done of total.
func searchProgress(done, total int) search.Progress {
	return search.Progress{Done: done, Total: total}
}
