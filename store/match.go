package store

import "context"

// MatchKeys runs an FTS5 query expression as Match does, without ranking
// the matches: every key comes with relevance 0. Filtering needs no
// ranking, and BM25 costs twice the rest of the lookup.
func (s *Store) MatchKeys(ctx context.Context, expr string) (map[string]float64, error) {
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
