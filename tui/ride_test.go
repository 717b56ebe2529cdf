package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/store"
)

// TestDetectionRidesIndex loads a directory with detection put off, as a
// first launch does, and builds the index: each file is read again once,
// for the index and its countries together, not once for each; every
// entry put off gets the countries an eager load finds, and they are
// saved once, when the build is done; the index answers body words.
func TestDetectionRidesIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	places := []string{"France and Germany met in Paris", "Ukraine and Turkey met in Istanbul", "India and Japan met in Tokyo"}
	for i := range 30 {
		text := fmt.Sprintf("Talks %d\n\nTrade | %d January 2022 | Wire\n\n%s to discuss grain pipelines.\n", i, i%28+1, places[i%len(places)])
		if i%2 == 0 {
			// A declared country: its detected ones are put off.
			text = strings.Replace(text, "Trade |", "Japan |", 1)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d.txt", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := []load.Source{{Location: dir}}
	eager, lazy, lazyLoader, put := loadBothWays(t, src)
	st, err := store.Open(filepath.Join(t.TempDir(), "gazette.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var mu sync.Mutex
	reads := map[string]int{}
	counted := func(body BodyFunc) BodyFunc {
		return func(ctx context.Context, a *feed.Article) (*feed.Article, error) {
			mu.Lock()
			reads[a.Location]++
			mu.Unlock()
			return body(ctx, a)
		}
	}
	saves := 0
	opt := Options{
		Sources:      src,
		Getenv:       testEnv(map[string]string{"TERM": "xterm-256color"}),
		Opener:       "gazette-test-no-such-opener",
		Store:        st,
		Body:         counted(lazyLoader.Body),
		IndexBody:    counted(lazyLoader.BodyText),
		SaveDetected: func(bool) error { saves++; return nil },
	}
	d := &driver{t: t, m: newModel(ctx, opt)}
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	next, build := d.m.Update(loadBatchMsg{arts: lazy, done: true})
	d.m = next.(model)
	d.run(build)

	for _, a := range lazy {
		if n := reads[a.Location]; n != 1 {
			t.Errorf("%s read again %d times, want once", filepath.Base(a.Location), n)
		}
	}
	want := map[string][]string{}
	for _, a := range eager {
		for _, m := range a.Mentions {
			want[a.ID] = append(want[a.ID], m.Name)
		}
	}
	late := 0
	for _, e := range d.m.list.all {
		if !e.a.Undetected {
			continue
		}
		l := e.late.Load()
		if l == nil {
			t.Errorf("%s: no countries detected", filepath.Base(e.a.Location))
			continue
		}
		late++
		var got []string
		for _, m := range l.appendMentions(nil) {
			got = append(got, m.Name)
		}
		if !slices.Equal(got, want[e.a.ID]) {
			t.Errorf("%s: detected %v, want %v", filepath.Base(e.a.Location), got, want[e.a.ID])
		}
	}
	if late != put {
		t.Errorf("%d entries detected, want %d", late, put)
	}
	if saves != 1 {
		t.Errorf("the detections were saved %d times, want once", saves)
	}
	d.keys("/")
	d.typeText("pipelines")
	if s, count := d.screen(), humanize.Thousands(len(lazy))+"/"+humanize.Thousands(len(lazy)); !strings.Contains(s, count) {
		t.Errorf("the index should count %s for a word of every body:\n%s", count, s)
	}
}
