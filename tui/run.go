// Package tui is gazette's interactive reader: a Bubble Tea program with an
// article list, a tag picker, a filter box and an article screen.
//
// The keys, as the help screen (?) lists them:
//
//	List      j/k ↑/↓ move · space/b page · g/G top/bottom · enter read
//	          / filter · t tags · e errors · r refresh · esc clear the filter
//	          ? help · q quit
//	          with a store: m read/unread · s star · A mark all read · u undo
//	          · U unread only (ctrl+u still scrolls half a page)
//	Filter    type to filter as you go · ↑/↓ move · enter keep · esc clear
//	Tags      j/k move · space/x tick · a/tab all/any · C clear · a letter jumps
//	          enter apply · esc close
//	Article   j/k ↑/↓ line · space/b page · d/u half page · g/G top/bottom
//	          n/p next/previous article · o open the page · 12o open footnote 12
//	          l links · | pipe to a command · e errors · esc/q/h/← back · ? help
//	          with a store: m read/unread · s star
//	Anywhere  ctrl+c quit; the mouse wheel scrolls
package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/feed/watch"
	"github.com/gazette-news/gazette/internal/config"
	"github.com/gazette-news/gazette/internal/render"
	"github.com/gazette-news/gazette/internal/safeout"
	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/store"
)

// Options configure the reader.
type Options struct {
	// Sources are loaded in the background while the list shows.
	Sources []load.Source
	// Loader reads the sources; nil means a Loader with default limits.
	Loader *load.Loader
	// Label names the sources in the header; empty means their names.
	Label string
	// Style is a Glamour style name or the path of a JSON style file. Empty
	// means $GLAMOUR_STYLE, else "dark" or "light" after the terminal's
	// background, else "notty" without colour.
	Style string
	// NoColor turns colour off. $NO_COLOR and TERM=dumb turn it off too.
	NoColor bool
	// Detected makes tag filters and facet counts include the countries
	// detected in the text (Article.Mentions), not only declared tags.
	Detected bool
	// Input is read for keys; nil means the terminal (standard input, or
	// /dev/tty when standard input is not one).
	Input io.Reader
	// Output is the terminal written to; nil means standard output.
	Output io.Writer
	// Opener is the program that opens links, possibly with arguments;
	// empty means $BROWSER, else xdg-open (open on macOS).
	Opener string
	// RenderDeadline bounds the rendering of one article; past it the
	// article shows as plain text. Zero means render.DefaultDeadline.
	RenderDeadline time.Duration
	// Getenv reads the environment; nil means os.Getenv. Tests set it.
	Getenv func(string) string
	// Body loads the body of an article that came without one
	// (Article.Body nil) before it is shown; nil means articles always come
	// with their bodies.
	Body BodyFunc
	// IndexBody reads a body again for the search index, which needs the
	// text alone and not the countries; nil means Body.
	IndexBody BodyFunc
	// SaveDetected keeps the countries detected in the background, after
	// a load that put them off, for the next launch; nil keeps nothing.
	// It is called as they come, and once more with final true when the
	// detection is over; never twice at once.
	SaveDetected func(final bool) error
	// Progress, when set, is fed by the fetcher; the status line shows the
	// downloads under way while loading.
	Progress *Progress
	// FullPage fetches the web page of an article and returns the article
	// with the page's text, for the f key; nil means it is not offered.
	FullPage BodyFunc
	// Store keeps read and starred state; nil keeps none.
	Store *store.Store
	// Index is what the reader searches, the full-text index of Store
	// (a copy of its keys kept beside it, say); nil searches Store.
	Index search.Index
	// Refresh says how often feeds are fetched again by themselves; the
	// zero value never does, and r refreshes on demand.
	Refresh Refresh
	// HoldCollector, when set, is called as the reader readies what the
	// first word typed after a load needs (the titles folded, the index's
	// rows bound), and release when that is done: the program may pace
	// its garbage collector meanwhile. nil holds nothing.
	HoldCollector func() (release func())

	// watch tunes the watch of directory sources; tests shorten it.
	watch watch.Options
	// Keys rebinds actions, by name, to the keys given (the config's
	// [keys] table); see KeyActions. Run refuses what CheckKeys refuses.
	Keys map[string][]string
	// Theme sets the list's colours over the built-in dark and light
	// themes (the config's [theme] table).
	Theme config.Theme
}

// BodyFunc returns an article complete with its body.
type BodyFunc func(ctx context.Context, a *feed.Article) (*feed.Article, error)

