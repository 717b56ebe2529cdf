package store

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

func TestSources(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "gazette.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.Sources(ctx); err != nil || len(got) != 0 {
		t.Fatalf("a new store knows %v, %v", got, err)
	}
	for _, src := range []string{"/news", "https://example.org/feed.xml"} {
		if err := s.Seen(ctx, src, []string{"k1"}, true); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Sources(ctx)
	slices.Sort(got)
	if want := []string{"/news", "https://example.org/feed.xml"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("Sources = %v, %v; want %v", got, err, want)
	}
}
