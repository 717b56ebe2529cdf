package store

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// versionStep is a write, and whether it draws a new version.
type versionStep struct {
	name    string
	do      func() error
	changes bool
}

// checkVersionSteps runs the steps in turn, and fails t unless each that
// changes draws a version never seen before, and the others none.
func checkVersionSteps(t *testing.T, version func() string, steps []versionStep) {
	t.Helper()
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
	steps := []versionStep{
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
	checkVersionSteps(t, version, steps)
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
	sites := sqlSites(t, packageFiles(t), writesArticles)
	if len(sites) == 0 {
		t.Fatal("found no statement that writes articles: the pattern is wrong")
	}
	for _, w := range sites {
		if w.fn == nil || !calls(w.fn, "newStatesVersion") {
			t.Errorf("%s: a statement that writes articles, in a function that draws no new version of the states", w.pos)
		}
	}
}

// sqlSite is a string of the package's code that holds SQL, and the
// function it is in.
type sqlSite struct {
	pos token.Position
	fn  *ast.FuncDecl
}

// parsedFile is a file of the package's code, parsed.
type parsedFile struct {
	fset *token.FileSet
	f    *ast.File
}

// packageFiles parses the package's code, its tests left out.
func packageFiles(t *testing.T) []parsedFile {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []parsedFile
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, parsedFile{fset, f})
	}
	return files
}

// sqlSites returns the strings of files that re matches.
func sqlSites(t *testing.T, files []parsedFile, re *regexp.Regexp) []sqlSite {
	t.Helper()
	var sites []sqlSite
	for _, pf := range files {
		ast.Inspect(pf.f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if text, err := strconv.Unquote(lit.Value); err == nil && re.MatchString(text) {
				sites = append(sites, sqlSite{pf.fset.Position(lit.Pos()), enclosingFunc(pf.f, lit.Pos())})
			}
			return true
		})
	}
	return sites
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

// Every write that indexes or unindexes a document draws a new version of
// the index's keys, whichever store writes; a document indexed again, or
// a write that changes no document, keeps it. DocKeysVersion reads the
// keys and the version as one.
func TestKeysVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gazette.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	other, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	doc := func(key, stamp string) IndexDoc {
		return IndexDoc{Key: key, Stamp: stamp, Root: "/news", Text: "gas " + key}
	}
	version := func() string {
		t.Helper()
		v, err := s.KeysVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	steps := []versionStep{
		{"index", func() error { return s.Index(ctx, []IndexDoc{doc("a", "1"), doc("b", "1")}) }, true},
		{"index the same", func() error { return s.Index(ctx, []IndexDoc{doc("a", "1"), doc("b", "1")}) }, false},
		{"index a changed document", func() error { return s.Index(ctx, []IndexDoc{doc("a", "2")}) }, false},
		{"another store indexes", func() error { return other.Index(ctx, []IndexDoc{doc("c", "1")}) }, true},
		{"unindex a key not indexed", func() error { return s.Unindex(ctx, "zz") }, false},
		{"unindex", func() error { return s.Unindex(ctx, "b") }, true},
		{"another store unindexes", func() error { return other.Unindex(ctx, "c") }, true},
		{"states change", func() error { return s.Mark(ctx, OpRead, "a") }, false},
	}
	checkVersionSteps(t, version, steps)

	keys := map[string]int64{}
	got, err := s.DocKeysVersion(ctx, func(doc int64, key string) error {
		keys[key] = doc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v := version(); got != v {
		t.Errorf("DocKeysVersion read version %q, KeysVersion says %q", got, v)
	}
	if _, ok := keys["a"]; !ok || len(keys) != 1 {
		t.Errorf("DocKeysVersion read %v, want a alone", keys)
	}
	stop := errors.New("stop")
	if _, err := s.DocKeysVersion(ctx, func(int64, string) error { return stop }); err != stop {
		t.Errorf("DocKeysVersion returned %v, want fn's error as it is", err)
	}
}

// Emptying the index to build it again draws a new version of its keys.
func TestKeysVersionIndexEmptied(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gazette.db")
	s, err := Open(path, Options{Tokens: "one"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Index(ctx, []IndexDoc{{Key: "a", Stamp: "1", Text: "gas"}}); err != nil {
		t.Fatal(err)
	}
	before, err := s.KeysVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path, Options{Tokens: "two"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if after, err := s.KeysVersion(ctx); err != nil || after == before {
		t.Errorf("version %q after the index was emptied, %q before (%v)", after, before, err)
	}
}

// writesKeys matches SQL that adds or deletes rows of search_docs, or
// changes their numbers or keys.
var writesKeys = regexp.MustCompile(`(?is)\b(INSERT\b[^;]*?\bINTO\s+search_docs|DELETE\s+FROM\s+search_docs|REPLACE\s+INTO\s+search_docs|UPDATE\s+search_docs\s+SET\s+[^;]*?\b(doc|key)\s*=)`)

// Every statement of the package that writes keys of the index sits in a
// function that draws a new version of the keys, but those the docWriter
// prepares, whose version its finish draws: a write that did not would
// leave a copy of the keys (see KeysVersion) standing for a table that
// changed.
func TestEveryWriteOfKeysDrawsAVersion(t *testing.T) {
	files := packageFiles(t)
	for _, pf := range files {
		for _, d := range pf.f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "finish" && isDocWriter(fn.Recv) && !calls(fn, "newKeysVersion") {
				t.Errorf("%s: the docWriter's finish draws no new version of the keys", pf.fset.Position(fn.Pos()))
			}
		}
	}
	sites := sqlSites(t, files, writesKeys)
	if len(sites) < 3 {
		t.Fatalf("found %d statements that write keys of the index: the pattern is wrong", len(sites))
	}
	for _, w := range sites {
		if w.fn == nil || w.fn.Name.Name != "newDocWriter" && !calls(w.fn, "newKeysVersion") {
			t.Errorf("%s: a statement that writes keys of the index, in a function that draws no new version of them", w.pos)
		}
	}
}

// isDocWriter reports whether a method's receiver is a *docWriter.
func isDocWriter(recv *ast.FieldList) bool {
	if recv == nil || len(recv.List) != 1 {
		return false
	}
	star, ok := recv.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := star.X.(*ast.Ident)
	return ok && id.Name == "docWriter"
}
