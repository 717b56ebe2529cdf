package load

import (
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestInterner checks that the interner gives back equal strings, the same
// one for equal values, found in its table of recent strings or in its
// map, never a slice of the caller's larger string, and that its map
// stays within its bound.
func TestInterner(t *testing.T) {
	var in interner
	if in.get("") != "" {
		t.Fatal("empty string")
	}
	record := "xx December 31, 2024 yy"
	first := in.get(record[3:20])
	if first != "December 31, 2024" {
		t.Fatalf("get = %q", first)
	}
	if within(first, record) {
		t.Fatal("the interned string is a slice of the record")
	}
	// Many values, so that slots are shared and values leave the table of
	// recent strings for the map, then each again.
	var values []string
	for i := range 3 * recentSlots {
		values = append(values, "v"+strconv.Itoa(i*7919))
	}
	got := make([]string, len(values))
	for i, v := range values {
		got[i] = in.get(strings.Clone(v))
	}
	for i, v := range values {
		again := in.get(strings.Clone(v))
		if again != v {
			t.Fatalf("get(%q) = %q", v, again)
		}
		if unsafe.StringData(again) != unsafe.StringData(got[i]) {
			t.Fatalf("get(%q) gave two copies", v)
		}
	}
	for i := range 2 * maxInterned {
		in.get("w" + strconv.Itoa(i))
	}
	if len(in.m) > maxInterned {
		t.Fatalf("the map holds %d strings, more than %d", len(in.m), maxInterned)
	}
}

// within reports whether s lies in the memory of big.
func within(s, big string) bool {
	p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(big)))
	return p >= lo && p < lo+uintptr(len(big))
}
