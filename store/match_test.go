package store

import (
	"context"
	"errors"
	"fmt"
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

// TestMatchDocs checks that MatchDocs finds, by number, the documents
// whose keys MatchKeys finds, that DocKeys tells whose each number is,
// and that both refuse what MatchKeys refuses.
func TestMatchDocs(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	docs := []IndexDoc{
		{Key: "c:gas", Stamp: "1", Text: "gas prices rise as winter demand peaks"},
		{Key: "c:vegas", Stamp: "1", Text: "las vegas shows gasoline"},
		{Key: "c:gone", Stamp: "1", Text: "gas leaves"},
		{Key: "c:cafe", Stamp: "1", Text: "talks at the café in Zürich"},
		{Key: "c:ru 1", Stamp: "1", Text: "переговоры в Москве о газе"},
		{Key: "ключ 2", Stamp: "1", Text: "gas в Москве"},
	}
	if err := s.Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if err := s.Unindex(ctx, "c:gone"); err != nil {
		t.Fatal(err)
	}
	keyOf := map[int64]string{}
	if err := s.DocKeys(ctx, func(doc int64, key string) error {
		if _, dup := keyOf[doc]; dup {
			t.Errorf("DocKeys gave %d twice", doc)
		}
		keyOf[doc] = key
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Values(keyOf)); !slices.Equal(got, []string{"c:cafe", "c:gas", "c:ru 1", "c:vegas", "ключ 2"}) {
		t.Errorf("DocKeys gave the keys %q", got)
	}
	for _, expr := range []string{"gas", "gas*", `"winter demand"`, "москве", "gas OR vegas", "gas NOT prices", "nothing"} {
		t.Run(expr, func(t *testing.T) {
			keys, err := s.MatchKeys(ctx, expr)
			if err != nil {
				t.Fatal(err)
			}
			nums, err := s.MatchDocs(ctx, expr)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.IsSorted(nums) {
				t.Errorf("MatchDocs(%q) = %v, not ascending", expr, nums)
			}
			var got []string
			for _, d := range nums {
				got = append(got, keyOf[d])
			}
			slices.Sort(got)
			if want := slices.Sorted(maps.Keys(keys)); !slices.Equal(got, want) {
				t.Errorf("MatchDocs(%q) finds %q, MatchKeys %q", expr, got, want)
			}
		})
	}
	for _, expr := range []string{`"unbalanced`, "(gas", "gas OR", ""} {
		if _, err := s.MatchDocs(ctx, expr); !errors.Is(err, ErrBadQuery) {
			t.Errorf("MatchDocs(%q): %v; want ErrBadQuery", expr, err)
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := s.DocKeys(ctx, func(int64, string) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("DocKeys after fn's error: %v after %d calls; want fn's error after 1", err, n)
	}
}

// TestDocKeysRanges checks that DocKeys reads every key of an index
// larger than one range of its queries.
func TestDocKeysRanges(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	n := docKeysRange + 10
	docs := make([]IndexDoc, n)
	for i := range docs {
		docs[i] = IndexDoc{Key: fmt.Sprintf("k %d", i), Stamp: "1", Text: "x"}
	}
	if err := s.Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	if err := s.DocKeys(ctx, func(_ int64, key string) error {
		if seen[key] {
			t.Errorf("DocKeys gave %q twice", key)
		}
		seen[key] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != n {
		t.Errorf("DocKeys gave %d keys of %d", len(seen), n)
	}
}

func TestEachDocKeyMalformed(t *testing.T) {
	for _, text := range []string{"1", "1 5 abc", "x 1 a", "1 1 ab", "1 -1 a", "1 1 a 2"} {
		if err := eachDocKey(text, func(int64, string) error { return nil }); err == nil {
			t.Errorf("eachDocKey(%q) read a malformed text", text)
		}
	}
}

func TestAppendNumbers(t *testing.T) {
	got, err := appendNumbers(nil, []byte("7 12 3"))
	if err != nil || !slices.Equal(got, []int64{7, 12, 3}) {
		t.Errorf("appendNumbers(\"7 12 3\") = %v, %v", got, err)
	}
	for _, text := range []string{"1  2", " 1", "1 x", "-1", "1234567890123456789"} {
		if _, err := appendNumbers(nil, []byte(text)); err == nil {
			t.Errorf("appendNumbers(%q) read a malformed text", text)
		}
	}
}
