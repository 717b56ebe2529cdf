package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// MatchKeys runs an FTS5 query expression as Match does, without ranking
// the matches: every key comes with relevance 0. Filtering needs no
// ranking, and BM25 costs twice the rest of the lookup.
func (s *Store) MatchKeys(ctx context.Context, expr string) (map[string]float64, error) {
	if s.stale != nil {
		return nil, s.stale
	}
	rows, err := s.db.QueryContext(ctx, `SELECT d.key FROM search
		JOIN search_docs d ON d.doc = search.rowid WHERE search MATCH ?`, expr)
	if err != nil {
		return nil, s.matchError(expr, err)
	}
	defer rows.Close()
	m := make(map[string]float64)
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, s.matchError(expr, err)
		}
		m[k] = 0
	}
	if err := rows.Err(); err != nil {
		return nil, s.matchError(expr, err)
	}
	return m, nil
}

// MatchDocs runs an FTS5 query expression as MatchKeys does, and returns
// the numbers of the matching documents, ascending, in place of their
// keys: DocKeys tells whose they are. Going from a number to its key costs
// a lookup per match, six times the rest of the query; a caller that
// numbered the keys once (DocKeys) matches many queries without it.
func (s *Store) MatchDocs(ctx context.Context, expr string) ([]int64, error) {
	if s.stale != nil {
		return nil, s.stale
	}
	// One text of numbers, not a row each: database/sql allocates twice
	// per row, 5,600 times for a word in 2,800 bodies.
	rows, err := s.db.QueryContext(ctx, `SELECT group_concat(rowid, ' ') FROM search WHERE search MATCH ?`, expr)
	if err != nil {
		return nil, s.matchError(expr, err)
	}
	defer rows.Close()
	var docs []int64
	if rows.Next() {
		var text sql.RawBytes
		if err := rows.Scan(&text); err != nil {
			return nil, s.matchError(expr, err)
		}
		docs, err = appendNumbers(make([]int64, 0, bytes.Count(text, []byte{' '})+1), text)
		if err != nil {
			return nil, s.wrap(fmt.Sprintf("search %q", expr), err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.matchError(expr, err)
	}
	if !slices.IsSorted(docs) {
		slices.Sort(docs)
	}
	return docs, nil
}

// DocKeys calls fn with the number and the key of every indexed
// document, and stops at fn's first error, which it returns. A document
// keeps its number for as long as its key stays indexed: indexing a key
// again keeps it; only a key unindexed gives it up. key is a slice of a
// text of many keys: a caller that keeps it keeps them all.
//
// The keys are read in one transaction, a range at a time, in the order
// of the index on keys, joined into one text by SQLite: a row each
// through database/sql costs twice as much, most of it in allocations.
func (s *Store) DocKeys(ctx context.Context, fn func(doc int64, key string) error) error {
	_, err := s.DocKeysVersion(ctx, fn)
	return err
}

// DocKeysVersion is DocKeys, all of it read in one transaction, and
// returns the version of the keys it read (see KeysVersion), read in the
// same transaction.
func (s *Store) DocKeysVersion(ctx context.Context, fn func(doc int64, key string) error) (version string, err error) {
	if s.stale != nil {
		return "", s.stale
	}
	// An error of fn's is returned as it is, others named.
	var fnErr error
	each := func(doc int64, key string) error {
		fnErr = fn(doc, key)
		return fnErr
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		if version, err = keysVersion(ctx, tx); err != nil {
			return err
		}
		return docKeys(ctx, tx, each)
	})
	if fnErr != nil {
		return "", fnErr
	}
	if err != nil {
		return "", s.wrap("read the index's keys", err)
	}
	return version, nil
}

// KeysVersion returns the version of the index's keys: the store's own
// name, drawn when it was made, and a number drawn anew by every write
// that indexes a new key or unindexes one (a document keeps its number
// while its key stays indexed: see DocKeys). Two reads of one version
// read the same documents and keys, so that a copy kept with its version
// (see DocKeysVersion) stands for them while the version is the same. As
// with the states' version (StatesVersion), the numbers are drawn, not
// counted.
func (s *Store) KeysVersion(ctx context.Context) (string, error) {
	if s.stale != nil {
		return "", s.stale
	}
	v, err := keysVersion(ctx, s.db)
	if err != nil {
		return "", s.wrap("read the version of the index's keys", err)
	}
	return v, nil
}

// newKeysVersion draws the next version of the index's keys, in tx,
// which indexed a new key or unindexed one. Every statement of this
// package that adds or deletes rows of search_docs is followed by it
// (TestEveryWriteOfKeysDrawsAVersion).
func newKeysVersion(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "UPDATE search_version SET n = random() WHERE id = 0")
	return err
}

