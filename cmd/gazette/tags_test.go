package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestTagsGolden(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"tags", nil, []string{"tags"}},
		{"tags-json", nil, []string{"tags", "--json"}},
		{"tags-by-month", nil, []string{"tags", "--by", "month"}},
		{"tags-by-month-json", nil, []string{"tags", "--by", "month", "--top", "3", "--json"}},
		{"tags-detected", nil, []string{"tags", "--detected"}},
		{"tags-tag-china", nil, []string{"tags", "--tag", "prc"}},
		{"tags-query-narrow", map[string]string{"COLUMNS": "40"}, []string{"tags", "--query", "after:2022-02-01"}},
		{"tags-color", nil, []string{"tags", "--color", "always"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runGazette(t, "", tt.env, tt.args...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			golden(t, tt.name, r.stdout)
		})
	}
}

// TestTagsCountsMatchList checks each count against the articles that
// 'list --tag' finds, so that the chart and the filters never disagree.
func TestTagsCountsMatchList(t *testing.T) {
	r := runGazette(t, "", nil, "tags", "--json")
	var counts []tagCount
	if err := json.Unmarshal([]byte(r.stdout), &counts); err != nil {
		t.Fatal(err)
	}
	if len(counts) < 10 {
		t.Fatalf("only %d tags in the sample feed", len(counts))
	}
	detected := 0
	for _, c := range counts {
		list := runGazette(t, "", nil, "list", "--tag", c.Tag)
		if n := strings.Count(list.stdout, "\n"); n != c.Count {
			t.Errorf("tags counts %d articles for %q, list --tag finds %d", c.Count, c.Tag, n)
		}
		if c.Country != (c.Code != "") {
			t.Errorf("%q: country %v with code %q", c.Tag, c.Country, c.Code)
		}
		if c.Detected > c.Count || c.Detected < 0 {
			t.Errorf("%q: %d detected of %d", c.Tag, c.Detected, c.Count)
		}
		detected += c.Detected
	}
	if detected == 0 {
		t.Error("the sample feed's untagged article counts for no detected country")
	}
	for i := 1; i < len(counts); i++ {
		a, b := counts[i-1], counts[i]
		if (!a.Country && b.Country) || (a.Country == b.Country && (a.Count < b.Count || a.Count == b.Count && a.Tag > b.Tag)) {
			t.Errorf("%q (%d) comes before %q (%d)", a.Tag, a.Count, b.Tag, b.Count)
		}
	}

	// --detected counts every detected country, so no count goes down.
	var all []tagCount
	r = runGazette(t, "", nil, "tags", "--json", "--detected")
	if err := json.Unmarshal([]byte(r.stdout), &all); err != nil {
		t.Fatal(err)
	}
	more := map[string]int{}
	for _, c := range all {
		more[c.Tag] = c.Count
	}
	grew := false
	for _, c := range counts {
		if more[c.Tag] < c.Count {
			t.Errorf("--detected counts %d for %q, fewer than %d", more[c.Tag], c.Tag, c.Count)
		}
		grew = grew || more[c.Tag] > c.Count
	}
	if !grew && len(all) == len(counts) {
		t.Error("--detected changes nothing on the sample feed")
	}
}

func TestTagsColour(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		color bool
		sgr   string // a colour sequence expected when color is true
	}{
		{"pipe", nil, []string{"tags"}, false, ""},
		{"never", nil, []string{"tags", "--color", "never"}, false, ""},
		{"always", nil, []string{"tags", "--color", "always"}, true, "38;2;"},
		{"always, 256 colours", map[string]string{"TERM": "xterm-256color"}, []string{"tags", "--color", "always"}, true, "38;5;"},
		{"always, NO_COLOR", map[string]string{"NO_COLOR": "1"}, []string{"tags", "--color", "always"}, true, "38;2;"},
		{"month, always", nil, []string{"tags", "--by", "month", "--color", "always"}, true, "38;2;"},
		{"month, pipe", nil, []string{"tags", "--by", "month"}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runGazette(t, "", tt.env, tt.args...)
			if r.code != 0 {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			if has := strings.Contains(r.stdout, "\x1b"); has != tt.color {
				t.Errorf("escape sequences: %v, want %v", has, tt.color)
			}
			if tt.color && !strings.Contains(r.stdout, tt.sgr) {
				t.Errorf("no %q colour in %q", tt.sgr, r.stdout[:min(len(r.stdout), 200)])
			}
			// Colour or not, the text is the same.
			plain := runGazette(t, "", tt.env, append(tt.args, "--color", "never")...)
			if got := ansi.Strip(r.stdout); got != plain.stdout {
				t.Errorf("with colour stripped:\n%s\nwithout colour:\n%s", got, plain.stdout)
			}
		})
	}
}

