// Command gazette is a terminal news reader. With no command it opens the
// interactive reader; list, show and tags print articles for pipes.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette/feed"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// appVersion returns the version: the one set at build time, else the
// module version go install recorded, else "dev".
func appVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return version
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], stdio{
		in: os.Stdin, out: os.Stdout, err: os.Stderr,
		outTTY: term.IsTerminal(os.Stdout.Fd()),
		inTTY:  term.IsTerminal(os.Stdin.Fd()),
		getenv: os.Getenv,
	})
	stop()
	for _, f := range atExit {
		f()
	}
	os.Exit(code)
}

// atExit runs just before the process exits: the profile build's hooks.
var atExit []func()

// stdio is the program's view of its process: streams, whether they are
// terminals, and the environment. Tests fill it with buffers.
type stdio struct {
	in            io.Reader
	out, err      io.Writer
	outTTY, inTTY bool
	getenv        func(string) string
}

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1 // a source failed, or the command did
	exitUsage   = 2 // the command line was wrong
	exitAborted = 130
)

// usageError marks a mistake in the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// errSourcesFailed is returned after output when some sources failed; each
// failure was already reported on stderr.
var errSourcesFailed = errors.New("some sources failed")

// run executes one command line and returns the exit code. It never lets a
// panic escape as a trace.
func run(ctx context.Context, args []string, io stdio) (code int) {
	a := newApp(io)
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(a.stderr, "gazette: internal error: %s\n", feed.SanitizeLine(fmt.Sprint(p)))
			code = exitFailed
		}
	}()
	root := a.rootCommand()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	outErr := a.flush()
	a.finishState(ctx)
	a.waitCache(ctx)
	a.flush()
	var ue usageError
	switch {
	case outErr != nil && brokenPipe(outErr):
		// The reader has what it wanted and went away: no message.
		return exitFailed
	case outErr != nil:
		// Whatever else went wrong, output that did not arrive is the
		// news: one line, and the command failed.
		fmt.Fprintf(a.stderr, "gazette: %s\n", feed.SanitizeLine(outErr.Error()))
		return exitFailed
	case err == nil:
		return exitOK
	case errors.Is(err, errSourcesFailed):
		return exitFailed
	case errors.As(err, &ue):
		fmt.Fprintf(a.stderr, "gazette: %s\nRun 'gazette --help' for usage.\n", feed.SanitizeLine(err.Error()))
		return exitUsage
	case errors.Is(err, context.Canceled):
		return exitAborted
	default:
		fmt.Fprintf(a.stderr, "gazette: %s\n", feed.SanitizeLine(err.Error()))
		return exitFailed
	}
}

// needArgs is cobra.MinimumNArgs, but a shortfall is a usage error.
func needArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usagef("%s needs %s", cmd.Name(), what)
		}
		return nil
	}
}

// newCommand returns a cobra command with gazette's error conventions:
// errors and usage are printed by run, not by cobra.
func newCommand(use, short string) *cobra.Command {
	return &cobra.Command{
		Use:           use,
		Short:         short,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
}
