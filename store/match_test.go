package store

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
)

// TestMatchKeys checks that MatchKeys finds the keys Match finds, for
// every kind of expression, and refuses what Match refuses.
func TestMatchKeys(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	docs := []IndexDoc{
		{Key: "c:gas", Stamp: "1", Text: "gas prices rise as winter demand peaks"},
		{Key: "c:vegas", Stamp: "1", Text: "las vegas shows gasoline"},
		{Key: "c:cafe", Stamp: "1", Text: "talks at the café in Zürich"},
		{Key: "c:ru", Stamp: "1", Text: "переговоры в Москве о газе"},
	}
	if err := s.Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	for _, expr := range []string{"gas", "gas*", `"winter demand"`, `"demand winter"`, "cafe zurich", "москве", "gas OR vegas", "gas NOT prices", "nothing"} {
		t.Run(expr, func(t *testing.T) {
			ranked, err := s.Match(ctx, expr)
			if err != nil {
				t.Fatal(err)
			}
			keys, err := s.MatchKeys(ctx, expr)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := slices.Sorted(maps.Keys(keys)), slices.Sorted(maps.Keys(ranked)); !slices.Equal(got, want) {
				t.Errorf("MatchKeys(%q) = %v, Match finds %v", expr, got, want)
			}
		})
	}
	for _, expr := range []string{`"unbalanced`, "(gas", "gas OR", "nope:gas", ""} {
		if _, err := s.MatchKeys(ctx, expr); !errors.Is(err, ErrBadQuery) {
			t.Errorf("MatchKeys(%q): %v; want ErrBadQuery", expr, err)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.MatchKeys(cancelled, "gas"); !errors.Is(err, context.Canceled) {
		t.Errorf("MatchKeys with a cancelled context: %v", err)
	}
}
