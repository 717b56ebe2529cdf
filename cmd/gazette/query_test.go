package main

import (
	"slices"
	"strings"
	"testing"
)

// The cases of the search issue, on the sample feed: whole words, in
// titles and bodies, never in URLs, and OR.
func TestListQueryLanguage(t *testing.T) {
	ids := func(query string) []string {
		t.Helper()
		r := runGazette(t, "", nil, "list", "--query", query)
		if r.code != 0 {
			t.Fatalf("list --query %q: exit %d: %s", query, r.code, r.stderr)
		}
		var out []string
		for line := range strings.Lines(r.stdout) {
			out = append(out, strings.Fields(line)[0])
		}
		return out
	}
	tests := []struct {
		query string
		want  []string
	}{
		// Not "Beijing signs long-term coal deal as winter demand peaks".
		{"gas", []string{"62f322e", "5d506a5", "ffdfc1f", "701e1f4"}},
		{"putin", []string{"7c131ae"}},
		// Only in bodies; kremlin is also in an image URL, which is not text.
		{"pipeline", []string{"62f322e", "5d506a5"}},
		{"kremlin", []string{"7c131ae"}},
		{"title:gas", []string{"62f322e", "701e1f4"}},
		{"zyzzyva", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			if got := ids(tt.query); !slices.Equal(got, tt.want) {
				t.Errorf("list --query %q = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
	or, list := ids("tag:russia OR tag:china"), ids("tag:russia,china")
	if !slices.Equal(or, list) || len(or) < 9 {
		t.Errorf("tag:russia OR tag:china lists %d, tag:russia,china %d", len(or), len(list))
	}
	for _, bad := range []string{"(coal OR gas", "coal OR", "is:unknown"} {
		if r := runGazette(t, "", nil, "list", "--query", bad); r.code != exitUsage || !strings.Contains(r.stderr, "--query") {
			t.Errorf("list --query %q: exit %d, stderr %q", bad, r.code, r.stderr)
		}
	}
}
