package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aymanbagabas/go-udiff"
	"github.com/gazette-news/gazette/internal/cells"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// result is what one command line printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// runGazette runs one command line in-process, as a pipe would (stdout is not
// a terminal), with stdin and the environment given.
func runGazette(t *testing.T, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, stdio{
		in:     strings.NewReader(stdin),
		out:    &out,
		err:    &errb,
		getenv: func(k string) string { return env[k] },
	})
	return result{code, out.String(), errb.String()}
}

// golden compares got with testdata/NAME.golden.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/gazette -update)", err)
	}
	if string(want) != got {
		t.Errorf("output differs from %s:\n%s", path, udiff.Unified("golden", "got", string(want), got))
	}
}

func TestListGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"list", []string{"list"}},
		{"list-tag-russia", []string{"list", "--tag", "russia"}},
		{"list-tag-russia-china", []string{"list", "--tag", "Russia", "--tag", "PRC"}},
		{"list-tag-usa-alias", []string{"list", "--tag", "usa"}},
		{"list-query", []string{"list", "--query", "tag:china -tag:russia"}},
		{"list-limit", []string{"list", "-n", "3"}},
		{"list-json-russia", []string{"list", "--tag", "russia", "--json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runGazette(t, "", nil, tt.args...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			golden(t, tt.name, r.stdout)
		})
	}
}

// A feed item without categories lists the countries detected in it,
// marked. The feed comes on stdin, whose IDs do not depend on where the
// checkout is.
func TestListFeedDetected(t *testing.T) {
	data, err := os.ReadFile("../../testdata/feeds/world-desk.rss")
	if err != nil {
		t.Fatal(err)
	}
	r := runGazette(t, string(data), nil, "list", "-")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	golden(t, "list-feed-detected", r.stdout)
}

func TestListJSONShape(t *testing.T) {
	r := runGazette(t, "", nil, "list", "--json")
	var arts []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &arts); err != nil {
		t.Fatal(err)
	}
	if len(arts) < 10 {
		t.Fatalf("only %d articles in the sample feed", len(arts))
	}
	for _, key := range []string{"id", "title", "tags", "countries", "date", "source", "images", "location", "mentions"} {
		if _, ok := arts[0][key]; !ok {
			t.Errorf("list --json lacks %q", key)
		}
	}
	undated := false
	for _, a := range arts {
		if a["date"] == nil {
			undated = true
		}
	}
	if !undated {
		t.Error("the sample feed's undated article should have \"date\": null")
	}
}

// Many articles are encoded in chunks, on several goroutines, into
// buffers used again once written, and come out as one array in the
// list's order: newest first, as the lines of list.
func TestListJSONMany(t *testing.T) {
	dir := t.TempDir()
	const n = 12*jsonChunk + 17
	for i := range n {
		day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
		text := fmt.Sprintf("Article %d\n\nRussia | %s | Wire\n\nText.\n", i, day.Format("2006-01-02"))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.txt", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"XDG_CACHE_HOME": t.TempDir()}
	r := runGazette(t, "", env, "list", "--json", dir)
	var arts []struct{ Title string }
	if err := json.Unmarshal([]byte(r.stdout), &arts); err != nil || r.code != 0 {
		t.Fatalf("exit %d, %v\n%s", r.code, err, r.stderr)
	}
	if len(arts) != n {
		t.Fatalf("%d articles, want %d", len(arts), n)
	}
	for i, a := range arts {
		if want := fmt.Sprintf("Article %d", n-1-i); a.Title != want {
			t.Fatalf("element %d is %q, want %q", i, a.Title, want)
		}
	}
}

func TestShowGolden(t *testing.T) {
	ref := filepath.Join("..", "..", "testdata", "sample", "000_c5e2517048094a15.txt")
	tests := []struct {
		name string
		args []string
	}{
		{"show-markdown", []string{"show", ref}},
		{"show-text-60", []string{"show", "--format", "text", "--width", "60", ref}},
		{"show-ansi-notty", []string{"show", "--format", "ansi", "--width", "80", "--color", "never", ref}},
		{"show-json", []string{"show", "--format", "json", ref}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runGazette(t, "", nil, tt.args...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			// The location is relative to this package; the ID depends on
			// where the checkout is, so it is left out of the comparison.
			golden(t, tt.name, hideID(r.stdout))
		})
	}
}

// hideID blanks the 16-digit article IDs, which derive from absolute paths.
func hideID(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), `"id": "`) {
			line = line[:strings.Index(line, `"id": "`)] + "\"id\": \"<id>\",\n"
		}
		b.WriteString(line)
	}
	return b.String()
}

func TestShowByIDAndStdin(t *testing.T) {
	list := runGazette(t, "", nil, "list", "--tag", "kazakhstan")
	fields := strings.Split(strings.TrimSpace(list.stdout), "\t")
	if len(fields) != 4 {
		t.Fatalf("unexpected list line %q", list.stdout)
	}
	byID := runGazette(t, "", nil, "show", fields[0])
	if byID.code != 0 || !strings.HasPrefix(byID.stdout, "# "+mdEscapeTitle(fields[3])) {
		t.Fatalf("show %s: exit %d, %q", fields[0], byID.code, byID.stdout[:min(len(byID.stdout), 200)])
	}
	data, err := os.ReadFile("../../testdata/sample/000_c5e2517048094a15.txt")
	if err != nil {
		t.Fatal(err)
	}
	stdin := runGazette(t, string(data), nil, "show", "--format", "text", "-")
	if stdin.code != 0 || !strings.HasPrefix(stdin.stdout, "Putin and Xi hail") || !strings.Contains(stdin.stdout, "[1]: https://cdn1.i-scmp.com/ (image)") {
		t.Errorf("show -: exit %d, %q", stdin.code, stdin.stdout)
	}
}