func TestTagsWidth(t *testing.T) {
	// The month table keeps every month in a pipe, unless told a width.
	wide := runGazette(t, "", nil, "tags", "--by", "month")
	narrow := runGazette(t, "", map[string]string{"COLUMNS": "50"}, "tags", "--by", "month")
	if !strings.Contains(wide.stdout, "2022-01") {
		t.Errorf("the month table lacks January:\n%s", wide.stdout)
	}
	if strings.Contains(narrow.stdout, "2022-01") || !strings.Contains(narrow.stdout, "2022-03") {
		t.Errorf("at 50 cells the month table should drop the oldest month:\n%s", narrow.stdout)
	}
	for _, line := range strings.Split(narrow.stdout, "\n") {
		if w := ansi.StringWidth(line); w > 50 {
			t.Errorf("COLUMNS=50: line %q is %d cells", line, w)
		}
	}

	for _, cols := range []string{"", "20", "40", "132", "nonsense", "-3"} {
		r := runGazette(t, "", map[string]string{"COLUMNS": cols}, "tags")
		limit, err := strconv.Atoi(cols)
		if err != nil || limit <= 0 {
			limit = 80
		}
		widest := 0
		for _, line := range strings.Split(r.stdout, "\n") {
			widest = max(widest, ansi.StringWidth(line))
		}
		if widest > limit || widest < limit*3/4 {
			t.Errorf("COLUMNS=%q: widest line is %d cells, want about %d", cols, widest, limit)
		}
	}
}

func TestTagsEdgeCases(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bare := write("bare.txt", "A quiet day\n\nNothing happened anywhere in particular.\n")
	hostile := write("hostile.txt", "Odd tags\n\nRuss\u200bia | Energy\x1b]0;owned\x07 | \u202eevil | 中国 | 3 March 2022 | Wire\n\nText.\n")
	undated := write("undated.txt", "No date\n\nChile | Wire\n\nText.\n")

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // a substring
		stderr string // a substring
	}{
		{"no tags", []string{"tags", bare}, 0, "No tags in 1 article.\n", ""},
		{"no tags, json", []string{"tags", "--json", bare}, 0, "[]\n", ""},
		{"no countries by month", []string{"tags", "--by", "month", bare}, 0, "No countries in 1 article.\n", ""},
		{"undated by month", []string{"tags", "--by", "month", undated}, 0, "undated  total\nChile", ""},
		{"hostile tags", []string{"tags", "--color", "always", hostile}, 0, "Russia", ""},
		{"a source fails", []string{"tags", bare, filepath.Join(dir, "missing.txt")}, 1, "No tags in 1 article.", "missing.txt"},
		{"bad by", []string{"tags", "--by", "week"}, 2, "", "--by must be month"},
		{"top without by", []string{"tags", "--top", "3"}, 2, "", "--top needs --by month"},
		{"negative top", []string{"tags", "--by", "month", "--top", "-1"}, 2, "", "--top must not be negative"},
		{"bad query", []string{"tags", "--query", "before:tomorrow"}, 2, "", "--query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runGazette(t, "", nil, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.code, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout %q lacks %q", r.stdout, tt.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr %q lacks %q", r.stderr, tt.stderr)
			}
			for _, s := range []string{r.stdout, r.stderr} {
				if strings.ContainsAny(s, "\x07\u202e\u200b") || strings.Contains(ansi.Strip(s), "\x1b") {
					t.Errorf("output holds a control character: %q", s)
				}
				for _, seq := range strings.Split(s, "\x1b")[1:] {
					if !strings.HasPrefix(seq, "[") || !strings.Contains(seq, "m") {
						t.Errorf("output holds a sequence other than SGR: %q", seq)
					}
				}
			}
		})
	}
}

