package tui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
)

// pipePlaceholder is the pipe prompt's placeholder before any command ran.
const pipePlaceholder = "command to pipe the article to, e.g. less or wc -w"

// maxPipeHistory bounds the pipe commands ↑ brings back.
const maxPipeHistory = 50

// pipeHistory is the pipe commands run, oldest first, and where ↑ and ↓
// are in it. The copies of the reader share it; only Update writes it.
type pipeHistory struct {
	lines []string
	// pos is the entry in the prompt; len(lines) means a new line.
	pos int
}

// add records a command run, once when it is run twice in a row.
func (h *pipeHistory) add(line string) {
	if n := len(h.lines); n == 0 || h.lines[n-1] != line {
		h.lines = append(h.lines, line)
	}
	if len(h.lines) > maxPipeHistory {
		h.lines = h.lines[len(h.lines)-maxPipeHistory:]
	}
	h.pos = len(h.lines)
}

// last is the command run last, or "".
func (h *pipeHistory) last() string {
	if len(h.lines) == 0 {
		return ""
	}
	return h.lines[len(h.lines)-1]
}

// move goes d entries back in the history (d < 0) or forward, and returns
// the line to show.
func (h *pipeHistory) move(d int) string {
	h.pos = min(max(h.pos+d, 0), len(h.lines))
	if h.pos == len(h.lines) {
		return ""
	}
	return h.lines[h.pos]
}

// openPrompt asks for a command to pipe the article to. The prompt starts
// empty: the previous command is offered as the placeholder and ↑ brings
// it back, so that what is typed is never appended to it.
func (r *readerModel) openPrompt() tea.Cmd {
	r.prompt.SetValue("")
	r.pipeHist.pos = len(r.pipeHist.lines)
	r.prompt.Placeholder = pipePlaceholder
	if last := r.pipeHist.last(); last != "" {
		r.prompt.Placeholder = "↑ " + last
	}
	return r.prompt.Focus()
}

// updatePrompt handles a key in the pipe prompt; done reports that the
// prompt closed.
func (r readerModel) updatePrompt(msg tea.KeyPressMsg) (_ readerModel, _ tea.Cmd, done bool) {
	switch {
	case key.Matches(msg, r.keys.Apply):
		line := strings.TrimSpace(r.prompt.Value())
		r.prompt.Blur()
		if line == "" {
			return r, nil, true
		}
		r.pipeHist.add(line)
		return r, r.pipeArticle(line, r.article().Markdown(feed.MarkdownOptions{})), true
	case msg.Code == tea.KeyEscape:
		r.prompt.Blur()
		return r, nil, true
	case msg.Code == tea.KeyUp, msg.Code == tea.KeyDown:
		d := -1
		if msg.Code == tea.KeyDown {
			d = 1
		}
		r.prompt.SetValue(r.pipeHist.move(d))
		r.prompt.CursorEnd()
		return r, nil, false
	}
	var cmd tea.Cmd
	r.prompt, cmd = r.prompt.Update(msg)
	return r, cmd, false
}

// pipeArticle runs the user's command line with sh -c, with the terminal
// handed over, as a pager needs: the article's Markdown on its standard
// input, the terminal on its output, and the reader back when it exits.
// The command line is the user's own; the article reaches it only through
// stdin, never its arguments or environment. Leaving the reader (its
// context ending) stops a command still running.
func (r *readerModel) pipeArticle(line, markdown string) tea.Cmd {
	cmd := exec.CommandContext(r.ctx, "sh", "-c", line)
	cmd.Stdin = strings.NewReader(markdown)
	cmd.WaitDelay = time.Second
	if t := r.terminal(); t != nil {
		// The terminal itself, not the reader's output filter: the
		// command is the user's, and a pager draws with escape sequences.
		cmd.Stdout, cmd.Stderr = t, t
	}
	start := time.Now()
	return r.exec(childCommand{cmd}, func(err error) tea.Msg {
		return pipeDoneMsg{command: line, err: err, elapsed: time.Since(start)}
	})
}

// terminal is the terminal the reader draws on, for a child process to
// write to, or nil when the reader's output is no file.
func (c *common) terminal() io.Writer {
	switch out := c.opt.Output.(type) {
	case nil:
		return os.Stdout
	case *os.File:
		return out
	}
	return nil
}

// pipeDone says how a pipe command ended: its exit status when it failed.
func (m *model) pipeDone(msg pipeDoneMsg) {
	name := feed.SanitizeLine(msg.command)
	var exit *exec.ExitError
	switch {
	case msg.err == nil:
		m.setNotice("| "+name+" · done", false)
	case errors.As(msg.err, &exit) && exit.Exited():
		m.setNotice(fmt.Sprintf("| %s · exit status %d", name, exit.ExitCode()), true)
	case m.ctx.Err() != nil:
		m.setNotice("| "+name+" · stopped", true)
	default:
		m.setNotice("| "+name+" · "+feed.SanitizeLine(msg.err.Error()), true)
	}
}

// childCommand is a program given the terminal. It inherits no descriptor
// of ours but its standard input, output and error.
type childCommand struct{ *exec.Cmd }

// Run marks every descriptor of ours close-on-exec, then runs the program.
func (c childCommand) Run() error {
	closeInheritedFDs()
	return c.Cmd.Run()
}

// SetStdin implements tea.ExecCommand, keeping a standard input set.
func (c childCommand) SetStdin(r io.Reader) {
	if c.Stdin == nil {
		c.Stdin = r
	}
}

// SetStdout implements tea.ExecCommand, keeping a standard output set.
func (c childCommand) SetStdout(w io.Writer) {
	if c.Stdout == nil {
		c.Stdout = w
	}
}

// SetStderr implements tea.ExecCommand, keeping a standard error set.
func (c childCommand) SetStderr(w io.Writer) {
	if c.Stderr == nil {
		c.Stderr = w
	}
}

var _ tea.ExecCommand = childCommand{}
