package tui

import (
	"context"
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

// TestWaitingLine names the sources still waiting by host, three at most.
func TestWaitingLine(t *testing.T) {
	tests := []struct {
		name string
		locs []string
		want string
	}{
		{"none", nil, ""},
		{"one", []string{"https://example.org/feed.xml"}, "1 source waiting: example.org"},
		{"same host", []string{"https://example.org/a", "https://example.org/b"}, "2 sources waiting: example.org"},
		{"many", []string{"https://a.example/", "https://b.example/", "https://c.example/", "https://d.example/"},
			"4 sources waiting: a.example, b.example, c.example, …"},
		{"hostile", []string{"https://x.example/\x1b]0;pwned\a"}, "1 source waiting: x.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Progress
			p.Waiting(tt.locs)
			if got := p.WaitingLine(); got != tt.want {
				t.Errorf("WaitingLine() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestWaitingStatusLine shows the sources still waiting on the list's
// status line while it loads, and nothing of them once it has loaded.
func TestWaitingStatusLine(t *testing.T) {
	d := newDriver(t, 120, 20, nil, nil)
	d.m.list.loading = true
	next, _ := d.m.Update(progressMsg{waiting: "8 sources waiting: 127.0.0.1:5000"})
	d.m = next.(model)
	if st := statusLine(d.screen()); !strings.Contains(st, "8 sources waiting: 127.0.0.1:5000") {
		t.Errorf("while loading, status line %q", st)
	}
	d.m.list.loading = false
	if st := statusLine(d.screen()); strings.Contains(st, "waiting") {
		t.Errorf("after loading, status line %q", st)
	}
}

// A download that starts before the reader watches its progress is not
// lost: the first watch finds the change waiting, and sends its line.
func TestProgressBeforeWatch(t *testing.T) {
	var p Progress
	p.Fetch("https://example.com/feed.xml", 10, 100)
	msg, ok := watchProgress(context.Background(), &p)().(progressMsg)
	if !ok || !strings.Contains(msg.line, "example.com") {
		t.Fatalf("the first watch sent %+v, want the download begun before it", msg)
	}
}
