package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
)

// listedKeys returns the keys the store says source lists, sorted.
func listedKeys(t *testing.T, s *Store, source string) []string {
	t.Helper()
	rows, err := s.db.Query("SELECT key FROM source_items WHERE source = ? ORDER BY key", source)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
	}
	return out
}

// listedDigestOf returns the digest the store keeps for source.
func listedDigestOf(t *testing.T, s *Store, source string) []byte {
	t.Helper()
	var d []byte
	if err := s.db.QueryRow("SELECT listed FROM sources WHERE source = ?", source).Scan(&d); err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return d
}

func TestListedDigest(t *testing.T) {
	a := listedDigest([]string{"k1", "k2", "k3"})
	if b := listedDigest([]string{"k3", "k1", "k2"}); !slices.Equal(a, b) {
		t.Error("the digest depends on the keys' order")
	}
	for _, other := range [][]string{{"k1", "k2"}, {"k1", "k2", "k4"}, {"k1", "k2", "k3", "k3"}, {"k1k2", "k3", ""}, nil} {
		if slices.Equal(a, listedDigest(other)) {
			t.Errorf("%q has the digest of k1 k2 k3", other)
		}
	}
}

// TestSeenWhole shows that a source recorded whole, then found as it was,
// is recorded as it was, and that any change to what it lists between the
// two, by whatever write, is not hidden by the digest of the first.
func TestSeenWhole(t *testing.T) {
	ctx := context.Background()
	const src = "/news"
	cases := []struct {
		name   string
		before func(t *testing.T, s *Store) // between the two whole records
		second []string
		want   []string
	}{
		{"as it was", nil, []string{"b", "a"}, []string{"a", "b"}},
		{"a file added", nil, []string{"a", "b", "c"}, []string{"a", "b", "c"}},
		{"a file gone", nil, []string{"a"}, []string{"a"}},
		{"an item added by a partial record", func(t *testing.T, s *Store) {
			if err := s.Seen(ctx, src, []string{"c"}, false); err != nil {
				t.Fatal(err)
			}
		}, []string{"a", "b"}, []string{"a", "b"}},
		{"an item dropped behind its back", func(t *testing.T, s *Store) {
			if _, err := s.db.Exec("DELETE FROM source_items WHERE source = ? AND key = 'b'", src); err != nil {
				t.Fatal(err)
			}
		}, []string{"a", "b"}, []string{"a", "b"}},
		{"an article deleted", func(t *testing.T, s *Store) {
			if _, err := s.db.Exec("DELETE FROM articles WHERE key = 'a'"); err != nil {
				t.Fatal(err)
			}
		}, []string{"a", "b"}, []string{"a", "b"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t, Options{})
			if err := s.Seen(ctx, src, []string{"a", "b"}, true); err != nil {
				t.Fatal(err)
			}
			if listedDigestOf(t, s, src) == nil {
				t.Fatal("no digest after a whole record")
			}
			if tc.before != nil {
				tc.before(t, s)
				if listedDigestOf(t, s, src) != nil {
					t.Fatal("the digest outlived a change to the source's rows")
				}
			}
			if err := s.Seen(ctx, src, tc.second, true); err != nil {
				t.Fatal(err)
			}
			if got := listedKeys(t, s, src); !slices.Equal(got, tc.want) {
				t.Errorf("listed %q, want %q", got, tc.want)
			}
			c, err := s.UnreadCount(ctx, src)
			if err != nil {
				t.Fatal(err)
			}
			if c.Total != len(tc.want) || c.Unread != len(tc.want) {
				t.Errorf("count %+v, want %d of %d unread", c, len(tc.want), len(tc.want))
			}
			if !slices.Equal(listedDigestOf(t, s, src), listedDigest(tc.second)) {
				t.Error("the digest is not that of the last whole record")
			}
		})
	}
}

// A whole record of what a source listed before writes nothing to the
// database (another connection sees no commit); one that differs does.
func TestSeenAsItWasWritesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gazette.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Seen(ctx, "/news", []string{"a", "b"}, true); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// data_version changes, for a connection, when another commits.
	version := func() int64 {
		t.Helper()
		var v int64
		if err := conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := version()
	if err := s.Seen(ctx, "/news", []string{"b", "a"}, true); err != nil {
		t.Fatal(err)
	}
	if got := version(); got != before {
		t.Error("recording a source as it was wrote to the database")
	}
	if err := s.Seen(ctx, "/news", []string{"a", "b", "c"}, true); err != nil {
		t.Fatal(err)
	}
	if got := version(); got == before {
		t.Error("recording a source that changed wrote nothing")
	}
	if got := listedKeys(t, s, "/news"); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("listed %q", got)
	}
}
