package store

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTokensEmptyTheIndex opens one database as gazettes that make their
// index's texts different ways would: an index made another way, or
// before the ways were named, is emptied and its roots' digests cleared,
// once; one made the same way, or opened by a caller that names none, is
// kept; the read marks always are.
func TestTokensEmptyTheIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gazette.db")
	ctx := context.Background()
	var rootID int64 = -1
	steps := []struct {
		tokens string
		// want are the keys indexed after the open; add is indexed then.
		want []string
		add  string
	}{
		{tokens: "", want: nil, add: "c:1"},
		{tokens: "2", want: nil, add: "c:2"},
		{tokens: "2", want: []string{"c:2"}, add: "c:3"},
		{tokens: "", want: []string{"c:2", "c:3"}},
		{tokens: "3", want: nil},
	}
	for i, step := range steps {
		s, err := Open(path, Options{Tokens: step.tokens})
		if err != nil {
			t.Fatal(err)
		}
		ix, err := s.Indexed(ctx)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := sortedKeys(ix); strings.Join(got, " ") != strings.Join(step.want, " ") {
			t.Errorf("step %d (tokens %q): indexed %v, want %v", i, step.tokens, got, step.want)
		}
		d, err := s.RootDigests(ctx, []string{"/news"})
		if err != nil || d["/news"].N != int64(len(step.want)) {
			t.Errorf("step %d: the root counts %d (%v), want %d", i, d["/news"].N, err, len(step.want))
		}
		m, err := s.Match(ctx, "words")
		if err != nil || len(m) != len(step.want) {
			t.Errorf("step %d: %d match (%v), want %d", i, len(m), err, len(step.want))
		}
		if i == 0 {
			if err := s.Mark(ctx, OpRead, "c:kept"); err != nil {
				t.Fatal(err)
			}
		} else if st, err := s.LoadStates(ctx); err != nil || !st["c:kept"].Read {
			t.Errorf("step %d: the read mark is %v (%v)", i, st["c:kept"], err)
		}
		if step.add != "" {
			if err := s.Index(ctx, []IndexDoc{{Key: step.add, Stamp: "1", Root: "/news", Text: "some words"}}); err != nil {
				t.Fatal(err)
			}
		}
		var id int64
		if err := s.db.QueryRow("SELECT id FROM search_roots WHERE root = '/news'").Scan(&id); err != nil {
			t.Fatal(err)
		}
		if rootID >= 0 && id != rootID {
			t.Errorf("step %d: the root is numbered %d, was %d: a writer holding its number would lose its documents", i, id, rootID)
		}
		rootID = id
		s.Close()
	}
}

// TestTokensStale opens a database whose index cannot be emptied (its
// delete fails, as on a full disk): the store opens, keeps its marks, and
// every use of the index fails with the reason, so that the caller reads
// the bodies rather than trust words made the old way. The next open that
// can empty it does.
func TestTokensStale(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gazette.db")
	ctx := context.Background()
	s, err := Open(path, Options{Tokens: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Index(ctx, []IndexDoc{{Key: "c:1", Stamp: "1", Root: "/news", Text: "some words"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`CREATE TRIGGER boom BEFORE DELETE ON search_docs BEGIN SELECT RAISE(ABORT, 'no room'); END`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(path, Options{Tokens: "2"})
	if err != nil {
		t.Fatalf("a failed emptying of the index fails the open: %v", err)
	}
	if err := s.Mark(ctx, OpRead, "c:1"); err != nil {
		t.Errorf("mark with a stale index: %v", err)
	}
	uses := map[string]func() error{
		"Indexed":     func() error { _, err := s.Indexed(ctx); return err },
		"RootDigests": func() error { _, err := s.RootDigests(ctx, []string{"/news"}); return err },
		"Match":       func() error { _, err := s.Match(ctx, "words"); return err },
		"MatchKeys":   func() error { _, err := s.MatchKeys(ctx, "words"); return err },
		"MatchDocs":   func() error { _, err := s.MatchDocs(ctx, "words"); return err },
		"DocKeys":     func() error { return s.DocKeys(ctx, func(int64, string) error { return nil }) },
		"Index":       func() error { return s.Index(ctx, []IndexDoc{{Key: "c:2", Stamp: "1", Text: "new"}}) },
		"IndexFrom": func() error {
			docs := make(chan IndexDoc, 1)
			docs <- IndexDoc{Key: "c:2", Stamp: "1", Text: "new"}
			close(docs)
			return s.IndexFrom(ctx, docs, 0, nil)
		},
		"Unindex": func() error { return s.Unindex(ctx, "c:1") },
	}
	for name, use := range uses {
		err := use()
		if err == nil {
			t.Errorf("%s uses an index made another way", name)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "no room") || !strings.Contains(msg, path) || strings.Contains(msg, "\n") {
			t.Errorf("%s: %q, want one line naming the database and the cause", name, msg)
		}
	}
	if _, err := s.db.Exec("DROP TRIGGER boom"); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(path, Options{Tokens: "2"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ix, err := s.Indexed(ctx); err != nil || len(ix) != 0 {
		t.Errorf("the next open left %d indexed (%v), want none", len(ix), err)
	}
	if st, err := s.LoadStates(ctx); err != nil || !st["c:1"].Read {
		t.Errorf("the mark made with a stale index: %v (%v)", st["c:1"], err)
	}
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
