package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gazette-news/gazette/feed/load"
)

// TestE2EPipeToPager pipes an article to less in a real terminal: less
// gets the terminal and the article's Markdown, and quitting it comes
// back to the article, which says the command is done.
func TestE2EPipeToPager(t *testing.T) {
	for _, prog := range []string{"tmux", "less"} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Skipf("%s is not installed: skipping the pipe-to terminal test", prog)
		}
	}
	if testing.Short() || os.Getenv("GAZETTE_HEAVY") == "" {
		t.Skip("the pipe-to terminal test builds the binary and drives tmux; GAZETTE_HEAVY=1 (set by .ci/run) runs it")
	}
	dir := t.TempDir()
	bin := buildGazette(t, dir)
	data := sampleDir(t)
	arts, errs := (&load.Loader{}).LoadAll(context.Background(), []load.Source{{Location: data}})
	if len(errs) > 0 || len(arts) == 0 {
		t.Fatalf("load %s: %d articles, errors %v", data, len(arts), errs)
	}
	first := arts[0]

	s := startShell(t, dir, "pipe", 100, "TERM=xterm-256color LESS=", "e2e-prompt$ ")

	s.keys(true, bin+" "+data)
	s.keys(false, "Enter")
	s.waitFor("the list", func(sc string) bool { return strings.Contains(sc, feedCount(len(arts))+" articles") })
	s.keys(false, "Enter")
	s.waitFor("the article", func(sc string) bool { return strings.Contains(sc, first.Title[:30]) && strings.Contains(sc, "%") })

	s.keys(true, "|")
	s.waitFor("the pipe prompt", func(sc string) bool { return strings.Contains(sc, "| command to pipe the article to") })
	s.keys(true, "less")
	s.keys(false, "Enter")
	// less shows the Markdown, heading mark and all, on the whole screen.
	sc := s.waitFor("less", func(sc string) bool { return strings.Contains(sc, "# "+first.Title[:30]) })
	if strings.Contains(sc, "↓/j down") {
		t.Errorf("the reader's help bar shows under less:\n%s", sc)
	}
	s.keys(true, "q")
	sc = s.waitFor("the article again", func(sc string) bool { return strings.Contains(sc, "| less · done") })
	if strings.Contains(sc, "# "+first.Title[:30]) {
		t.Errorf("less's screen is left behind:\n%s", sc)
	}

	// A failing command shows its status, and the prompt offers the last
	// command without holding it.
	s.keys(true, "|")
	s.waitFor("the prompt with history", func(sc string) bool { return strings.Contains(sc, "| ↑ less") })
	s.keys(true, "exit 4")
	s.keys(false, "Enter")
	s.waitFor("the exit status", func(sc string) bool { return strings.Contains(sc, "| exit 4 · exit status 4") })

	s.keys(false, "q")
	s.keys(false, "q")
	s.waitFor("the shell prompt", func(sc string) bool {
		lines := strings.Split(strings.TrimRight(sc, "\n"), "\n")
		return strings.HasPrefix(lines[len(lines)-1], "e2e-prompt$")
	})
}
