package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/store"
)

// writeNews writes one plain-text article per body, named by its key.
func writeNews(t *testing.T, dir string, bodies map[string]string) {
	t.Helper()
	for name, body := range bodies {
		text := fmt.Sprintf("Story %s\n\nRussia | 1 March 2022 | Test Wire\n\n\n%s\n", name, body)
		if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// titles returns the titles a `list --json` printed, in order, and
// whether every object carried a score.
func titles(t *testing.T, out string) (names []string, scored bool) {
	t.Helper()
	var arts []map[string]any
	if err := json.Unmarshal([]byte(out), &arts); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	scored = len(arts) > 0
	for _, a := range arts {
		names = append(names, strings.TrimPrefix(a["title"].(string), "Story "))
		_, ok := a["score"]
		scored = scored && ok
	}
	return names, scored
}

// TestListQueryIndex checks that list -q builds the index as it scans,
// answers from it on the next launch, sees a changed file, and ranks
// by relevance on request.
func TestListQueryIndex(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	env := map[string]string{"XDG_DATA_HOME": data, "XDG_CACHE_HOME": t.TempDir(), "XDG_CONFIG_HOME": t.TempDir()}
	writeNews(t, dir, map[string]string{
		"a": "The pipeline was mentioned once among many other words.",
		"b": "Pipeline, pipeline, pipeline: the pipeline again.",
		"c": "Coal and gas, and a pipelines plan.",
	})
	list := func(args ...string) ([]string, bool) {
		t.Helper()
		r := runGazette(t, "", env, append(append([]string{"list", "--json"}, args...), dir)...)
		if r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		return titles(t, r.stdout)
	}
	for run := range 2 {
		got, scored := list("-q", "pipeline")
		slices.Sort(got)
		if !slices.Equal(got, []string{"a", "b"}) || scored {
			t.Errorf("run %d: pipeline lists %q (scored %v), want a and b, no score", run, got, scored)
		}
		if _, err := os.Stat(filepath.Join(data, "gazette", dbName)); err != nil {
			t.Fatalf("run %d left no index: %v", run, err)
		}
	}
	writeNews(t, dir, map[string]string{"c": "Now the pipeline is here too."})
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(filepath.Join(dir, "c.txt"), later, later); err != nil {
		t.Fatal(err)
	}
	if got, _ := list("-q", "pipeline"); len(got) != 3 {
		t.Errorf("after c changed, pipeline lists %q, want a, b and c", got)
	}
	if got, scored := list("-q", "pipeline", "--sort", "relevance"); !scored || got[0] != "b" {
		t.Errorf("--sort relevance lists %q (scored %v), want b first, with scores", got, scored)
	}
	if got, scored := list("-q", "pipeline sort:relevance"); !scored || got[0] != "b" {
		t.Errorf("sort:relevance lists %q (scored %v), want b first, with scores", got, scored)
	}
	if r := runGazette(t, "", env, "list", "--sort", "size", dir); r.code != exitUsage {
		t.Errorf("--sort size: exit %d, want %d", r.code, exitUsage)
	}
}

// TestListQuerySkims checks list -q once the index answers for every
// file, when only the articles that may match are decoded whole: the
// answer is the same, the stars of the others stay, and a file changed
// since the index last read it (the header cache knowing the change, the
// index not) is still found.
func TestListQuerySkims(t *testing.T) {
	dir, data := t.TempDir(), t.TempDir()
	env := map[string]string{"XDG_DATA_HOME": data, "XDG_CACHE_HOME": t.TempDir(), "XDG_CONFIG_HOME": t.TempDir()}
	settle := func(name string, age time.Duration) {
		t.Helper()
		when := time.Now().Add(-age)
		if err := os.Chtimes(filepath.Join(dir, name+".txt"), when, when); err != nil {
			t.Fatal(err)
		}
	}
	news := map[string]string{
		"a":        "The pipeline was mentioned once among many other words.",
		"b":        "Pipeline, pipeline, pipeline: the pipeline again.",
		"c":        "Coal and gas, and a pipelines plan.",
		"d":        "Nothing to see here.",
		"pipeline": "Its title holds the word; its text does not.",
	}
	// The header cache keeps no file changed in the last two seconds:
	// its change time could still move within the clock's granularity.
	const racy = 2100 * time.Millisecond
	writeNews(t, dir, news)
	for name := range news {
		settle(name, time.Hour)
	}
	time.Sleep(racy)
	run := func(args ...string) string {
		t.Helper()
		r := runGazette(t, "", env, append(args, dir)...)
		if r.code != 0 {
			t.Fatalf("%q: exit %d: %s", args, r.code, r.stderr)
		}
		return r.stdout
	}
	query := func(q string) []string {
		t.Helper()
		got, _ := titles(t, run("list", "--json", "-q", q))
		slices.Sort(got)
		return got
	}
	var all []struct{ ID, Title string }
	if err := json.Unmarshal([]byte(run("list", "--json")), &all); err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if a.Title == "Story d" {
			run("mark", "star", a.ID)
		}
	}
	want := []string{"a", "b", "pipeline"}
	for i := range 3 {
		// The first run builds the index; the others skim.
		if got := query("pipeline"); !slices.Equal(got, want) {
			t.Errorf("run %d: pipeline lists %q, want %q", i, got, want)
		}
	}
	if got := query("is:starred"); !slices.Equal(got, []string{"d"}) {
		t.Errorf("after skimmed searches, is:starred lists %q, want d", got)
	}
	if got := query("pipeline OR tag:russia"); len(got) != len(news) {
		t.Errorf("pipeline OR tag:russia lists %q, want every story", got)
	}
	if got := query("-pipeline"); !slices.Equal(got, []string{"c", "d"}) {
		t.Errorf("-pipeline lists %q, want c and d", got)
	}

	current := func() bool {
		t.Helper()
		st, err := store.Open(filepath.Join(data, "gazette", dbName), storeOptions)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		return mayBeCurrent(context.Background(), st, []load.Source{{Location: dir}})
	}
	if !current() {
		t.Error("the index of every story is not taken as one that may be current")
	}
	writeNews(t, dir, map[string]string{"e": "A new story, with a pipeline."})
	settle("e", 20*time.Minute)
	run("list") // the store records one story more than the index holds
	if current() {
		t.Error("an index with a story fewer than the store lists is taken as one that may be current")
	}
	if got := query("pipeline"); !slices.Equal(got, []string{"a", "b", "e", "pipeline"}) {
		t.Errorf("after e was added, pipeline lists %q, want a, b, e and pipeline", got)
	}
	if !current() {
		t.Error("the index is not taken as one that may be current once the search indexed the new story")
	}

	writeNews(t, dir, map[string]string{"d": "Now the pipeline is here too."})
	settle("d", 30*time.Minute)
	time.Sleep(racy)
	run("list") // the header cache learns of the change; the index does not
	if got := query("pipeline"); !slices.Equal(got, []string{"a", "b", "d", "e", "pipeline"}) {
		t.Errorf("after d changed, pipeline lists %q, want a, b, d, e and pipeline", got)
	}
}

// searchedNews writes n stories that all hold "summit" into a directory
// and searches it once, which builds the index and the header cache:
// the directory, the data directory and the environment that uses them.
func searchedNews(t *testing.T, n int) (dir, data string, env map[string]string) {
	t.Helper()
	dir, data = t.TempDir(), t.TempDir()
	env = map[string]string{"XDG_DATA_HOME": data, "XDG_CACHE_HOME": t.TempDir(), "XDG_CONFIG_HOME": t.TempDir()}
	news := map[string]string{}
	for i := range n {
		news[fmt.Sprint(i)] = fmt.Sprintf("Report %d on the pipeline and the summit.", i)
	}
	writeNews(t, dir, news)
	if r := runGazette(t, "", env, "list", "-q", "summit", dir); r.code != 0 || strings.Count(r.stdout, "\n") != n {
		t.Fatalf("exit %d, %d lines, want %d: %s", r.code, strings.Count(r.stdout, "\n"), n, r.stderr)
	}
	return dir, data, env
}

// alterDB runs statements on the database of the data directory data,
// as another program would.
func alterDB(t *testing.T, data string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(data, "gazette", dbName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// TestListQueryIndexesAll checks that one list -q leaves the index whole:
// each body it had to read is indexed from the same read, and the next
// search skims.
func TestListQueryIndexesAll(t *testing.T) {
	dir, data, _ := searchedNews(t, 40)
	ctx := context.Background()
	st, err := store.Open(filepath.Join(data, "gazette", dbName), storeOptions)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	heads, errs := (&load.Loader{DropBodies: true}).LoadAll(ctx, []load.Source{{Location: dir}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	abs, _ := filepath.Abs(dir)
	p, err := search.MakePlan(ctx, st, heads, []string{abs})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() {
		t.Errorf("after one search the plan still has %d to index, %d gone, %d to move", len(p.Todo), len(p.Gone), len(p.Moves))
	}
}

// TestListQueryRebuildsIndexMadeAnotherWay searches a directory whose
// index says it was made another way than this gazette makes it, and
// holds none of the words its documents claim (as an index made before a
// change of the folding holds words that queries no longer make): the
// index is built again, and the search finds every article. Left as
// made, it finds none.
func TestListQueryRebuildsIndexMadeAnotherWay(t *testing.T) {
	const stories = 12
	for _, tokens := range []string{query.IndexVersion, "1"} {
		dir, data, env := searchedNews(t, stories)
		alterDB(t, data,
			"INSERT INTO search (search) VALUES ('delete-all')",
			"UPDATE search_tokens SET tokens = '"+tokens+"'")
		want := stories
		if tokens == query.IndexVersion {
			want = 0
		}
		r := runGazette(t, "", env, "list", "-q", "summit", dir)
		if got := strings.Count(r.stdout, "\n"); r.code != 0 || got != want {
			t.Errorf("index made as %q: exit %d, %d lines, want %d: %s", tokens, r.code, got, want, r.stderr)
		}
	}
}

// TestListQueryStaleIndex searches with an index made another way that
// cannot be emptied (its delete fails, as on a full disk): the search
// reads the bodies instead of trusting the index, and finds every
// article, which the index, its words gone, would not.
func TestListQueryStaleIndex(t *testing.T) {
	const stories = 12
	dir, data, env := searchedNews(t, stories)
	alterDB(t, data,
		"INSERT INTO search (search) VALUES ('delete-all')",
		"UPDATE search_tokens SET tokens = 'another'",
		"CREATE TRIGGER boom BEFORE DELETE ON search_docs BEGIN SELECT RAISE(ABORT, 'no room'); END")
	for range 2 {
		r := runGazette(t, "", env, "list", "-q", "summit", dir)
		if got := strings.Count(r.stdout, "\n"); r.code != 0 || got != stories {
			t.Errorf("with a stale index: exit %d, %d lines, want %d: %s", r.code, got, stories, r.stderr)
		}
	}
}

// TestListQueryMemoFirstSearch checks that the search that builds the
// index of a directory the header cache already knew keeps its memo, so
// that the next search of the unchanged directory is spared the sums.
func TestListQueryMemoFirstSearch(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_DATA_HOME": t.TempDir(), "XDG_CACHE_HOME": t.TempDir(), "XDG_CONFIG_HOME": t.TempDir()}
	writeNews(t, dir, map[string]string{"1": "A summit on the pipeline.", "2": "Grain at the ports."})
	// The header cache keeps no file changed in the last two seconds.
	time.Sleep(2100 * time.Millisecond)
	if r := runGazette(t, "", env, "list", dir); r.code != 0 {
		t.Fatalf("list: exit %d: %s", r.code, r.stderr)
	}
	memos := filepath.Join(env["XDG_CACHE_HOME"], "gazette", "heads", "*.memo")
	if m, _ := filepath.Glob(memos); len(m) != 0 {
		t.Fatalf("memo files %v before any search", m)
	}
	for i := range 2 {
		r := runGazette(t, "", env, "list", "-q", "pipeline", dir)
		if r.code != 0 || strings.Count(r.stdout, "\n") != 1 {
			t.Fatalf("search %d: exit %d: %q %s", i+1, r.code, r.stdout, r.stderr)
		}
		if m, _ := filepath.Glob(memos); len(m) != 1 {
			t.Fatalf("after search %d, memo files %v, want one", i+1, m)
		}
	}
}

// TestListQueryUnchangedDirectory searches a directory again and again,
// changing it between some searches: a search that finds it as its header
// cache recorded it answers from the index against the sum kept from the
// one before, and every change is found all the same.
func TestListQueryUnchangedDirectory(t *testing.T) {
	dir, data, env := searchedNews(t, 20)
	// The header cache keeps no file changed in the last two seconds.
	const racy = 2100 * time.Millisecond
	count := func(step, word string, want int) {
		t.Helper()
		for i := range 3 {
			r := runGazette(t, "", env, "list", "-q", word, dir)
			if got := strings.Count(r.stdout, "\n"); r.code != 0 || got != want {
				t.Fatalf("%s, search %d for %s: exit %d, %d lines, want %d: %s", step, i+1, word, r.code, got, want, r.stderr)
			}
		}
	}
	memos := func() []string {
		m, _ := filepath.Glob(filepath.Join(env["XDG_CACHE_HOME"], "gazette", "heads", "*.memo"))
		return m
	}
	count("files just written", "summit", 20)
	if m := memos(); len(m) != 0 {
		t.Fatalf("memo files %v for files too new to cache", m)
	}
	time.Sleep(racy)
	count("unchanged", "summit", 20)
	if m := memos(); len(m) != 1 {
		t.Fatalf("memo files %v, want one", m)
	}
	writeNews(t, dir, map[string]string{"3": "Report 3 on the zeppelin and the summit."})
	count("a body changed", "zeppelin", 1)
	count("a body changed", "pipeline", 19)
	if err := os.Remove(filepath.Join(dir, "7.txt")); err != nil {
		t.Fatal(err)
	}
	count("a file removed", "summit", 19)
	writeNews(t, dir, map[string]string{"new": "A zeppelin at the summit."})
	count("a file added", "zeppelin", 2)
	time.Sleep(racy)
	count("the changes settled", "zeppelin", 2)
	count("the changes settled", "summit", 20)
	// An index whose sum is not the one kept is not taken as current:
	// here it lost a document behind its back.
	alterDB(t, data,
		"DELETE FROM search WHERE rowid IN (SELECT doc FROM search_docs WHERE stamp LIKE '%/3.txt')",
		"DELETE FROM search_docs WHERE stamp LIKE '%/3.txt'",
		"UPDATE search_roots SET lo = lo + 1")
	count("a document gone from the index", "zeppelin", 2)
	alterDB(t, data, "DELETE FROM search_docs", "DELETE FROM search", "UPDATE search_roots SET n = 0, lo = 0, hi = 0")
	count("the index emptied", "zeppelin", 2)
}

// A skimming load whose index gave no answer takes every article whole,
// to be scanned, rather than asking hits that never came.
func TestSkimLoadWithoutAnswer(t *testing.T) {
	dir, _, env := searchedNews(t, 20)
	// The header cache keeps no file changed in the last two seconds.
	time.Sleep(2100 * time.Millisecond)
	if r := runGazette(t, "", env, "list", dir); r.code != 0 {
		t.Fatalf("list: exit %d: %s", r.code, r.stderr)
	}
	a := newApp(stdio{out: io.Discard, err: io.Discard, getenv: func(k string) string { return env[k] }})
	st := a.openIndex()
	if st == nil {
		t.Fatal("no index")
	}
	defer st.Close()
	ans := &answer{done: make(chan struct{}), err: errors.New("the index cannot be read")}
	close(ans.done)
	arts, failed, _, hits, err := a.skimLoad(context.Background(), a.sources([]string{dir}), st, st, ans)
	if err == nil || hits != nil || failed {
		t.Errorf("err %v, hits %v, failed %v", err, hits, failed)
	}
	if len(arts) != 20 {
		t.Fatalf("%d articles, want 20", len(arts))
	}
	for _, art := range arts {
		if art.Skimmed || art.Title == "" {
			t.Errorf("%s came skimmed", art.Location)
		}
	}
}
