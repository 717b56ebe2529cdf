package store

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Every write that changes a state, records an article or drops one draws
// a new version of the states; a write that changes none keeps it.
func TestStatesVersion(t *testing.T) {
	c := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := openTest(t, Options{Now: c.now})
	ctx := context.Background()
	version := func() string {
		t.Helper()
		v, err := s.StatesVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	steps := []struct {
		name    string
		do      func() error
		changes bool
	}{
		{"record new keys", func() error { return s.Seen(ctx, "/news", []string{"a", "b", "c"}, true) }, true},
		{"record the same keys", func() error { return s.Seen(ctx, "/news", []string{"a", "b", "c"}, true) }, false},
		{"another source lists known keys", func() error { return s.Seen(ctx, "/more", []string{"a"}, false) }, false},
		{"mark read", func() error { return s.Mark(ctx, OpRead, "a") }, true},
		{"mark read again", func() error { return s.Mark(ctx, OpRead, "a") }, false},
		{"mark unread", func() error { return s.Mark(ctx, OpUnread, "a") }, true},
		{"star", func() error { return s.Mark(ctx, OpStar, "b") }, true},
		{"unstar", func() error { return s.Mark(ctx, OpUnstar, "b") }, true},
		{"mark a key not seen", func() error { return s.Mark(ctx, OpRead, "new") }, true},
		{"an older change from a sync", func() error { return s.MarkAt(ctx, OpUnread, c.t.Add(-time.Hour), "new") }, false},
		{"a newer change from a sync", func() error { return s.MarkAt(ctx, OpUnread, c.t.Add(time.Hour), "new") }, true},
		{"prune nothing", func() error { _, err := s.Prune(ctx, c.t, time.Hour); return err }, false},
		{"read, then dropped from its source", func() error {
			if err := s.Mark(ctx, OpRead, "c"); err != nil {
				return err
			}
			return s.Seen(ctx, "/news", []string{"a", "b"}, true)
		}, true},
		{"prune it", func() error {
			c.t = c.t.Add(48 * time.Hour)
			n, err := s.Prune(ctx, c.t, time.Hour)
			if err == nil && n == 0 {
				t.Error("nothing pruned")
			}
			return err
		}, true},
	}
	seen := map[string]string{}
	v := version()
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := version()
		if changed := got != v; changed != st.changes {
			t.Errorf("%s: version changed %v, want %v", st.name, changed, st.changes)
		}
		if st.changes {
			if was, ok := seen[got]; ok {
				t.Errorf("%s: version %s again, first drawn by %s", st.name, got, was)
			}
			seen[got] = st.name
		}
		v = got
	}
}

// LoadStatesVersion reads the states and their version as one: the
// states are LoadStates', and the version StatesVersion's.
func TestLoadStatesVersion(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	if err := s.Seen(ctx, "/news", []string{"a", "b"}, true); err != nil {
		t.Fatal(err)
	}
	if err := s.Mark(ctx, OpStar, "b"); err != nil {
		t.Fatal(err)
	}
	m, v, err := s.LoadStatesVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.LoadStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(m, want) {
		t.Errorf("states %v, want %v", m, want)
	}
	if now, err := s.StatesVersion(ctx); err != nil || now != v {
		t.Errorf("version %q, now %q (%v)", v, now, err)
	}
	if !m["b"].Starred || m["a"].Starred {
		t.Errorf("states %v", m)
	}
}

// Two stores have versions of their own, even with the same states, and
// a store put back from a copy draws versions it never had when written
// again.
func TestStatesVersionOfEachStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "gazette.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Seen(ctx, "/news", []string{"a"}, true); err != nil {
		t.Fatal(err)
	}
	copied, err := s.StatesVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", filepath.Join(dir, "copy.db")); err != nil {
		t.Fatal(err)
	}
	if err := s.Mark(ctx, OpRead, "a"); err != nil {
		t.Fatal(err)
	}
	after, _ := s.StatesVersion(ctx)
	s.Close()

	back, err := Open(filepath.Join(dir, "copy.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if v, _ := back.StatesVersion(ctx); v != copied {
		t.Fatalf("the copy's version %q, want %q", v, copied)
	}
	if err := back.Mark(ctx, OpStar, "a"); err != nil {
		t.Fatal(err)
	}
	if v, _ := back.StatesVersion(ctx); v == after || v == copied {
		t.Errorf("the copy written again has version %q, which the store had before", v)
	}

	other := openTest(t, Options{})
	if err := other.Seen(ctx, "/news", []string{"a"}, true); err != nil {
		t.Fatal(err)
	}
	v, _ := other.StatesVersion(ctx)
	if strings.SplitN(v, ":", 2)[0] == strings.SplitN(copied, ":", 2)[0] {
		t.Errorf("two stores share the name %q", v)
	}
}

// writesArticles matches SQL that writes rows of the articles table.
var writesArticles = regexp.MustCompile(`(?is)\b(INSERT\b[^;]*?\bINTO\s+articles|UPDATE\s+articles|DELETE\s+FROM\s+articles|REPLACE\s+INTO\s+articles)\b`)

// Every statement of the package that writes articles sits in a function
// that draws a new version of the states: a write that did not would
// leave a copy of the states (see StatesVersion) standing for a table
// that changed.
func TestEveryWriteOfArticlesDrawsAVersion(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	writers := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			text, err := strconv.Unquote(lit.Value)
			if err != nil || !writesArticles.MatchString(text) {
				return true
			}
			writers++
			fn := enclosingFunc(f, lit.Pos())
			if fn == nil || !calls(fn, "newStatesVersion") {
				t.Errorf("%s: a statement that writes articles, in a function that draws no new version of the states", fset.Position(lit.Pos()))
			}
			return true
		})
	}
	if writers == 0 {
		t.Fatal("found no statement that writes articles: the pattern is wrong")
	}
}

// enclosingFunc returns the function declaration of f that holds pos.
func enclosingFunc(f *ast.File, pos token.Pos) *ast.FuncDecl {
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Pos() <= pos && pos < fn.End() {
			return fn
		}
	}
	return nil
}

// calls reports whether fn calls the function named name.
func calls(fn *ast.FuncDecl, name string) bool {
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == name {
				found = true
			}
		}
		return !found
	})
	return found
}
