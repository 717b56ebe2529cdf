package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// IndexDoc is one article's text for the full-text index.
type IndexDoc struct {
	// Key is the article's story key.
	Key string
	// Stamp says which version of the article was indexed (the caller's
	// choice: a file's stamp, a hash); a document whose stamp has not
	// changed is not indexed again.
	Stamp string
	// Text is the text to index, already normalized by the query
	// tokenizer: plain words, no Markdown, no URLs.
	Text string
}

// indexBatch is how many documents one transaction indexes, so that a
// long first build lets other writers in between.
const indexBatch = 2000

// ErrBadQuery is wrapped by Match's error for an expression the index
// cannot read.
var ErrBadQuery = errors.New("bad search expression")

// Index adds the documents to the full-text index, replacing the older
// version of a key already indexed with another stamp and skipping one
// indexed with the same stamp. It commits every few thousand documents,
// and stops between batches when ctx is done.
func (s *Store) Index(ctx context.Context, docs []IndexDoc) error {
	for from := 0; from < len(docs); from += indexBatch {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch := docs[from:min(from+indexBatch, len(docs))]
		if err := s.write(ctx, "index", func(tx *sql.Tx) error { return indexTx(ctx, tx, batch) }); err != nil {
			return err
		}
	}
	return nil
}

func indexTx(ctx context.Context, tx *sql.Tx, docs []IndexDoc) error {
	find, err := tx.PrepareContext(ctx, "SELECT doc, stamp FROM search_docs WHERE key = ?")
	if err != nil {
		return err
	}
	defer find.Close()
	drop, err := tx.PrepareContext(ctx, "DELETE FROM search WHERE rowid = ?")
	if err != nil {
		return err
	}
	defer drop.Close()
	restamp, err := tx.PrepareContext(ctx, "UPDATE search_docs SET stamp = ? WHERE doc = ?")
	if err != nil {
		return err
	}
	defer restamp.Close()
	add, err := tx.PrepareContext(ctx, "INSERT INTO search_docs (key, stamp) VALUES (?, ?)")
	if err != nil {
		return err
	}
	defer add.Close()
	put, err := tx.PrepareContext(ctx, "INSERT INTO search (rowid, body) VALUES (?, ?)")
	if err != nil {
		return err
	}
	defer put.Close()
	for _, d := range docs {
		var (
			id    int64
			stamp string
		)
		err := find.QueryRowContext(ctx, d.Key).Scan(&id, &stamp)
		switch {
		case err == sql.ErrNoRows:
			res, err := add.ExecContext(ctx, d.Key, d.Stamp)
			if err != nil {
				return err
			}
			if id, err = res.LastInsertId(); err != nil {
				return err
			}
		case err != nil:
			return err
		case stamp == d.Stamp:
			continue
		default:
			if _, err := drop.ExecContext(ctx, id); err != nil {
				return err
			}
			if _, err := restamp.ExecContext(ctx, d.Stamp, id); err != nil {
				return err
			}
		}
		if _, err := put.ExecContext(ctx, id, d.Text); err != nil {
			return err
		}
	}
	return nil
}

// Indexed returns the stamp of every indexed key, so that the caller
// indexes only what is new or changed and unindexes what is gone.
func (s *Store) Indexed(ctx context.Context) (map[string]string, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM search_docs").Scan(&n); err != nil {
		return nil, s.wrap("read the index", err)
	}
	m := make(map[string]string, n)
	rows, err := s.db.QueryContext(ctx, "SELECT key, stamp FROM search_docs")
	if err != nil {
		return nil, s.wrap("read the index", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, st string
		if err := rows.Scan(&k, &st); err != nil {
			return nil, s.wrap("read the index", err)
		}
		m[k] = st
	}
	return m, s.wrap("read the index", rows.Err())
}

// Unindex removes the keys from the index.
func (s *Store) Unindex(ctx context.Context, keys ...string) error {
	return s.write(ctx, "unindex", func(tx *sql.Tx) error {
		for from := 0; from < len(keys); from += chunk {
			arr, err := jsonKeys(keys[from:min(from+chunk, len(keys))])
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM search WHERE rowid IN
				(SELECT doc FROM search_docs WHERE key IN (SELECT value FROM json_each(?)))`, arr); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM search_docs WHERE key IN (SELECT value FROM json_each(?))", arr); err != nil {
				return err
			}
		}
		return nil
	})
}

// Match runs an FTS5 query expression and returns the matching keys with
// their relevance, higher for better matches (BM25, negated from FTS5's
// convention). An expression FTS5 cannot read gives an error wrapping
// ErrBadQuery, never a panic.
func (s *Store) Match(ctx context.Context, expr string) (map[string]float64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.key, -bm25(search) FROM search
		JOIN search_docs d ON d.doc = search.rowid WHERE search MATCH ?`, expr)
	if err != nil {
		return nil, s.matchError(expr, err)
	}
	defer rows.Close()
	m := make(map[string]float64)
	for rows.Next() {
		var k string
		var score float64
		if err := rows.Scan(&k, &score); err != nil {
			return nil, s.matchError(expr, err)
		}
		m[k] = score
	}
	if err := rows.Err(); err != nil {
		return nil, s.matchError(expr, err)
	}
	return m, nil
}

// matchError tells a bad expression from a failing database.
func (s *Store) matchError(expr string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if sqliteCode(err) == 1 { // SQLITE_ERROR: FTS5 reports syntax errors so
		return fmt.Errorf("search %q: %s: %w", expr, oneLine(err), ErrBadQuery)
	}
	return s.wrap(fmt.Sprintf("search %q", expr), err)
}
