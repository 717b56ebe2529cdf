package store

import "context"

// Sources returns the sources the store has been told about (see Seen),
// in no set order. A caller that asks about all of them can read the
// count of every source at once, UnreadCount with no source, which is
// one row, instead of counting over their articles.
func (s *Store) Sources(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT source FROM sources WHERE source != ''")
	if err != nil {
		return nil, s.wrap("list sources", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var src string
		if err := rows.Scan(&src); err != nil {
			return nil, s.wrap("list sources", err)
		}
		out = append(out, src)
	}
	return out, s.wrap("list sources", rows.Err())
}
