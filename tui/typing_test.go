package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed/load"
)

// loop is one turn of Bubble Tea's event loop: the program's filter,
// then Update, then View. It reports whether the message was dropped.
func (d *liveDriver) loop(msg tea.Msg) (quit, dropped bool) {
	msg = d.m.filterInput(msg)
	switch msg.(type) {
	case nil:
		return false, true
	case tea.QuitMsg:
		return true, false
	}
	d.send(msg)
	_ = d.m.View()
	return false, false
}

// drain handles the messages the commands sent, without waiting.
func (d *liveDriver) drain() {
	for {
		select {
		case msg := <-d.msgs:
			d.loop(msg)
		default:
			return
		}
	}
}

func TestPasteBurstThenCtrlC(t *testing.T) {
	opt := Options{Sources: []load.Source{{Location: "testdata/articles"}}}
	d := newLiveDriver(t, opt)
	d.waitFor("the first load", func(m *model) bool { return !m.list.loading })
	d.key("/")

	// 200 KB of text pasted without brackets: one key message a byte.
	paste := strings.Repeat("olympics tag:china ", 200<<10/19+1)[:200<<10]
	start := time.Now()
	gen0 := d.m.list.fltGen
	updates, dropped := 0, 0
	for i, r := range paste {
		if _, drop := d.loop(tea.KeyPressMsg{Code: r, Text: string(r)}); drop {
			dropped++
		} else {
			updates++
		}
		if i%64 == 0 {
			d.drain()
		}
	}
	elapsed := time.Since(start)
	quit, _ := d.loop(keyPress("ctrl+c"))
	if !quit {
		t.Fatal("ctrl+c after the paste did not quit")
	}
	if n := len([]rune(d.m.list.input.Value())); n != maxQuery {
		t.Errorf("the query holds %d characters, want the cap of %d", n, maxQuery)
	}
	if !strings.Contains(d.screen(), "The query is full") {
		t.Errorf("no notice that the query is full:\n%s", d.screen())
	}
	// One filter run per frame at most, however many keys came.
	runs := d.m.list.fltGen - gen0
	if most := int64(elapsed/filterFrame) + 2; runs > most {
		t.Errorf("%d filter runs in %s of typing, over one per frame (%d)", runs, elapsed, most)
	}
	if updates > 2*maxQuery+10 {
		t.Errorf("%d keys reached Update; past the cap they should be dropped", updates)
	}
	t.Logf("200 KB pasted in %s: %d keys updated, %d dropped before Update, %d filter runs", elapsed, updates, dropped, runs)
}

func TestQueryTypedFiltersOncePerFrame(t *testing.T) {
	d := newLiveDriver(t, Options{Sources: []load.Source{{Location: "testdata/articles"}}})
	d.waitFor("the first load", func(m *model) bool { return !m.list.loading })
	d.key("/")
	gen0 := d.m.list.fltGen
	for _, r := range "tag:china" {
		d.loop(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	if got := d.m.list.fltGen - gen0; got != 0 {
		t.Errorf("%d filter runs before the frame", got)
	}
	d.waitFor("the filter", func(m *model) bool { return m.list.fltText == "tag:china" })
	if got := d.m.list.fltGen - gen0; got != 1 {
		t.Errorf("%d filter runs for one burst, want 1", got)
	}
	// esc before the frame: the typed query must not come back.
	d.key("x", "esc")
	d.settle()
	if d.m.list.fltText != "" {
		t.Errorf("the query came back after esc: %q", d.m.list.fltText)
	}
}

func TestFilterDue(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := func(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Millisecond))) }
	for _, c := range []struct {
		first, last, want float64
	}{
		{0, 0, 2},     // one key: the pause after it
		{0, 1.5, 3.5}, // a burst: the pause after its last key
		{0, 6.5, 8},   // keys still coming: the frame
		{0, 30, 8},    // a paste: the frame
		{4, 4.5, 6.5}, // after a run, the next key's own pause
	} {
		if got := filterDue(ms(c.first), ms(c.last)); !got.Equal(ms(c.want)) {
			t.Errorf("first %gms, last %gms: due at %v, want %gms", c.first, c.last, got.Sub(t0), c.want)
		}
	}
}

// The filter runs when the keys pause, before the frame is up, and once
// a frame while they keep coming; the clock is the keys' and the timer's
// own, given to the list, so nothing here waits.
func TestQueryFilteredWhenTheKeysPause(t *testing.T) {
	d := newDriver(t, 100, 30, testArticles(t), nil)
	d.keys("/")
	l := &d.m.list
	t0 := time.Unix(1000, 0)
	at := func(us int) time.Time { return t0.Add(time.Duration(us) * time.Microsecond) }
	typed := func(text string, us int) tea.Cmd {
		f := l.flt
		f.text = text
		return l.queueFilter(f, at(us))
	}
	gen := l.fltGen
	if typed("o", 0) == nil {
		t.Fatal("the first key armed no timer")
	}
	if typed("ol", 400) != nil || typed("oly", 800) != nil {
		t.Error("a key of the burst armed a second timer")
	}
	// The timer comes back before the keys have paused: it waits the
	// rest of the pause, and nothing runs.
	if l.flushFilter(at(2000)) == nil || l.fltGen != gen || !l.fltQueued {
		t.Fatalf("flushed 1.2 ms after the last key: runs %d, queued %v", l.fltGen-gen, l.fltQueued)
	}
	if l.flushFilter(at(2900)) == nil || l.fltGen != gen+1 || l.fltQueued || l.fltNext.text != "oly" {
		t.Fatalf("flushed once the keys paused: runs %d, queued %v, text %q", l.fltGen-gen, l.fltQueued, l.fltNext.text)
	}

	// Keys that keep coming, every half millisecond for 40 ms: a run
	// each frame, for the text typed by then.
	gen = l.fltGen
	text := "oly"
	for us := 10000; us < 50000; us += 500 {
		text += "m"
		typed(text, us)
		if us%1000 == 0 {
			l.flushFilter(at(us))
		}
	}
	if runs := l.fltGen - gen; runs < 4 || runs > 5 {
		t.Errorf("%d runs in 40 ms of keys, want one per 8 ms frame", runs)
	}
	if l.flushFilter(at(52000)); l.fltQueued {
		t.Error("the last keys were not filtered once they paused")
	}
}
