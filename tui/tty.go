package tui

import (
	"io"
	"os"
)

// ttyWriter sends the program's output through a filter while still
// showing Bubble Tea the terminal's file descriptor, which it needs to read
// the window size, follow resizes and detect the colour profile.
type ttyWriter struct {
	io.Writer
	f *os.File
}

// Read reads from the terminal; Bubble Tea's term.File asks for it.
func (t ttyWriter) Read(p []byte) (int, error) { return t.f.Read(p) }

// Close leaves the terminal open: it is not the program's to close.
func (t ttyWriter) Close() error { return nil }

// Fd returns the terminal's file descriptor.
func (t ttyWriter) Fd() uintptr { return t.f.Fd() }

// terminalWriter wraps the output for the program.
func terminalWriter(out io.Writer) io.Writer {
	w := out
	if f, ok := out.(*os.File); ok {
		return ttyWriter{Writer: w, f: f}
	}
	return w
}
