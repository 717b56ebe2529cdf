package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
)

// module is the module path; rules name packages relative to it.
const module = "github.com/gazette-news/gazette"

// Patterns of imports that whole families of packages must not have.
var (
	// charm is the terminal stack: only tui, cmd and the renderers use it.
	charm = []string{"charm.land/...", "github.com/charmbracelet/..."}
	// notFeed is what nothing under feed/ imports: terminals, processes,
	// and the network outside feed/fetch.
	notFeed = append([]string{"os/exec", "net/http"}, charm...)
)

// rule says what the packages matching pkg may import. The first rule
// whose pkg matches a package applies; a package no rule matches fails,
// so that a new package gets its rule when it is made.
type rule struct {
	// pkg is a package relative to the module ("feed"), or a tree of them
	// ("feed/...", "..." for any); "." is the module's root package.
	pkg string
	// allow lists the module's packages that pkg may import, as patterns
	// like pkg's. Any other of the module's packages is a wrong arrow.
	allow []string
	// deny lists other imports (the standard library, other modules) that
	// pkg must not import itself, as import path patterns.
	deny []string
	// denyDeps lists imports that pkg must not reach at all, through any
	// package it imports.
	denyDeps []string
	// only, when set, lists the only other modules pkg may import (the
	// standard library always may be).
	only []string
}

// rules is the import graph of ARCHITECTURE.md. Arrows point toward feed:
// feed imports nothing of ours but its country table and the leaf
// internal/humanize (for its one size formatter); internal/ never imports
// tui or cmd; tui imports anything but cmd.
var rules = []rule{
	{pkg: ".", allow: nil},
	{pkg: "feed/country", allow: nil, deny: notFeed, denyDeps: charm},
	{pkg: "feed/query", allow: []string{"feed", "feed/country", "internal/humanize"}, deny: notFeed, denyDeps: charm},
	{pkg: "feed/fetch", allow: []string{"feed", "internal/safefile", "internal/humanize"}, deny: []string{"os/exec"}, denyDeps: charm},
	{pkg: "feed/load", allow: []string{"feed", "internal/safefile", "internal/humanize"}, deny: notFeed, denyDeps: charm},
	{pkg: "feed/watch", allow: []string{"feed", "feed/load", "internal/safefile"}, deny: notFeed, denyDeps: charm},
	{pkg: "feed/store/...", allow: []string{"feed"}, deny: notFeed, only: []string{"modernc.org/..."}},
	{pkg: "feed", allow: []string{"feed/country", "internal/humanize"}, deny: notFeed, denyDeps: charm},
	{pkg: "feed/...", allow: []string{"feed/...", "internal/safefile", "internal/humanize"}, deny: notFeed, denyDeps: charm},
	{pkg: "store/...", allow: []string{"feed"}, deny: notFeed, only: []string{"modernc.org/..."}},
	{pkg: "internal/archtest", allow: nil},
	{pkg: "internal/safefile", allow: []string{"internal/humanize"}, deny: notFeed},
	{pkg: "internal/humanize", allow: nil, deny: notFeed, only: []string{}},
	{pkg: "internal/cells", allow: nil, deny: []string{"os/exec", "net/http"}},
	{pkg: "internal/termcheck", allow: nil, deny: []string{"os/exec", "net/http"}},
	{pkg: "internal/safeout", allow: nil, deny: []string{"os/exec", "net/http"}},
	{pkg: "internal/config", allow: []string{"feed", "feed/load", "internal/safefile", "internal/humanize", "internal/remote"}, deny: notFeed},
	// syncer moves state between the store and a sync account.
	{pkg: "internal/syncer", allow: []string{"feed", "store", "internal/config", "internal/remote/...", "internal/humanize"}, deny: append([]string{"os/exec"}, charm...)},
	{pkg: "internal/chart", allow: []string{"feed", "internal/safeout", "internal/cells", "internal/humanize"}, deny: []string{"os/exec", "net/http"}},
	{pkg: "internal/render", allow: []string{"feed", "internal/safeout", "internal/safefile", "internal/cells", "internal/humanize"}, deny: []string{"os/exec", "net/http"}},
	// remote runs a user's password_command (an argument list, never a
	// shell), so it alone of internal/ may start processes.
	// search keeps the store's full-text index in step with a load and
	// answers queries from it; it reads bodies through a function it is
	// given, never through the loader itself.
	{pkg: "internal/search", allow: []string{"feed", "feed/query", "store"}, deny: []string{"os/exec", "net/http"}, denyDeps: charm},
	{pkg: "internal/remote/...", allow: []string{"feed", "feed/...", "store/...", "internal/safefile", "internal/config", "internal/humanize", "internal/remote/..."}, deny: charm},
	// state joins the store to what a load returned, for the commands
	// and the reader alike, and keeps a copy of the states in the cache
	// directory.
	{pkg: "internal/state", allow: []string{"feed", "feed/...", "store", "internal/safefile"}, deny: append([]string{"os/exec", "net/http"}, charm...)},
	{pkg: "internal/...", allow: []string{"feed", "feed/...", "store/...", "internal/..."}, deny: []string{"os/exec"}},
	{pkg: "tui/...", allow: []string{"...", "!cmd/..."}},
	{pkg: "cmd/...", allow: []string{"..."}},
}

