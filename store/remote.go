package store

import (
	"context"
	"database/sql"
	"time"
)

// RemoteEntry ties an entry of a sync account to the story key the store
// keeps state by, with the entry's state on the server as the last sync
// saw it.
type RemoteEntry struct {
	// ID is the server's ID of the entry.
	ID string
	// Key is the article's story key.
	Key string
	// Read and Starred are the entry's state on the server at the last
	// sync.
	Read, Starred bool
}

// RemoteEntries returns the entries the store knows of account, by ID.
func (s *Store) RemoteEntries(ctx context.Context, account string) (map[string]RemoteEntry, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, key, read, starred FROM remote_entries WHERE account = ?", account)
	if err != nil {
		return nil, s.wrap("read the entries of "+account, err)
	}
	defer rows.Close()
	m := map[string]RemoteEntry{}
	for rows.Next() {
		var e RemoteEntry
		if err := rows.Scan(&e.ID, &e.Key, &e.Read, &e.Starred); err != nil {
			return nil, s.wrap("read the entries of "+account, err)
		}
		m[e.ID] = e
	}
	return m, s.wrap("read the entries of "+account, rows.Err())
}

// PutRemoteEntries records entries of account, replacing what was known
// of the same IDs, in one transaction.
func (s *Store) PutRemoteEntries(ctx context.Context, account string, entries []RemoteEntry) error {
	if len(entries) == 0 {
		return nil
	}
	return s.write(ctx, "record the entries of "+account, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO remote_entries (account, id, key, read, starred) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (account, id) DO UPDATE SET key = excluded.key, read = excluded.read, starred = excluded.starred`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range entries {
			if _, err := stmt.ExecContext(ctx, account, e.ID, e.Key, e.Read, e.Starred); err != nil {
				return err
			}
		}
		return nil
	})
}

// ForgetAccount drops what the store knows of account: its entries and
// its queue. The articles and their state stay.
func (s *Store) ForgetAccount(ctx context.Context, account string) error {
	return s.write(ctx, "forget "+account, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM remote_entries WHERE account = ?", account); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM changes WHERE account = ?", account)
		return err
	})
}

// queueForAccounts queues op, made at at, for every account that has one
// of the keys in arr (a JSON array), once per account and key.
func queueForAccounts(ctx context.Context, tx *sql.Tx, op Op, at time.Time, arr string) error {
	// Without an account, a mark-all of 100,000 keys would pay a lookup
	// for each: one row tells there is nothing to do.
	var some bool
	if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM remote_entries)").Scan(&some); err != nil || !some {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO changes (account, key, op, at)
		SELECT DISTINCT r.account, j.value, ?1, ?2 FROM json_each(?3) j
		JOIN remote_entries r ON r.key = j.value
		ORDER BY j.key, r.account`, string(op), at.UnixMilli(), arr)
	return err
}
