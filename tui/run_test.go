package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/gazette-news/gazette/feed/load"
)

// syncBuffer is a bytes.Buffer safe for the program's writer and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startRun runs Run in the background on the test articles.
func startRun(t *testing.T, ctx context.Context) (*syncBuffer, *io.PipeWriter, chan error) {
	t.Helper()
	return startRunWith(t, ctx, nil, "articles")
}

// startRunWith runs Run in the background on the test articles with the
// loader l (nil for Run's own), until the screen shows want.
func startRunWith(t *testing.T, ctx context.Context, l *load.Loader, want string) (*syncBuffer, *io.PipeWriter, chan error) {
	t.Helper()
	pr, pw := io.Pipe()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{
			Sources: []load.Source{{Location: "testdata/articles"}},
			Loader:  l,
			Input:   pr,
			Output:  out,
			Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
		})
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the list never showed:\n%q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return out, pw, done
}

func wait(t *testing.T, done chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
		return nil
	}
}

// Run enters the alternate screen and leaves it again, whether the user
// quits or the context is cancelled.
func TestRunRestoresTerminal(t *testing.T) {
	t.Run("quit", func(t *testing.T) {
		out, pw, done := startRun(t, context.Background())
		if _, err := pw.Write([]byte("q")); err != nil {
			t.Fatal(err)
		}
		if err := wait(t, done); err != nil {
			t.Fatalf("Run: %v", err)
		}
		checkRestored(t, out.String())
	})
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		out, _, done := startRun(t, ctx)
		cancel()
		if err := wait(t, done); !errors.Is(err, context.Canceled) {
			t.Fatalf("Run: %v, want context.Canceled", err)
		}
		checkRestored(t, out.String())
	})
	if err := Run(context.Background(), Options{Style: "no-such-style", Output: io.Discard}); !errors.Is(err, ErrStyle) {
		t.Errorf("bad style: %v", err)
	}
}

func checkRestored(t *testing.T, out string) {
	t.Helper()
	enter, leave := strings.Index(out, "\x1b[?1049h"), strings.LastIndex(out, "\x1b[?1049l")
	if enter < 0 || leave < enter {
		t.Errorf("alternate screen not entered then left: enter at %d, leave at %d", enter, leave)
	}
}

// The reader draws in the colour profile lipgloss found for the process's
// terminal, rather than detecting it again (under tmux, a `tmux info` run
// before the first frame); without colour it draws in none; any other
// output is left to Bubble Tea.
func TestColorProfile(t *testing.T) {
	env := func(k string) string { return map[string]string{"NO_COLOR": "1"}[k] }
	if p, ok := colorProfile(Options{Getenv: env}, os.Stdout, true); !ok || p != colorprofile.Ascii {
		t.Errorf("NO_COLOR: %v, %v; want Ascii", p, ok)
	}
	plain := Options{Getenv: func(string) string { return "" }}
	if p, ok := colorProfile(plain, os.Stdout, true); !ok || p != lipgloss.Writer.Profile {
		t.Errorf("the terminal: %v, %v; want lipgloss's %v", p, ok, lipgloss.Writer.Profile)
	}
	if _, ok := colorProfile(plain, os.Stdout, false); ok {
		t.Error("stdout that is no terminal: a profile was chosen")
	}
	if _, ok := colorProfile(plain, &bytes.Buffer{}, true); ok {
		t.Error("another output: a profile was chosen")
	}
}

// Init starts the load, unless Run did: Run takes in that load's first
// batch itself.
func TestInitLeavesTheLoadRunStarted(t *testing.T) {
	opt := Options{
		Sources: []load.Source{{Location: "testdata/articles"}},
		Getenv:  testEnv(map[string]string{"TERM": "xterm-256color"}),
		Output:  io.Discard,
	}
	m := newModel(context.Background(), opt)
	m.loadRun = true
	if cmd := m.loadCmd(); cmd != nil {
		t.Fatalf("Init loads what Run started: %T", cmd())
	}
	m.loadRun = false
	msg, ok := m.loadCmd()().(loadBatchMsg)
	if !ok || len(msg.arts) == 0 {
		t.Fatalf("Init with no load started loaded %+v", msg)
	}
}

// Run starts the load held, and the model lets it read as the program
// hands it its first message, once: the list shows, and the loader's
// Start is closed.
func TestRunStartsLoadWithProgram(t *testing.T) {
	m := newModel(context.Background(), Options{Output: io.Discard, Getenv: testEnv(nil)})
	calls := 0
	m.started = func() { calls++ }
	next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	_, _ = next.(model).Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if calls != 1 {
		t.Errorf("started called %d times, want once", calls)
	}

	l := &load.Loader{}
	_, pw, done := startRunWith(t, context.Background(), l, "Geneva")
	if _, err := pw.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, done); err != nil {
		t.Fatalf("Run: %v", err)
	}
	select {
	case <-l.Start:
	default:
		t.Error("the loader's Start is not closed")
	}
}
