package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
)

// openTest opens a store in a fresh data directory.
func openTest(t *testing.T, opts Options) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "data", "gazette", "gazette.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// clock is a settable clock for tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestOpenCreatesAndKeeps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "gazette", "gazette.db")
	ctx := context.Background()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Notice() != "" || s.Memory() {
		t.Errorf("notice %q, memory %v on a fresh database", s.Notice(), s.Memory())
	}
	var mode string
	var version int
	s.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	s.db.QueryRow("PRAGMA user_version").Scan(&version)
	if mode != "wal" || version != SchemaVersion {
		t.Errorf("journal mode %q, version %d; want wal, %d", mode, version, SchemaVersion)
	}
	if err := s.Mark(ctx, OpStar, "g:1"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data directory: %v, %v; want mode 0700", fi.Mode(), err)
	}
	s, err = Open(path, Options{Check: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, err := s.LoadStates(ctx)
	if err != nil || !m["g:1"].Starred || m["g:1"].Read {
		t.Errorf("after reopening: %v, %v", m, err)
	}
}

// seedVersion writes data that exists from schema version v on.
func seedVersion(t *testing.T, db *sql.DB, v int) {
	t.Helper()
	var stmts []string
	if v >= 1 {
		stmts = append(stmts,
			"INSERT INTO sources (source) VALUES ('/news')",
			"INSERT INTO articles (key, first_seen, read, read_at, starred) VALUES ('c:old', 1700000000, 1, 1, 1), ('c:new', 1700000000, 0, 0, 0)",
			"INSERT INTO source_items (source, key) VALUES ('/news', 'c:old'), ('/news', 'c:new')",
			"INSERT INTO changes (account, key, op, at) VALUES ('home', 'c:old', 'read', 1)")
	}
	if v >= 2 {
		stmts = append(stmts,
			"INSERT INTO search_docs (doc, key, stamp) VALUES (1, 'c:old', 's1')",
			"INSERT INTO search (rowid, body) VALUES (1, 'pipeline talks')")
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("seed version %d: %s: %v", v, q, err)
		}
	}
}

func TestMigrateFromEveryVersion(t *testing.T) {
	ctx := context.Background()
	for v := 0; v <= SchemaVersion; v++ {
		t.Run(fmt.Sprintf("from %d", v), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "gazette.db")
			db, err := sql.Open("sqlite", dsn(path, Options{BusyTimeout: time.Second}, true))
			if err != nil {
				t.Fatal(err)
			}
			if v > 0 {
				if err := migrateTo(ctx, db, v); err != nil {
					t.Fatal(err)
				}
			}
			seedVersion(t, db, v)
			db.Close()

			s, err := Open(path, Options{Check: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var got int
			s.db.QueryRow("PRAGMA user_version").Scan(&got)
			if got != SchemaVersion {
				t.Fatalf("version %d after Open, want %d", got, SchemaVersion)
			}
			if v >= 1 {
				m, err := s.LoadStates(ctx)
				if err != nil || !m["c:old"].Read || !m["c:old"].Starred || m["c:new"].Read {
					t.Errorf("states after migrating: %v, %v", m, err)
				}
				if q, err := s.Pending(ctx, "home", 10); err != nil || len(q) != 1 {
					t.Errorf("queue after migrating: %v, %v", q, err)
				}
			}
			if v >= 2 {
				if m, err := s.Match(ctx, "pipeline"); err != nil || len(m) != 1 {
					t.Errorf("index after migrating: %v, %v", m, err)
				}
			}
			// The index's settings, whatever version made it.
			for k, want := range map[string]int{"hashsize": 16 << 20, "automerge": 8} {
				var got int
				if err := s.db.QueryRow("SELECT v FROM search_config WHERE k = ?", k).Scan(&got); err != nil || got != want {
					t.Errorf("index setting %s = %d, %v; want %d", k, got, err, want)
				}
			}
			// Every version's tables work after the migration.
			if err := s.Seen(ctx, "/news", []string{"c:old", "c:new", "c:x"}, true); err != nil {
				t.Fatal(err)
			}
			if err := s.Index(ctx, []IndexDoc{{Key: "c:x", Stamp: "1", Text: "gas"}}); err != nil {
				t.Fatal(err)
			}
			checkCounts(t, s)
		})
	}
}

func TestNewerSchemaRefusedUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gazette.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"CREATE TABLE future (x)", fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion+1)} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	before, _ := os.ReadFile(path)

	_, err = Open(path, Options{Check: true})
	if !errors.Is(err, ErrTooNew) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v; want one line naming the file, wrapping ErrTooNew", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the newer database was altered")
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Error("the newer database was put in WAL mode")
	}
	s, warning := OpenOrMemory(path, Options{})
	if s == nil || !s.Memory() || !strings.Contains(warning, "newer") {
		t.Fatalf("OpenOrMemory: %v, %q", s, warning)
	}
	defer s.Close()
	if err := s.Mark(context.Background(), OpRead, "c:1"); err != nil {
		t.Errorf("the in-memory store refuses a mark: %v", err)
	}
}

func TestDamagedMovedAside(t *testing.T) {
	at := time.Date(2026, 12, 3, 7, 40, 0, 0, time.UTC)
	// valid writes a database with some articles and returns its bytes.
	valid := func(t *testing.T) []byte {
		path := filepath.Join(t.TempDir(), "v.db")
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Seen(context.Background(), "/news", benchKeys(5000), true); err != nil {
			t.Fatal(err)
		}
		s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		s.Close()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	tests := []struct {
		name  string
		check bool
		data  func(t *testing.T) []byte
	}{
		{"random bytes", false, func(*testing.T) []byte {
			b := make([]byte, 8192)
			for i := range b {
				b[i] = byte(i*7919 + i/3)
			}
			return b
		}},
		{"text", false, func(*testing.T) []byte { return []byte("read: c:1\nstarred: c:2\n") }},
		{"truncated", true, func(t *testing.T) []byte { d := valid(t); return d[:len(d)/2] }},
		{"header only", false, func(t *testing.T) []byte { return valid(t)[:100] }},
		{"damaged pages", true, func(t *testing.T) []byte {
			d := valid(t)
			for i := 4096 + 200; i < len(d); i += 4096 {
				copy(d[i:], "garbage garbage garbage garbage")
			}
			return d
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "gazette.db")
			data := tt.data(t)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(path+"-wal", []byte("stale log"), 0o600)
			s, err := Open(path, Options{Check: tt.check, Now: func() time.Time { return at }})
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			moved := path + ".damaged-20261203T074000Z"
			if n := s.Notice(); !strings.Contains(n, "damaged") || !strings.Contains(n, moved) || strings.Contains(n, "\n") {
				t.Errorf("notice %q; want one line naming %s", n, moved)
			}
			if kept, err := os.ReadFile(moved); err != nil || !bytes.Equal(kept, data) {
				t.Errorf("the damaged file was not kept as it was: %v", err)
			}
			if wal, _ := os.ReadFile(path + "-wal"); bytes.Equal(wal, []byte("stale log")) {
				t.Error("the damaged database's log was left beside the fresh one")
			}
			if err := s.Mark(context.Background(), OpRead, "c:1"); err != nil {
				t.Errorf("the fresh database refuses a mark: %v", err)
			}
		})
	}
}

func TestUnavailable(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "file")
	os.WriteFile(file, []byte("x"), 0o600)
	dirPath := filepath.Join(root, "gazette.db")
	os.Mkdir(dirPath, 0o700)
	tests := []struct {
		name, path, says string
	}{
		{"a directory in its place", dirPath, "is a directory"},
		{"a file in place of the data directory", filepath.Join(file, "gazette", "gazette.db"), "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkUnavailable(t, tt.path, tt.says) })
	}
	t.Run("read-only file system", func(t *testing.T) {
		mnt := t.TempDir()
		mountTmpfs(t, mnt, "size=1m", true)
		checkUnavailable(t, filepath.Join(mnt, "gazette", "gazette.db"), "read-only file system")
	})
	t.Run("read-only file system with a database on it", func(t *testing.T) {
		mnt, path, s := openOnTmpfs(t, "size=4m")
		s.Mark(context.Background(), OpRead, "c:1")
		s.Close()
		remountReadOnly(t, mnt)
		checkUnavailable(t, path, "")
	})
}

