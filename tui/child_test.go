package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/internal/render"
)

func TestScroller(t *testing.T) {
	tests := []struct {
		name                  string
		in                    scroller
		n, height, margin     int
		wantCursor, wantStart int
	}{
		{"empty", scroller{cursor: 5, offset: 3}, 0, 10, 2, 0, 0},
		{"cursor above", scroller{cursor: -4}, 50, 10, 2, 0, 0},
		{"cursor below", scroller{cursor: 80}, 50, 10, 2, 49, 40},
		{"down past the margin", scroller{cursor: 8}, 50, 10, 2, 8, 1},
		{"down without margin", scroller{cursor: 10}, 50, 10, 0, 10, 1},
		{"up past the margin", scroller{cursor: 11, offset: 10}, 50, 10, 2, 11, 9},
		{"margin on a short window", scroller{cursor: 2}, 50, 3, 2, 2, 1},
		{"fewer rows than the window", scroller{cursor: 3, offset: 2}, 4, 10, 2, 3, 0},
		{"zero height", scroller{cursor: 3}, 10, 0, 2, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.in.clamp(tt.n, tt.height, tt.margin)
			if s.cursor != tt.wantCursor || s.offset != tt.wantStart {
				t.Errorf("clamp = %+v, want cursor %d offset %d", s, tt.wantCursor, tt.wantStart)
			}
			if tt.n > 0 {
				start, end := s.window(tt.n, max(tt.height, 1))
				if s.cursor < start || s.cursor >= end {
					t.Errorf("cursor %d outside the window [%d, %d)", s.cursor, start, end)
				}
			}
		})
	}
	scrolls := []struct {
		name           string
		offset, d      int
		n, height, out int
	}{
		{"down", 0, 3, 20, 5, 3},
		{"past the end", 14, 3, 20, 5, 15},
		{"past the top", 2, -3, 20, 5, 0},
		{"short text", 0, 3, 4, 5, 0},
	}
	for _, tt := range scrolls {
		t.Run("scroll "+tt.name, func(t *testing.T) {
			if got := (scroller{offset: tt.offset}).scroll(tt.d, tt.n, tt.height).offset; got != tt.out {
				t.Errorf("offset %d, want %d", got, tt.out)
			}
		})
	}
}

// The list is a model of its own: batches, keys and the filter box need
// no root.
func TestListModel(t *testing.T) {
	arts := testArticles(t)
	c := newDriver(t, 80, 24, nil, nil).m.common
	l := newListModel(c)
	l.setStyles()
	l, cmd := l.update(loadBatchMsg{arts: arts[:3]})
	if cmd != nil || !l.loading || len(l.visible) != 3 {
		t.Fatalf("first batch: loading %v, %d visible, cmd %v", l.loading, len(l.visible), cmd != nil)
	}
	l, _ = l.update(loadBatchMsg{arts: arts[3:], done: true})
	if l.loading || len(l.visible) != len(arts) {
		t.Fatalf("last batch: loading %v, %d visible", l.loading, len(l.visible))
	}
	for _, k := range []string{"j", "j", "G", "k"} {
		l, _ = l.update(keyPress(k))
	}
	if want := len(arts) - 2; l.scroll.cursor != want || l.sel != l.visible[want] {
		t.Errorf("cursor %d, want %d", l.scroll.cursor, want)
	}
	l, _ = l.focusFilterBox()
	l, _, done := l.updateFilterBox(keyPress("down"))
	if done {
		t.Error("an arrow closed the filter box")
	}
	if _, _, done = l.updateFilterBox(keyPress("enter")); !done {
		t.Error("enter kept the filter box open")
	}
	if !strings.Contains(plainScreen(l.view(false)), humanize.Thousands(len(arts))+" articles") {
		t.Errorf("status line:\n%s", plainScreen(l.view(false)))
	}
}

// A rendering that arrives while the list is the screen goes to the cache
// alone; once the reader is the screen it shows.
func TestReaderModelTakesRenderings(t *testing.T) {
	d := newDriver(t, 80, 24, testArticles(t), nil)
	r := d.m.reader
	r.visible = d.m.list.visible
	e := r.visible[0]
	r.e = e
	k := renderKey{id: e.a.ID, width: readerWidth(80), style: r.glamourStyle()}
	r.want = k
	res := rendered{Result: render.Result{Lines: []string{"one", "two"}}, article: e.a}
	r.active = false
	r, _ = r.update(renderedMsg{key: k, r: res})
	if r.shown == k || len(r.lines) != 0 {
		t.Error("a rendering went on screen while the list was the screen")
	}
	if _, ok := r.cache.peek(k); !ok {
		t.Error("the rendering was not kept")
	}
	r.active = true
	r.shown = renderKey{}
	if cmd := r.ensureRendered(); r.shown != k || len(r.lines) != 2 {
		t.Errorf("from the cache: shown %+v, %d lines, cmd %v", r.shown, len(r.lines), cmd != nil)
	}
}

