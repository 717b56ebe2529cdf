//go:build unix

package load

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/safefile"
)

// loadLimit is how long one load may take before the test calls it a
// hang: a FIFO opened for reading, or a device read to its end, would
// block forever, and this turns that into a failure instead.
const loadLimit = 30 * time.Second

// loaded is the outcome of one load, with the errors as strings.
type loaded struct {
	arts []*feed.Article
	errs []string
}

// titles returns the titles of the articles, for messages.
func (l loaded) titles() []string {
	var out []string
	for _, a := range l.arts {
		out = append(out, a.Title)
	}
	return out
}

// errorFor returns the error that names path's base name, or "".
func (l loaded) errorFor(name string) string {
	for _, e := range l.errs {
		if strings.Contains(e, name) {
			return e
		}
	}
	return ""
}

// loadWithin loads sources with l and fails the test if the load has not
// finished within loadLimit. Every error must be safe to print.
func loadWithin(t *testing.T, l *Loader, sources ...Source) loaded {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), loadLimit)
	defer cancel()
	done := make(chan loaded, 1)
	go func() {
		arts, errs := l.LoadAll(ctx, sources)
		var out loaded
		out.arts = arts
		for _, err := range errs {
			var se *SourceError
			if !errors.As(err, &se) {
				t.Errorf("error %v is not a *SourceError", err)
			}
			out.errs = append(out.errs, err.Error())
		}
		done <- out
	}()
	select {
	case r := <-done:
		if ctx.Err() != nil {
			t.Fatalf("load did not finish within %s", loadLimit)
		}
		for _, e := range r.errs {
			if e != feed.SanitizeLine(e) {
				t.Errorf("error not sanitized: %q", e)
			}
		}
		return r
	case <-time.After(loadLimit + 5*time.Second):
		t.Fatalf("load did not return within %s", loadLimit)
		return loaded{}
	}
}

// article returns a small article in the reference format.
func article(title string) []byte {
	return []byte(title + "\n\nRussia | 17 January 2022 | Wire\n\nBody text.\n")
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// TestLoadSpecialFiles fills a directory with everything that is not a
// regular file, beside one good article: FIFOs (which block open()),
// a socket, links to devices that read forever or steal the terminal,
// link loops and links out of the directory. The load ends, the article
// loads, and each special file gets its own error.
func TestLoadSpecialFiles(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "feed")
	outside := filepath.Join(root, "outside")
	for _, d := range []string{dir, outside, filepath.Join(dir, "sub")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(dir, "good.txt"), article("Good article"))
	writeFile(t, filepath.Join(dir, "sub", "inner.txt"), article("Inner article"))
	writeFile(t, filepath.Join(outside, "secret.txt"), article("Secret outside"))
	for _, name := range []string{"fifo.txt", "fifo.md", "fifo.rss"} {
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("unix", filepath.Join(dir, "sock.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	links := map[string]string{
		"null.txt":    "/dev/null",
		"zero.txt":    "/dev/zero",
		"urandom.txt": "/dev/urandom",
		"tty.txt":     "/dev/tty",
		"passwd.txt":  "/etc/passwd",
		"secret.txt":  filepath.Join(outside, "secret.txt"),
		"relout.txt":  "../outside/secret.txt",
		"loop.txt":    "loop.txt",
		"ping.txt":    "pong.txt",
		"pong.txt":    "ping.txt",
		"dangle.txt":  "nothing-here.txt",
		"fifolink.md": "fifo.md",
	}
	for link, target := range links {
		symlink(t, target, filepath.Join(dir, link))
	}
	// Directory links, inside and out, and a loop: never followed.
	symlink(t, "..", filepath.Join(dir, "sub", "up"))
	symlink(t, outside, filepath.Join(dir, "outdir"))
	symlink(t, ".", filepath.Join(dir, "self"))
	// A link to a file inside the directory is followed.
	symlink(t, "good.txt", filepath.Join(dir, "alias.txt"))

	r := loadWithin(t, &Loader{}, Source{Location: dir})
	got := strings.Join(r.titles(), ", ")
	if len(r.arts) != 3 || !strings.Contains(got, "Good article") || !strings.Contains(got, "Inner article") {
		t.Errorf("loaded %q, want the good article, its alias and the inner one", got)
	}
	if strings.Contains(got, "Secret") || strings.Contains(got, "root:") {
		t.Errorf("loaded %q: a link led out of the directory", got)
	}
	wantErr := []string{"fifo.txt", "fifo.md", "fifo.rss", "sock.txt"}
	for link := range links {
		wantErr = append(wantErr, link)
	}
	for _, name := range wantErr {
		if r.errorFor(name) == "" {
			t.Errorf("no error names %s", name)
		}
	}
	if len(r.errs) != len(wantErr) {
		t.Errorf("%d errors, want %d:\n%s", len(r.errs), len(wantErr), strings.Join(r.errs, "\n"))
	}
	// Each skipped link says why.
	for name, why := range map[string]string{
		"loop.txt": "broken or loops", "ping.txt": "broken or loops", "dangle.txt": "broken or loops",
		"secret.txt": "outside the directory", "relout.txt": "outside the directory", "passwd.txt": "outside the directory",
		"fifolink.md": "not a regular file",
	} {
		if e := r.errorFor(name); !strings.Contains(e, why) {
			t.Errorf("error for %s = %q, want it to say %q", name, e, why)
		}
	}
}

// TestLoadSpecialFilesNamed gives special files to the loader by name, as
// a command line does: they are refused without being read.
func TestLoadSpecialFilesNamed(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	swapped := filepath.Join(dir, "fifo-link.txt")
	symlink(t, fifo, swapped)
	for _, path := range []string{fifo, swapped, "/dev/zero", "/dev/urandom", "/dev/null", "/dev/tty", dir + "/missing.txt"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			r := loadWithin(t, &Loader{}, Source{Location: path})
			if len(r.arts) != 0 || len(r.errs) != 1 {
				t.Fatalf("articles %q, errors %q", r.titles(), r.errs)
			}
		})
	}
	if _, err := safefile.ReadFile(fifo, 1<<20); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("ReadFile(fifo) = %v", err)
	}
}

