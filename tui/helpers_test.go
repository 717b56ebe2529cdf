package tui

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
)

// testArticles loads the articles of testdata/articles, newest first.
func testArticles(t testing.TB) []*feed.Article {
	t.Helper()
	l := &load.Loader{}
	arts, errs := l.LoadAll(context.Background(), []load.Source{{Location: "testdata/articles"}})
	if len(errs) > 0 {
		t.Fatalf("load testdata: %v", errs)
	}
	if len(arts) == 0 {
		t.Fatal("no test articles")
	}
	return arts
}

// testEnv is a fixed environment, so that tests do not depend on the
// terminal they run in.
func testEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// driver drives the model the way Bubble Tea does, but synchronously:
// each message goes through Update, and the commands it returns run at
// once, their messages fed back in.
type driver struct {
	t    testing.TB
	m    model
	quit bool
}

// newDriver builds a model of size w×h holding arts, loading finished.
func newDriver(t testing.TB, w, h int, arts []*feed.Article, errs []error) *driver {
	t.Helper()
	d := newSizelessDriver(t)
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.send(loadBatchMsg{arts: arts, errs: errs, done: true})
	return d
}

// newSizelessDriver builds a model that has been told nothing yet, not
// even the terminal's size.
func newSizelessDriver(t testing.TB) *driver {
	opt := Options{
		Sources: []load.Source{{Location: "testdata/articles"}},
		Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
		Opener:  "gazette-test-no-such-opener",
		Output:  io.Discard,
	}
	d := &driver{t: t, m: newModel(context.Background(), opt)}
	d.m.exec = execNow
	return d
}

// send passes msg to Update and runs the commands that come back.
func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	next, cmd := d.m.Update(msg)
	d.m = next.(model)
	d.run(cmd)
}

// run runs a command and feeds its messages back, batches included.
func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	// The wait guards against a hang; it measures nothing. Under the race
	// detector on a busy machine, a filter of 20,000 articles takes tens of
	// seconds.
	select {
	case msg = <-done:
	case <-time.After(time.Minute):
		d.t.Fatal("a command did not return within a minute")
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	case tea.QuitMsg:
		d.quit = true
	default:
		d.send(msg)
	}
}

// execNow runs a program given the terminal at once, as tea.Exec would
// between two messages, with its output discarded.
func execNow(c tea.ExecCommand, fn tea.ExecCallback) tea.Cmd {
	return func() tea.Msg {
		c.SetStdin(strings.NewReader(""))
		c.SetStdout(io.Discard)
		c.SetStderr(io.Discard)
		return fn(c.Run())
	}
}

// keys types each key, named as key.Binding names them ("enter", "j").
func (d *driver) keys(names ...string) {
	d.t.Helper()
	for _, n := range names {
		d.send(keyPress(n))
	}
}

// typeText types text character by character.
func (d *driver) typeText(s string) {
	d.t.Helper()
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// keyPress builds the key press for a key name.
func keyPress(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	r := []rune(name)
	return tea.KeyPressMsg{Code: r[0], Text: name}
}

// screen returns the view as plain text: escape sequences stripped and
// trailing blanks trimmed from each line.
func (d *driver) screen() string {
	return plainScreen(d.m.View().Content)
}

func plainScreen(s string) string {
	lines := strings.Split(ansi.Strip(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// reference is the test article with a metadata line, images and
// footnotes.
func reference(t testing.TB) *feed.Article {
	t.Helper()
	for _, a := range testArticles(t) {
		if strings.HasPrefix(a.Title, "Putin and Xi") {
			return a
		}
	}
	t.Fatal("reference article missing")
	return nil
}

// at reports whether the reader shows screen s under overlay o.
func (d *driver) at(s screen, o overlay) bool {
	return d.m.screen == s && d.m.overlay == o
}

// where names the screen and overlay, for failure messages.
func (d *driver) where() string {
	return d.m.screen.String() + "/" + d.m.overlay.String()
}

// frameUp is the timer of the query being typed as it fires once the
// frame of the keys typed just before is up: their filter runs.
func frameUp() filterFrameMsg { return filterFrameMsg{at: time.Now().Add(filterFrame)} }
