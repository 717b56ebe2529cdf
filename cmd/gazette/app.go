package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette"
	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/fetch"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/render"
	"github.com/gazette-news/gazette/internal/safeout"
)

// app holds one run's streams and global flags.
//
// Everything written to stdout and stderr passes the output filter, which
// lets through only text, SGR styling and http(s) hyperlinks: a control
// sequence that slipped past ingest still never reaches the terminal.
type app struct {
	io     stdio
	stdout *bufio.Writer
	stderr io.Writer

	outFilter, errFilter *safeout.Writer
	// out keeps the first error writing to standard output met.
	out *outWriter

	color      string
	style      string
	timeout    time.Duration
	offline    bool
	configFile string
	detected   bool

	// net holds the config, the fetcher and the notices; see config.go.
	net netState
	// heads is the header cache of the loads without bodies, written after
	// each; run waits for it before the program exits.
	heads *load.HeadCache
	// state is the store of read marks and stars; see state.go.
	state stateRun
	// configSources is set when the configured sources are read, which
	// then include the sync accounts' articles (see withAccounts).
	configSources bool
	// bgSync syncs the accounts beside the reader.
	bgSync backgroundSync
}

func newApp(s stdio) *app {
	if s.getenv == nil {
		s.getenv = func(string) string { return "" }
	}
	ow := &outWriter{w: s.out}
	out := safeout.NewWriter(ow, safeout.Print)
	errw := safeout.NewWriter(s.err, safeout.Print)
	return &app{
		io:        s,
		stdout:    bufio.NewWriterSize(out, 64<<10),
		stderr:    errw,
		outFilter: out,
		errFilter: errw,
		out:       ow,
	}
}

// flush writes out whatever the buffers and filters still hold, and
// returns the first error writing to standard output met, then or before.
func (a *app) flush() error {
	a.stdout.Flush()
	a.outFilter.Flush()
	a.errFilter.Flush()
	return a.out.failed()
}