// TestLoadManyFiles loads thousands of files, and shows that results stream:
// cancelling after the first article ends the load without reading the
// rest. The cap on files per directory is reported.
func TestLoadManyFiles(t *testing.T) {
	// 20,000 files take a minute to write on a slow disk; GAZETTE_HEAVY=1
	// (set by .ci/run) writes them all, and the default run a tenth.
	n := 2_000
	if os.Getenv("GAZETTE_HEAVY") != "" {
		n = 20_000
	}
	dir := t.TempDir()
	for i := range n {
		// Spread over subdirectories, as a real archive would be.
		sub := filepath.Join(dir, fmt.Sprintf("%02d", i%50))
		if i < 50 {
			if err := os.Mkdir(sub, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		writeFile(t, filepath.Join(sub, fmt.Sprintf("%05d.txt", i)), []byte(fmt.Sprintf("Article %d\n\nBody.\n", i)))
	}
	r := loadWithin(t, &Loader{}, Source{Location: dir})
	if len(r.arts) != n || len(r.errs) != 0 {
		t.Fatalf("%d articles, %d errors, want %d and none", len(r.arts), len(r.errs), n)
	}
	ids := make(map[string]bool, n)
	for _, a := range r.arts {
		ids[a.ID] = true
	}
	if len(ids) != n {
		t.Errorf("%d distinct IDs for %d files", len(ids), n)
	}

	ctx, cancel := context.WithCancel(context.Background())
	ch := (&Loader{}).Load(ctx, []Source{{Location: dir}})
	first := <-ch
	cancel()
	if len(first.Articles) == 0 {
		t.Fatalf("first result %+v", first)
	}
	count := 1
	deadline := time.After(loadLimit)
	for open := true; open; {
		select {
		case _, open = <-ch:
			count++
		case <-deadline:
			t.Fatal("the stream did not close after cancelling")
		}
	}
	t.Logf("%d results arrived after cancelling at the first", count)

	r = loadWithin(t, &Loader{MaxFiles: 100}, Source{Location: dir})
	if len(r.arts) != 100 || len(r.errs) != 1 || !strings.Contains(r.errs[0], "more than 100 files") {
		t.Errorf("with MaxFiles 100: %d articles, errors %q", len(r.arts), r.errs)
	}
}

// TestLoadOddNames loads files whose names hold an escape sequence, a
// newline, a leading '-', invalid UTF-8, RLO and C1: the articles load
// with sanitized locations; failures name the files sanitized and quoted.
func TestLoadOddNames(t *testing.T) {
	dir := t.TempDir()
	names := []string{
		"esc\x1b]52;c;eA==\x07\x1b[2J.txt",
		"new\nline.txt",
		"-rf.txt",
		"--help.md",
		"bad\xff\xfeutf8.txt",
		"rlo\u202etxt.exe.txt",
		"c1\u009b31m.txt",
		"tab\tand space .txt",
	}
	for _, n := range names {
		writeFile(t, filepath.Join(dir, n), article("Article "+fmt.Sprint(len(n))))
		writeFile(t, filepath.Join(dir, "bin-"+n), []byte{0x89, 'P', 'N', 'G', 0, 1, 2})
	}
	r := loadWithin(t, &Loader{}, Source{Location: dir})
	if len(r.arts) != len(names) {
		t.Errorf("%d articles, want %d", len(r.arts), len(names))
	}
	for _, a := range r.arts {
		if a.Location != feed.SanitizeLine(a.Location) {
			t.Errorf("location not sanitized: %q", a.Location)
		}
	}
	if len(r.errs) != len(names) {
		t.Fatalf("%d errors, want %d: %q", len(r.errs), len(names), r.errs)
	}
	for _, e := range r.errs {
		// The path starts with the directory; only a name that starts the
		// message with '-' must be quoted for that alone.
		hides := !strings.Contains(e, "-rf.txt") && !strings.Contains(e, "--help.md")
		if hides && !strings.HasPrefix(e, `"`) {
			t.Errorf("file name not quoted: %q", e)
		}
		if strings.ContainsAny(e, "\x1b\x07\n\u202e\u009b") {
			t.Errorf("control in error: %q", e)
		}
	}
}

func TestQuoteName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"feed/a.txt", "feed/a.txt"},
		{"-rf.txt", `"-rf.txt"`},
		{"a b.txt", `"a b.txt"`},
		{"esc\x1b[2J.txt", `"esc[2J.txt"`},
		{"rlo\u202etxt.exe", `"rlotxt.exe"`},
		{"bad\xffname", "\"bad\ufffdname\""},
		{"new\nline", `"new line"`},
	}
	for _, tt := range tests {
		if got := feed.QuoteName(tt.in); got != tt.want {
			t.Errorf("feed.QuoteName(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestLoadUnreadable makes a file and a directory unreadable. Root reads
// them anyway (CI runs as root), so there the articles must load; for
// anyone else each must be one error while the rest loads.
func TestLoadUnreadable(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "good.txt"), article("Good"))
	locked := filepath.Join(dir, "locked.txt")
	writeFile(t, locked, article("Locked file"))
	sub := filepath.Join(dir, "closed")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(sub, "inside.txt"), article("Behind a closed directory"))
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(sub, 0o600); err != nil { // no x: cannot be entered
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(sub, 0o755) })

	r := loadWithin(t, &Loader{}, Source{Location: dir})
	if os.Geteuid() == 0 {
		if len(r.arts) != 3 || len(r.errs) != 0 {
			t.Errorf("as root: articles %q, errors %q; root reads mode 000 files and enters mode 600 directories", r.titles(), r.errs)
		}
		return
	}
	if len(r.arts) != 1 || r.arts[0].Title != "Good" {
		t.Errorf("articles %q, want only Good", r.titles())
	}
	if e := r.errorFor("locked.txt"); !strings.Contains(e, "permission denied") {
		t.Errorf("locked file: %q", e)
	}
	if e := r.errorFor("closed"); !strings.Contains(e, "permission denied") {
		t.Errorf("closed directory: %q", e)
	}
}

