package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/termcheck"
)

// hostileDir holds one small file per threat row and format; see
// ../../testdata/hostile and the threat list they are named after.
const hostileDir = "../../testdata/hostile"

// commandLimit is how long one command may take on a hostile file. It is
// a hang detector, not a benchmark: a case that is merely slow on a busy
// machine passes, one that never ends fails instead of stalling the run.
const commandLimit = 60 * time.Second

// hostileCase is one input for the hostile table: a file of the corpus, or
// one generated into a temporary directory because it is too big to keep.
type hostileCase struct {
	name string
	path string
	// golden is set for corpus files, whose text output is kept.
	golden bool
	// noANSI leaves out the styled rendering, for inputs so large that
	// rendering them is slow by nature (the renderer's own limits are
	// tested in package tui); listOnly leaves out show altogether.
	noANSI, listOnly bool
}

// generatedHostile writes the inputs too big to keep in the repository.
func generatedHostile(t *testing.T) []hostileCase {
	dir := t.TempDir()
	words := func(n int) string { return strings.Repeat("w", n) }
	items := func(n int) string {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Many</title>`)
		for i := range n {
			fmt.Fprintf(&b, "<item><title>Item %d</title><link>https://example.org/%d</link></item>\n", i, i)
		}
		b.WriteString("</channel></rss>\n")
		return b.String()
	}
	files := []struct {
		name, data       string
		noANSI, listOnly bool
	}{
		// P7: a 40 KB and a 100 KB word, 16k '[' and 16k '![' pairs.
		{name: "p7-long-word-40k.txt", data: "Long word\n\nRussia | 17 January 2022 | Wire\n\n" + words(40<<10) + "\n"},
		{name: "p7-long-word-100k.md", data: "# Long word\n\n" + words(100<<10) + "\n"},
		{name: "p7-brackets-16k.txt", data: "Brackets\n\n" + strings.Repeat("[", 16<<10) + "\n"},
		{name: "p7-brackets-16k.md", data: "# Brackets\n\n" + strings.Repeat("[", 16<<10) + "\n\n" + strings.Repeat("![", 8<<10) + "\n"},
		{name: "p7-quotes-72.md", data: "# Quotes\n\n" + strings.Repeat(">", 72) + " deep\n"},
		// P6: nesting far past any cap, in every tree-shaped format.
		{name: "p6-deeper.html", data: "<!DOCTYPE html><title>Deeper</title>" + strings.Repeat("<div>", 100_000) + "deep"},
		{name: "p6-deeper.rss", data: `<?xml version="1.0"?><rss version="2.0"><channel><title>Deeper</title><item><title>x</title>` +
			"<x:e xmlns:x=\"urn:x\">" + strings.Repeat("<x:e>", 20_000) + strings.Repeat("</x:e>", 20_000) +
			"</x:e></item></channel></rss>\n"},
		{name: "p6-deeper.json", data: `{"version":"https://jsonfeed.org/version/1.1","title":"Deeper","items":[{"id":"1","title":"x","_x":` +
			strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "}]}\n"},
		{name: "p6-deeper.md", data: "# Deeper\n\n" + strings.Repeat("> ", 20_000) + "quote\n\n" + strings.Repeat("- ", 20_000) + "item\n"},
		// P3: more items than one feed may hold.
		{name: "p3-items.rss", data: items(feed.MaxFeedItems + 5), listOnly: true},
		// P3: a 5 MB title and a body just under the file cap.
		{name: "p3-huge-title.txt", data: strings.Repeat("Title ", 900_000) + "\n\nBody.\n"},
		{name: "p3-huge-body.txt", data: "Huge\n\n" + strings.Repeat("Paragraph text that goes on. ", 250_000) + "\n", noANSI: true},
	}
	cases := make([]hostileCase, len(files))
	for i, f := range files {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, []byte(f.data), 0o644); err != nil {
			t.Fatal(err)
		}
		cases[i] = hostileCase{name: f.name, path: path, noANSI: f.noANSI, listOnly: f.listOnly}
	}
	return cases
}

func hostileCases(t *testing.T) []hostileCase {
	entries, err := os.ReadDir(hostileDir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []hostileCase
	for _, e := range entries {
		cases = append(cases, hostileCase{name: e.Name(), path: filepath.Join(hostileDir, e.Name()), golden: true})
	}
	if len(cases) < 60 {
		t.Fatalf("only %d files in %s", len(cases), hostileDir)
	}
	return append(cases, generatedHostile(t)...)
}

// runWithin runs one command line and fails the test if it has not
// returned within commandLimit.
func runWithin(t *testing.T, args ...string) result {
	t.Helper()
	done := make(chan result, 1)
	go func() { done <- runGazette(t, "", nil, args...) }()
	select {
	case r := <-done:
		return r
	case <-time.After(commandLimit):
		t.Fatalf("gazette %s did not finish within %s", strings.Join(args, " "), commandLimit)
		return result{}
	}
}

// footnoteRE matches a footnote line of text output.
var footnoteRE = regexp.MustCompile(`^\[\d+\]: (\S+) \((image|link)\)$`)

// forbidden are strings that must never appear in any output of the files
// whose names start with the key: text from elements that are not part of
// the article, and the expansion of XML entities.
var forbidden = map[string][]string{
	"p1-": {"root:x:0", "lollol", "daemon:"},
	"p8-": {"SECRET"},
}

// TestHostileFiles runs list and show in every format (text, markdown,
// json, and ansi with colour) on every hostile input and holds each run to the output contract: it ends,
// without a panic; stdout and stderr are valid UTF-8 and hold no control
// sequence but SGR (and, styled, hyperlinks to http and https); the exit
// code is 0, or 1 with one sanitized "gazette:" line per failure naming the
// file; every footnote is an http or https URL.
func TestHostileFiles(t *testing.T) {
	for _, hc := range hostileCases(t) {
		t.Run(hc.name, func(t *testing.T) {
			t.Parallel()
			cmds := [][]string{
				{"list", hc.path},
				{"show", "--format", "text", hc.path},
				{"show", "--format", "markdown", hc.path},
				{"show", "--format", "json", hc.path},
				{"show", "--format", "ansi", "--color", "always", hc.path},
			}
			switch {
			case hc.listOnly:
				cmds = cmds[:1]
			case hc.noANSI:
				cmds = cmds[:4]
			}
			for _, args := range cmds {
				r := runWithin(t, args...)
				checkHostileRun(t, hc, args, r)
				if args[0] == "show" && args[2] == "text" && hc.golden {
					golden(t, filepath.Join("hostile", hc.name), fmt.Sprintf("exit %d\n-- stderr --\n%s-- stdout --\n%s", r.code, r.stderr, r.stdout))
				}
			}
		})
	}
}

func checkHostileRun(t *testing.T, hc hostileCase, args []string, r result) {
	t.Helper()
	cmd := strings.Join(args[:len(args)-1], " ")
	styled := args[len(args)-2] == "always"
	rep, err := termcheck.Check([]byte(r.stdout))
	if err != nil {
		t.Errorf("%s: stdout: %v", cmd, err)
	}
	if !styled && (strings.Contains(r.stdout, "\x1b") || rep.SGR > 0 || len(rep.Links) > 0) {
		t.Errorf("%s: escape sequences in unstyled output", cmd)
	}
	for _, l := range rep.Links {
		// The terminal shows the URL it opens, not text that could pose
		// as another one.
		if l.Text != "" && !strings.Contains(l.Target, strings.TrimSpace(l.Text)) {
			t.Errorf("%s: hyperlink to %q shows %q", cmd, l.Target, l.Text)
		}
	}
	if _, err := termcheck.Check([]byte(r.stderr)); err != nil || strings.Contains(r.stderr, "\x1b") {
		t.Errorf("%s: stderr: %v: %q", cmd, err, r.stderr)
	}
	switch r.code {
	case exitOK:
	case exitFailed:
		if r.stderr == "" {
			t.Errorf("%s: exit 1 without a message", cmd)
		}
	default:
		t.Errorf("%s: exit %d; stderr %q", cmd, r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "internal error") {
		t.Errorf("%s: a panic reached the command: %q", cmd, r.stderr)
	}
	for _, line := range strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n") {
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "gazette: ") {
			t.Errorf("%s: stderr line without the gazette: prefix: %q", cmd, line)
		}
		if !strings.Contains(line, hc.name) {
			t.Errorf("%s: stderr line does not name %s: %q", cmd, hc.name, line)
		}
		if utf8.RuneCountInString(line) > 1000 {
			t.Errorf("%s: stderr line of %d characters", cmd, utf8.RuneCountInString(line))
		}
	}
	plain := r.stdout
	if styled {
		plain = stripSGR(plain)
	}
	for prefix, words := range forbidden {
		if !strings.HasPrefix(hc.name, prefix) {
			continue
		}
		for _, w := range words {
			if strings.Contains(plain, w) || strings.Contains(r.stderr, w) {
				t.Errorf("%s: output holds %q", cmd, w)
			}
		}
	}
	if args[0] == "show" && args[2] == "json" && r.stdout != "" && !json.Valid([]byte(r.stdout)) {
		t.Errorf("%s: invalid JSON", cmd)
	}
	if args[0] == "list" {
		for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
			if line != "" && strings.Count(line, "\t") != 3 {
				t.Errorf("list line with %d tabs: %q", strings.Count(line, "\t"), line)
			}
		}
	}
	if !styled {
		for _, line := range strings.Split(r.stdout, "\n") {
			if m := footnoteRE.FindStringSubmatch(line); m != nil {
				if u, ok := feed.SafeURL(m[1], nil); !ok || u != m[1] {
					t.Errorf("%s: footnote to %q", cmd, m[1])
				}
			}
		}
	}
}

// sgrRE matches one SGR sequence or OSC 8 hyperlink.
var styleRE = regexp.MustCompile(`\x1b\[[0-9;:]*m|\x1b\]8;[^\x07\x1b]*(?:\x07|\x1b\\)`)

func stripSGR(s string) string { return styleRE.ReplaceAllString(s, "") }

// TestHostileBesideGood checks that a failing source costs only itself:
// the good file beside it still lists, and the exit code says something
// failed.
func TestHostileBesideGood(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	if err := os.WriteFile(good, []byte("Good title\n\nRussia | 17 January 2022 | Wire\n\nText.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var bad []string
	for _, name := range []string{"p2-truncated.rss", "p2-truncated.json", "p6-deep.html", "f4-png.txt", "p2-bad-front-matter.md", "f4-nul.txt"} {
		bad = append(bad, filepath.Join(hostileDir, name))
	}
	r := runWithin(t, append(append([]string{"list"}, bad...), good)...)
	if r.code != exitFailed || !strings.Contains(r.stdout, "Good title") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	sort.Strings(lines)
	if len(lines) != len(bad) {
		t.Errorf("%d error lines for %d bad files:\n%s", len(lines), len(bad), r.stderr)
	}
}

// TestHostileFileNames copies a hostile article under names that hold
// escapes, a newline, a leading '-', invalid UTF-8 and RLO: the article
// loads and the names appear, if at all, sanitized and quoted.
func TestHostileFileNames(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(hostileDir, "t1-escapes.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	names := []string{
		"esc\x1b]0;pwned\x07\x1b[2J.txt",
		"new\nline.txt",
		"-rf.txt",
		"bad\xff\xfeutf8.txt",
		"rlo\u202etxt.exe.txt",
		"c1\u009b31m.txt",
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), data, 0o644); err != nil {
			t.Fatal(err)
		}
		// The same names, holding a file that fails.
		if err := os.WriteFile(filepath.Join(dir, "x"+n), []byte{0x89, 'P', 'N', 'G', 0}, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := runWithin(t, "list", dir)
	if r.code != exitFailed {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	// The six copies are one story, listed once.
	if got := strings.Count(r.stdout, "\n"); got != 1 {
		t.Errorf("listed %d articles, want 1:\n%s", got, r.stdout)
	}
	errLines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(errLines) != len(names) {
		t.Errorf("%d error lines, want %d:\n%s", len(errLines), len(names), r.stderr)
	}
	for _, out := range []string{r.stdout, r.stderr} {
		if _, err := termcheck.Check([]byte(out)); err != nil {
			t.Errorf("%v in %q", err, out)
		}
	}
	for _, line := range errLines {
		// Every name here but "x-rf.txt" holds something to hide.
		if !strings.HasPrefix(line, "gazette: \"") && !strings.HasSuffix(line, "x-rf.txt: not text (binary or not UTF-8)") {
			t.Errorf("file name not quoted: %q", line)
		}
	}
	r = runWithin(t, "show", "--format", "ansi", "--color", "always", dir)
	if _, err := termcheck.Check([]byte(r.stdout + r.stderr)); err != nil {
		t.Errorf("show: %v", err)
	}
}
