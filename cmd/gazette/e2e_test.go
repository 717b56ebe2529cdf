package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
)

// tmuxSession runs the built binary in a detached tmux session of a fixed
// size, on a server of its own (a private socket), so the test never
// touches a tmux the user runs.
type tmuxSession struct {
	t    *testing.T
	sock string
	name string
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", s.sock}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// keys sends tmux key names (Enter, Escape, C-c) or, with literal, text.
func (s *tmuxSession) keys(literal bool, keys ...string) {
	s.t.Helper()
	args := []string{"send-keys", "-t", s.name}
	if literal {
		args = append(args, "-l")
	}
	s.tmux(append(args, keys...)...)
}

// screen captures the visible pane as plain text.
func (s *tmuxSession) screen() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-t", s.name)
}

// waitFor polls the pane until cond holds; it fails after a generous
// limit, and never sleeps longer than one polling interval.
func (s *tmuxSession) waitFor(what string, cond func(string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		sc := s.screen()
		if cond(sc) {
			return sc
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waiting for %s; the pane shows:\n%s", what, sc)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// startShell starts sh in a detached tmux session of width×30 on a
// server of its own (a socket in dir), with a clean environment: PATH,
// HOME and XDG_CACHE_HOME (dir/home), then env, then the prompt; it waits
// for the prompt, and the server is killed when the test ends.
func startShell(t *testing.T, dir, name string, width int, env, prompt string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, sock: filepath.Join(dir, "tmux.sock"), name: name}
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	shell := "env -i PATH=" + os.Getenv("PATH") + " HOME=" + home + " XDG_CACHE_HOME=" + home +
		" " + env + " PS1='" + prompt + "' sh"
	s.tmux("-f", "/dev/null", "new-session", "-d", "-s", s.name, "-x", strconv.Itoa(width), "-y", "30", shell)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", s.sock, "kill-server").Run() })
	s.waitFor("the shell prompt", func(sc string) bool { return strings.Contains(sc, strings.TrimSpace(prompt)) })
	return s
}

// buildGazette builds the binary into dir and returns its path.
func buildGazette(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "gazette")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// sampleDir returns the absolute path of the sample articles.
func sampleDir(t *testing.T) string {
	t.Helper()
	data, err := filepath.Abs(filepath.Join("..", "..", "testdata", "sample"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestE2ETmux drives the real binary in a terminal: it opens the list on a
// directory, filters it with tag:china, opens an article and sees its
// footnotes, quits, and finds the shell's screen restored.
func TestE2ETmux(t *testing.T) {
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

	// What the screen should show, from the same loader.
	arts, errs := (&load.Loader{}).LoadAll(context.Background(), []load.Source{{Location: data}})
	if len(errs) > 0 || len(arts) == 0 {
		t.Fatalf("load %s: %d articles, errors %v", data, len(arts), errs)
	}
	var china []*feed.Article
	for _, a := range arts {
		if a.HasTag("China", false) {
			china = append(china, a)
		}
	}
	if len(china) == 0 || len(china) == len(arts) {
		t.Fatalf("the sample needs some China articles and some others; it has %d of %d", len(china), len(arts))
	}

	s := startShell(t, dir, "e2e", 120, "TERM=xterm-256color", "e2e-prompt$ ")

	// A marker on the shell's screen, to find again after the reader
	// quits. The shell prints it as "marker-42"; the command line that
	// asks for it reads differently, so only the output can match.
	const marker = "marker-42"
	s.keys(true, "echo marker-$((40+2))")
	s.keys(false, "Enter")
	s.waitFor("the marker", func(sc string) bool { return strings.Contains(sc, marker) })

	s.keys(true, bin+" "+data)
	s.keys(false, "Enter")
	total := feedCount(len(arts))
	sc := s.waitFor("the full list", func(sc string) bool { return strings.Contains(sc, " "+total+" articles") })
	if strings.Contains(sc, marker) {
		t.Errorf("the reader is not on the alternate screen:\n%s", sc)
	}

	s.keys(true, "/tag:china")
	s.keys(false, "Enter")
	want := feedCount(len(china)) + "/" + total + ` articles · "tag:china"`
	sc = s.waitFor("the China list", func(sc string) bool { return strings.Contains(sc, want) })
	lines := strings.Split(sc, "\n")
	listed := 0
	for _, l := range lines[1:] {
		if strings.Contains(l, want) {
			break
		}
		if strings.TrimSpace(l) == "" {
			continue
		}
		listed++
		// Below 150 columns the tag column shows country codes.
		if !strings.Contains(l, "China") && !strings.Contains(l, " CN ") {
			t.Errorf("a listed article is not tagged China: %q", l)
		}
	}
	if listed != len(china) {
		t.Errorf("%d rows listed, want %d:\n%s", listed, len(china), sc)
	}

	// The first row is the newest China article; open it and go to its end.
	first := china[0]
	if len(first.Refs) == 0 {
		t.Fatalf("%q has no footnotes", first.Title)
	}
	s.keys(false, "Enter")
	s.waitFor("the article", func(sc string) bool { return strings.Contains(sc, first.Title) && strings.Contains(sc, "[Image 1]") })
	s.keys(false, "G")
	img := first.Refs[0].URL
	s.waitFor("the footnotes", func(sc string) bool {
		return strings.Contains(sc, "[1]: "+img) || strings.Contains(sc, "[1]:") && strings.Contains(sc, img)
	})

	// Back to the list, then quit: the shell's screen comes back.
	s.keys(false, "q")
	s.waitFor("the list again", func(sc string) bool { return strings.Contains(sc, want) })
	s.keys(false, "q")
	sc = s.waitFor("the shell prompt", func(sc string) bool {
		lines := strings.Split(strings.TrimRight(sc, "\n"), "\n")
		return strings.HasPrefix(lines[len(lines)-1], "e2e-prompt$")
	})
	if !strings.Contains(sc, marker) {
		t.Errorf("the screen was not restored:\n%s", sc)
	}
	if strings.Contains(sc, "articles ·") || strings.Contains(sc, "[Image 1]") {
		t.Errorf("the reader left its screen behind:\n%s", sc)
	}
}

// feedCount formats a count as the status line does: 1,234.
func feedCount(n int) string {
	digits := strconv.Itoa(n)
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return b.String()
}