// openOnTmpfs opens a store on a tmpfs of the given options mounted for
// the test (or skips it, as mountTmpfs does); the caller closes it.
func openOnTmpfs(t *testing.T, data string) (mnt, path string, s *Store) {
	t.Helper()
	mnt = t.TempDir()
	mountTmpfs(t, mnt, data, false)
	path = filepath.Join(mnt, "gazette.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return mnt, path, s
}

// benchKeys returns n keys shaped like feed's story keys.
func benchKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("c:%016x", uint64(i)*0x9e3779b97f4a7c15)
	}
	return keys
}

// checkUnavailable opens path and wants ErrUnavailable, on one line
// naming the path, and a usable store from OpenOrMemory.
func checkUnavailable(t *testing.T, path, says string) {
	t.Helper()
	_, err := Open(path, Options{})
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("error %v; want ErrUnavailable", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, says) {
		t.Errorf("error %q; want one line saying %q", msg, says)
	}
	s, warning := OpenOrMemory(path, Options{})
	if s == nil || !s.Memory() || warning == "" || strings.Contains(warning, "\n") {
		t.Fatalf("OpenOrMemory: %v, %q", s, warning)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Mark(ctx, OpRead, "c:1"); err != nil {
		t.Fatal(err)
	}
	if m, err := s.LoadStates(ctx); err != nil || !m["c:1"].Read {
		t.Errorf("in memory: %v, %v", m, err)
	}
}

// checkCounts compares every source's kept counts with a count of its
// articles.
func checkCounts(t *testing.T, s *Store) {
	t.Helper()
	rows, err := s.db.Query(`SELECT s.source, s.total, s.unread,
		(SELECT count(*) FROM source_items i WHERE i.source = s.source),
		(SELECT count(*) FROM source_items i JOIN articles a ON a.key = i.key WHERE i.source = s.source AND a.read = 0)
		FROM sources s WHERE s.source != ''
		UNION ALL
		SELECT '(all)', s.total, s.unread,
		(SELECT count(*) FROM articles a WHERE EXISTS (SELECT 1 FROM source_items i WHERE i.key = a.key)),
		(SELECT count(*) FROM articles a WHERE a.read = 0 AND EXISTS (SELECT 1 FROM source_items i WHERE i.key = a.key))
		FROM sources s WHERE s.source = ''`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var src string
		var total, unread, wantTotal, wantUnread int
		if err := rows.Scan(&src, &total, &unread, &wantTotal, &wantUnread); err != nil {
			t.Fatal(err)
		}
		if total != wantTotal || unread != wantUnread {
			t.Errorf("%s: kept counts %d unread of %d, counted %d of %d", src, unread, total, wantUnread, wantTotal)
		}
	}
}

func TestStatesAndCounts(t *testing.T) {
	c := &clock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := openTest(t, Options{Now: c.now})
	ctx := context.Background()
	step := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkCounts(t, s)
	}
	count := func(want Count, sources ...string) {
		t.Helper()
		got, err := s.UnreadCount(ctx, sources...)
		if err != nil || got.Unread != want.Unread || got.Total != want.Total || fmt.Sprint(got.Unknown) != fmt.Sprint(want.Unknown) {
			t.Errorf("UnreadCount(%q) = %+v, %v; want %+v", sources, got, err, want)
		}
	}
	step("seen a", s.Seen(ctx, "/a", []string{"k1", "k2", "k3", "k4", "k5", "k1"}, true))
	c.t = c.t.Add(time.Hour)
	step("seen b", s.Seen(ctx, "https://b.example/rss", []string{"k4", "k5", "k6"}, false))
	step("mark", s.Mark(ctx, OpRead, "k1", "k4", "k4", "unknown"))
	step("star", s.Mark(ctx, OpStar, "k2"))
	count(Count{Unread: 3, Total: 5}, "/a")
	count(Count{Unread: 2, Total: 3}, "https://b.example/rss")
	count(Count{Unread: 4, Total: 6})
	count(Count{Unread: 4, Total: 6, Unknown: []string{"/never"}}, "/a", "https://b.example/rss", "/never")
	count(Count{Unknown: []string{"/never"}}, "/never")

	m, err := s.LoadStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 7 || !m["k1"].Read || m["k2"].Read || !m["k2"].Starred || !m["unknown"].Read {
		t.Errorf("LoadStates = %v", m)
	}
	if got, want := m["k6"].FirstSeen, c.t; !got.Equal(want) {
		t.Errorf("k6 first seen %v, want %v", got, want)
	}
	if got, want := m["k4"].FirstSeen, c.t.Add(-time.Hour); !got.Equal(want) {
		t.Errorf("k4 first seen %v, want %v (not moved by a later source)", got, want)
	}
	sub, err := s.States(ctx, []string{"k1", "k2", "nope"})
	if err != nil || len(sub) != 2 || !sub["k1"].Read || !sub["k2"].Starred {
		t.Errorf("States = %v, %v", sub, err)
	}
	// The marked ones alone, as LoadStates has them.
	marked, err := s.LoadMarked(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]feed.State{}
	for k, st := range m {
		if st.Read || st.Starred {
			want[k] = st
		}
	}
	if len(want) != 4 || !maps.Equal(marked, want) {
		t.Errorf("LoadMarked = %v, want %v", marked, want)
	}

	step("a shrinks", s.Seen(ctx, "/a", []string{"k1", "k2", "k3"}, true))
	count(Count{Unread: 2, Total: 3}, "/a")
	step("b grows", s.Seen(ctx, "https://b.example/rss", []string{"k7"}, false))
	count(Count{Unread: 3, Total: 4}, "https://b.example/rss")
	step("mark unread", s.Mark(ctx, OpUnread, "k1", "k4"))
	count(Count{Unread: 3, Total: 3}, "/a")
	step("mark all", s.Mark(ctx, OpRead, "k1", "k2", "k3", "k4", "k5", "k6", "k7"))
	count(Count{Unread: 0, Total: 3}, "/a")

	t.Run("the newer change wins", func(t *testing.T) {
		now := c.t
		step("older unread", s.MarkAt(ctx, OpUnread, now.Add(-time.Minute), "k3"))
		if m, _ := s.States(ctx, []string{"k3"}); !m["k3"].Read {
			t.Error("an older change undid a newer one")
		}
		step("newer unread", s.MarkAt(ctx, OpUnread, now.Add(time.Minute), "k3"))
		if m, _ := s.States(ctx, []string{"k3"}); m["k3"].Read {
			t.Error("a newer change was ignored")
		}
		step("older star", s.MarkAt(ctx, OpUnstar, now.Add(-2*time.Hour), "k2"))
		if m, _ := s.States(ctx, []string{"k2"}); !m["k2"].Starred {
			t.Error("an older unstar undid a newer star")
		}
	})
	if err := s.Mark(ctx, Op("toggle"), "k1"); err == nil {
		t.Error("an unknown change was accepted")
	}
}

