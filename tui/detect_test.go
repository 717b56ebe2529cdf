package tui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/feed/query"
)

// loadBothWays loads src with every country detected (eager), and with
// detection put off (lazy, by lazyLoader), as the reader's first launch
// loads; put counts the articles whose detection was put off, at least
// one.
func loadBothWays(t *testing.T, src []load.Source) (eager, lazy []*feed.Article, lazyLoader *load.Loader, put int) {
	t.Helper()
	ctx := context.Background()
	eager, errs := (&load.Loader{DropBodies: true}).LoadAll(ctx, src)
	lazyLoader = &load.Loader{DropBodies: true, LazyDetect: true}
	lazy, lazyErrs := lazyLoader.LoadAll(ctx, src)
	if len(errs) > 0 || len(lazyErrs) > 0 || len(eager) != len(lazy) {
		t.Fatalf("%d and %d articles, errors %v %v", len(eager), len(lazy), errs, lazyErrs)
	}
	for _, a := range lazy {
		if a.Undetected {
			put++
		}
	}
	if put == 0 {
		t.Fatal("no article had its detection put off")
	}
	return eager, lazy, lazyLoader, put
}

// A list loaded with detection put off shows, once the background
// detection is done, what a list loaded with every country detected
// shows: the same rows and badges, and the same detected tags to filter
// by.
func TestLateDetection(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	files := map[string]string{
		"a.txt": "Tokyo and Paris agree on a satellite launch\n\nJapan | 10 January 2022 | Wire\n\n" +
			strings.Repeat("France and Germany joined the talks in Paris. French officials met German ones in Berlin.\n\n", 4),
		"b.txt": "Grain deal talks resume\n\nTrade | 11 January 2022 | Wire\n\n" +
			strings.Repeat("Ukraine and Turkey met in Istanbul to discuss grain exports.\n\n", 3),
		"c.txt": "Chancellor visits India\n\nGermany | 12 January 2022 | Wire\n\n" +
			strings.Repeat("India and Germany signed trade deals in New Delhi; Indian officials welcomed it.\n\n", 3),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := []load.Source{{Location: dir}}
	eager, lazy, lazyLoader, put := loadBothWays(t, src)
	saves := 0
	build := func(arts []*feed.Article, body BodyFunc) *driver {
		opt := Options{
			Sources: src,
			Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
			Opener:  "gazette-test-no-such-opener",
			Body:    body,
		}
		if body != nil {
			opt.SaveDetected = func(bool) error { saves++; return nil }
		}
		d := &driver{t: t, m: newModel(ctx, opt)}
		d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
		d.send(loadBatchMsg{arts: arts, done: true})
		return d
	}
	want := build(eager, lazyLoader.Body)
	got := build(lazy, lazyLoader.Body)
	if g, w := got.screen(), want.screen(); g != w {
		t.Errorf("screen after late detection:\n%s\nwant\n%s", g, w)
	}
	byID := map[string]*entry{}
	for _, e := range want.m.list.all {
		byID[e.a.ID] = e
	}
	q, err := query.Parse("tag:france OR tag:turkey OR tag:india")
	if err != nil {
		t.Fatal(err)
	}
	q.Detected = true
	f := filter{detected: true, query: q}
	// differ counts the entries of d whose detected countries are not
	// those of the same entries of want.
	differ := func(d *driver) (n int) {
		var scratch matchScratch
		names := func(ids []tagID, tt *tagTable) (out []string) {
			for _, id := range ids {
				out = append(out, tt.infos[id].name)
			}
			return out
		}
		for _, e := range d.m.list.all {
			w := byID[e.a.ID]
			if w == nil {
				t.Fatalf("%s: missing", e.a.Location)
			}
			same := slices.Equal(names(e.detectedIDs(), d.m.list.tags), names(w.detectedIDs(), want.m.list.tags)) &&
				f.matchQuery(e, &scratch) == f.matchQuery(w, &scratch)
			for _, name := range []string{"France", "Germany", "India", "Ukraine", "Turkey"} {
				gid, gok := d.m.list.tags.byName[name]
				wid, wok := want.m.list.tags.byName[name]
				same = same && gok == wok && (!gok || e.hasTag(gid, true) == w.hasTag(wid, true))
			}
			if !same {
				n++
			}
		}
		return n
	}
	if n := differ(got); n > 0 {
		t.Errorf("%d entries differ after late detection", n)
	}
	if differ(build(lazy, nil)) == 0 {
		t.Error("nothing differs without detection: the test proves nothing")
	}
	late := 0
	for _, e := range got.m.list.all {
		if e.late.Load() != nil {
			late++
		}
	}
	// Only the lazy list had anything to detect, and so to save.
	if saves != 1 {
		t.Errorf("the detections were saved %d times, want once", saves)
	}
	if late != put {
		t.Errorf("%d entries detected late, want %d", late, put)
	}
}

// TestSaveDetectedPaced checks when detections are saved: once enough
// wait while the detection runs, and at its end, told it is the end, even
// with none waiting; never two saves at once, the one asked for
// meanwhile running after, as final as it was asked.
func TestSaveDetectedPaced(t *testing.T) {
	var saves []bool
	l := listModel{common: &common{opt: Options{SaveDetected: func(final bool) error { saves = append(saves, final); return nil }}}, saves: detectSaves{every: 3}}
	run := func(cmd tea.Cmd) {
		t.Helper()
		if cmd == nil {
			t.Fatal("no save")
		}
		if _, ok := cmd().(detectedSavedMsg); !ok {
			t.Fatal("a save does not say it ended")
		}
	}
	l.saves.waiting = 2
	if l.saveDetected(false) != nil {
		t.Error("saved with fewer than every waiting")
	}
	l.saves.waiting = 3
	first := l.saveDetected(false)
	l.saves.waiting = 5
	if l.saveDetected(false) != nil || l.saveDetected(true) != nil {
		t.Error("a second save began while the first ran")
	}
	run(first)
	again := l.savedDetected()
	run(again)
	if l.savedDetected() != nil {
		t.Error("saved again with nothing asked")
	}
	if l.saveDetected(false) != nil {
		t.Error("saved with nothing waiting")
	}
	run(l.saveDetected(true))
	if want := []bool{false, true, true}; !slices.Equal(saves, want) {
		t.Errorf("saves told final %v, want %v", saves, want)
	}
}
