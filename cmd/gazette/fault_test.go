package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

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

// oneLine fails unless s is exactly one line that holds want.
func oneLine(t *testing.T, what, s, want string) {
	t.Helper()
	if strings.Count(s, "\n") != 1 || !strings.HasSuffix(s, "\n") || !strings.Contains(s, want) {
		t.Errorf("%s: stderr %q, want one line with %q", what, s, want)
	}
}

// newsDir writes n small articles and a config naming their directory
// under home, and returns the directory and the path of one article.
func newsDir(t *testing.T, home string, n int) (dir, one string) {
	t.Helper()
	dir = filepath.Join(home, "news")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		text := fmt.Sprintf("---\ntitle: Article number %d with a title long enough\ndate: 2024-01-%02d\ntags: [Russia]\n---\nBody %d.\n", i, i%28+1, i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("a%04d.md", i)), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(home, "config", "gazette", "config.toml")
	if err := config.Update(cfg, func(c *config.Config) error {
		if _, err := c.Add(dir, "News", nil); err != nil {
			return err
		}
		_, err := c.Add("https://example.org/feed.xml", "Example", nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return dir, filepath.Join(dir, "a0001.md")
}

// TestOutputOnFullDisk runs each command that prints with standard output
// on /dev/full: each exits 1 with one line on stderr, where they all
// exited 0 and said nothing.
func TestOutputOnFullDisk(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here")
	}
	full.Close()
	home := t.TempDir()
	dir, one := newsDir(t, home, 50)
	for _, line := range []string{
		"list NEWS",
		"list --json NEWS",
		"show ARTICLE",
		"show --format json ARTICLE",
		"show --format text ARTICLE",
		"tags NEWS",
		"tags --json NEWS",
		"tags --by month NEWS",
		"sources",
		"sources --json",
		"export",
		"--help",
	} {
		t.Run(line, func(t *testing.T) {
			args := strings.Fields(strings.NewReplacer("NEWS", dir, "ARTICLE", one).Replace(line))
			full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer full.Close()
			cmd := gazetteCmd(t, home, append([]string{"--offline"}, args...)...)
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = full, &stderr
			err = cmd.Run()
			if code := exitCode(err); code != exitFailed {
				t.Errorf("exit %d, want %d", code, exitFailed)
			}
			oneLine(t, "", stderr.String(), "gazette: write standard output: no space left on device")
		})
	}
}

// TestOutputFileTooLarge writes `show` into a file on a disk that fills
// up (a file size limit set by the shell: the writes fail with EFBIG as
// they would with ENOSPC): the command fails and says so, where it left a
// truncated file and exited 0.
func TestOutputFileTooLarge(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	home := t.TempDir()
	big := filepath.Join(home, "big.md")
	body := strings.Repeat("A paragraph of the article that goes on for a while.\n\n", 4000)
	if err := os.WriteFile(big, []byte("---\ntitle: Big\n---\n"+body), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(home, "article.md")
	exe, _ := os.Executable()
	// 64 blocks: 32 or 64 KiB, depending on the shell's block size.
	cmd := exec.Command(sh, "-c", `ulimit -f 64 && exec "$0" show "$1" > "$2"`, exe, big, out)
	cmd.Env = gazetteCmd(t, home).Env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if code := exitCode(err); code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	oneLine(t, "show > file", stderr.String(), "gazette: write standard output: file too large")
	if fi, err := os.Stat(out); err != nil || fi.Size() >= int64(len(body)) {
		t.Fatalf("the limit did not apply: %v %v", fi, err)
	}
}

// TestOutputClosedPipe closes the pipe after the first line, as `| head
// -1` does: gazette stops without a word on stderr, whether SIGPIPE ends
// it or, where SIGPIPE is ignored, the write fails with EPIPE.
func TestOutputClosedPipe(t *testing.T) {
	home := t.TempDir()
	dir, _ := newsDir(t, home, 2000)
	for _, ignore := range []bool{false, true} {
		t.Run(fmt.Sprintf("SIGPIPE ignored %v", ignore), func(t *testing.T) {
			cmd := gazetteCmd(t, home, "list", dir)
			if ignore {
				sh, err := exec.LookPath("sh")
				if err != nil {
					t.Skip("no sh")
				}
				exe, _ := os.Executable()
				env := cmd.Env
				cmd = exec.Command(sh, "-c", `trap "" PIPE && exec "$0" list "$1"`, exe, dir)
				cmd.Env = env
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 100)
			if _, err := io.ReadAtLeast(stdout, buf, 1); err != nil {
				t.Fatal(err)
			}
			stdout.Close()
			err = cmd.Wait()
			if stderr.Len() > 0 {
				t.Errorf("stderr %q, want nothing", stderr.String())
			}
			if err == nil {
				t.Error("exit 0 with its output cut short")
			}
		})
	}
}

// errPipeWriter fails every write as a pipe whose reader left does.
type errPipeWriter struct{}

func (errPipeWriter) Write([]byte) (int, error) { return 0, syscall.EPIPE }

// TestOutputBrokenPipeQuiet checks the EPIPE path in-process, where no
// signal ends the program first.
func TestOutputBrokenPipeQuiet(t *testing.T) {
	home := t.TempDir()
	dir, _ := newsDir(t, home, 5)
	var errb bytes.Buffer
	code := run(context.Background(), []string{"list", dir}, stdio{
		out: errPipeWriter{}, err: &errb,
		getenv: func(k string) string {
			return map[string]string{"XDG_CONFIG_HOME": filepath.Join(home, "config"), "XDG_CACHE_HOME": filepath.Join(home, "cache")}[k]
		},
	})
	if code != exitFailed || errb.Len() > 0 {
		t.Errorf("exit %d, stderr %q; want 1 and nothing", code, errb.String())
	}
}

// TestKillDuringWrite ends `gazette import` with SIGKILL at moments
// spread over its run, holding the lock or writing or neither: each time
// the config reads back whole with every import in it or none, and the
// next `gazette add` succeeds and leaves no temporary file behind.
func TestKillDuringWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	home := t.TempDir()
	cfgPath := filepath.Join(home, "config", "gazette", "config.toml")
	const perImport = 2000
	opml := func(i int) string {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><opml version="2.0"><body>`)
		for j := range perImport {
			fmt.Fprintf(&b, "<outline text=\"Feed %d\" xmlUrl=\"https://run%d.example.org/%d/feed.xml\"/>\n", j, i, j)
		}
		b.WriteString("</body></opml>\n")
		p := filepath.Join(home, fmt.Sprintf("run%d.opml", i))
		if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	runs := 3
	if os.Getenv("GAZETTE_HEAVY") != "" {
		runs = 20
	}
	applied := 0
	for i := range runs {
		cmd := gazetteCmd(t, home, "import", opml(i))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// From at once to well after the write: the run takes some
		// few hundred milliseconds, more on a loaded machine.
		time.Sleep(time.Duration(i*1200/runs) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()

		cfg, err := config.LoadConfig(cfgPath)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("kill %d: the config does not read back: %v", i, err)
		}
		n := len(cfg.Source)
		if n%perImport != 0 {
			t.Fatalf("kill %d: %d sources, a part of an import", i, n)
		}
		applied = n / perImport
		dir := filepath.Join(home, fmt.Sprintf("news%d", i))
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		add := gazetteCmd(t, home, "add", dir)
		if out, err := add.CombinedOutput(); err != nil {
			t.Fatalf("kill %d: add after the kill: %v\n%s", i, err, out)
		}
		if left, _ := filepath.Glob(filepath.Join(filepath.Dir(cfgPath), ".config.toml.tmp-*")); len(left) > 0 {
			t.Fatalf("kill %d: temporary files left after the next write: %v", i, left)
		}
		// Take the added directory out again, so the count stays a
		// multiple of an import.
		if err := config.Update(cfgPath, func(c *config.Config) error {
			c.Source = c.Source[:len(c.Source)-1]
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d of %d killed imports had written the config", applied, runs)
}
