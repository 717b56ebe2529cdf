package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gazette-news/gazette/feed"
)

// Op is a change to an article's state.
type Op string

// The four changes a user (or a sync server) makes.
const (
	OpRead   Op = "read"
	OpUnread Op = "unread"
	OpStar   Op = "star"
	OpUnstar Op = "unstar"
)

// Valid reports whether op is one of the four changes.
func (op Op) Valid() bool {
	switch op {
	case OpRead, OpUnread, OpStar, OpUnstar:
		return true
	}
	return false
}

// chunk is how many keys one statement takes, as a JSON array: one
// statement per chunk keeps the loop inside SQLite.
const chunk = 25000

// LoadStates returns the state of every article the store knows, by key.
// It is one query; the keys share one buffer instead of one allocation
// each, since this runs at every launch.
func (s *Store) LoadStates(ctx context.Context) (map[string]feed.State, error) {
	m, err := loadStates(ctx, s.db)
	if err != nil {
		return nil, s.wrap("load states", err)
	}
	return m, nil
}

// LoadStatesVersion is LoadStates, with the version of the states it
// returns (see StatesVersion), read in the same transaction.
func (s *Store) LoadStatesVersion(ctx context.Context) (m map[string]feed.State, version string, err error) {
	err = s.read(ctx, func(tx *sql.Tx) error {
		if version, err = statesVersion(ctx, tx); err != nil {
			return err
		}
		m, err = loadStates(ctx, tx)
		return err
	})
	if err != nil {
		return nil, "", s.wrap("load states", err)
	}
	return m, version, nil
}

// StatesVersion returns the version of every article's state the store
// keeps: the store's own name, drawn when it was made, and a number drawn
// anew by each write that changes a state, records an article or drops
// one. Two reads of one version read the same states, so that a copy kept
// with its version (see LoadStatesVersion) stands for the table while the
// version is the same. Numbers are drawn at random, not counted, so that
// a database put back from a copy and written again does not come back
// to a version it had before with other states.
func (s *Store) StatesVersion(ctx context.Context) (string, error) {
	v, err := statesVersion(ctx, s.db)
	if err != nil {
		return "", s.wrap("read the version of the states", err)
	}
	return v, nil
}

// querier is a database or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func statesVersion(ctx context.Context, q querier) (string, error) {
	var store string
	var n int64
	if err := q.QueryRowContext(ctx, "SELECT store, n FROM states_version WHERE id = 0").Scan(&store, &n); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s:%d", store, n), nil
}

// newStatesVersion draws the next version of the states, in tx, which
// changed a row of articles. Every statement of this package that writes
// articles is followed by it (TestEveryWriteOfArticlesDrawsAVersion).
func newStatesVersion(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "UPDATE states_version SET n = random() WHERE id = 0")
	return err
}

func loadStates(ctx context.Context, q querier) (map[string]feed.State, error) {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM articles").Scan(&n); err != nil {
		return nil, err
	}
	m := make(map[string]feed.State, n)
	if err := scanStates(ctx, q, m, n, selectStates); err != nil {
		return nil, err
	}
	return m, nil
}

// LoadMarked returns the state of every article read or starred, by key.
// Any other article the store knows is unread and not starred, which is
// all a list needs to know of it: where most articles are neither, it
// holds a few keys where LoadStates holds them all (at 100,000 articles,
// some 7 MB while the reader loads). It reads an index of the marked
// articles alone, so that its cost follows their number: with none of
// 100,000 marked, 0.06 ms against 20 ms for a scan of every article.
func (s *Store) LoadMarked(ctx context.Context) (map[string]feed.State, error) {
	m := make(map[string]feed.State)
	err := scanStates(ctx, s.db, m, 1024, selectStates+markedOnly)
	if err != nil {
		return nil, s.wrap("load states", err)
	}
	return m, nil
}

// markedOnly keeps the articles read or starred, as the index
// articles_marked does: a query with it reads that index alone.
const markedOnly = " WHERE read OR starred"