func TestMonthRange(t *testing.T) {
	got := strings.Join(monthRange("2021-11", "2022-02"), " ")
	if want := "2021-11 2021-12 2022-01 2022-02"; got != want {
		t.Errorf("monthRange = %q, want %q", got, want)
	}
	if m := monthRange("", ""); m != nil {
		t.Errorf("monthRange of nothing = %v", m)
	}
	if m := monthRange("2022-03", "2022-01"); m != nil {
		t.Errorf("monthRange backwards = %v", m)
	}
}

// Tags counts what the headers say, so it loads articles without their
// bodies, as list does: the header cache it leaves behind shows it, and
// the counts are those of a full load.
func TestTagsLoadsHeads(t *testing.T) {
	cache := t.TempDir()
	env := map[string]string{"XDG_CACHE_HOME": cache}
	heads := runGazette(t, "", env, "tags", "--json", "../../testdata/sample")
	full := runGazette(t, "", nil, "tags", "--json", "../../testdata/sample")
	if heads.code != 0 || heads.stdout != full.stdout || heads.stderr != full.stderr {
		t.Fatalf("with the header cache: exit %d\n%s%s\nwithout:\n%s%s", heads.code, heads.stdout, heads.stderr, full.stdout, full.stderr)
	}
	// The sample files were checked out before the test was built, so they
	// are older than the cache's window for files just changed.
	files, _ := filepath.Glob(filepath.Join(cache, "gazette", "heads", "*"))
	if len(files) != 1 {
		t.Errorf("header cache files %q, want one: tags loaded full articles", files)
	}
}

// TestTagsQueryBodies counts with queries whose words are in the bodies
// of articles of a directory, which load without their bodies: each count
// is what 'list' finds with the same query and tag, so that tags looks
// for body words as list does, with the index and without it.
func TestTagsQueryBodies(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, "news")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"a.md": "---\ntitle: Talks in Moscow\ndate: 2024-01-02\ntags: [Russia]\n---\nThe new pipeline was discussed at the Kremlin.\n",
		"b.md": "---\ntitle: Coal deal signed\ndate: 2024-01-03\ntags: [China]\n---\nA coal deal, and gas too.\n",
		"c.md": "---\ntitle: Pipeline news\ndate: 2024-01-04\ntags: [Japan]\n---\nNothing else.\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, withStore := range []bool{false, true} {
		env := map[string]string{}
		if withStore {
			env = map[string]string{"HOME": home, "XDG_CACHE_HOME": filepath.Join(home, "cache"), "XDG_DATA_HOME": filepath.Join(home, "data"), "XDG_CONFIG_HOME": filepath.Join(home, "config")}
		}
		for q, want := range map[string]map[string]int{
			"pipeline":                         {"Russia": 1, "Japan": 1},
			"kremlin":                          {"Russia": 1},
			"gas OR coal":                      {"China": 1},
			"(pipeline OR kremlin) -tag:japan": {"Russia": 1},
		} {
			r := runGazette(t, "", env, "tags", "--json", "--query", q, dir)
			if r.code != 0 {
				t.Fatalf("%q: exit %d, stderr %q", q, r.code, r.stderr)
			}
			var counts []tagCount
			if err := json.Unmarshal([]byte(r.stdout), &counts); err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, c := range counts {
				got[c.Tag] = c.Count
				list := runGazette(t, "", env, "list", "--query", q, "--tag", c.Tag, dir)
				if n := strings.Count(list.stdout, "\n"); n != c.Count {
					t.Errorf("%q: tags counts %d articles for %q, list finds %d", q, c.Count, c.Tag, n)
				}
			}
			if !maps.Equal(got, want) {
				t.Errorf("store %v, %q: counts %v, want %v", withStore, q, got, want)
			}
		}
	}
}
