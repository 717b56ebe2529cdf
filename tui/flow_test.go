package tui

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/gazette-news/gazette/feed/load"
)

// screenWatch keeps the latest screen of a running program, as plain
// text. Bubble Tea's renderer writes only what changed, so the output
// stream is no place to look for whole lines; the model's own view is.
type screenWatch struct {
	mu     sync.Mutex
	screen string
}

// filter is a tea.WithFilter hook: it sees the model before each message.
func (w *screenWatch) filter(m tea.Model, msg tea.Msg) tea.Msg {
	s := plainScreen(m.View().Content)
	w.mu.Lock()
	w.screen = s
	w.mu.Unlock()
	return msg
}

// probeMsg makes the program run its filter, so that the watch sees the
// model as the last message left it.
type probeMsg struct{}

// waitFor polls the screen until cond holds, failing after a generous
// timeout; there is no fixed sleep.
func (w *screenWatch) waitFor(t *testing.T, tm *teatest.TestModel, what string, cond func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		tm.Send(probeMsg{})
		time.Sleep(10 * time.Millisecond)
		w.mu.Lock()
		s := w.screen
		w.mu.Unlock()
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s; the screen is:\n%s", what, s)
		}
	}
}

func contains(subs ...string) func(string) bool {
	return func(s string) bool {
		for _, sub := range subs {
			if !strings.Contains(s, sub) {
				return false
			}
		}
		return true
	}
}

func startFlow(t *testing.T) (*teatest.TestModel, *screenWatch) {
	t.Helper()
	w := &screenWatch{}
	opt := Options{
		Sources: []load.Source{{Location: "testdata/articles"}},
		Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
	}
	tm := teatest.NewTestModel(t, newModel(context.Background(), opt),
		teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithFilter(w.filter)),
	)
	return tm, w
}

func press(tm *teatest.TestModel, names ...string) {
	for _, n := range names {
		tm.Send(keyPress(n))
	}
}

// Flow one: filter by the tag Russia, open an article, read its
// footnotes, go back to the filtered list, quit.
func TestFlowTagRussia(t *testing.T) {
	tm, w := startFlow(t)
	// The real program streams the directory in; wait for the count.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("articles")) },
		teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	w.waitFor(t, tm, "the full list", contains(" 9 articles"))

	press(tm, "t")
	w.waitFor(t, tm, "the tag picker", contains("Tags", "[ ]  RU  Russia"))
	// "r" jumps to Russia.
	press(tm, "r", "space", "enter")
	s := w.waitFor(t, tm, "the Russia filter", contains("4/9 articles · Russia"))
	for _, l := range strings.Split(s, "\n")[1:5] {
		if !strings.Contains(l, "RU") {
			t.Errorf("row without Russia: %q", l)
		}
	}

	press(tm, "j", "enter")
	w.waitFor(t, tm, "the article", contains("Winter Olympics open in Beijing", "[Image 1]"))
	press(tm, "G")
	w.waitFor(t, tm, "the footnotes", contains("[1]: https://images.example.org/2022/02/bird-nest-opening-ceremony.jpg (image)", "[2]: https://"))

	press(tm, "esc")
	s = w.waitFor(t, tm, "the list again", contains("4/9 articles · Russia"))
	if !strings.Contains(s, "▌ 04 Feb 2022  Winter Olympics") {
		t.Errorf("the cursor left the article read:\n%s", s)
	}
	press(tm, "q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	fm := tm.FinalModel(t).(model)
	if fm.screen != screenList || len(fm.list.flt.tags) != 1 {
		t.Errorf("final state: screen %s, tags %v", fm.screen, fm.list.flt.tags)
	}
}

// Flow two: the query tag:china -tag:russia.
func TestFlowQuery(t *testing.T) {
	tm, w := startFlow(t)
	w.waitFor(t, tm, "the full list", contains(" 9 articles"))
	press(tm, "/")
	tm.Type("tag:china -tag:russia")
	press(tm, "enter")
	s := w.waitFor(t, tm, "the filtered list", contains(`3/9 articles · "tag:china -tag:russia"`))
	rows := strings.Split(s, "\n")[1:4]
	for _, l := range rows {
		if !strings.Contains(l, "CN") || strings.Contains(l, "RU") {
			t.Errorf("row does not match the query: %q", l)
		}
	}
	if strings.Contains(strings.Split(s, "\n")[4], "20") {
		t.Errorf("a fourth row is listed: %q", strings.Split(s, "\n")[4])
	}
	press(tm, "ctrl+c")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	fm := tm.FinalModel(t).(model)
	if got := fm.list.flt.query.String(); got != "tag:China -tag:Russia" {
		t.Errorf("final query %q", got)
	}
}