// withDefaults fills in what was left empty.
func (o Options) withDefaults() Options {
	if o.Loader == nil {
		o.Loader = &load.Loader{}
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.RenderDeadline <= 0 {
		o.RenderDeadline = render.DefaultDeadline
	}
	return o
}

// noColor reports whether colour is off, by option or environment.
func (o Options) noColor() bool {
	if o.NoColor || o.Getenv("NO_COLOR") != "" {
		return true
	}
	return o.Getenv("TERM") == "dumb"
}

// styleChoice is what the article style is chosen from, on a dark
// background or not.
func (o Options) styleChoice(dark bool) render.StyleChoice {
	return render.StyleChoice{Flag: o.Style, Getenv: o.Getenv, NoColor: o.noColor(), Light: !dark}
}

// label names the sources for the header.
func (o Options) label() string {
	if o.Label != "" {
		return feed.SanitizeLine(o.Label)
	}
	return sourceLabel(o.Sources)
}

// envSize reads a positive size from the environment, or returns def.
func envSize(s string, def int) int {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n > 0 && n <= 10000 {
		return n
	}
	return def
}

// colorProfile returns the colour profile the program is to draw with,
// when Run knows it better, or sooner, than Bubble Tea would find it: none
// without colour, and for the process's own terminal the profile lipgloss
// found for it, from the same environment, when it was loaded. Asked
// again, the detection would start `tmux info` once more under tmux,
// before the first frame.
func colorProfile(opt Options, out io.Writer, isTerm bool) (colorprofile.Profile, bool) {
	switch {
	case opt.noColor():
		return colorprofile.Ascii, true
	case isTerm && out == io.Writer(os.Stdout):
		return lipgloss.Writer.Profile, true
	}
	return 0, false
}

// ErrStyle reports a style that cannot be loaded; it is render.ErrStyle.
var ErrStyle = render.ErrStyle

// frameRate is how many frames a second the reader draws at most: the
// most Bubble Tea allows.
const frameRate = 120

// Run shows the reader until the user quits or ctx is cancelled. The
// terminal is restored on every way out: quitting, an error, a cancelled
// ctx, or a panic, which Bubble Tea catches and Run returns as an error.
func Run(ctx context.Context, opt Options) error {
	opt = opt.withDefaults()
	if err := render.CheckStyle(opt.styleChoice(true).Forced()); err != nil {
		return err
	}
	if err := CheckKeys(opt.Keys); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var out io.Writer = os.Stdout
	if opt.Output != nil {
		out = opt.Output
	}
	// Everything the program writes passes the output filter. Given a
	// terminal, the filter still shows its file descriptor, which Bubble
	// Tea needs for the window size, resizes and the colour profile.
	var filtered interface {
		io.Writer
		Flush() error
	}
	// Below the filter, the writes tell the model when the first rows
	// are on the screen.
	shown := newShownSignal()
	isTerm := false
	if f, ok := out.(safeout.File); ok {
		filtered = safeout.NewTerminal(newSignalFile(f, shown), safeout.TUI)
		isTerm = term.IsTerminal(f.Fd())
	} else {
		filtered = safeout.NewWriter(signalWriter{out, shown}, safeout.TUI)
	}
	defer filtered.Flush()
	progOpts := []tea.ProgramOption{
		tea.WithContext(ctx),
		tea.WithOutput(filtered),
		// A change is drawn at the next frame: at 60 a second, 8 ms after
		// it on average, a fifth of the time from a typed word to its
		// count. A frame with nothing changed costs a comparison.
		tea.WithFPS(frameRate),
	}
	if !isTerm {
		// No terminal to ask: take $COLUMNS and $LINES, or 80×24.
		progOpts = append(progOpts, tea.WithWindowSize(envSize(opt.Getenv("COLUMNS"), 80), envSize(opt.Getenv("LINES"), 24)))
	}
	if opt.Input != nil {
		progOpts = append(progOpts, tea.WithInput(opt.Input))
	}
	if p, ok := colorProfile(opt, out, isTerm); ok {
		progOpts = append(progOpts, tea.WithColorProfile(p))
	}
	m := newModel(ctx, opt)
	m.shown = shown
	// The renderer measures a frame's runes by a table of 2 MB that the
	// first rune past U+02FF builds (the list's bullets and ellipses
	// have them): 3.2 ms of the frame of the first rows, which takes 0.3
	// ms to compose with the table there (medians of 24 launches at
	// 100,000 articles). The table is built while that frame waits for
	// the renderer's tick, 3–5 ms.
	go func() {
		select {
		case <-shown.drawn():
			ansi.WcWidth.StringWidth("•")
		case <-ctx.Done():
		}
	}()
	// The load is started now, and reads once the program has handed the
	// model its first message. Bubble Tea starts its renderer, its input
	// reader and the commands of Init in goroutines of their own, and the
	// input reader waits in a system call that holds a processor until
	// the runtime takes it back: with the load's goroutines busy on the
	// other, the renderer and Init's commands waited 17–24 ms to run, and
	// the first rows with them. Held until the program is up, the load
	// starts 3–4 ms later and its first batch reaches the list some
	// 20 ms sooner.
	start := make(chan struct{})
	opt.Loader.Start = start
	m.started = func() { close(start) }
	loading := opt.Loader.Load(ctx, opt.Sources)
	m.loadRun = true
	progOpts = append(progOpts, tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg { return m.filterInput(msg) }))
	p := tea.NewProgram(m, progOpts...)
	// The first batch is taken in here, not by a command of Init's:
	// those reach their goroutines through the program's command
	// channel and a turn of its event loop, and the first results of a
	// launch waited 7.9 ms for them (the median of 24 launches at
	// 100,000 articles), against 0.02 ms for this goroutine, waiting
	// already. The batches after it are Update's commands.
	go func() {
		select {
		case <-start:
			p.Send(pump(ctx, loading, firstBatchWait))
		case <-ctx.Done():
		}
	}()
	_, err := p.Run()
	ctxErr := ctx.Err()
	// A reload may still be reading: stop it, and let it end before the
	// caller waits for the header cache or exits.
	cancel()
	m.gate.close()
	if m.marks != nil {
		// Marks made just before quitting are written before the store
		// is closed.
		m.marks.queue.drain()
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tea.ErrInterrupted):
		return err
	case errors.Is(err, tea.ErrProgramPanic):
		return fmt.Errorf("the reader stopped on an internal error; the terminal was restored: %w", err)
	case ctxErr != nil && errors.Is(err, tea.ErrProgramKilled):
		return ctxErr
	}
	return err
}
