package country

import (
	"strings"
	"testing"
)

// TestSpanTableHoldsEveryRun checks the gazetteer's table against the
// runs it was built of: every phrase, every first words of one, and runs
// that are neither.
func TestSpanTableHoldsEveryRun(t *testing.T) {
	g := gaz()
	want := map[string]span{}
	for key := range g.phrases {
		want[key] |= spanPhrase
		for i, c := range key {
			if c == ' ' {
				want[key[:i]] |= spanPrefix
			}
		}
	}
	if len(want) < 1000 {
		t.Fatalf("only %d runs", len(want))
	}
	for k, sp := range want {
		if got := g.spans.get([]byte(k)); got != sp {
			t.Errorf("%q: span %b, want %b", k, got, sp)
		}
		for _, miss := range []string{k + " ", k + "x", " " + k, strings.ToUpper(k), k[:len(k)-1]} {
			if _, ok := want[miss]; !ok && g.spans.get([]byte(miss)) != 0 {
				t.Errorf("%q: a span, but it is no run", miss)
			}
		}
	}
	for _, miss := range []string{"", "said", "zzzz", "united statesx"} {
		if g.spans.get([]byte(miss)) != 0 {
			t.Errorf("%q: a span, but it is no run", miss)
		}
	}
}

// TestSpanTableSmall checks a table of a few runs, more than half of its
// slots taken by collisions or not, and its refusal of an empty run.
func TestSpanTableSmall(t *testing.T) {
	m := map[string]span{"a": spanPhrase, "b": spanPrefix, "a b": spanPhrase | spanPrefix, "c d e": spanPhrase}
	tab, err := newSpanTable(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.slots) < 2*len(m) {
		t.Errorf("%d slots for %d runs", len(tab.slots), len(m))
	}
	for k, sp := range m {
		if got := tab.get([]byte(k)); got != sp {
			t.Errorf("%q: %b, want %b", k, got, sp)
		}
	}
	for _, miss := range []string{"", "c", "c d", "a  b", "ab"} {
		if got := tab.get([]byte(miss)); got != 0 {
			t.Errorf("%q: %b, want none", miss, got)
		}
	}
	if _, err := newSpanTable(map[string]span{"": spanPhrase}); err == nil {
		t.Error("an empty run was taken")
	}
}
