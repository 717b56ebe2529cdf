package tui

import (
	"io"
	"strings"
	"sync"

	"github.com/charmbracelet/x/ansi"

	"github.com/gazette-news/gazette/internal/safeout"
)

// shownSignal tells when the first rows are on the screen: the first
// write of text to the terminal after a frame of them was drawn. The
// renderer writes a frame at its next tick, from another goroutine, and
// work started as the rows came in held that write back by as long (the
// states' read, which scanned every article then: 20–30 ms of a core at
// 100,000 articles). In the same tick, before the frame, the program
// writes the sequences queued since the last (queries, modes): those
// have no text.
type shownSignal struct {
	drawnOnce, shownOnce sync.Once
	drawnCh, shownCh     chan struct{}
}

func newShownSignal() *shownSignal {
	return &shownSignal{drawnCh: make(chan struct{}), shownCh: make(chan struct{})}
}

// drew records that a frame of the rows was drawn, to be written next.
func (s *shownSignal) drew() {
	if s != nil {
		s.drawnOnce.Do(func() { close(s.drawnCh) })
	}
}

// wrote records a write of p to the terminal.
func (s *shownSignal) wrote(p []byte) {
	select {
	case <-s.drawnCh:
	default:
		return
	}
	select {
	case <-s.shownCh:
		return
	default:
	}
	if strings.TrimSpace(ansi.Strip(string(p))) != "" {
		s.shownOnce.Do(func() { close(s.shownCh) })
	}
}

// drawn is closed once a frame of the rows is drawn, before it is
// written.
func (s *shownSignal) drawn() <-chan struct{} { return s.drawnCh }

// shown is closed once the rows are on the screen; nil without a
// signal, when nothing waits.
func (s *shownSignal) shown() <-chan struct{} {
	if s == nil {
		return nil
	}
	return s.shownCh
}

// signalWriter is an output whose writes s hears of.
type signalWriter struct {
	io.Writer
	s *shownSignal
}

func (w signalWriter) Write(p []byte) (int, error) {
	n, err := w.Writer.Write(p)
	w.s.wrote(p)
	return n, err
}

// signalFile is a terminal whose writes s hears of. The terminal's other
// methods pass through, for Bubble Tea to find it under the filter.
type signalFile struct {
	safeout.File
	w signalWriter
}

func newSignalFile(f safeout.File, s *shownSignal) signalFile {
	return signalFile{File: f, w: signalWriter{f, s}}
}

func (f signalFile) Write(p []byte) (int, error) { return f.w.Write(p) }
