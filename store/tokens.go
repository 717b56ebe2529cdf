package store

import (
	"context"
	"database/sql"
	"errors"
)

// checkTokens empties the index when its texts were made another way
// than tokens names (see Options.Tokens), and records tokens. When it
// cannot (a full disk, a lock held too long), the index is not to be used
// in this run: its answers could miss words, and a caller that gets an
// error from it reads the bodies instead.
func (s *Store) checkTokens(ctx context.Context, tokens string) {
	if tokens == "" {
		return
	}
	if have, err := s.indexTokens(ctx, s.db); err == nil && have == tokens {
		return
	}
	s.stale = s.write(ctx, "empty the index to build it again", func(tx *sql.Tx) error {
		// Another process may have done it since the look above.
		if have, err := s.indexTokens(ctx, tx); err != nil || have == tokens {
			return err
		}
		for _, q := range [...]string{
			"INSERT INTO search (search) VALUES ('delete-all')",
			"DELETE FROM search_docs",
			// The roots keep their numbers, which a writer in
			// another process may hold.
			"UPDATE search_roots SET n = 0, lo = 0, hi = 0",
			"DELETE FROM search_tokens",
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO search_tokens (tokens) VALUES (?)", tokens); err != nil {
			return err
		}
		return newKeysVersion(ctx, tx)
	})
}

// indexTokens returns the name recorded by checkTokens, "" for none.
func (s *Store) indexTokens(ctx context.Context, q querier) (string, error) {
	var tokens string
	err := q.QueryRowContext(ctx, "SELECT tokens FROM search_tokens").Scan(&tokens)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return tokens, err
}