// waitCache waits for the header cache to be written, so that the next
// launch finds it, unless the program is being interrupted.
func (a *app) waitCache(ctx context.Context) {
	if a.heads == nil {
		return
	}
	done := make(chan struct{})
	go func() {
		a.heads.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

func (a *app) rootCommand() *cobra.Command {
	root := newCommand("gazette [SOURCE...]", "Read the news in your terminal")
	root.Long = `gazette reads articles from feed directories, files and URLs, and shows
them in an interactive reader that filters by country tag.

With no SOURCE it opens the sources in the config file (see 'gazette add'),
or the embedded sample feed when there is none. SOURCE is a directory (read
recursively), a file, an http or https URL of a feed or a page, or - for
standard input.`
	root.Version = appVersion()
	root.Args = cobra.ArbitraryArgs
	root.RunE = a.runReader
	root.Flags().BoolVar(&a.detected, "detected", false, "let the tag picker and tag: filters count countries detected in the text of every article")
	pf := root.PersistentFlags()
	pf.StringVar(&a.color, "color", "auto", "colour output: auto, always or never (NO_COLOR is honoured)")
	pf.StringVar(&a.style, "style", "", "Glamour style for articles: dark, light, notty, ascii, dracula, pink, tokyo-night, or a JSON file (default: from GLAMOUR_STYLE, else the terminal background)")
	pf.DurationVar(&a.timeout, "timeout", fetch.DefaultTimeout, "total time allowed for each network request")
	pf.BoolVar(&a.offline, "offline", false, "read URLs from the cache only; never use the network")
	pf.StringVar(&a.configFile, "config", "", "the config file (default: $XDG_CONFIG_HOME/gazette/config.toml)")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		switch a.color {
		case "auto", "always", "never":
		default:
			return usagef("--color must be auto, always or never, not %q", a.color)
		}
		if a.timeout <= 0 {
			return usagef("--timeout must be positive, not %v", a.timeout)
		}
		return a.loadConfig(cmd)
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.AddCommand(a.listCommand(), a.showCommand(), a.tagsCommand())
	root.AddCommand(a.addCommand(), a.sourcesCommand(), a.importCommand(), a.exportCommand())
	root.AddCommand(a.markCommand(), a.unreadCommand(), a.syncCommand(), a.removeCommand())
	return root
}

// runReader opens the interactive reader, or lists the articles when
// standard output is not a terminal.
func (a *app) runReader(cmd *cobra.Command, args []string) error {
	if !a.io.outTTY || !a.io.inTTY {
		return a.list(cmd.Context(), args, listOptions{detected: a.detected})
	}
	// Notices on stderr would tear the full-screen reader; they wait.
	a.holdNotices()
	defer a.releaseNotices()
	return a.runTUI(cmd.Context(), args)
}

// colorOn reports whether styled output is wanted on stdout.
func (a *app) colorOn() bool {
	switch a.color {
	case "always":
		return true
	case "never":
		return false
	}
	if a.io.getenv("NO_COLOR") != "" || a.io.getenv("TERM") == "dumb" {
		return false
	}
	return a.io.outTTY
}

// glamourStyle picks the article style by the policy the reader uses too.
// A command cannot ask the terminal for its background, so it takes a
// dark one.
func (a *app) glamourStyle() string {
	return render.StyleChoice{Flag: a.style, Getenv: a.io.getenv, NoColor: !a.colorOn()}.Style()
}

// termWidth returns the width of the terminal on stdout, or 0.
func (a *app) termWidth() int {
	f, ok := a.io.out.(*os.File)
	if !ok || !a.io.outTTY {
		return 0
	}
	w, _, err := term.GetSize(f.Fd())
	if err != nil {
		return 0
	}
	return w
}

// sources turns command-line arguments into sources; none means the
// configured sources, or the embedded sample feed when there are none.
func (a *app) sources(args []string) []load.Source {
	if len(args) == 0 {
		if cfg := a.net.cfg; cfg != nil && (len(cfg.Source) > 0 || len(cfg.Account) > 0) {
			a.configSources = true
			return cfg.Sources()
		}
		return []load.Source{{Location: gazette.SampleDir, Name: "sample feed", FS: gazette.Sample}}
	}
	srcs := make([]load.Source, len(args))
	for i, arg := range args {
		srcs[i] = load.Source{Location: arg}
	}
	return srcs
}

// loader returns the loader every command shares.
func (a *app) loader() *load.Loader {
	return &load.Loader{
		Stdin: a.io.in,
		Fetch: a.fetcher().Fetch,
		// Links in what a URL carried are followed under its rule.
		Linked:  fetch.FromContent,
		Carried: a.noteCarrier,
		Pipe:    a.pipe(a.pacing()),
		Expect:  expect,
	}
}

// pipe returns what a load's results pass through: the accounts' articles
// join them, and the collector is paced by p.
func (a *app) pipe(p pacing) func(context.Context, <-chan load.Result) <-chan load.Result {
	return func(ctx context.Context, ch <-chan load.Result) <-chan load.Result {
		return LimitHeadroom(ctx, a.withAccounts(ctx, ch), p)
	}
}

// headLoader returns the loader of commands that show no article bodies,
// or read them again when they do: it leaves them out, and caches what is
// left of each directory's articles, so that a large directory costs
// little memory and, the second time, little time.
func (a *app) headLoader() *load.Loader {
	l := a.loader()
	l.DropBodies = true
	if a.heads == nil {
		if dir, ok := a.cacheDir(); ok {
			a.heads = &load.HeadCache{Dir: dir}
		}
	}
	l.Heads = a.heads
	return l
}

// load reads every source, reports each failure on stderr, and returns
// the articles newest first, each story once, with the state the store
// keeps (see loadState). failed is true when any source failed.
func (a *app) load(ctx context.Context, srcs []load.Source) (arts []*feed.Article, failed bool) {
	return a.loadState(ctx, a.loader(), srcs, a.openStore(readState))
}

// warn prints one error line on stderr, sanitized.
func (a *app) warn(err error) {
	fmt.Fprintf(a.stderr, "gazette: %s\n", feed.SanitizeLine(err.Error()))
}
