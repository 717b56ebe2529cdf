//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2ETmuxInfoOnce checks that the reader, run under tmux, asks tmux
// for its colour capabilities once: lipgloss does it when it is loaded,
// and the reader takes that answer rather than asking again, with a
// process started, before its first frame. A tmux of the test's own
// stands in for the real one inside the pane and counts the questions.
func TestE2ETmuxInfoOnce(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	if testing.Short() || os.Getenv("GAZETTE_HEAVY") == "" {
		t.Skip("the end-to-end terminal test builds the binary and drives tmux; GAZETTE_HEAVY=1 (set by .ci/run) runs it")
	}
	dir := t.TempDir()
	bin := buildGazette(t, dir)
	data := sampleDir(t)
	fake := filepath.Join(dir, "fakebin")
	log := filepath.Join(dir, "asked")
	if err := os.Mkdir(fake, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho \"$*\" >> '" + log + "'\nexit 1\n"
	if err := os.WriteFile(filepath.Join(fake, "tmux"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	// The later PATH stands: the stand-in comes first in it.
	s := startShell(t, dir, "e2e", 120, "PATH="+fake+":"+os.Getenv("PATH")+" TMUX=/tmp/gazette-test,1,0 TERM=tmux-256color", "e2e-prompt$ ")

	s.keys(true, bin+" "+data)
	s.keys(false, "Enter")
	s.waitFor("the list", func(sc string) bool { return strings.Contains(sc, " articles") })
	s.keys(false, "q")
	s.waitFor("the shell prompt again", func(sc string) bool {
		return strings.HasSuffix(strings.TrimRight(sc, "\n "), "e2e-prompt$")
	})
	asked, err := os.ReadFile(log)
	if err != nil {
		t.Fatalf("tmux was never asked: the test tests nothing (%v)", err)
	}
	if n := strings.Count(string(asked), "info"); n != 1 {
		t.Errorf("tmux was asked for its info %d times, want once:\n%s", n, asked)
	}
}
