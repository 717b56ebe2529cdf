package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/config"
	"github.com/gazette-news/gazette/internal/state"
	"github.com/gazette-news/gazette/store"
)

// dbName is the store's file in the data directory.
const dbName = "gazette.db"

// pruneTime bounds the pruning a command does after its output, so that
// a busy database never holds the prompt back for long.
const pruneTime = time.Second

// storeMode says what a command needs of the store.
type storeMode int

const (
	// readState reads the state where a database exists, and makes none:
	// list, show and unread.
	readState storeMode = iota
	// keepState makes the database when it is missing: the reader and
	// mark, whose whole point is to remember.
	keepState
)

// stateRun is the run's store, opened at most once.
type stateRun struct {
	opened bool
	st     *store.Store
	// prune asks for old read items to be dropped after the output.
	prune bool
}

// storePath returns the database's path in the data directory.
func (a *app) storePath() (string, error) {
	dir, err := config.DefaultDataDir(a.io.getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, dbName), nil
}

// statesCopy returns the file of the cache directory that keeps a copy of
// the states of st (see state.ReadEarly), named after the store's file so
// that two data directories keep a copy each; "" when there is no cache
// directory or the store is in memory.
func (a *app) statesCopy(st *store.Store) string { return a.storeCopy(st, "states") }

// keysCopy returns the file of the cache directory that keeps a copy of
// the keys of st's index (see state.KeysCopy), as statesCopy does.
func (a *app) keysCopy(st *store.Store) string { return a.storeCopy(st, "keys") }

// storeCopy returns the file of the cache directory's folder kind that
// keeps a copy of part of st, named after the store's file.
func (a *app) storeCopy(st *store.Store, kind string) string {
	if st == nil || st.Memory() {
		return ""
	}
	dir, ok := a.cacheDir()
	if !ok {
		return ""
	}
	sum := sha256.Sum256([]byte(st.Path()))
	return filepath.Join(dir, kind, hex.EncodeToString(sum[:16]))
}

// storeOptions are those of every store gazette opens: the index's texts
// are made as the query package makes them, and an index made another
// way is built again.
var storeOptions = store.Options{Tokens: query.IndexVersion}

// openStore returns the run's store, opening it on first use. A damaged
// database is moved aside and the store says so once on stderr. When the
// state cannot be kept (no data directory, a directory that cannot be
// written, a database from a newer gazette), one warning says so and
// keepState gets a store in memory, which works for this run only, while
// readState gets nil: nothing is remembered and every article reads as
// new. With readState and no database yet, it returns nil and writes no
// file.
func (a *app) openStore(mode storeMode) *store.Store {
	if a.state.opened {
		return a.state.st
	}
	a.state.opened = true
	path, err := a.storePath()
	if err != nil {
		if mode == keepState {
			a.stateNotice(fmt.Sprintf("gazette: read marks and stars are not kept: no data directory: %v", err))
			a.state.st, _ = store.OpenMemory(storeOptions)
		}
		return a.state.st
	}
	if mode == readState {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil
		}
	}
	st, warning := store.OpenOrMemory(path, storeOptions)
	if warning != "" {
		a.stateNotice(warning)
	}
	if st != nil && st.Notice() != "" {
		a.stateNotice(st.Notice())
	}
	if st != nil && st.Memory() && mode == readState {
		st.Close()
		st = nil
	}
	a.state.st = st
	return st
}

// stateNotice prints a line from the store on stderr, or holds it while
// the reader runs, as notices about sources are.
func (a *app) stateNotice(line string) {
	line = feed.SanitizeLine(strings.TrimPrefix(line, "gazette: "))
	a.net.mu.Lock()
	defer a.net.mu.Unlock()
	if a.net.hold {
		a.net.held = append(a.net.held, line)
		return
	}
	fmt.Fprintf(a.stderr, "gazette: %s\n", line)
}

// loadState reads the sources with l and passes what they gave through
// the store (see state.Sync): recorded, with the items feeds dropped
// added back, each story once, and each article's state. st may be nil.
// failed is true when a source failed; a failure of the store is only
// warned about, since the articles are listed all the same.
func (a *app) loadState(ctx context.Context, l *load.Loader, srcs []load.Source, st *store.Store) (arts []*feed.Article, failed bool) {
	arts, errs, failed := a.loadStateQuiet(ctx, l, srcs, st)
	for _, err := range errs {
		a.warn(err)
	}
	return arts, failed
}

// loadStateQuiet is loadState, with the failures to warn about returned
// rather than printed: those of the sources first, then the store's.
func (a *app) loadStateQuiet(ctx context.Context, l *load.Loader, srcs []load.Source, st *store.Store) (arts []*feed.Article, errs []error, failed bool) {
	var early *state.Early
	if l.Keep == nil {
		// A skimming load wants the states of the few it keeps whole.
		early = state.ReadEarly(ctx, st, a.statesCopy(st))
	}
	loaded, errs := state.Group(l.Load(ctx, srcs), srcs)
	KeepHeadroom(a.pacing())
	failed = len(errs) > 0
	arts, serrs := state.Sync(ctx, st, loaded, early)
	return arts, append(errs, serrs...), failed
}

// finishState prunes the store when the command asked for it, within
// pruneTime, and closes it. It runs after the output is written.
func (a *app) finishState(ctx context.Context) {
	st := a.state.st
	if st == nil {
		return
	}
	defer st.Close()
	if !a.state.prune || ctx.Err() != nil {
		return
	}
	keep, _ := a.net.cfg.KeepReadDuration()
	pctx, cancel := context.WithTimeout(ctx, pruneTime)
	defer cancel()
	// A prune cut short by its deadline or a busy database is done by a
	// later run; only a real failure is worth a line.
	if _, err := state.Prune(pctx, st, keep); err != nil && pctx.Err() == nil {
		a.warn(err)
	}
}

// unreadStyle shows a list line bold when its article is unread, on a
// terminal with colour. An article no store has seen has no state to
// show, and stays plain.
func unreadStyle(art *feed.Article, line string) string {
	if art.State.Read || art.State.FirstSeen.IsZero() {
		return line
	}
	return "\x1b[1m" + line + "\x1b[22m"
}
