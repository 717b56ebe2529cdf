package tui

import (
	"context"
	"fmt"
	"regexp"
	"runtime/metrics"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/internal/search"
)

// TestIndexInBackground checks the reader's index: the status line says
// "indexing N%" while it is built, a body word finds only what is
// indexed meanwhile, and the filter runs again when the index is done,
// finding the word in every body that holds it.
func TestIndexInBackground(t *testing.T) {
	ctx := context.Background()
	f := loadArticles(t)
	l, heads := f.l, f.heads

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

	d := &driver{t: t, m: newModel(ctx, f.options())}
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

// TestHighlightGolden compares screens whose highlighted words are shown
// between ⟨ and ⟩, with the golden files in testdata/TestHighlightGolden.
func TestHighlightGolden(t *testing.T) {
	arts := testArticles(t)
	steps := []struct {
		name string
		do   func(d *driver)
	}{
		{"list", func(d *driver) {
			d.keys("/")
			d.typeText(`russia OR "air defence" chin*`)
			d.keys("enter")
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, s := range steps {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				d := newDriver(t, size[0], size[1], arts, nil)
				s.do(d)
				// Underlining comes a character at a time: join the runs.
				golden.RequireEqual(t, strings.ReplaceAll(plainScreen(markUnderline(d.m.View().Content)), "⟩⟨", ""))
			})
		}
	}
}

// sgr matches one SGR escape sequence.
var sgr = regexp.MustCompile("\x1b\\[([0-9;:]*)m")

// markUnderline puts ⟨ where underlining starts and ⟩ where it ends, so
// that a screen stripped of its escapes still shows the highlights.
func markUnderline(s string) string {
	on := false
	return sgr.ReplaceAllStringFunc(s, func(seq string) string {
		params := strings.Split(sgr.FindStringSubmatch(seq)[1], ";")
		now := on
		for i := 0; i < len(params); i++ {
			switch params[i] {
			case "", "0", "24":
				now = false
			case "4":
				now = true
			case "38", "48", "58":
				// A colour: its own numbers follow.
				if i+1 < len(params) && params[i+1] == "2" {
					i += 4
				} else {
					i += 2
				}
			}
		}
		mark := ""
		switch {
		case now && !on:
			mark = "⟨"
		case !now && on:
			mark = "⟩"
		}
		on = now
		return mark + seq
	})
}

// TestHighlightLines checks the underlining of matches in rendered
// lines: the text stays the same once escapes are stripped, matches are
// between underline on and off, and a style reset inside a match does
// not end its underline.
func TestHighlightLines(t *testing.T) {
	q, err := query.Parse(`gas "coal deal"`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in, want string
	}{
		{"no match here", "no match here"},
		{"gas and Vegas", "\x1b[4mgas\x1b[24m and Vegas"},
		{"\x1b[1mGAS\x1b[m prices", "\x1b[1m\x1b[4mGAS\x1b[24m\x1b[m prices"},
		{"a coal \x1b[0mdeal", "a \x1b[4mcoal \x1b[0m\x1b[4mdeal\x1b[24m"},
		{"\x1b]8;;https://gas.example\x07link\x1b]8;;\x07 gas", "\x1b]8;;https://gas.example\x07link\x1b]8;;\x07 \x1b[4mgas\x1b[24m"},
	}
	var lines []string
	for _, tt := range tests {
		lines = append(lines, tt.in)
	}
	out, at := highlightLines(q, lines)
	for i, tt := range tests {
		if out[i] != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, out[i], tt.want)
		}
		if ansi.Strip(out[i]) != ansi.Strip(tt.in) {
			t.Errorf("%q: text changed to %q", tt.in, ansi.Strip(out[i]))
		}
	}
	if want := []int{1, 2, 3, 4}; !slices.Equal(at, want) {
		t.Errorf("lines with matches %v, want %v", at, want)
	}
}

// TestReaderMatches checks that the open article highlights the filter's
// words, and that ] and [ move between the lines that hold them.
func TestReaderMatches(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			d := newDriver(t, size[0], size[1], testArticles(t), nil)
			d.keys("/")
			d.typeText("russia OR russian")
			d.keys("enter", "enter")
			r := &d.m.reader
			at := r.matchAt
			if len(at) < 3 {
				t.Fatalf("matches on lines %v, want three or more", at)
			}
			golden.RequireEqual(t, strings.ReplaceAll(plainScreen(markUnderline(d.m.View().Content)), "⟩⟨", ""))
			bottom := max(0, len(r.lines)-r.vp.Height())
			d.keys("]")
			first := slices.IndexFunc(at, func(l int) bool { return l > 0 })
			if got, want := r.vp.YOffset(), min(at[first], bottom); got != want {
				t.Errorf("] went to line %d, want %d", got, want)
			}
			d.keys("g", "]", "]", "[")
			if got, want := r.vp.YOffset(), min(at[first], bottom); got != want {
				t.Errorf("g ] ] [ went to line %d, want %d", got, want)
			}
		})
	}
}

// TestCollectsOnceReadied checks that readying the index for the first
// word typed ends with a collection of the garbage the load and the
// readying left, forced there rather than left to come with the keys.
func TestCollectsOnceReadied(t *testing.T) {
	forced := func() uint64 {
		s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
		metrics.Read(s)
		return s[0].Value.Uint64()
	}
	ctx := context.Background()
	f := loadArticles(t)
	d := &driver{t: t, m: newModel(ctx, f.options())}
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	next, build := d.m.Update(loadBatchMsg{arts: f.heads, done: true})
	d.m = next.(model)
	before := forced()
	d.run(build)
	if forced() == before {
		t.Error("the index was readied and built with no collection forced")
	}
}

// The collector is held, when the program asks to, while the reader
// readies its search after a load: from before the titles are folded
// until they are, and released before the first word typed is let
// through; once, whatever the build does next.
func TestHoldCollectorWhileReadying(t *testing.T) {
	ctx := context.Background()
	f := loadArticles(t)
	opt := f.options()
	var holds, releases atomic.Int32
	var foldedAtHold, foldedAtRelease, readyAtRelease atomic.Bool
	// What the build shares with the model, once the load is done.
	var (
		folded *atomic.Pointer[foldedList]
		ready  chan struct{}
	)
	opt.HoldCollector = func() func() {
		holds.Add(1)
		foldedAtHold.Store(folded.Load() != nil)
		return func() {
			releases.Add(1)
			foldedAtRelease.Store(folded.Load() != nil)
			select {
			case <-ready:
				readyAtRelease.Store(true)
			default:
			}
		}
	}
	d := &driver{t: t, m: newModel(ctx, opt)}
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	next, build := d.m.Update(loadBatchMsg{arts: f.heads, done: true})
	d.m = next.(model)
	folded, ready = d.m.index.folded, d.m.index.ready
	if holds.Load() != 0 {
		t.Fatal("the collector was held before the build ran")
	}
	d.run(build)
	if holds.Load() != 1 || releases.Load() != 1 {
		t.Fatalf("held %d times, released %d, want once each", holds.Load(), releases.Load())
	}
	if foldedAtHold.Load() {
		t.Error("the collector was held after the titles were folded")
	}
	if !foldedAtRelease.Load() {
		t.Error("the collector was released before the titles were folded")
	}
	if readyAtRelease.Load() {
		t.Error("the search was ready before the collector was released")
	}
}
