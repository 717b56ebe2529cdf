package main

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"syscall"

	"github.com/gazette-news/gazette/internal/safefile"
)

// outWriter is standard output as the commands' buffers see it. It keeps
// the first error a write met, so that a full disk (ENOSPC), a file size
// limit (EFBIG) or a failing device (EIO) turns into exit status 1 and one
// line on stderr, however many writes and flushes were skipped after it
// and whoever dropped the error on the way. After an error it writes
// nothing more: the rest of the output is lost anyway.
type outWriter struct {
	w   io.Writer
	mu  sync.Mutex
	err error
}

// Write writes p, or returns the error an earlier write met.
func (o *outWriter) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		o.err = &outputError{safefile.CleanPathErr(err)}
		return n, o.err
	}
	return n, nil
}

// failed returns the first write error, or nil.
func (o *outWriter) failed() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}

// outputError is a failed write to standard output.
type outputError struct{ err error }

func (e *outputError) Error() string { return fmt.Sprintf("write standard output: %v", e.err) }
func (e *outputError) Unwrap() error { return e.err }

// brokenPipe reports whether err says the reader of standard output went
// away, as `| head -1` does once it has its line. That is no failure
// worth a message (the coreutils convention). On Unix the Go runtime ends
// the program with SIGPIPE first, as C programs end; the error arrives
// only where it does not.
func brokenPipe(err error) bool {
	if errors.Is(err, syscall.EPIPE) {
		return true
	}
	// ERROR_BROKEN_PIPE and ERROR_NO_DATA: a pipe whose reader closed.
	return runtime.GOOS == "windows" && (errors.Is(err, syscall.Errno(109)) || errors.Is(err, syscall.Errno(232)))
}
