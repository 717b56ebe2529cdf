package tui

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
)

// The pipe hands the terminal to the command with the article on its
// stdin, comes back to the reader, and says how the command ended; the
// article never reaches the command line.
func TestPipe(t *testing.T) {
	dir := t.TempDir()
	pwned := filepath.Join(dir, "pwned")
	out := filepath.Join(dir, "out")
	arts := testArticles(t)
	a := *arts[0]
	a.Title = "$(touch " + pwned + "); `touch " + pwned + "`"
	d := newDriver(t, 100, 30, []*feed.Article{&a}, nil)
	d.keys("enter", "|")
	line := "wc -l > '" + out + "'; echo done"
	d.typeText(line)
	d.keys("enter")
	if !d.at(screenReader, overlayNone) {
		t.Fatalf("at %s, want the article back:\n%s", d.where(), d.screen())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("the command did not run: %v", err)
	}
	lines := strings.Count(a.Markdown(feed.MarkdownOptions{}), "\n")
	if strings.TrimSpace(string(got)) != strconv.Itoa(lines) {
		t.Errorf("wc -l counted %q, want the article's %d lines", got, lines)
	}
	if !strings.Contains(d.screen(), "| "+line+" · done") {
		t.Errorf("no done notice:\n%s", d.screen())
	}
	if _, err := os.Stat(pwned); err == nil {
		t.Fatal("a shell ran feed data")
	}

	// A command that fails shows its exit status.
	d.keys("|")
	d.typeText("exit 3")
	d.keys("enter")
	if sc := d.screen(); !strings.Contains(sc, "| exit 3 · exit status 3") {
		t.Errorf("no exit status:\n%s", sc)
	}
}

// The prompt opens empty, offering the last command as its placeholder
// and through ↑, so that a new command is never appended to the old one.
func TestPipePromptHistory(t *testing.T) {
	d := newDriver(t, 100, 30, testArticles(t), nil)
	d.keys("enter")
	for _, c := range []string{"true", "wc -w"} {
		d.keys("|")
		d.typeText(c)
		d.keys("enter")
	}
	d.keys("|")
	if v := d.m.reader.prompt.Value(); v != "" {
		t.Errorf("the prompt opens with %q", v)
	}
	if sc := d.screen(); !strings.Contains(sc, "↑ wc -w") {
		t.Errorf("the last command is not offered:\n%s", sc)
	}
	steps := []struct{ key, want string }{
		{"up", "wc -w"}, {"up", "true"}, {"up", "true"}, {"down", "wc -w"}, {"down", ""},
	}
	for _, s := range steps {
		d.keys(s.key)
		if v := d.m.reader.prompt.Value(); v != s.want {
			t.Errorf("after %s the prompt holds %q, want %q", s.key, v, s.want)
		}
	}
	d.keys("up")
	d.typeText(" -l")
	if v := d.m.reader.prompt.Value(); v != "wc -w -l" {
		t.Errorf("editing the recalled command gives %q", v)
	}
}

// A pipe command still running when the reader leaves is stopped.
func TestPipeStoppedOnLeave(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	d := newDriver(t, 100, 30, testArticles(t), nil)
	d.m.ctx = ctx
	d.keys("enter")
	var got tea.Cmd
	d.m.exec = func(c tea.ExecCommand, fn tea.ExecCallback) tea.Cmd {
		got = func() tea.Msg { return fn(c.Run()) }
		return nil
	}
	d.keys("|")
	d.typeText("sleep 60")
	d.keys("enter")
	if got == nil {
		t.Fatal("no command to run")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- got() }()
	cancel()
	select {
	case msg := <-done:
		d.send(msg)
	case <-time.After(20 * time.Second):
		t.Fatal("sleep 60 still runs after the reader left")
	}
	if sc := d.screen(); !strings.Contains(sc, "| sleep 60 · stopped") {
		t.Errorf("no stopped notice:\n%s", sc)
	}
}