// pkgInfo is what go list says of one package.
type pkgInfo struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// TestImportGraph checks every package of the module against the rules.
func TestImportGraph(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("the go command is needed to list the packages:", err)
	}
	cmd := exec.Command(goTool, "list", "-e", "-json=ImportPath,Imports,Deps", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	pkgs, err := decodePackages(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	for _, v := range check(pkgs) {
		t.Error(v)
	}
}

// decodePackages reads the stream of JSON objects go list -json writes.
func decodePackages(r io.Reader) ([]pkgInfo, error) {
	var pkgs []pkgInfo
	dec := json.NewDecoder(r)
	for {
		var p pkgInfo
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			return pkgs, nil
		} else if err != nil {
			return nil, fmt.Errorf("go list output: %w", err)
		}
		pkgs = append(pkgs, p)
	}
}

// check returns one message for each wrong arrow.
func check(pkgs []pkgInfo) []string {
	var bad []string
	for _, p := range pkgs {
		rel, ok := relative(p.ImportPath)
		if !ok {
			continue
		}
		i := slices.IndexFunc(rules, func(r rule) bool { return match(r.pkg, rel) })
		if i < 0 {
			bad = append(bad, fmt.Sprintf("%s: no rule says what it may import; add one to rules and ARCHITECTURE.md", rel))
			continue
		}
		r := rules[i]
		for _, imp := range p.Imports {
			if own, ok := relative(imp); ok {
				if !allowed(r.allow, own) {
					bad = append(bad, fmt.Sprintf("%s imports %s, which rule %q does not allow", rel, own, r.pkg))
				}
				continue
			}
			if matchAny(r.deny, imp) {
				bad = append(bad, fmt.Sprintf("%s imports %s, which rule %q denies", rel, imp, r.pkg))
			}
			if r.only != nil && !standard(imp) && !matchAny(r.only, imp) {
				bad = append(bad, fmt.Sprintf("%s imports %s; rule %q allows only %v", rel, imp, r.pkg, r.only))
			}
		}
		for _, dep := range p.Deps {
			if matchAny(r.denyDeps, dep) {
				bad = append(bad, fmt.Sprintf("%s depends on %s, which rule %q denies even indirectly", rel, dep, r.pkg))
			}
		}
	}
	return bad
}

// relative returns an import path relative to the module, "." for its root.
func relative(imp string) (string, bool) {
	if imp == module {
		return ".", true
	}
	rel, ok := strings.CutPrefix(imp, module+"/")
	return rel, ok
}

// standard reports whether an import path is of the standard library:
// its first element has no dot.
func standard(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".")
}

// allowed reports whether pats allow pkg: some pattern matches it and no
// "!pattern" does.
func allowed(pats []string, pkg string) bool {
	ok := false
	for _, p := range pats {
		if neg, isNeg := strings.CutPrefix(p, "!"); isNeg {
			if match(neg, pkg) {
				return false
			}
		} else if match(p, pkg) {
			ok = true
		}
	}
	return ok
}

// matchAny reports whether any pattern matches path.
func matchAny(pats []string, p string) bool {
	return slices.ContainsFunc(pats, func(pat string) bool { return match(pat, p) })
}

// match reports whether a pattern matches a path: "a/..." matches a and
// everything under it, "..." everything, and anything else itself.
func match(pat, p string) bool {
	if pat == "..." {
		return true
	}
	if tree, ok := strings.CutSuffix(pat, "/..."); ok {
		return p == tree || strings.HasPrefix(p, tree+"/")
	}
	return path.Clean(pat) == p
}

// The checker finds the arrows the rules forbid: each case is a graph
// with one wrong arrow, or none.
func TestCheckFindsWrongArrows(t *testing.T) {
	// g makes a package; imports starting "./" are the module's.
	g := func(rel string, imports ...string) pkgInfo {
		p := pkgInfo{ImportPath: module + "/" + rel}
		for _, imp := range imports {
			if own, ok := strings.CutPrefix(imp, "./"); ok {
				imp = module + "/" + own
			}
			p.Imports = append(p.Imports, imp)
		}
		return p
	}
	tests := []struct {
		name string
		pkg  pkgInfo
		want string // part of the one message, or "" for none
	}{
		{"feed imports its country table", g("feed", "./feed/country", "strings"), ""},
		{"feed imports the reader", g("feed", "./tui"), "feed imports tui"},
		{"feed imports a terminal library", g("feed", "charm.land/lipgloss/v2"), "denies"},
		{"load reaches the network", g("feed/load", "net/http"), "denies"},
		{"fetch reaches the network", g("feed/fetch", "./feed", "net/http"), ""},
		{"a parser runs a program", g("feed", "os/exec"), "denies"},
		{"internal imports the reader", g("internal/render", "./tui"), "internal/render imports tui"},
		{"internal imports a command", g("internal/config", "./cmd/gazette"), "imports cmd/gazette"},
		{"the reader imports the commands", g("tui", "./cmd/gazette"), "tui imports cmd/gazette"},
		{"the reader imports the store", g("tui", "./store", "./feed/load", "./internal/render"), ""},
		{"the store imports the loader", g("store", "./feed/load"), "store imports feed/load"},
		{"the store uses SQLite", g("store", "./feed", "modernc.org/sqlite"), ""},
		{"the store uses another module", g("store", "github.com/other/db"), "allows only"},
		{"a package with no rule", g("newthing"), "no rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check([]pkgInfo{tt.pkg})
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("wrong arrows %q, want none", got)
			case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0], tt.want)):
				t.Errorf("messages %q, want one with %q", got, tt.want)
			}
		})
	}
}
