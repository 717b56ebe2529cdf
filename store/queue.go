package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Change is one state change waiting to be sent to a sync account.
type Change struct {
	// ID orders the queue; Enqueue sets it.
	ID int64
	// Account names the sync account, as the config does.
	Account string
	// Key is the article's story key.
	Key string
	// Op is the change.
	Op Op
	// At is when the change was made, which decides conflicts.
	At time.Time
	// Tries counts the failed attempts to send it.
	Tries int
}

// Enqueue adds changes to the end of their accounts' queues, in order, in
// one transaction.
func (s *Store) Enqueue(ctx context.Context, changes ...Change) error {
	for _, c := range changes {
		if !c.Op.Valid() {
			return fmt.Errorf("enqueue: unknown change %q", c.Op)
		}
	}
	return s.write(ctx, "queue changes", func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, "INSERT INTO changes (account, key, op, at, tries) VALUES (?, ?, ?, ?, ?)")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range changes {
			if _, err := stmt.ExecContext(ctx, c.Account, c.Key, string(c.Op), c.At.UnixMilli(), c.Tries); err != nil {
				return err
			}
		}
		return nil
	})
}

// Pending returns up to limit changes queued for account, oldest first.
func (s *Store) Pending(ctx context.Context, account string, limit int) ([]Change, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, key, op, at, tries FROM changes WHERE account = ? ORDER BY id LIMIT ?", account, limit)
	if err != nil {
		return nil, s.wrap("read the queue", err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		c := Change{Account: account}
		var op string
		var at int64
		if err := rows.Scan(&c.ID, &c.Key, &op, &at, &c.Tries); err != nil {
			return nil, s.wrap("read the queue", err)
		}
		c.Op, c.At = Op(op), time.UnixMilli(at)
		out = append(out, c)
	}
	return out, s.wrap("read the queue", rows.Err())
}

// Dequeue removes changes that were sent, or that the server refused for
// good.
func (s *Store) Dequeue(ctx context.Context, ids ...int64) error {
	return s.write(ctx, "dequeue changes", func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, "DELETE FROM changes WHERE id = ?", id); err != nil {
				return err
			}
		}
		return nil
	})
}

// Retry counts one more failed attempt to send the change.
func (s *Store) Retry(ctx context.Context, id int64) error {
	return s.write(ctx, "count a retry", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE changes SET tries = tries + 1 WHERE id = ?", id)
		return err
	})
}
