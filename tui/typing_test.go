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