// TestLoadSizeCap refuses a file over the cap by its size, before reading
// it, with a message that gives both; stdin past the cap fails the same.
func TestLoadSizeCap(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.txt")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("Big\n\nBody.\n")
	if err := f.Truncate(DefaultMaxFileSize + 1<<20); err != nil { // sparse: 9 MiB costs nothing
		t.Fatal(err)
	}
	f.Close()
	writeFile(t, filepath.Join(dir, "small.txt"), article("Small"))
	r := loadWithin(t, &Loader{}, Source{Location: dir})
	if len(r.arts) != 1 || !strings.Contains(r.errorFor("big.txt"), "file is 9 MiB, over the 8 MiB limit") {
		t.Errorf("articles %q, errors %q", r.titles(), r.errs)
	}
	r = loadWithin(t, &Loader{Stdin: strings.NewReader(strings.Repeat("x", 2000)), MaxFileSize: 1000}, Source{Location: "-"})
	if len(r.arts) != 0 || len(r.errs) != 1 || !strings.Contains(r.errs[0], "larger than the 1000 bytes limit") {
		t.Errorf("stdin: articles %q, errors %q", r.titles(), r.errs)
	}
}

// hookFS is an fs.FS whose first Open runs a function. As a source after a
// directory, it runs that function once the directory has been listed.
type hookFS struct{ hook func() }