// View draws; it keeps nothing. What is kept between frames is drawn
// after Update.
func TestViewWritesNothing(t *testing.T) {
	d := newDriver(t, 100, 30, testArticles(t), nil)
	rows := len(d.m.list.rows)
	if rows == 0 || rows != d.m.list.height()-1 && rows != len(d.m.list.visible)-1 {
		t.Errorf("%d rows kept after Update", rows)
	}
	for e := range d.m.list.rows {
		delete(d.m.list.rows, e)
	}
	first := d.m.View().Content
	if n := len(d.m.list.rows); n != 0 {
		t.Errorf("View kept %d rows", n)
	}
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	if first != d.m.View().Content {
		t.Error("kept rows draw another screen than fresh ones")
	}

	d.keys("enter")
	header, bar := d.m.reader.header, d.m.helpBar
	if header == "" || bar == "" {
		t.Fatal("the reader's header and help bar were not drawn by Update")
	}
	d.m.reader.header, d.m.helpBar = "", ""
	d.m.reader.headerFor = headerKey{}
	_ = d.m.View()
	if d.m.reader.header != "" || d.m.helpBar != "" {
		t.Error("View kept the header or the help bar")
	}
}

// Rows kept for a filter whose words they highlight are the rows View
// draws: while words are highlighted, drawing them again at every frame
// cost a screen of rows per key.
func TestViewDrawsKeptRowsUnderWords(t *testing.T) {
	d := newDriver(t, 100, 30, testArticles(t), nil)
	d.keys("/")
	d.typeText("the")
	d.send(frameUp())
	if len(d.m.index.highlight.Words()) == 0 || len(d.m.list.visible) < 3 {
		t.Fatalf("the filter highlights %q over %d rows", d.m.index.highlight.Words(), len(d.m.list.visible))
	}
	if len(d.m.list.rows) == 0 {
		t.Fatal("no rows kept after Update")
	}
	for e := range d.m.list.rows {
		d.m.list.rows[e] = "kept row"
	}
	if n := strings.Count(d.m.View().Content, "kept row"); n != len(d.m.list.rows) {
		t.Errorf("View drew %d kept rows of %d", n, len(d.m.list.rows))
	}
}

// Downloads reach the status line as messages; the watcher re-arms while
// the list loads and stops after.
func TestProgressMessages(t *testing.T) {
	p := &Progress{}
	cmd := watchProgress(context.Background(), p)
	p.Fetch("https://wire.example/a", 1<<10, 4<<10)
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("no message after a change")
	}
	pm, ok := msg.(progressMsg)
	if !ok || pm.line != "↓ wire.example 1 KiB of 4 KiB" {
		t.Fatalf("got %#v", msg)
	}

	d := newDriver(t, 100, 20, nil, nil)
	d.m.opt.Progress = p
	d.m.list.loading = true
	next, cmd := d.m.Update(pm)
	d.m = next.(model)
	if cmd == nil || d.m.progress != pm.line {
		t.Errorf("while loading: progress %q, re-armed %v", d.m.progress, cmd != nil)
	}
	if st := statusLine(d.screen()); !strings.Contains(st, pm.line) {
		t.Errorf("status line %q", st)
	}
	d.m.list.loading = false
	next, cmd = d.m.Update(pm)
	d.m = next.(model)
	if cmd != nil || d.m.progress != "" {
		t.Errorf("after loading: progress %q, re-armed %v", d.m.progress, cmd != nil)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if msg := watchProgress(ctx, &Progress{})(); msg != nil {
		t.Errorf("a cancelled watcher sent %#v", msg)
	}
	if watchProgress(ctx, nil) != nil {
		t.Error("a watcher for no Progress")
	}
}

// The opener is looked up once, in a command; a link opened before waits
// for it.
func TestOpenerResolvedOnce(t *testing.T) {
	a := &feed.Article{ID: "x", Title: "With a page", Link: "https://example.org/page",
		Body: []feed.Block{{Kind: feed.Paragraph, Text: "Words."}}}
	d := newDriver(t, 80, 24, []*feed.Article{a}, nil)
	if d.m.opener != nil {
		t.Fatal("opener known before it was looked up")
	}
	d.keys("enter", "o")
	if d.m.opener == nil || d.m.opener.path != "" || d.m.opener.name != "gazette-test-no-such-opener" {
		t.Fatalf("opener %+v", d.m.opener)
	}
	if !d.at(screenReader, overlayPanel) || d.m.panel.kind != panelURL {
		t.Fatalf("at %s, panel %s", d.where(), d.m.panel.kind)
	}
	// Known now: the next link is handed to it without a lookup.
	known := d.m.opener
	d.keys("esc")
	next, cmd := d.m.Update(keyPress("o"))
	d.m = next.(model)
	if cmd == nil {
		t.Fatal("no command")
	}
	if msg, ok := cmd().(openedMsg); !ok || !msg.noOpener || d.m.opener != known {
		t.Errorf("second link: %#v, opener looked up again: %v", msg, d.m.opener != known)
	}
}
