//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// liveSession builds the binary and opens a shell in a tmux session of
// its own, for the tests of the reader while it runs; it skips unless
// GAZETTE_HEAVY is set and tmux is there.
func liveSession(t *testing.T) (s *tmuxSession, bin, dir string) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	if testing.Short() || os.Getenv("GAZETTE_HEAVY") == "" {
		t.Skip("builds the binary and drives tmux; GAZETTE_HEAVY=1 (set by .ci/run) runs it")
	}
	dir = t.TempDir()
	bin = buildGazette(t, dir)
	s = startShell(t, dir, "live", 100, "XDG_CONFIG_HOME="+filepath.Join(dir, "home")+" TERM=xterm-256color", "live-prompt$ ")
	return s, bin, dir
}

// writeStory writes a small Markdown article.
func writeStory(t *testing.T, path, title string, day int) {
	t.Helper()
	text := "---\ntitle: " + title + "\ndate: 2024-03-" + strconv.Itoa(10+day) + "T10:00:00Z\nsource: Live Wire\n---\n\nText.\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// liveNews makes the directory news in dir, with one story in it, a.md,
// and returns its path.
func liveNews(t *testing.T, dir string) string {
	t.Helper()
	news := filepath.Join(dir, "news")
	if err := os.Mkdir(news, 0o755); err != nil {
		t.Fatal(err)
	}
	writeStory(t, filepath.Join(news, "a.md"), "Harbour reopens after storm", 1)
	return news
}

// atPrompt reports whether the pane's last line is the shell's prompt.
func atPrompt(sc string) bool {
	lines := strings.Split(strings.TrimRight(sc, "\n"), "\n")
	return strings.HasPrefix(lines[len(lines)-1], "live-prompt$")
}

// TestE2EWatchDrop drops a file into the directory the reader shows and
// waits for its title on screen, with no key pressed.
func TestE2EWatchDrop(t *testing.T) {
	s, bin, dir := liveSession(t)
	news := liveNews(t, dir)
	writeStory(t, filepath.Join(news, "b.md"), "Council votes on budget", 2)
	s.keys(true, bin+" "+news)
	s.keys(false, "Enter")
	s.waitFor("the list", func(sc string) bool { return strings.Contains(sc, "2 articles") })

	start := time.Now()
	writeStory(t, filepath.Join(news, "c.md"), "Dropped in while watching", 3)
	s.waitFor("the dropped file's title", func(sc string) bool {
		return strings.Contains(sc, "Dropped in while watching") && strings.Contains(sc, "3 articles")
	})
	t.Logf("the dropped file showed after %s", time.Since(start).Round(time.Millisecond))

	if err := os.Remove(filepath.Join(news, "a.md")); err != nil {
		t.Fatal(err)
	}
	s.waitFor("the removed file gone", func(sc string) bool {
		return !strings.Contains(sc, "Harbour reopens") && strings.Contains(sc, "2 articles")
	})
	s.keys(false, "q")
	s.waitFor("the shell", atPrompt)
}

// TestE2ESecondLaunchSeesAnEdit edits a file in place between two
// launches: the second lists the directory from its header cache before
// it looks at the files, and must still end up showing the edit.
func TestE2ESecondLaunchSeesAnEdit(t *testing.T) {
	s, bin, dir := liveSession(t)
	news := liveNews(t, dir)
	writeStory(t, filepath.Join(news, "b.md"), "Council votes on budget", 2)
	// Files younger than two seconds are not cached.
	time.Sleep(2100 * time.Millisecond)
	launch := "XDG_CACHE_HOME=" + filepath.Join(dir, "cache") + " XDG_DATA_HOME=" + filepath.Join(dir, "data") + " " + bin + " " + news
	s.keys(true, launch)
	s.keys(false, "Enter")
	s.waitFor("the first launch", func(sc string) bool { return strings.Contains(sc, "Council votes on budget") })
	s.keys(false, "q")
	s.waitFor("the shell", atPrompt)
	if heads, _ := filepath.Glob(filepath.Join(dir, "cache", "gazette", "heads", "*")); len(heads) == 0 {
		t.Fatal("the first launch left no header cache")
	}

	writeStory(t, filepath.Join(news, "b.md"), "Council passes the budget", 2)
	s.keys(true, launch)
	s.keys(false, "Enter")
	s.waitFor("the edit", func(sc string) bool {
		return strings.Contains(sc, "Council passes the budget") && !strings.Contains(sc, "Council votes") && strings.Contains(sc, "2 articles")
	})
	s.keys(false, "q")
	s.waitFor("the shell", atPrompt)
}

// TestE2ESignalsRestoreTerminal sends SIGHUP and SIGTERM to the reader and
// checks that the pane is left as the shell had it: the alternate screen
// off, no mouse reporting, the cursor shown, and no bracketed paste.
func TestE2ESignalsRestoreTerminal(t *testing.T) {
	s, bin, dir := liveSession(t)
	news := liveNews(t, dir)
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			s.t = t
			s.keys(false, "C-l")
			s.keys(true, "echo pid=$$; "+bin+" "+news+"; echo exited-$?")
			s.keys(false, "Enter")
			s.waitFor("the list", func(sc string) bool { return strings.Contains(sc, "1 article") })
			if got := strings.TrimSpace(s.tmux("display", "-p", "-t", s.name, "#{alternate_on}")); got != "1" {
				t.Fatalf("the reader is not on the alternate screen (alternate_on=%s)", got)
			}
			pid := readerPID(t, s)
			if err := syscall.Kill(pid, sig); err != nil {
				t.Fatal(err)
			}
			sc := s.waitFor("the shell after the signal", func(sc string) bool {
				return strings.Contains(sc, "exited-") && atPrompt(sc)
			})
			flags := strings.Fields(s.tmux("display", "-p", "-t", s.name,
				"#{alternate_on} #{mouse_any_flag} #{mouse_button_flag} #{mouse_standard_flag} #{mouse_all_flag} #{mouse_sgr_flag} #{cursor_flag}"))
			want := []string{"0", "0", "0", "0", "0", "0", "1"}
			if strings.Join(flags, " ") != strings.Join(want, " ") {
				t.Errorf("after %s the pane's modes are %v, want %v (alternate, 4 mouse modes, SGR mouse, cursor shown)\n%s", sig, flags, want, sc)
			}
			// Bracketed paste left on would wrap this paste in ESC [200~,
			// which the shell's terminal echoes.
			s.tmux("set-buffer", "echo pasted-ok")
			s.tmux("paste-buffer", "-p", "-t", s.name)
			s.keys(false, "Enter")
			sc = s.waitFor("the paste", func(sc string) bool { return strings.Contains(sc, "pasted-ok") && atPrompt(sc) })
			if strings.Contains(sc, "200~") {
				t.Errorf("bracketed paste is still on after %s:\n%s", sig, sc)
			}
		})
	}
}