// States returns the state of the given keys; keys the store does not
// know are left out.
func (s *Store) States(ctx context.Context, keys []string) (map[string]feed.State, error) {
	m := make(map[string]feed.State, min(len(keys), chunk))
	err := inChunks(keys, func(arr string, n int) error {
		err := scanStates(ctx, s.db, m, n, selectStates+" WHERE key IN (SELECT value FROM json_each(?))", arr)
		if err != nil {
			return s.wrap("read states", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// selectStates selects every article's key and state as scanStates reads
// them; the callers add the rows they want.
const selectStates = "SELECT key, (first_seen << 2) | read | (starred << 1) FROM articles"

// scanStates adds the rows of a (key, first_seen<<2 | starred<<1 | read)
// query to m: one number rather than three, since the driver allocates
// for each large number it returns.
// The keys are gathered in one buffer that becomes one string, and the
// map's keys are slices of it, so a row costs no allocation of its own.
func scanStates(ctx context.Context, q querier, m map[string]feed.State, hint int, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	type row struct {
		end   int
		state feed.State
	}
	var (
		key   sql.RawBytes
		flags int64
		buf   = make([]byte, 0, 20*hint+64)
		out   = make([]row, 0, hint)
	)
	for rows.Next() {
		if err := rows.Scan(&key, &flags); err != nil {
			return err
		}
		buf = append(buf, key...)
		out = append(out, row{len(buf), feed.State{Read: flags&1 != 0, Starred: flags&2 != 0, FirstSeen: time.Unix(flags>>2, 0)}})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	all := string(buf)
	start := 0
	for _, r := range out {
		m[all[start:r.end]] = r.state
		start = r.end
	}
	return nil
}

// Mark applies op to the keys, now, in one transaction: every key is
// changed or none is. A key the store has not seen is recorded as first
// seen now.
//
// Mark is the user's change: it is also queued, in the same transaction,
// for every sync account that has one of the keys (see RemoteEntry), so
// that the next sync sends it. MarkAt queues nothing.
func (s *Store) Mark(ctx context.Context, op Op, keys ...string) error {
	return s.markAt(ctx, op, s.now(), true, keys...)
}

// MarkAt applies op to the keys as made at time at, in one transaction.
// A key whose read (or starred) state was last changed after at keeps
// it: the newer change wins, which is what a sync needs.
func (s *Store) MarkAt(ctx context.Context, op Op, at time.Time, keys ...string) error {
	return s.markAt(ctx, op, at, false, keys...)
}

func (s *Store) markAt(ctx context.Context, op Op, at time.Time, queue bool, keys ...string) error {
	var q string
	switch op {
	case OpRead, OpUnread:
		q = `INSERT INTO articles (key, first_seen, read, read_at)
			SELECT value, ?1, ?2, ?3 FROM json_each(?4) WHERE true
			ON CONFLICT (key) DO UPDATE SET read = excluded.read, read_at = excluded.read_at
			WHERE excluded.read_at >= articles.read_at AND excluded.read != articles.read`
	case OpStar, OpUnstar:
		q = `INSERT INTO articles (key, first_seen, starred, starred_at)
			SELECT value, ?1, ?2, ?3 FROM json_each(?4) WHERE true
			ON CONFLICT (key) DO UPDATE SET starred = excluded.starred, starred_at = excluded.starred_at
			WHERE excluded.starred_at >= articles.starred_at AND excluded.starred != articles.starred`
	default:
		return fmt.Errorf("mark: unknown change %q", op)
	}
	on := 0
	if op == OpRead || op == OpStar {
		on = 1
	}
	// A key given twice would be counted twice in the unread deltas.
	keys = unique(keys)
	return s.write(ctx, "mark "+string(op), func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer stmt.Close()
		deltas := map[string]int{}
		changed := false
		// The articles are written in the order of their keys, each
		// beside the one before, on a page just read: marking 100,000
		// read takes three quarters of the time so. The changes to send
		// are queued in the order given.
		err = inChunks(slices.Sorted(slices.Values(keys)), func(arr string, _ int) error {
			if op == OpRead || op == OpUnread {
				if err := unreadDeltas(ctx, tx, deltas, arr, on, at); err != nil {
					return err
				}
			}
			res, err := stmt.ExecContext(ctx, s.now().Unix(), on, at.UnixMilli(), arr)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			changed = changed || n > 0
			return err
		})
		if err != nil {
			return err
		}
		if changed {
			if err := newStatesVersion(ctx, tx); err != nil {
				return err
			}
		}
		if queue {
			if err := inChunks(keys, func(arr string, _ int) error { return queueForAccounts(ctx, tx, op, at, arr) }); err != nil {
				return err
			}
		}
		for src, d := range deltas {
			if _, err := tx.ExecContext(ctx, "UPDATE sources SET unread = unread + ? WHERE source = ?", d, src); err != nil {
				return err
			}
		}
		return nil
	})
}

// unreadDeltas adds to deltas, by source, how the unread count changes
// when the keys in arr (a JSON array) become read (on is 1) or unread;
// deltas[""] is the change for all sources, where an article counts once.
// It runs before the change, and counts only the articles it changes.
func unreadDeltas(ctx context.Context, tx *sql.Tx, deltas map[string]int, arr string, on int, at time.Time) error {
	// Each changed article's sources are looked up once, for both counts.
	rows, err := tx.QueryContext(ctx, `WITH changed AS MATERIALIZED (
			SELECT si.source, si.key FROM json_each(?1) j
			JOIN articles a ON a.key = j.value
			JOIN source_items si ON si.key = a.key
			WHERE a.read != ?2 AND a.read_at <= ?3)
		SELECT source, count(*) FROM changed GROUP BY source
		UNION ALL
		SELECT '', count(DISTINCT key) FROM changed`, arr, on, at.UnixMilli())
	if err != nil {
		return err
	}
	defer rows.Close()
	sign := 1
	if on == 1 {
		sign = -1
	}
	for rows.Next() {
		var src string
		var n int
		if err := rows.Scan(&src, &n); err != nil {
			return err
		}
		deltas[src] += sign * n
	}
	return rows.Err()
}

// Seen records that source lists the keys: a key new to the store gets
// first_seen now, and the source's counts of articles and unread articles
// follow. When complete is true the keys are all the source lists now
// (a directory read whole), and keys it listed before but not now leave
// it; when false they are added (a feed, whose past items stay listed).
// Keys already known cost one lookup each, inside SQLite.
//
// A source read whole that lists what it listed when last recorded whole
// has nothing more to record (see listedDigest), and nothing is written,
// not even the time it was seen: a launch that finds a directory as it
// was leaves the database as it was, takes no write lock from a reader
// running beside it, and syncs nothing to the disk.
func (s *Store) Seen(ctx context.Context, source string, keys []string, complete bool) error {
	var digest []byte
	if complete && source != "" {
		digest = listedDigest(keys)
		var was []byte
		err := s.db.QueryRowContext(ctx, "SELECT listed FROM sources WHERE source = ?", source).Scan(&was)
		if err == nil && bytes.Equal(was, digest) {
			return nil
		}
	}
	return s.write(ctx, "record articles", func(tx *sql.Tx) error {
		return s.seen(ctx, tx, source, keys, complete, digest)
	})
}

// seen is Seen in tx. digest is listedDigest(keys) when complete.
func (s *Store) seen(ctx context.Context, tx *sql.Tx, source string, keys []string, complete bool, digest []byte) (err error) {
	if source == "" {
		return errors.New("a source must have a name")
	}
	now := s.now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO sources (source, seen) VALUES (?1, ?2)
		ON CONFLICT (source) DO UPDATE SET seen = excluded.seen`, source, now.UnixMilli()); err != nil {
		return err
	}
	if complete {
		// The digest stands for the keys, and the triggers forgot it if
		// any row of the source changed since: one that is the same, as
		// another process may have just recorded it, leaves nothing to do.
		var was []byte
		err := tx.QueryRowContext(ctx, "SELECT listed FROM sources WHERE source = ?", source).Scan(&was)
		if err != nil {
			return err
		}
		if bytes.Equal(was, digest) {
			return nil
		}
	}
	// What the source listed before, compared here rather than in SQL:
	// on a second launch nearly every key is known, and one read of the
	// source's keys is cheaper than a lookup for each.
	listed, err := sourceKeys(ctx, tx, source)
	if err != nil {
		return err
	}
	var added []string
	for _, k := range keys {
		if _, ok := listed[k]; !ok {
			added = append(added, k)
		}
		listed[k] = true
	}
	// In the order of the tables' keys, each insert lands beside the one
	// before it, on a page just read: a first record of 100,000 takes
	// half the time so.
	slices.Sort(added)
	recorded := false
	err = inChunks(added, func(arr string, _ int) error {
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO articles (key, first_seen)
			SELECT value, ? FROM json_each(?)`, now.Unix(), arr)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n > 0 {
			recorded = true
		}
		_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO source_items (source, key)
			SELECT ?, value FROM json_each(?)`, source, arr)
		return err
	})
	if err != nil {
		return err
	}
	if recorded {
		if err := newStatesVersion(ctx, tx); err != nil {
			return err
		}
	}
	if !complete {
		return nil
	}
	// Set last: every row added or dropped below clears it again.
	defer func() {
		if err == nil {
			_, err = tx.ExecContext(ctx, "UPDATE sources SET listed = ? WHERE source = ?", digest, source)
		}
	}()
	var gone []string
	for k, still := range listed {
		if !still {
			gone = append(gone, k)
		}
	}
	slices.Sort(gone)
	return inChunks(gone, func(arr string, _ int) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM source_items WHERE source = ?
			AND key IN (SELECT value FROM json_each(?))`, source, arr)
		return err
	})
}

// sourceKeys returns the keys source lists, each mapped to false.
func sourceKeys(ctx context.Context, tx *sql.Tx, source string) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, "SELECT key FROM source_items WHERE source = ?", source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		m[k] = false
	}
	return m, rows.Err()
}

