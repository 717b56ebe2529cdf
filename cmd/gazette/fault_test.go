package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gazette-news/gazette/internal/config"
)

// beGazette is the variable that makes the test binary run as gazette
// itself, so that fault tests start real processes without a go build.
const beGazette = "GAZETTE_TEST_BE_MAIN"

// TestMain runs main instead of the tests when the test binary is started
// by gazetteCmd.
func TestMain(m *testing.M) {
	if os.Getenv(beGazette) == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// gazetteCmd returns a command that runs gazette as its own process, with
// XDG_CONFIG_HOME and XDG_CACHE_HOME under home and nothing else of the
// test's environment that gazette reads.
func gazetteCmd(t *testing.T, home string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = []string{
		beGazette + "=1",
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
		"NO_COLOR=1",
		"PATH=" + os.Getenv("PATH"),
	}
	return cmd
}

// exitCode returns the exit code of a finished command, or -1 when it was
// killed by a signal.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -2
	}
	return 0
}

// TestConcurrentAdds starts twenty `gazette add DIR` processes at once:
// each exits 0 and the config keeps all twenty sources. Without the lock
// around the read-modify-write, most of them were lost.
func TestConcurrentAdds(t *testing.T) {
	home := t.TempDir()
	const n = 20
	var wg sync.WaitGroup
	errs := make([]string, n)
	start := make(chan struct{})
	for i := range n {
		dir := filepath.Join(home, fmt.Sprintf("news%02d", i))
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		cmd := gazetteCmd(t, home, "add", dir)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if err := cmd.Run(); err != nil {
				errs[i] = fmt.Sprintf("add %d: exit %d: %s", i, exitCode(err), stderr.String())
			}
		}()
	}
	close(start)
	wg.Wait()
	for _, e := range errs {
		if e != "" {
			t.Error(e)
		}
	}
	cfg, err := config.LoadConfig(filepath.Join(home, "config", "gazette", "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(cfg.Source); got != n {
		t.Fatalf("the config keeps %d sources after %d concurrent adds, want %d", got, n, n)
	}
	seen := map[string]bool{}
	for _, s := range cfg.Source {
		seen[filepath.Base(s.Path)] = true
	}
	for i := range n {
		if name := fmt.Sprintf("news%02d", i); !seen[name] {
			t.Errorf("%s was lost", name)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(home, "config", "gazette", ".config.toml.tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// TestImportHugeOPML imports an OPML of 15,000 feeds: the import keeps
// the most one file may add, and the config it writes stays readable, by
// export first of all, so the feeds can always be got out again.
func TestImportHugeOPML(t *testing.T) {
	home := t.TempDir()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><opml version="2.0"><body>`)
	for f := range 30 {
		fmt.Fprintf(&b, "<outline text=\"Folder %d\">\n", f)
		for i := range 500 {
			n := f*500 + i
			fmt.Fprintf(&b, "<outline type=\"rss\" text=\"Feed number %d of a big list\" xmlUrl=\"https://news%d.example.org/section/world/feed.xml\"/>\n", n, n)
		}
		b.WriteString("</outline>\n")
	}
	b.WriteString("</body></opml>\n")
	env := map[string]string{"XDG_CONFIG_HOME": filepath.Join(home, "config"), "XDG_CACHE_HOME": filepath.Join(home, "cache")}
	r := runGazette(t, b.String(), env, "import", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "imported 10,000 feeds") {
		t.Fatalf("import: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runGazette(t, "", env, "export")
	if r.code != 0 || strings.Count(r.stdout, "xmlUrl=") != 10_000 {
		t.Fatalf("export after the import: exit %d, %d feeds\n%s", r.code, strings.Count(r.stdout, "xmlUrl="), r.stderr)
	}
	r = runGazette(t, "", env, "sources")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 10_000 {
		t.Fatalf("sources after the import: exit %d\n%s", r.code, r.stderr)
	}
}

// TestConfigHomeIsAFile lets XDG_CONFIG_HOME name a file: no config is
// needed to list a directory, so there is none. A config that exists and
// is broken is still an error.
func TestConfigHomeIsAFile(t *testing.T) {
	home := t.TempDir()
	news := filepath.Join(home, "news")
	if err := os.MkdirAll(news, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(news, "a.md"), []byte("---\ntitle: Hello\n---\nBody.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(home, "xdg-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"XDG_CONFIG_HOME": file, "XDG_CACHE_HOME": filepath.Join(home, "cache")}
	r := runGazette(t, "", env, "list", news)
	if r.code != 0 || !strings.Contains(r.stdout, "Hello") || r.stderr != "" {
		t.Fatalf("list with XDG_CONFIG_HOME a file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	broken := filepath.Join(home, "config")
	if err := os.MkdirAll(filepath.Join(broken, "gazette"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "gazette", "config.toml"), []byte("[[source]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env["XDG_CONFIG_HOME"] = broken
	r = runGazette(t, "", env, "list", news)
	if r.code != exitFailed || !strings.Contains(r.stderr, "config.toml:2: expected end of table array") {
		t.Fatalf("list with a broken config: exit %d\n%s", r.code, r.stderr)
	}
}
