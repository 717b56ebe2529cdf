// Package store keeps what gazette remembers between runs in one SQLite
// file: the read and starred state of every article by its story key, the
// sources each article came from, the items fetched from URLs (so that an
// item which leaves its feed stays listed), the queue of changes a sync
// account has still to send, and the full-text search index.
//
// Several processes (the reader, `gazette list`, `gazette mark`) may use
// the same database at once: it runs in WAL mode, every write is one
// IMMEDIATE transaction, and a busy timeout makes a writer wait for
// another instead of failing with "database is locked".
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrUnavailable is wrapped by the error Open returns when the database
// cannot be kept at its path: the data directory cannot be created or
// written, the file system is read-only, or the path is a directory. The
// caller can go on without state (see OpenOrMemory) and warn once.
var ErrUnavailable = errors.New("state cannot be kept")

// ErrTooNew is wrapped by the error Open returns for a database written by
// a newer gazette. Such a database is never altered.
var ErrTooNew = errors.New("the database was written by a newer gazette")

// DefaultBusyTimeout is how long a write waits for another process's
// write before it gives up. A mark-all of 100,000 articles takes about a
// second, so this leaves a wide margin.
const DefaultBusyTimeout = 15 * time.Second

// Options tunes Open. The zero value is what gazette uses.
type Options struct {
	// BusyTimeout is how long a statement waits for the database's lock;
	// zero means DefaultBusyTimeout.
	BusyTimeout time.Duration
	// Check runs SQLite's quick_check at open and treats a failure as
	// damage. It reads the whole file (tens of milliseconds at 100,000
	// articles), so the reader asks for it, in the background, and quick
	// commands such as `gazette unread` do not; a database that fails to
	// open or to read its schema is treated as damaged either way.
	Check bool
	// Now is the clock; nil means time.Now. It stamps first_seen, the
	// times of changes and the name of a damaged file moved aside.
	Now func() time.Time
	// Tokens names the way the caller makes the texts it indexes
	// (IndexDoc.Text), as query.IndexVersion does. An index whose texts
	// were made another way, or by a gazette that did not say, is emptied
	// at open, to be built again: a query made the new way would miss the
	// words of texts made the old way. "" leaves the index as it is.
	Tokens string
}

// Store is an open database. It is safe for concurrent use.
type Store struct {
	db     *sql.DB
	path   string
	now    func() time.Time
	notice string
	memory bool
	// stale, when set, is why the index could not be emptied of texts
	// made another way (see Options.Tokens): every use of the index
	// returns it, and the caller does without, until the next open.
	stale error
}

// maxConns sizes the pool: SQLite runs one writer at a time whatever the
// pool holds, and WAL lets a few readers run beside it.
const maxConns = 4

