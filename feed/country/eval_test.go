package country

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// evalDir holds the labelled articles: one file per case, a "countries:"
// line with the alpha-2 codes a careful editor would tag, a "title:" line,
// a blank line, and paragraphs separated by blank lines.
const evalDir = "../../testdata/countries"

type evalCase struct {
	name       string
	want       []string
	title      string
	paragraphs []string
}

func loadEval(t testing.TB) []evalCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(evalDir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []evalCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := parseCase(string(data))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		c.name = strings.TrimSuffix(filepath.Base(f), ".txt")
		cases = append(cases, c)
	}
	return cases
}

func parseCase(s string) (evalCase, error) {
	var c evalCase
	head, body, _ := strings.Cut(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n")
	seenLabels := false
	for _, line := range strings.Split(head, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return c, fmt.Errorf("bad header line %q", line)
		}
		switch k {
		case "countries":
			seenLabels = true
			for _, code := range strings.Fields(v) {
				if _, ok := ByCode(code); !ok {
					return c, fmt.Errorf("unknown code %q", code)
				}
				c.want = append(c.want, code)
			}
		case "title":
			c.title = strings.TrimSpace(v)
		default:
			return c, fmt.Errorf("unknown header %q", k)
		}
	}
	if !seenLabels || c.title == "" {
		return c, fmt.Errorf("missing countries or title line")
	}
	for _, p := range strings.Split(body, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			c.paragraphs = append(c.paragraphs, p)
		}
	}
	return c, nil
}

// stats counts true positives, false positives and false negatives.
type stats struct{ tp, fp, fn, cases, exact int }

func (s stats) precision() float64 { return float64(s.tp) / float64(max(s.tp+s.fp, 1)) }
func (s stats) recall() float64    { return float64(s.tp) / float64(max(s.tp+s.fn, 1)) }

func (s stats) String() string {
	return fmt.Sprintf("%d articles, %d exactly right; precision %.3f (%d/%d), recall %.3f (%d/%d)",
		s.cases, s.exact, s.precision(), s.tp, s.tp+s.fp, s.recall(), s.tp, s.tp+s.fn)
}

// TestEvaluation measures Detect against the labelled articles and fails
// below 0.90 precision or 0.85 recall. Files whose names start with "h"
// were written after the detector was, and are reported apart as held out.
func TestEvaluation(t *testing.T) {
	cases := loadEval(t)
	if len(cases) < 60 {
		t.Fatalf("only %d labelled articles, want at least 60", len(cases))
	}
	var all, dev, held stats
	for _, c := range cases {
		var got []string
		for _, m := range Detect(c.title, c.paragraphs) {
			got = append(got, m.Alpha2)
		}
		var s stats
		var extra, missed []string
		for _, g := range got {
			if slices.Contains(c.want, g) {
				s.tp++
			} else {
				s.fp++
				extra = append(extra, g)
			}
		}
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				s.fn++
				missed = append(missed, w)
			}
		}
		s.cases = 1
		if len(extra) == 0 && len(missed) == 0 {
			s.exact = 1
		} else {
			t.Logf("%s: want %v, got %v (extra %v, missed %v)", c.name, c.want, got, extra, missed)
		}
		part := &dev
		if strings.HasPrefix(c.name, "h") {
			part = &held
		}
		for _, p := range []*stats{&all, part} {
			p.tp += s.tp
			p.fp += s.fp
			p.fn += s.fn
			p.cases += s.cases
			p.exact += s.exact
		}
	}
	t.Logf("development: %v", dev)
	t.Logf("held out:    %v", held)
	t.Logf("all:         %v", all)
	if all.precision() < 0.90 {
		t.Errorf("precision %.3f < 0.90", all.precision())
	}
	if all.recall() < 0.85 {
		t.Errorf("recall %.3f < 0.85", all.recall())
	}
}