// The path reaches SQLite as a URI: characters that mean something in
// one must still name the file.
func TestOddPaths(t *testing.T) {
	for _, name := range []string{"a b", "q?x=1", "h#x", "p%20y", "ü"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name, "gazette.db")
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			if _, err := os.Stat(path); err != nil {
				t.Errorf("the database is not at its path: %v", err)
			}
		})
	}
}

// TestPageCache checks that every connection of the pool keeps a page
// cache of 2 MB, not more: four of 8 MB were a tenth of a reader's
// memory while it built its index.
func TestPageCache(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "gazette.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var conns []*sql.Conn
	for range maxConns {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var kib int
		if err := c.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&kib); err != nil {
			t.Fatal(err)
		}
		if kib != -2000 {
			t.Errorf("connection %d: cache_size %d, want -2000 (2 MB)", len(conns), kib)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

// LoadMarked reads the marked articles apart, from their own index,
// which holds all it needs: not every article's row.
func TestLoadMarkedReadsTheMarkedApart(t *testing.T) {
	s := openTest(t, Options{})
	rows, err := s.db.Query("EXPLAIN QUERY PLAN " + selectStates + markedOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if got := strings.Join(plan, "; "); got != "SCAN articles USING COVERING INDEX articles_marked" {
		t.Errorf("plan %q, want a scan of the covering index articles_marked", got)
	}
}
