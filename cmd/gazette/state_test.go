package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// stateEnv returns an environment whose config, cache and data live in a
// fresh temporary directory, and the database's path.
func stateEnv(t testing.TB) (env map[string]string, db string) {
	t.Helper()
	dir := t.TempDir()
	env = map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"XDG_CACHE_HOME":  filepath.Join(dir, "cache"),
		"XDG_DATA_HOME":   filepath.Join(dir, "data"),
		"HOME":            filepath.Join(dir, "home"),
	}
	return env, filepath.Join(dir, "data", "gazette", "gazette.db")
}

// storyDir returns a directory of n articles, "Story 0" the newest.
func storyDir(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	for i := range n {
		day := time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -i)
		tag := "China"
		if i%2 == 0 {
			tag = "Russia"
		}
		text := fmt.Sprintf("Story %d\n\n%s | %s | Wire\n\nText of story %d.\n", i, tag, day.Format("2006-01-02"), i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.txt", i)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// jsonArticle is what the state tests read of list --json.
type jsonArticle struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Read      bool    `json:"read"`
	Starred   bool    `json:"starred"`
	FirstSeen *string `json:"first_seen"`
}

// listJSON runs list --json and returns the articles by title.
func listJSON(t *testing.T, env map[string]string, args ...string) map[string]jsonArticle {
	t.Helper()
	r := runGazette(t, "", env, append([]string{"list", "--json"}, args...)...)
	var arts []jsonArticle
	if err := json.Unmarshal([]byte(r.stdout), &arts); err != nil {
		t.Fatalf("list --json: exit %d, %v\n%s", r.code, err, r.stderr)
	}
	out := make(map[string]jsonArticle, len(arts))
	for _, a := range arts {
		out[a.Title] = a
	}
	return out
}

func mustRun(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	r := runGazette(t, "", env, args...)
	if r.code != 0 {
		t.Fatalf("gazette %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

func TestMarkThenList(t *testing.T) {
	env, db := stateEnv(t)
	dir := storyDir(t, 4)
	arts := listJSON(t, env, dir)
	if a := arts["Story 0"]; a.Read || a.Starred || a.FirstSeen != nil {
		t.Fatalf("before any mark: %+v", a)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("list made a database")
	}
	r := mustRun(t, env, "mark", "read", arts["Story 0"].ID[:7], arts["Story 1"].ID, dir)
	if r.stderr != "marked 2 read\n" {
		t.Errorf("mark read said %q", r.stderr)
	}
	r = mustRun(t, env, "mark", "star", arts["Story 1"].ID[:5], dir)
	if r.stderr != "starred 1\n" {
		t.Errorf("mark star said %q", r.stderr)
	}
	r = mustRun(t, env, "mark", "read", arts["Story 1"].ID, dir)
	if r.stderr != "marked 0 read (1 already was)\n" {
		t.Errorf("a second mark read said %q", r.stderr)
	}
	arts = listJSON(t, env, dir)
	for title, want := range map[string][2]bool{"Story 0": {true, false}, "Story 1": {true, true}, "Story 2": {false, false}} {
		a := arts[title]
		if a.Read != want[0] || a.Starred != want[1] || a.FirstSeen == nil {
			t.Errorf("%s: %+v, want read %v starred %v and a first_seen", title, a, want[0], want[1])
		}
		if a.FirstSeen != nil {
			if _, err := time.Parse(time.RFC3339, *a.FirstSeen); err != nil {
				t.Errorf("first_seen %q: %v", *a.FirstSeen, err)
			}
		}
	}
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"is:unread", 2}, {"is:read", 2}, {"is:starred", 1}, {"-is:starred is:read", 1}, {"is:unread tag:russia", 1},
	} {
		t.Run(tt.query, func(t *testing.T) {
			r := mustRun(t, env, "list", "--query", tt.query, dir)
			if got := strings.Count(r.stdout, "\n"); got != tt.want {
				t.Errorf("list --query %q: %d lines, want %d\n%s", tt.query, got, tt.want, r.stdout)
			}
		})
	}
	if r := mustRun(t, env, "unread", dir); r.stdout != "2\n" {
		t.Errorf("unread = %q, want 2", r.stdout)
	}
	mustRun(t, env, "mark", "unread", arts["Story 0"].ID, dir)
	if r := mustRun(t, env, "unread", dir); r.stdout != "3\n" {
		t.Errorf("unread after mark unread = %q, want 3", r.stdout)
	}
	// With no source and no config, every source the store knows.
	if r := mustRun(t, env, "unread"); r.stdout != "3\n" {
		t.Errorf("unread of all = %q, want 3", r.stdout)
	}
	r = mustRun(t, env, "mark", "read", "--query", "tag:russia", dir)
	if r.stderr != "marked 2 read\n" {
		t.Errorf("mark read --query said %q", r.stderr)
	}
	if r := mustRun(t, env, "unread", dir); r.stdout != "1\n" {
		t.Errorf("unread after mark --query = %q, want 1", r.stdout)
	}
	// A source given twice is one source, listing what it holds.
	if r := mustRun(t, env, "list", dir, dir); strings.Count(r.stdout, "\n") != 4 {
		t.Errorf("list of a directory given twice:\n%s", r.stdout)
	}
	if r := mustRun(t, env, "unread", dir); r.stdout != "1\n" {
		t.Errorf("unread after a list of the directory twice = %q, want 1", r.stdout)
	}
}

// With a store of many articles, the commands read the states from a copy
// in the cache directory while they are unchanged: every mark made since
// is seen all the same, and the copy is made again after it.
func TestMarkThenListThroughTheCopy(t *testing.T) {
	env, _ := stateEnv(t)
	dir := storyDir(t, 2100)
	mustRun(t, env, "mark", "read", "--query", "Story 1", dir) // makes the database and records every article
	before := listJSON(t, env, dir)
	copies, _ := filepath.Glob(filepath.Join(env["XDG_CACHE_HOME"], "gazette", "states", "*"))
	if len(copies) != 1 {
		t.Fatalf("copies of the states %q, want one", copies)
	}
	if fi, err := os.Stat(copies[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the copy: %v, %v", fi, err)
	}
	// A copy made again is a new file, renamed over the old one; one of
	// other states has other bytes.
	made := func() (os.FileInfo, []byte) { return fileNow(t, copies[0]) }
	if a := before["Story 1"]; !a.Read || a.FirstSeen == nil {
		t.Fatalf("Story 1: %+v, want it read", a)
	}
	first, firstData := made()
	again := listJSON(t, env, dir)
	if fi, _ := made(); !os.SameFile(fi, first) {
		t.Error("the copy was made again though no state changed")
	}
	if !reflect.DeepEqual(again, before) {
		t.Error("the states read from the copy differ from the database's")
	}
	mustRun(t, env, "mark", "star", before["Story 7"].ID, dir)
	mustRun(t, env, "mark", "unread", before["Story 1"].ID, dir)
	after := listJSON(t, env, dir)
	if a := after["Story 7"]; !a.Starred {
		t.Errorf("Story 7 after a star: %+v", a)
	}
	if a := after["Story 1"]; a.Read {
		t.Errorf("Story 1 after mark unread: %+v", a)
	}
	if a := after["Story 2"]; a.Read || a.Starred || a.FirstSeen == nil || *a.FirstSeen != *before["Story 2"].FirstSeen {
		t.Errorf("Story 2: %+v, want it as it was, %+v", a, before["Story 2"])
	}
	if _, data := made(); bytes.Equal(data, firstData) {
		t.Error("the copy was not made again after a change")
	}
	// Its copy gone or damaged, the states come from the database.
	if err := os.WriteFile(copies[0], []byte("gazette-states 1\nnot a copy"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := listJSON(t, env, dir); !reflect.DeepEqual(got, after) {
		t.Error("states differ once the copy was damaged")
	}
}

func TestMarkUnknownID(t *testing.T) {
	env, _ := stateEnv(t)
	dir := storyDir(t, 2)
	arts := listJSON(t, env, dir)
	r := runGazette(t, "", env, "mark", "read", arts["Story 0"].ID, "abcdef12", "fedcba98", dir)
	if r.code != exitFailed || !strings.Contains(r.stderr, "abcdef12") || !strings.Contains(r.stderr, "fedcba98") {
		t.Fatalf("exit %d, stderr %q; want 1 naming both IDs", r.code, r.stderr)
	}
	if a := listJSON(t, env, dir)["Story 0"]; a.Read {
		t.Error("a mark that named an unknown ID marked the known one")
	}
	if r := runGazette(t, "", env, "mark", "shred", arts["Story 0"].ID, dir); r.code != exitUsage {
		t.Errorf("mark shred: exit %d, want %d", r.code, exitUsage)
	}
}

// An ID prefix two articles share is refused, naming both.
func TestMarkAmbiguousID(t *testing.T) {
	env, _ := stateEnv(t)
	dir := storyDir(t, 600)
	arts := listJSON(t, env, dir)
	byPrefix := map[string][]string{}
	prefix := ""
	for title, a := range arts {
		p := a.ID[:4]
		byPrefix[p] = append(byPrefix[p], title)
		if len(byPrefix[p]) == 2 {
			prefix = p
		}
	}
	if prefix == "" {
		t.Skip("no two of the articles share an ID prefix")
	}
	r := runGazette(t, "", env, "mark", "read", prefix, dir)
	if r.code != exitFailed || !strings.Contains(r.stderr, "give more digits") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, title := range byPrefix[prefix] {
		if !strings.Contains(r.stderr, title) {
			t.Errorf("stderr %q does not list %q", r.stderr, title)
		}
	}
}

// list, show and unread read state where there is some, and make no
// database where there is none.
func TestReadCommandsMakeNoDatabase(t *testing.T) {
	env, db := stateEnv(t)
	dir := storyDir(t, 3)
	for _, args := range [][]string{{"list", dir}, {"list", "--json", "--query", "is:unread", dir}, {"show", dir}, {"unread", dir}} {
		r := mustRun(t, env, args...)
		if r.stderr != "" {
			t.Errorf("gazette %s: stderr %q", strings.Join(args, " "), r.stderr)
		}
	}
	if r := mustRun(t, env, "unread", dir); r.stdout != "3\n" {
		t.Errorf("unread without a database = %q, want 3", r.stdout)
	}
	if _, err := os.Stat(filepath.Dir(db)); err == nil {
		t.Fatal("a command that only reads state made the data directory")
	}
}

// A data directory that is a file: one warning, and every command but
// mark works; mark says nothing was kept.
func TestDataDirIsFile(t *testing.T) {
	env, db := stateEnv(t)
	if err := os.MkdirAll(filepath.Dir(filepath.Dir(db)), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Dir(db), []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := storyDir(t, 2)
	r := runGazette(t, "", env, "list", dir)
	if r.code != 0 || strings.Count(r.stdout, "\n") != 2 {
		t.Fatalf("list: exit %d, stdout %q", r.code, r.stdout)
	}
	if strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "not kept") {
		t.Errorf("list: stderr %q, want one warning that state is not kept", r.stderr)
	}
	if r := runGazette(t, "", env, "unread", dir); r.code != 0 || r.stdout != "2\n" {
		t.Errorf("unread: exit %d, %q, %q", r.code, r.stdout, r.stderr)
	}
	id := listJSON(t, env, dir)["Story 0"].ID
	r = runGazette(t, "", env, "mark", "read", id, dir)
	if r.code != exitFailed || strings.Count(r.stderr, "not kept") != 1 || !strings.Contains(r.stderr, "nothing was marked") {
		t.Errorf("mark: exit %d, stderr %q", r.code, r.stderr)
	}
}

// A database that is not one is moved aside, said once, and a new one
// started.
func TestDamagedDatabase(t *testing.T) {
	env, db := stateEnv(t)
	if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, []byte(strings.Repeat("garbage ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := storyDir(t, 2)
	r := runGazette(t, "", env, "list", dir)
	if r.code != 0 || strings.Count(r.stdout, "\n") != 2 {
		t.Fatalf("list: exit %d, stdout %q", r.code, r.stdout)
	}
	if strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "damaged") {
		t.Errorf("stderr %q, want one line about the damaged database", r.stderr)
	}
	id := listJSON(t, env, dir)["Story 0"].ID
	if r := mustRun(t, env, "mark", "read", id, dir); r.stderr != "marked 1 read\n" {
		t.Errorf("mark after the damage: %q", r.stderr)
	}
}

// A feed that drops an item still lists it, with its state, the second
// time, and when the feed cannot be had at all.
func TestFeedHistory(t *testing.T) {
	env, _ := stateEnv(t)
	var mu sync.Mutex
	items := []string{"one", "two"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		// No caching: each load asks again.
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>`)
		for i, it := range items {
			fmt.Fprintf(w, `<item><title>Item %s</title><guid>https://news.example/%s</guid>
<pubDate>Wed, %02d Jan 2022 10:00:00 GMT</pubDate><description>Body of %s.</description></item>`, it, it, 19-i, it)
		}
		fmt.Fprint(w, `</channel></rss>`)
	}))
	feedURL := srv.URL + "/feed.rss"
	arts := listJSON(t, env, feedURL)
	if len(arts) != 2 {
		t.Fatalf("first load listed %v", arts)
	}
	// The feed is kept from the first time a command that keeps state runs.
	mustRun(t, env, "mark", "star", arts["Item two"].ID, feedURL)
	mu.Lock()
	items = []string{"one"}
	mu.Unlock()
	arts = listJSON(t, env, feedURL)
	if a, ok := arts["Item two"]; !ok || !a.Starred || a.FirstSeen == nil {
		t.Fatalf("the dropped item came back as %+v (listed: %v)", a, ok)
	}
	srv.Close()
	r := runGazette(t, "", env, "show", "--format", "text", "--offline", feedURL)
	if !strings.Contains(r.stdout, "Body of two.") || !strings.Contains(r.stdout, "Body of one.") {
		t.Fatalf("offline, with the server gone: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := runGazette(t, "", env, "list", "--query", "is:starred", feedURL); !strings.Contains(r.stdout, "Item two") {
		t.Errorf("offline is:starred: %q", r.stdout)
	}
}

// helperEnv runs the test binary as gazette: see TestGazetteProcess.
const helperEnv = "GAZETTE_TEST_PROCESS"

// TestGazetteProcess is gazette itself when helperEnv is set, so that a
// test can run many real processes without building the binary.
func TestGazetteProcess(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("run by the tests that start processes")
	}
	var args []string
	for i, arg := range os.Args {
		if arg == "--" {
			args = os.Args[i+1:]
			break
		}
	}
	os.Exit(run(context.Background(), args, stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr, getenv: os.Getenv}))
}

// Twenty processes marking different articles at once keep every mark.
func TestConcurrentMarkProcesses(t *testing.T) {
	env, _ := stateEnv(t)
	const n = 20
	dir := storyDir(t, n)
	arts := listJSON(t, env, dir)
	var osEnv []string
	for k, v := range env {
		osEnv = append(osEnv, k+"="+v)
	}
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			args := []string{"mark", "read", arts[fmt.Sprintf("Story %d", i)].ID, dir}
			cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestGazetteProcess$", "--"}, args...)...)
			cmd.Env = append(osEnv, "PATH="+os.Getenv("PATH"), helperEnv+"=1")
			out, err := cmd.CombinedOutput()
			if err != nil || string(out) != "marked 1 read\n" {
				errs <- fmt.Sprintf("process %d: %v: %q", i, err, out)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	for title, a := range listJSON(t, env, dir) {
		if !a.Read {
			t.Errorf("%s lost its mark", title)
		}
	}
	if r := mustRun(t, env, "unread", dir); r.stdout != "0\n" {
		t.Errorf("unread = %q, want 0", r.stdout)
	}
}

// A database from a newer gazette is left as it was: one warning, and
// the commands that read go on without state.
func TestDatabaseTooNew(t *testing.T) {
	env, db := stateEnv(t)
	dir := storyDir(t, 2)
	id := listJSON(t, env, dir)["Story 0"].ID
	mustRun(t, env, "mark", "read", id, dir)
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	r := runGazette(t, "", env, "list", dir)
	if r.code != 0 || strings.Count(r.stdout, "\n") != 2 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "newer gazette") {
		t.Fatalf("list: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := runGazette(t, "", env, "mark", "read", id, dir); r.code != exitFailed || !strings.Contains(r.stderr, "nothing was marked") {
		t.Errorf("mark: exit %d, stderr %q", r.code, r.stderr)
	}
	after, err := os.ReadFile(db)
	if err != nil || string(after) != string(before) {
		t.Errorf("the newer database was changed (%v)", err)
	}
}

// On a terminal with colour, unread lines are bold; read ones, and every
// line in a pipe, are not.
func TestListUnreadBold(t *testing.T) {
	env, _ := stateEnv(t)
	dir := storyDir(t, 2)
	mustRun(t, env, "mark", "read", listJSON(t, env, dir)["Story 0"].ID, dir)
	var out strings.Builder
	code := run(context.Background(), []string{"list", "--color", "always", dir}, stdio{
		in: strings.NewReader(""), out: &out, err: &out, outTTY: true, getenv: func(k string) string { return env[k] },
	})
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if code != 0 || len(lines) != 2 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	if strings.Contains(lines[0], "\x1b[1m") || !strings.Contains(lines[0], "Story 0") {
		t.Errorf("the read line is bold: %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "\x1b[1m") || !strings.HasSuffix(lines[1], "\x1b[22m") {
		t.Errorf("the unread line is not bold: %q", lines[1])
	}
	if r := mustRun(t, env, "list", "--color", "always", dir); strings.Contains(r.stdout, "\x1b") {
		t.Errorf("a pipe got styling: %q", r.stdout)
	}
}

// With no SOURCE, unread counts the configured sources, a story two of
// them carry once, and not the sources read only on the command line.
func TestUnreadConfiguredSources(t *testing.T) {
	env, _ := stateEnv(t)
	a, b, other := storyDir(t, 3), storyDir(t, 2), storyDir(t, 5)
	cfg := filepath.Join(env["XDG_CONFIG_HOME"], "gazette", "config.toml")
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf("keep_read = \"30d\"\n\n[[source]]\npath = %q\n\n[[source]]\npath = %q\n", a, b)), 0o600); err != nil {
		t.Fatal(err)
	}
	// b's two stories are a's first two, so the sources hold 3 stories.
	arts := listJSON(t, env)
	if len(arts) != 3 {
		t.Fatalf("list of the configured sources: %d stories, want 3", len(arts))
	}
	mustRun(t, env, "mark", "read", arts["Story 0"].ID)
	if r := mustRun(t, env, "unread"); r.stdout != "2\n" {
		t.Errorf("unread = %q, want 2", r.stdout)
	}
	// A source read once on the command line does not join the count.
	mustRun(t, env, "mark", "star", listJSON(t, env, other)["Story 4"].ID, other)
	if r := mustRun(t, env, "unread"); r.stdout != "2\n" {
		t.Errorf("unread after reading another source = %q, want 2", r.stdout)
	}
	// Its Story 0 is a's, read already.
	if r := mustRun(t, env, "unread", other); r.stdout != "4\n" {
		t.Errorf("unread of the other source = %q, want 4", r.stdout)
	}
}

// fileNow returns what stat says of the file at path, and its bytes.
func fileNow(t *testing.T, path string) (os.FileInfo, []byte) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi, data
}
