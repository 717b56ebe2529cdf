package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gazette-news/gazette/feed"
)

// Keep records the items just fetched from the feed at source (a URL):
// each is stored whole, body included, so that it stays listed, offline
// too, after it leaves the feed; and source lists it from now on (see
// Seen). Items without a Key are left out.
func (s *Store) Keep(ctx context.Context, source string, arts []*feed.Article) error {
	keys := make([]string, 0, len(arts))
	docs := make([][]byte, 0, len(arts))
	dates := make([]string, 0, len(arts))
	for _, a := range arts {
		if a == nil || a.Key == "" {
			continue
		}
		b, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("keep %s: encode %q: %w", source, a.Key, err)
		}
		keys = append(keys, a.Key)
		docs = append(docs, b)
		date := ""
		if !a.Date.IsZero() {
			date = a.Date.Format(time.RFC3339Nano)
		}
		dates = append(dates, date)
	}
	now := s.now().UnixMilli()
	return s.write(ctx, "keep the items of "+source, func(tx *sql.Tx) error {
		if err := s.seen(ctx, tx, source, keys, false, nil); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO history (source, key, fetched, seen, date, article)
			VALUES (?1, ?2, ?3, ?3, ?4, ?5)
			ON CONFLICT (source, key) DO UPDATE SET seen = excluded.seen, date = excluded.date, article = excluded.article`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for i, k := range keys {
			if _, err := stmt.ExecContext(ctx, source, k, now, dates[i], docs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// History returns every item kept for source, with its body, oldest
// fetched first. An item that can no longer be read back is left out and
// counted in the error, which comes with the items that could.
func (s *Store) History(ctx context.Context, source string) ([]*feed.Article, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT key, date, article FROM history WHERE source = ? ORDER BY fetched, key", source)
	if err != nil {
		return nil, s.wrap("read the history of "+source, err)
	}
	defer rows.Close()
	var (
		out []*feed.Article
		bad int
	)
	for rows.Next() {
		var key, date string
		var doc []byte
		if err := rows.Scan(&key, &date, &doc); err != nil {
			return out, s.wrap("read the history of "+source, err)
		}
		a := new(feed.Article)
		if err := json.Unmarshal(doc, a); err != nil {
			bad++
			continue
		}
		a.Key = key
		if t, err := time.Parse(time.RFC3339Nano, date); err == nil {
			a.Date = t
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return out, s.wrap("read the history of "+source, err)
	}
	if bad > 0 {
		return out, fmt.Errorf("read the history of %s: %d items could not be read back", source, bad)
	}
	return out, nil
}
