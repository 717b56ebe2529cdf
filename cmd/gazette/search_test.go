package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
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
