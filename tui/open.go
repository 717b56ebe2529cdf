package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
)

// openedMsg reports the outcome of opening a URL.
type openedMsg struct {
	url string
	// with names the program that opened it.
	with string
	err  error
	// noOpener is set when no browser could be found; the URL is then
	// shown so that it can be copied.
	noOpener bool
	// refused is set when the URL was not one to open at all.
	refused bool
}

// errNoOpener means neither the configured opener, $BROWSER nor the
// system's opener exists.
var errNoOpener = errors.New("no browser found")

// isTerminalBrowser reports whether a browser takes over the terminal. Such
// a browser gets it: the reader steps aside while it runs, instead of
// running it in the background.
func isTerminalBrowser(name string) bool {
	switch name {
	case "lynx", "w3m", "links", "links2", "elinks", "browsh", "carbonyl", "www-browser":
		return true
	}
	return false
}

// openerCommand returns the program and leading arguments of the opener:
// the configured one, else the first entry of $BROWSER (a list separated by
// colons), else the system's opener. The opener is the user's own
// configuration; split on spaces, it may carry arguments.
func openerCommand(opener, browserEnv string) []string {
	if f := strings.Fields(opener); len(f) > 0 {
		return f
	}
	for _, b := range strings.Split(browserEnv, ":") {
		if f := strings.Fields(b); len(f) > 0 {
			return f
		}
	}
	if runtime.GOOS == "darwin" {
		return []string{"open"}
	}
	return []string{"xdg-open"}
}

// checkURL re-checks a URL before it is handed to a program: only absolute
// http and https URLs pass, re-serialised, and nothing that starts with
// "-" and could pass for an option.
func checkURL(raw string) (string, error) {
	u, ok := feed.SafeURL(raw, nil)
	if !ok || strings.HasPrefix(u, "-") {
		return "", fmt.Errorf("refusing to open %q: only http and https links open", feed.SanitizeLine(raw))
	}
	return u, nil
}

// openURL opens a URL in the browser, without a shell: the URL is one
// argument of exec.Command. A terminal browser gets the terminal; any
// other opener runs in the background, and a failure it reports within a
// short wait is shown.
func openURL(raw, opener, browserEnv string) tea.Cmd {
	u, err := checkURL(raw)
	if err != nil {
		return func() tea.Msg { return openedMsg{url: raw, err: err, refused: true} }
	}
	argv := openerCommand(opener, browserEnv)
	name := filepath.Base(argv[0])
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return func() tea.Msg { return openedMsg{url: u, with: name, err: errNoOpener, noOpener: true} }
	}
	args := append(append([]string(nil), argv[1:]...), u)
	cmd := exec.Command(path, args...)
	if isTerminalBrowser(name) {
		return tea.ExecProcess(cmd, func(err error) tea.Msg {
			return openedMsg{url: u, with: name, err: err}
		})
	}
	return safeCmd(func() tea.Msg {
		// No stdin, stdout or stderr: a GUI opener must not write over the
		// screen or read keys meant for the reader.
		if err := cmd.Start(); err != nil {
			return openedMsg{url: u, with: name, err: err}
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			return openedMsg{url: u, with: name, err: err}
		case <-time.After(openWait):
			// Still running: a browser that stays in the foreground. It
			// is reaped by the goroutine above when it exits.
			return openedMsg{url: u, with: name}
		}
	})
}

// openWait is how long an opener is watched for a quick failure.
const openWait = 3 * time.Second

// pipeDoneMsg reports a finished pipe command.
type pipeDoneMsg struct {
	command string
	output  string
	cut     bool
	err     error
	elapsed time.Duration
}

// Pipe limits: the output kept, and the time a command may run.
const (
	maxPipeOutput = 256 << 10
	pipeTimeout   = 30 * time.Second
)

// cappedBuffer keeps the first max bytes written to it and drops the rest,
// so that a chatty command cannot fill memory.
type cappedBuffer struct {
	buf bytes.Buffer
	max int
	cut bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room < len(p) {
		c.cut = true
		c.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return c.buf.Write(p)
}

// pipeArticle runs the user's command line with sh -c and feeds it the
// article's Markdown on standard input. The command line is the user's
// own; the article reaches the command only through stdin, never through
// its arguments or environment.
func pipeArticle(ctx context.Context, command, markdown string) tea.Cmd {
	return safeCmd(func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, pipeTimeout)
		defer cancel()
		start := time.Now()
		cmd := exec.CommandContext(ctx, "sh", "-c", command)
		cmd.Stdin = strings.NewReader(markdown)
		out := &cappedBuffer{max: maxPipeOutput}
		cmd.Stdout = out
		cmd.Stderr = out
		setProcessGroup(cmd)
		cmd.WaitDelay = time.Second
		err := cmd.Run()
		if ctx.Err() == context.DeadlineExceeded {
			err = fmt.Errorf("stopped after %s", pipeTimeout)
		}
		return pipeDoneMsg{
			command: command,
			output:  feed.Sanitize(out.buf.String()),
			cut:     out.cut,
			err:     err,
			elapsed: time.Since(start),
		}
	})
}
