package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gazette-news/gazette/feed/load"
)

// TestE2ETmuxReadState drives the real binary: it opens an article, quits,
// launches gazette again, and finds the article's row read, with one
// unread article fewer in the status line; then m marks it unread again,
// which the next launch shows too.
func TestE2ETmuxReadState(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it): skipping the end-to-end terminal test")
	}
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	if os.Getenv("GAZETTE_HEAVY") == "" {
		t.Skip("the end-to-end terminal test builds the binary and drives tmux; GAZETTE_HEAVY=1 (set by .ci/run) runs it")
	}
	dir := t.TempDir()
	bin := buildGazette(t, dir)
	data := sampleDir(t)
	arts, errs := (&load.Loader{}).LoadAll(context.Background(), []load.Source{{Location: data}})
	if len(errs) > 0 || len(arts) < 2 {
		t.Fatalf("load %s: %d articles, errors %v", data, len(arts), errs)
	}
	first := arts[0]

	dataHome := filepath.Join(dir, "data")
	s := startShell(t, dir, "e2e-state", 120, "XDG_DATA_HOME="+dataHome+" TERM=xterm-256color", "e2e-prompt$ ")

	total := feedCount(len(arts))
	status := func(unread int) string { return feedCount(unread) + " unread · " + total + " articles" }
	// firstRow is the list's first row, the newest article's.
	firstRow := func(sc string) string {
		for _, l := range strings.Split(sc, "\n") {
			if strings.Contains(l, first.Title[:min(len(first.Title), 20)]) {
				return l
			}
		}
		t.Fatalf("no row for %q:\n%s", first.Title, sc)
		return ""
	}
	launch := func(unread int) string {
		s.keys(true, bin+" "+data)
		s.keys(false, "Enter")
		return s.waitFor("the list, "+status(unread), func(sc string) bool { return strings.Contains(sc, status(unread)) })
	}
	quit := func() {
		s.keys(false, "q")
		s.waitFor("the shell prompt", func(sc string) bool {
			lines := strings.Split(strings.TrimRight(sc, "\n"), "\n")
			return strings.HasPrefix(lines[len(lines)-1], "e2e-prompt$")
		})
	}

	// A first launch: everything is unread. Open the newest article.
	sc := launch(len(arts))
	if !strings.Contains(firstRow(sc), "•") {
		t.Errorf("the first row is not marked unread: %q", firstRow(sc))
	}
	s.keys(false, "Enter")
	s.waitFor("the article", func(sc string) bool { return strings.Contains(sc, first.Title) && strings.Contains(sc, "%") })
	s.keys(false, "q")
	sc = s.waitFor("the list again", func(sc string) bool { return strings.Contains(sc, status(len(arts)-1)) })
	if row := firstRow(sc); strings.Contains(row, "•") {
		t.Errorf("the article just read is still unread: %q", row)
	}
	quit()

	// The second launch remembers.
	sc = launch(len(arts) - 1)
	if row := firstRow(sc); strings.Contains(row, "•") {
		t.Errorf("the article opened before is still unread: %q", row)
	}
	// m marks it unread again; the third launch remembers that too.
	s.keys(true, "m")
	s.waitFor("the mark", func(sc string) bool { return strings.Contains(sc, status(len(arts))) })
	quit()
	sc = launch(len(arts))
	if row := firstRow(sc); !strings.Contains(row, "•") {
		t.Errorf("the article marked unread is read: %q", row)
	}
	quit()
	if _, err := os.Stat(filepath.Join(dataHome, "gazette", "gazette.db")); err != nil {
		t.Errorf("no database in the data directory: %v", err)
	}
}