func mdEscapeTitle(s string) string {
	return strings.NewReplacer("*", `\*`, "_", `\_`, "[", `\[`).Replace(s)
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	if err := os.WriteFile(good, []byte("Good title\n\nRussia | 17 January 2022 | Wire\n\nText.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bad\x1b]0;owned\x07.txt")
	if err := os.WriteFile(bin, []byte{0x89, 'P', 'N', 'G', 0, 0}, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   string // a substring; "" means empty
		stderr   string // a substring
		noStdout bool
	}{
		{"ok", []string{"list", good}, 0, "Good title", "", false},
		{"one bad source", []string{"list", dir}, 1, "Good title", `not text`, false},
		{"missing file", []string{"list", filepath.Join(dir, "nope.txt"), good}, 1, "Good title", "no such file", false},
		{"unknown flag", []string{"list", "--bogus"}, 2, "", "unknown flag", true},
		{"bad format", []string{"show", "--format", "pdf", good}, 2, "", "--format must be", true},
		{"bad color", []string{"list", "--color", "purple"}, 2, "", "--color must be", true},
		{"show needs an article", []string{"show"}, 2, "", "show needs an ARTICLE", true},
		{"unknown id", []string{"show", "abcdef12"}, 1, "", "no article with ID abcdef12", true},
		{"bad query", []string{"list", "--query", "after:someday"}, 2, "", "--query", true},
		{"unknown command", []string{"frobnicate"}, 1, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runGazette(t, "", nil, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.code, r.stderr)
			}
			if tt.noStdout && r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout %q lacks %q", r.stdout, tt.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr %q lacks %q", r.stderr, tt.stderr)
			}
			if strings.ContainsAny(r.stderr, "\x1b\x07") || strings.Contains(r.stderr, "goroutine ") {
				t.Errorf("stderr holds a control character or a trace: %q", r.stderr)
			}
			for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
				if line != "" && !strings.HasPrefix(line, "gazette: ") && !strings.HasPrefix(line, "Run 'gazette") {
					t.Errorf("stderr line %q lacks the gazette: prefix", line)
				}
			}
		})
	}
}

// Detected countries stand in where an article declares none, and
// --detected lets them match everywhere.
func TestListDetected(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"declared.txt":   "Kremlin talks\n\nRussia | 17 January 2022 | Wire\n\nOfficials in Kyiv and Ukrainian diplomats said the Ukrainian delegation would travel to Kyiv again.\n",
		"undeclared.txt": "Grain exports resume\n\nEnergy | 18 January 2022 | Wire\n\nUkrainian ports in Odesa reopened as Kyiv said Ukraine would ship grain again.\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plain := runGazette(t, "", nil, "list", "--tag", "ukraine", dir)
	if !strings.Contains(plain.stdout, "Grain exports resume") || strings.Contains(plain.stdout, "Kremlin talks") {
		t.Errorf("--tag ukraine without --detected:\n%s", plain.stdout)
	}
	if !strings.Contains(plain.stdout, "Energy, ~Ukraine") {
		t.Errorf("the detected country is not marked in the tags column:\n%s", plain.stdout)
	}
	all := runGazette(t, "", nil, "list", "--detected", "--tag", "ukraine", dir)
	if !strings.Contains(all.stdout, "Grain exports resume") || !strings.Contains(all.stdout, "Kremlin talks") {
		t.Errorf("--tag ukraine --detected:\n%s", all.stdout)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"a longer title", 8, "a longe…"},
		{"中文标题很长", 7, "中文标…"},
		{"café au lait", 5, "café…"},
	}
	for _, tt := range tests {
		if got := cells.Truncate(tt.in, tt.width); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}

// TestShowShortIDPrefix gives --id a prefix too short to be one article's:
// the error says it matches several and lists them, rather than calling it
// no ID at all.
func TestShowShortIDPrefix(t *testing.T) {
	const dir = "../../testdata/sample"
	list := runGazette(t, "", nil, "list", dir)
	counts := map[string]int{}
	for line := range strings.SplitSeq(strings.TrimSpace(list.stdout), "\n") {
		counts[line[:1]]++
	}
	prefix := ""
	for p, n := range counts {
		if n > 1 {
			prefix = p
		}
	}
	if prefix == "" {
		t.Fatal("no one-digit prefix shared by two sample articles")
	}
	res := runGazette(t, "", nil, "show", dir, "--id", prefix)
	want := fmt.Sprintf("ID %s matches %d articles; give more digits:", prefix, counts[prefix])
	if res.code == 0 || !strings.Contains(res.stderr, want) || strings.Contains(res.stderr, "not an article ID") {
		t.Fatalf("show --id %s: exit %d, stderr %q; want %q", prefix, res.code, res.stderr, want)
	}
	for line := range strings.SplitSeq(strings.TrimSpace(list.stdout), "\n") {
		if id := line[:5]; strings.HasPrefix(id, prefix) && !strings.Contains(res.stderr, id+" ") {
			t.Errorf("candidate %s not listed: %s", id, res.stderr)
		}
	}
	bad := runGazette(t, "", nil, "show", dir, "--id", "2z1")
	if bad.code != 2 || !strings.Contains(bad.stderr, "not an article ID") {
		t.Errorf("show --id 2z1: exit %d, %q", bad.code, bad.stderr)
	}
}