// unique returns keys without repeats, in their first order.
func unique(keys []string) []string {
	seen := make(map[string]struct{}, len(keys))
	out := keys[:0:0]
	for _, k := range keys {
		if _, ok := seen[k]; !ok {
			seen[k] = struct{}{}
			out = append(out, k)
		}
	}
	return out
}

// Count is what UnreadCount found.
type Count struct {
	// Unread and Total count the articles of the sources asked about,
	// each article once however many of them list it.
	Unread, Total int
	// Unknown lists the sources the store has never been told about
	// (see Seen): their articles are not counted, and the caller may read
	// them to find out.
	Unknown []string
}

// UnreadCount counts the unread articles of the sources, as last recorded
// by Seen, or of every source the store knows when none is given.
//
// One source, or none, reads kept counts: one row, whatever the number of
// articles, so that a status bar can ask every few seconds. Several
// sources are counted over their articles, so that a story two of them
// list counts once; that reads the membership of the sources asked about
// (about 0.2 s at 100,000 articles).
func (s *Store) UnreadCount(ctx context.Context, sources ...string) (Count, error) {
	var c Count
	if len(sources) <= 1 {
		src := ""
		if len(sources) == 1 {
			src = sources[0]
		}
		err := s.db.QueryRowContext(ctx, "SELECT unread, total FROM sources WHERE source = ?", src).Scan(&c.Unread, &c.Total)
		if err == sql.ErrNoRows {
			c.Unknown = sources
			return c, nil
		}
		return c, s.wrap("count unread", err)
	}
	known, err := s.knownSources(ctx, sources)
	if err != nil {
		return c, s.wrap("count unread", err)
	}
	for _, src := range sources {
		if !known[src] {
			c.Unknown = append(c.Unknown, src)
		}
	}
	arr, err := jsonKeys(sources)
	if err != nil {
		return c, err
	}
	err = s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(read = 0), 0) FROM articles
		WHERE key IN (SELECT key FROM source_items WHERE source IN (SELECT value FROM json_each(?)))`, arr).Scan(&c.Total, &c.Unread)
	return c, s.wrap("count unread", err)
}

func (s *Store) knownSources(ctx context.Context, sources []string) (map[string]bool, error) {
	arr, err := jsonKeys(sources)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT source FROM sources WHERE source IN (SELECT value FROM json_each(?))", arr)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	known := make(map[string]bool, len(sources))
	for rows.Next() {
		var src string
		if err := rows.Scan(&src); err != nil {
			return nil, err
		}
		known[src] = true
	}
	return known, rows.Err()
}

// DefaultKeepRead is how long a read item fetched from a URL is kept after
// it left its feed, unless the config says otherwise.
const DefaultKeepRead = 90 * 24 * time.Hour

// Prune drops the items fetched from URLs that were read more than
// keepRead before now and have not been in their feed since then, with
// their state; and the state of read articles no source lists any more,
// read as long ago. Unread and starred articles are never dropped. It
// returns how many articles were dropped.
func (s *Store) Prune(ctx context.Context, now time.Time, keepRead time.Duration) (int, error) {
	cutoff := now.Add(-keepRead).UnixMilli()
	var n int64
	err := s.write(ctx, "prune", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM source_items WHERE (source, key) IN (
			SELECT h.source, h.key FROM history h JOIN articles a ON a.key = h.key
			WHERE h.seen < ?1 AND a.read = 1 AND a.read_at < ?1 AND a.starred = 0)`, cutoff); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE read = 1 AND read_at < ?1 AND starred = 0
			AND key NOT IN (SELECT key FROM source_items)`, cutoff)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		return newStatesVersion(ctx, tx)
	})
	return int(n), err
}

// inChunks calls fn with the keys a chunk at a time, each as a JSON array
// (for json_each) and its length, and stops at fn's first error.
func inChunks(keys []string, fn func(arr string, n int) error) error {
	for from := 0; from < len(keys); from += chunk {
		part := keys[from:min(from+chunk, len(keys))]
		arr, err := jsonKeys(part)
		if err != nil {
			return err
		}
		if err := fn(arr, len(part)); err != nil {
			return err
		}
	}
	return nil
}

// jsonKeys writes keys as a JSON array, the form json_each reads.
func jsonKeys(keys []string) (string, error) {
	b, err := json.Marshal(keys)
	if err != nil {
		return "", fmt.Errorf("encode keys: %w", err)
	}
	return string(b), nil
}

// listedDigest sums up a source's list of keys in a few bytes: the count,
// and the sums of two 64-bit FNV-1a hashes of each key (from different
// offsets), which do not depend on the order the keys came in (a load's
// workers race). It tells a list that changed from one that did not; it
// guards nothing against a forger, who could only make a key go unseen.
func listedDigest(keys []string) []byte {
	const (
		prime  = 1099511628211
		basis1 = 14695981039346656037
		basis2 = 0x6c62272e07bb0142
	)
	var sum1, sum2 uint64
	for _, k := range keys {
		h1, h2 := uint64(basis1), uint64(basis2)
		for i := 0; i < len(k); i++ {
			h1 = (h1 ^ uint64(k[i])) * prime
			h2 = (h2 ^ uint64(k[i])) * prime
		}
		sum1 += h1
		sum2 += h2 * prime
	}
	out := binary.BigEndian.AppendUint64(nil, uint64(len(keys)))
	out = binary.BigEndian.AppendUint64(out, sum1)
	return binary.BigEndian.AppendUint64(out, sum2)
}