func (h hookFS) Open(string) (fs.File, error) {
	h.hook()
	return nil, fs.ErrNotExist
}

// holdFS is an fs.FS of one file, held.txt, whose Open waits for release
// and then finds nothing. As the first source, it holds the one file
// worker of a load.
type holdFS struct{ release chan struct{} }

func (h holdFS) Open(name string) (fs.File, error) {
	if name == "held.txt" {
		<-h.release
		return nil, fs.ErrNotExist
	}
	return fstest.MapFS{"held.txt": {Data: article("Held")}}.Open(name)
}

// TestLoadChangedAfterListing removes one file and swaps another for a
// FIFO after the directory was listed and before either is read. The
// order is forced with one file worker, held reading a file until the
// listing is done: the sources are a file system whose one file is held,
// the directory, then a file system whose first Open changes the files
// and releases the held one.
func TestLoadChangedAfterListing(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.txt", "gone.txt", "swapped.txt"} {
		writeFile(t, filepath.Join(dir, n), article("Article "+n))
	}
	release := make(chan struct{})
	changed := false
	hook := func() {
		if changed {
			return
		}
		changed = true
		if err := os.Remove(filepath.Join(dir, "gone.txt")); err != nil {
			t.Error(err)
		}
		swapped := filepath.Join(dir, "swapped.txt")
		if err := os.Remove(swapped); err != nil {
			t.Error(err)
		}
		if err := syscall.Mkfifo(swapped, 0o644); err != nil {
			t.Error(err)
		}
		close(release)
	}
	l := &Loader{Workers: 1}
	r := loadWithin(t, l,
		Source{Location: ".", FS: holdFS{release}},
		Source{Location: dir},
		Source{Location: "hook", FS: hookFS{hook}},
	)
	if got := r.titles(); len(got) != 1 || got[0] != "Article a.txt" {
		t.Errorf("loaded %q", got)
	}
	if e := r.errorFor("gone.txt"); !strings.Contains(e, "no such file") {
		t.Errorf("removed file: %q (errors %q)", e, r.errs)
	}
	if e := r.errorFor("swapped.txt"); !strings.Contains(e, "not a regular file") {
		t.Errorf("file swapped for a FIFO: %q", e)
	}
}

// TestLoadParserPanic gives the loader a parser that panics on one file:
// the panic becomes a *SourceError for that file alone, and the rest loads.
func TestLoadParserPanic(t *testing.T) {
	parse := func(doc feed.Doc) ([]*feed.Article, error) {
		if !strings.Contains(doc.Location, "bad") {
			return feed.ParseDoc(doc)
		}
		var found []*feed.Article
		// An index out of range: a runtime panic, as a parser bug would be.
		return []*feed.Article{found[len(doc.Data)]}, nil
	}

	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "good.txt"), article("Good"))
	writeFile(t, filepath.Join(dir, "bad\x1b[2J.txt"), []byte("anything"))
	r := loadWithin(t, &Loader{parse: parse}, Source{Location: dir})
	if len(r.arts) != 1 || r.arts[0].Title != "Good" {
		t.Errorf("articles %q", r.titles())
	}
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "internal error") || !strings.Contains(r.errs[0], `bad[2J.txt`) {
		t.Errorf("errors %q, want one internal error naming the file", r.errs)
	}
}

// A Markdown file with bad front matter fails alone, and through the loader
// the message names the file and the line, sanitized.
func TestMarkdownBadFrontMatterLoaded(t *testing.T) {
	src := "---\ntitle: a\n  bad: indent: here\n---\n"
	// Through the loader, the message names the file too.
	dir := t.TempDir()
	path := filepath.Join(dir, "bad \x1b[31mname.md")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs := (&Loader{}).LoadAll(context.Background(), []Source{{Location: dir}})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "name.md") || !strings.Contains(errs[0].Error(), "line 3") {
		t.Fatalf("errors %v, want one naming the file and the line", errs)
	}
	if s := errs[0].Error(); feed.SanitizeLine(s) != s {
		t.Errorf("error not clean: %q", s)
	}
}