func keysVersion(ctx context.Context, q querier) (string, error) {
	var store string
	var n int64
	if err := q.QueryRowContext(ctx, "SELECT s.store, k.n FROM states_version s, search_version k WHERE s.id = 0 AND k.id = 0").Scan(&store, &n); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s:%d", store, n), nil
}

// docKeys is DocKeys, in tx.
func docKeys(ctx context.Context, tx *sql.Tx, fn func(doc int64, key string) error) error {
	for after := ""; ; {
		var text string
		rows, err := tx.QueryContext(ctx, `SELECT group_concat(doc || ' ' || octet_length(key) || ' ' || key, ' ')
			FROM (SELECT doc, key FROM search_docs WHERE key > ? ORDER BY key LIMIT ?)`, after, docKeysRange)
		if err != nil {
			return err
		}
		n := 0
		var fnErr error
		if rows.Next() {
			var v sql.NullString
			err = rows.Scan(&v)
			text = v.String
			if err == nil {
				err = eachDocKey(text, func(doc int64, key string) error {
					n++
					after = max(after, key)
					fnErr = fn(doc, key)
					return fnErr
				})
			}
		}
		if err == nil {
			err = rows.Err()
		}
		rows.Close()
		if fnErr != nil {
			return fnErr
		}
		if err != nil {
			return err
		}
		if n < docKeysRange {
			return nil
		}
	}
}

// docKeysRange is how many documents one query of DocKeys reads: a
// quarter of a megabyte of text.
const docKeysRange = 1 << 13

// errDocKeys says the joined keys did not read back.
var errDocKeys = errors.New("malformed list of keys")

// eachDocKey calls fn with each document of a text of "doc len key"
// joined by spaces.
func eachDocKey(text string, fn func(doc int64, key string) error) error {
	for len(text) > 0 {
		doc, rest, ok := cutInt(text)
		if !ok {
			return errDocKeys
		}
		n, rest, ok := cutInt(rest)
		if !ok || n > int64(len(rest)) {
			return errDocKeys
		}
		if err := fn(doc, rest[:n]); err != nil {
			return err
		}
		text = rest[n:]
		if len(text) > 0 {
			if text[0] != ' ' {
				return errDocKeys
			}
			text = text[1:]
		}
	}
	return nil
}

// appendNumbers appends the decimal numbers of text, one space between
// two, to docs.
func appendNumbers(docs []int64, text []byte) ([]int64, error) {
	for len(text) > 0 {
		i := bytes.IndexByte(text, ' ')
		if i < 0 {
			i = len(text)
		}
		if i == 0 || i > 18 {
			return nil, errDocKeys
		}
		var n int64
		for _, c := range text[:i] {
			if c < '0' || c > '9' {
				return nil, errDocKeys
			}
			n = n*10 + int64(c-'0')
		}
		docs = append(docs, n)
		text = text[min(i+1, len(text)):]
	}
	return docs, nil
}

// cutInt reads a decimal number and the space after it.
func cutInt(s string) (int64, string, bool) {
	i := strings.IndexByte(s, ' ')
	if i <= 0 || i > 18 {
		return 0, "", false
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil || n < 0 {
		return 0, "", false
	}
	return n, s[i+1:], true
}
