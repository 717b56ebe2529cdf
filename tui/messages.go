package tui

import (
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/search"
)

// The messages the reader's commands send back to Update. Each is handled
// by the root, which hands it to the child it concerns.

// loadBatchMsg carries the articles and errors that arrived since the last
// batch, articles sorted newest first.
type loadBatchMsg struct {
	ch   <-chan load.Result
	arts []*feed.Article
	errs []error
	done bool
}

// progressMsg carries the downloads line after the downloads changed.
type progressMsg struct {
	line string
	// waiting names the sources still waiting, for the status line.
	waiting string
}

// filterDoneMsg carries a filter run's outcome.
type filterDoneMsg struct {
	job filterJob
	res filterResult
	err error
}

// renderedMsg carries a finished rendering.
type renderedMsg struct {
	key renderKey
	r   rendered
	err error
}

// fullPageMsg carries the article with its fetched web page, or why it
// could not be had.
type fullPageMsg struct {
	id  string
	a   *feed.Article
	err error
}

// openerMsg carries the link opener, resolved in a command: looking a
// program up in $PATH reads directories, which Update must not. url, when
// set, is the link that was waiting for it.
type openerMsg struct {
	opener opener
	url    string
}

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

// pipeDoneMsg reports a pipe command that ended and gave the terminal
// back.
type pipeDoneMsg struct {
	command string
	err     error
	elapsed time.Duration
}

// cmdFailedMsg reports a command that panicked. The reader shows it as an
// error and carries on: one bad article or source must not kill the
// terminal.
type cmdFailedMsg struct{ err error }

// statesMsg carries the read and starred state of every article the store
// knows, by key.
type statesMsg struct {
	states map[string]feed.State
	err    error
}

// markedMsg reports a finished write of a marking.
type markedMsg struct {
	id  int64
	err error
}

// seenMsg reports that what the sources listed was recorded.
type seenMsg struct{ err error }

// indexMsg reports how far the background build of the full-text index
// has come; done ends it, with err when it failed.
type indexMsg struct {
	p    search.Progress
	done bool
	err  error
	ch   <-chan indexMsg
}

// highlightedMsg brings the lines of a rendering with the words of the
// filter's query highlighted, and the lines that hold them.
type highlightedMsg struct {
	key   renderKey
	query string
	lines []string
	at    []int
}