// readerPID finds the reader: the child of the pane's shell.
func readerPID(t *testing.T, s *tmuxSession) int {
	t.Helper()
	shell := strings.TrimSpace(s.tmux("display", "-p", "-t", s.name, "#{pane_pid}"))
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		data, err := os.ReadFile("/proc/" + shell + "/task/" + shell + "/children")
		if err != nil {
			t.Skipf("cannot find the reader's process: %v", err)
		}
		if f := strings.Fields(string(data)); len(f) == 1 {
			pid, err := strconv.Atoi(f[0])
			if err == nil {
				return pid
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the shell has no single child")
	return 0
}

// TestE2EPasteThenCtrlC pastes 200 KB into the filter box without
// brackets, as a terminal that does not bracket pastes sends it, then
// presses ctrl+c: the reader must quit, where it used to take minutes.
func TestE2EPasteThenCtrlC(t *testing.T) {
	s, bin, dir := liveSession(t)
	news := liveNews(t, dir)
	paste := filepath.Join(dir, "paste.txt")
	if err := os.WriteFile(paste, []byte(strings.Repeat("olympics tag:china ", 200<<10/19)), 0o644); err != nil {
		t.Fatal(err)
	}
	s.keys(true, bin+" "+news+"; echo exited-$?")
	s.keys(false, "Enter")
	s.waitFor("the list", func(sc string) bool { return strings.Contains(sc, "1 article") })
	s.keys(false, "/")
	s.tmux("load-buffer", paste)
	start := time.Now()
	s.tmux("paste-buffer", "-t", s.name)
	s.keys(false, "C-c")
	s.waitFor("the shell after ctrl+c", func(sc string) bool { return strings.Contains(sc, "exited-") && atPrompt(sc) })
	t.Logf("200 KB pasted then ctrl+c: back at the shell after %s", time.Since(start).Round(time.Millisecond))
}

// TestE2EBodyWordThroughTheKeysCopy finds a word of the articles' bodies
// in three launches of the reader: the first leaves a copy of the index's
// keys in the cache directory; the second, after a story with the word
// was added, makes it again and finds the new story too; the third, with
// nothing changed, reads the copy as it is and finds the same.
func TestE2EBodyWordThroughTheKeysCopy(t *testing.T) {
	s, bin, dir := liveSession(t)
	news := liveNews(t, dir)
	story := func(name, title, body string) {
		text := "---\ntitle: " + title + "\ndate: 2024-03-12T10:00:00Z\nsource: Live Wire\n---\n\n" + body + "\n"
		if err := os.WriteFile(filepath.Join(news, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	story("b.md", "Caravans return", "The road to Samarkand is open again.")
	story("c.md", "Rail freight grows", "Trains carry more grain than last year.")
	launch := "XDG_CACHE_HOME=" + filepath.Join(dir, "cache") + " XDG_DATA_HOME=" + filepath.Join(dir, "data") + " " + bin + " " + news
	copies := filepath.Join(dir, "cache", "gazette", "keys", "*")
	find := func(what, want string) {
		t.Helper()
		s.keys(true, launch)
		s.keys(false, "Enter")
		s.waitFor(what+": the list", func(sc string) bool { return strings.Contains(sc, "articles") })
		s.keys(false, "/")
		s.keys(true, "samarkand")
		s.waitFor(what+": the word's count", func(sc string) bool {
			return strings.Contains(sc, want) && !strings.Contains(sc, "indexing")
		})
		// A key sent right after Escape would be read as Alt with it.
		s.keys(false, "Escape")
		s.waitFor(what+": the filter cleared", func(sc string) bool { return !strings.Contains(sc, "samarkand") })
		s.keys(false, "q")
		s.waitFor(what+": the shell", atPrompt)
	}
	copyOf := func(what string) (os.FileInfo, []byte) {
		t.Helper()
		found, _ := filepath.Glob(copies)
		if len(found) != 1 {
			t.Fatalf("%s: copies of the keys %q, want one", what, found)
		}
		fi, data := fileNow(t, found[0])
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: the copy's mode is %v, want 0600", what, fi.Mode().Perm())
		}
		return fi, data
	}

	find("the first launch", "1/3")
	_, first := copyOf("the first launch")

	story("d.md", "Silk road museum", "A museum of Samarkand's past opens.")
	find("a story added", "2/4")
	second, secondData := copyOf("a story added")
	if string(secondData) == string(first) {
		t.Error("the copy of the keys was not made again after a story was indexed")
	}

	find("nothing changed", "2/4")
	if third, _ := copyOf("nothing changed"); !os.SameFile(third, second) {
		t.Error("the copy of the keys was made again though the index did not change")
	}
}
