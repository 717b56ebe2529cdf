package tui

import (
	"strings"
	"testing"
)

func TestProgressLine(t *testing.T) {
	var p Progress
	if got := p.Line(); got != "" {
		t.Errorf("idle: %q", got)
	}
	p.Fetch("https://one.example/feed.xml", 0, -1)
	if got := p.Line(); got != "↓ one.example 0 bytes" {
		t.Errorf("waiting for headers: %q", got)
	}
	p.Fetch("https://one.example/feed.xml", 120<<10, 1258291)
	p.Fetch("https://two.example/x\x1b]0;t\x07", 5, -1)
	if got := p.Line(); got != "↓ one.example 120 KiB of 1.2 MiB, +1 more" {
		t.Errorf("two downloads: %q", got)
	}
	p.Fetch("https://one.example/feed.xml", 1258291, 1258291)
	if got := p.Line(); strings.ContainsAny(got, "\x1b\x07") || !strings.HasPrefix(got, "↓ two.example") {
		t.Errorf("after the first ended: %q", got)
	}
	p.Done("https://two.example/x\x1b]0;t\x07")
	if got := p.Line(); got != "" {
		t.Errorf("all done: %q", got)
	}
	var nilp *Progress
	if nilp.Line() != "" {
		t.Error("a nil Progress has a line")
	}
}

// While loading, the status line shows the download under way.
func TestStatusShowsDownloads(t *testing.T) {
	d := newDriver(t, 100, 20, nil, nil)
	d.m.list.loading = true
	d.m.opt.Progress = &Progress{}
	d.m.opt.Progress.Fetch("https://wire.example/world.rss", 40<<10, 80<<10)
	d.send(loadBatchMsg{arts: testArticles(t)[:2]})
	if st := statusLine(d.screen()); !strings.Contains(st, "↓ wire.example 40 KiB of 80 KiB") || !strings.Contains(st, "loading… 2") {
		t.Errorf("status line %q", st)
	}
	d.send(loadBatchMsg{done: true})
	if st := statusLine(d.screen()); strings.Contains(st, "wire.example") {
		t.Errorf("downloads still shown after loading: %q", st)
	}
}
