package tui

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/safeout"
	"github.com/gazette-news/gazette/store"
)

// isShown reports whether s says the rows are on the screen.
func isShown(s *shownSignal) bool {
	select {
	case <-s.shown():
		return true
	default:
		return false
	}
}

// The rows are shown by the first write of text after a frame of them
// was drawn: not by the writes before, nor by one of sequences alone,
// and a nil signal is never waited for.
func TestShownSignal(t *testing.T) {
	s := newShownSignal()
	var out io.Writer = signalWriter{io.Discard, s}
	out.Write([]byte("loading"))
	if isShown(s) {
		t.Fatal("shown by a write before the rows were drawn")
	}
	select {
	case <-s.drawn():
		t.Fatal("drawn before the rows were drawn")
	default:
	}
	s.drew()
	select {
	case <-s.drawn():
	default:
		t.Fatal("not drawn once the rows were drawn")
	}
	if isShown(s) {
		t.Fatal("shown before the frame of the rows was written")
	}
	out.Write([]byte("\x1b[?2026$p\x1b]11;?\x07 \r\n"))
	if isShown(s) {
		t.Fatal("shown by a write of sequences alone")
	}
	out.Write([]byte("\x1b[1;1H\x1b[1mrows\x1b[m"))
	if !isShown(s) {
		t.Fatal("not shown after the frame of the rows was written")
	}
	out.Write([]byte("more"))
	s.drew()

	var none *shownSignal
	none.drew()
	if none.shown() != nil {
		t.Error("a nil signal gives a channel to wait on")
	}
}

// Under the filter, a terminal is still a terminal: Bubble Tea finds its
// file descriptor, and its writes are heard.
func TestSignalFileKeepsTheTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s := newShownSignal()
	term := safeout.NewTerminal(newSignalFile(w, s), safeout.TUI)
	if term.Fd() != w.Fd() {
		t.Errorf("Fd %d, want the terminal's %d", term.Fd(), w.Fd())
	}
	s.drew()
	if _, err := term.Write([]byte("rows\n")); err != nil {
		t.Fatal(err)
	}
	if !isShown(s) {
		t.Error("a write through the filter was not heard")
	}
	if err := term.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	if string(got) != "rows\n" {
		t.Errorf("the terminal got %q", got)
	}
}

// The model says the rows are drawn in the first frame drawn after the
// load's first batch, at the terminal's size: not before.
func TestViewSaysTheRowsAreDrawn(t *testing.T) {
	s := newShownSignal()
	m := newModel(context.Background(), Options{Getenv: testEnv(nil), Output: io.Discard})
	m.shown = s
	out := signalWriter{io.Discard, s}
	step := func(msg tea.Msg) {
		next, _ := m.Update(msg)
		m = next.(model)
		out.Write([]byte(m.View().Content))
	}
	step(loadBatchMsg{arts: []*feed.Article{{ID: "0123456789abcdef", Title: "First row"}}})
	if isShown(s) {
		t.Fatal("shown before the terminal's size was known")
	}
	step(tea.WindowSizeMsg{Width: 100, Height: 30})
	if !isShown(s) {
		t.Fatal("not shown once the rows were drawn at the terminal's size")
	}

	s = newShownSignal()
	m = newModel(context.Background(), Options{Getenv: testEnv(nil), Output: io.Discard})
	m.shown = s
	out = signalWriter{io.Discard, s}
	step(tea.WindowSizeMsg{Width: 100, Height: 30})
	if isShown(s) {
		t.Fatal("shown before the load's first batch")
	}
}

// The states wait for the first rows to show, and read the store then;
// a cancelled context ends the wait.
func TestStatesWaitForTheRows(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	if err := st.Mark(ctx, store.OpRead, "read-key"); err != nil {
		t.Fatal(err)
	}
	shown := make(chan struct{})
	got := make(chan tea.Msg, 1)
	go func() { got <- loadStates(ctx, st, shown)() }()
	select {
	case msg := <-got:
		t.Fatalf("the states came before the rows showed: %+v", msg)
	case <-time.After(statesWait / 2):
	}
	close(shown)
	select {
	case msg := <-got:
		sm, ok := msg.(statesMsg)
		if !ok || sm.err != nil || !sm.states["read-key"].Read {
			t.Fatalf("got %+v, want the stored read mark", msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the states never came")
	}

	// A frame never written: the states come all the same.
	go func() { got <- loadStates(ctx, st, make(chan struct{}))() }()
	select {
	case msg := <-got:
		if sm, ok := msg.(statesMsg); !ok || !sm.states["read-key"].Read {
			t.Fatalf("got %+v, want the stored read mark", msg)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the states never came without the rows")
	}

	cctx, cancel := context.WithCancel(ctx)
	go func() { got <- loadStates(cctx, st, make(chan struct{}))() }()
	cancel()
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("a cancelled wait never ended")
	}
}