// Open opens the database at path, creating it and its directory when
// missing, and brings its schema up to date.
//
// A file that is not a database, or is damaged, is moved aside to
// path+".damaged-<time>" (with its -wal and -shm files) and a fresh
// database is started; Notice then returns a one-line message for the
// caller to print once. A path that cannot be written gives an error
// wrapping ErrUnavailable; a database from a newer gazette gives one
// wrapping ErrTooNew.
func Open(path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = DefaultBusyTimeout
	}
	if err := prepareDir(path); err != nil {
		return nil, err
	}
	notice := ""
	ctx := context.Background()
	err := retryBusy(ctx, func() error { return probe(path, opts) })
	if isDamage(err) {
		moved, merr := moveAside(path, opts.Now())
		if merr != nil {
			return nil, fmt.Errorf("open %q: the database is damaged and cannot be moved aside: %v: %w", path, merr, ErrUnavailable)
		}
		notice = fmt.Sprintf("gazette: the database %s was damaged; it was moved to %s and a new one started", path, moved)
		err = probe(path, opts)
	}
	if err != nil {
		return nil, classify(path, err)
	}
	db, err := sql.Open("sqlite", dsn(path, opts, true))
	if err != nil {
		return nil, classify(path, err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	s := &Store{db: db, path: path, now: opts.Now, notice: notice}
	if err := retryBusy(ctx, func() error { return s.migrate(ctx) }); err != nil {
		db.Close()
		return nil, classify(path, err)
	}
	s.checkTokens(ctx, opts.Tokens)
	return s, nil
}

// OpenOrMemory opens the database at path as Open does, and when that
// fails returns a store in memory instead, which works for this run only,
// with a one-line warning saying why state is not kept. Notice still
// carries the message about a damaged database. The store is nil only
// when SQLite cannot run at all, in memory either; the warning says so.
func OpenOrMemory(path string, opts Options) (s *Store, warning string) {
	s, err := Open(path, opts)
	if err == nil {
		return s, ""
	}
	warning = fmt.Sprintf("gazette: read marks and stars are not kept: %v", err)
	m, merr := OpenMemory(opts)
	if merr != nil {
		return nil, warning + "; " + oneLine(merr)
	}
	return m, warning
}

// OpenMemory returns a store that lives in memory and is gone when it is
// closed: for tests, and for running without a data directory.
func OpenMemory(opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	db, err := sql.Open("sqlite", "file::memory:?_pragma=foreign_keys(1)")
	if err != nil {
		return nil, err
	}
	// Every connection to ":memory:" is a database of its own: one only.
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	s := &Store{db: db, path: ":memory:", now: opts.Now, memory: true}
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	s.checkTokens(context.Background(), opts.Tokens)
	return s, nil
}

// Notice returns a one-line message for the user about what Open had to
// do (a damaged database moved aside), or "" when there is none.
func (s *Store) Notice() string { return s.notice }

// Path returns the database's file, or ":memory:".
func (s *Store) Path() string { return s.path }

// Memory reports whether the store lives in memory only, so that nothing
// it is told outlives the process.
func (s *Store) Memory() bool { return s.memory }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// dsn returns the data source name for path. The probe connection sets
// nothing that writes to the file, so that a database from a newer gazette
// is read and left as it was.
func dsn(path string, opts Options, full bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opts.BusyTimeout.Milliseconds()))
	if full {
		q.Add("_pragma", "journal_mode(WAL)")
		// FULL syncs the log at every commit: a mark survives a power cut,
		// not only a crash. Marks are few and batched, so this costs little.
		q.Add("_pragma", "synchronous(FULL)")
		q.Add("_pragma", "foreign_keys(1)")
		// Not mapped: every page of the file a process touched would
		// count in its memory, and with the full-text index the file of
		// 100,000 articles passes 90 MB. Read into each connection's page
		// cache instead, mark-all took less time, not more (0.59 s of CPU
		// for 100,000, against 0.89 s mapped).
		q.Add("_pragma", "mmap_size(0)")
		// 2 MB of pages per connection, SQLite's default. With 8 MB each,
		// a reader building its index filled four of them and peaked at
		// 256 MiB, against 232 MiB with 2 MB, in as long (10.0 s and
		// 10.2 s to index 100,000 articles); marks, states, index writes
		// and lookups took as long too (the store's benchmarks).
		q.Add("_pragma", "cache_size(-2000)")
		// A write transaction takes the write lock when it begins, so that
		// two writers never deadlock upgrading a read lock, which SQLite
		// reports as "database is locked" without waiting.
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}
	return u.String()
}

// prepareDir makes the database's directory and refuses a path that is a
// directory.
func prepareDir(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %q: %v: %w", filepath.Dir(path), unwrapPath(err), ErrUnavailable)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("open %q: it is a directory, not a database: %w", path, ErrUnavailable)
	}
	return nil
}

// unwrapPath drops the path from an *os.PathError, which the message
// already names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// probe reads the database's header and schema version on a connection
// that changes nothing, and runs quick_check when asked. It returns an
// error wrapping ErrTooNew for a newer schema.
func probe(path string, opts Options) error {
	db, err := sql.Open("sqlite", dsn(path, opts, false))
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	// The schema is read at the first statement that touches a table, so
	// a damaged schema page shows here.
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&n); err != nil {
		return err
	}
	if v > len(migrations) {
		return fmt.Errorf("open %q: its schema is version %d, this gazette knows up to %d; upgrade gazette, or move the file away: %w", path, v, len(migrations), ErrTooNew)
	}
	if opts.Check {
		rows, err := db.QueryContext(ctx, "PRAGMA quick_check")
		if err != nil {
			return err
		}
		defer rows.Close()
		var first string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				return err
			}
			if first == "" {
				first = line
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if first != "ok" {
			return &damageError{first}
		}
	}
	return nil
}

