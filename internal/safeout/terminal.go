package safeout

import "io"

// File is a terminal device such as os.Stdout: what Bubble Tea and the
// colour-profile detector look for to recognise a terminal.
type File interface {
	io.ReadWriteCloser
	Fd() uintptr
}

// Terminal filters writes to a terminal file and passes Read, Close and Fd
// through, so a Bubble Tea program given a Terminal as its output still
// finds the terminal underneath for raw mode, window size and colour
// detection.
type Terminal struct {
	*Writer
	f File
}

// NewTerminal returns a Terminal that filters writes to f for mode.
func NewTerminal(f File, mode Mode) *Terminal {
	return &Terminal{Writer: NewWriter(f, mode), f: f}
}

// Read reads from the underlying file.
func (t *Terminal) Read(p []byte) (int, error) { return t.f.Read(p) }

// Fd returns the file descriptor of the underlying file.
func (t *Terminal) Fd() uintptr { return t.f.Fd() }

// Close flushes the filter and closes the underlying file.
func (t *Terminal) Close() error {
	err := t.Flush()
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	return err
}