// damageError is a failed quick_check.
type damageError struct{ report string }

func (e *damageError) Error() string { return "quick_check: " + e.report }

// isDamage reports whether err says the file is not a sound database.
func isDamage(err error) bool {
	if err == nil {
		return false
	}
	var de *damageError
	if errors.As(err, &de) {
		return true
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return true
	}
	return false
}

// busyPatience bounds how long retryBusy tries a step again.
const busyPatience = time.Minute

// retryBusy runs fn, and again while SQLite answers that the database is
// busy or locked. The busy timeout makes most steps wait for another
// process, but SQLite answers at once in a few cases it does not cover:
// the first connections of a new file switching it to WAL together, a
// reader meeting a log that the last writer to leave is resetting. Those
// are tried again, waiting a little longer each time, until ctx ends or
// busyPatience has passed, so that "database is locked" never reaches the
// user while another gazette is only writing.
func retryBusy(ctx context.Context, fn func() error) error {
	deadline := time.Now().Add(busyPatience)
	wait := 5 * time.Millisecond
	for {
		err := fn()
		if !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 250*time.Millisecond)
	}
}

// isBusy reports whether err is SQLite's answer that another connection
// holds a lock.
func isBusy(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}

// sqliteCode returns the primary SQLite result code in err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// classify turns an error from opening the database into one the caller
// can act on: ErrTooNew stays, and what says the file cannot be written
// wraps ErrUnavailable.
func classify(path string, err error) error {
	if errors.Is(err, ErrTooNew) || errors.Is(err, ErrUnavailable) {
		return err
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_AUTH:
		return fmt.Errorf("open %q: %s: %w", path, oneLine(err), ErrUnavailable)
	}
	if errors.Is(err, syscall.EROFS) || errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("open %q: %s: %w", path, oneLine(err), ErrUnavailable)
	}
	return fmt.Errorf("open %q: %s", path, oneLine(err))
}

// oneLine keeps an error's message on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// moveAside renames a damaged database, and its log files, out of the
// way, and returns the new name.
func moveAside(path string, now time.Time) (string, error) {
	to := path + ".damaged-" + now.UTC().Format("20060102T150405Z")
	if _, err := os.Lstat(to); err == nil {
		to += fmt.Sprintf("-%d", now.UnixNano())
	}
	if err := os.Rename(path, to); err != nil {
		return "", unwrapPath(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		// A log left beside a fresh database would be replayed into it.
		if err := os.Rename(path+suffix, to+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(path + suffix)
		}
	}
	return to, nil
}

// write runs fn in one IMMEDIATE transaction.
func (s *Store) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	var tx *sql.Tx
	err := retryBusy(ctx, func() (err error) {
		tx, err = s.db.BeginTx(ctx, nil)
		return err
	})
	if err != nil {
		return s.wrap(op, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return s.wrap(op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.wrap(op, err)
	}
	return nil
}

// read runs fn in a transaction that only reads: all it reads is the
// database as it was at its first read, whatever is written meanwhile.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// wrap names the operation and the database in an error, on one line.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, err)
	}
	msg := oneLine(err)
	switch sqliteCode(err) {
	case sqlite3.SQLITE_FULL:
		msg = "the disk is full, nothing was changed (" + msg + ")"
	case sqlite3.SQLITE_READONLY:
		msg = "the database is read-only (" + msg + ")"
	case sqlite3.SQLITE_IOERR:
		msg = "the disk could not be written (" + msg + ")"
	}
	return &Error{Op: op, Path: s.path, Msg: msg, Err: err}
}

// Error is a failed store operation.
type Error struct {
	// Op names what was being done ("mark read").
	Op string
	// Path is the database file.
	Path string
	// Msg is the cause on one line.
	Msg string
	// Err is the underlying error.
	Err error
}

func (e *Error) Error() string { return fmt.Sprintf("%s in %q: %s", e.Op, e.Path, e.Msg) }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }
