package search

import (
	"fmt"
	"hash/maphash"
	"testing"
)

// pairs are rows as Bind reads them: row i is rows[i], its key keys[i].
type pairs struct {
	rows []int
	keys []string
}

func (p pairs) Len() int { return len(p.keys) }

func (p pairs) At(i int) (int, string) { return p.rows[i], p.keys[i] }

// TestKeyTable checks that the table finds the row of each key it holds,
// keys that begin others and keys of other lengths among them; that two
// rows of one key are found as the first, the other kept beside it; and
// that keys absent, empty or of rows at or past n are not found.
func TestKeyTable(t *testing.T) {
	var p pairs
	add := func(row int, key string) {
		p.rows = append(p.rows, row)
		p.keys = append(p.keys, key)
	}
	want := map[string]int32{}
	for i := range 5000 {
		key := fmt.Sprintf("c:%016x", uint64(i)*0x9e3779b97f4a7c15)
		add(i, key)
		want[key] = int32(i)
	}
	for i, key := range []string{"a", "ab", "abc", "b", "é", "g:" + string(make([]byte, 300))} {
		add(6000+i, key)
		want[key] = int32(6000 + i)
	}
	first := p.keys[7]
	add(7000, first)
	add(7001, first)
	add(7002, "")
	add(9000, "past n")
	add(-1, "negative")
	const n = 8000

	tab := newKeyTable(p, n)
	for key, row := range want {
		if got, ok := tab.find(key); !ok || got != row {
			t.Errorf("find(%q) = %d, %v; want %d", key, got, ok, row)
		}
	}
	for _, key := range []string{"", "abcd", "c", "c:", "past n", "negative", first + "0", first[:len(first)-1]} {
		if got, ok := tab.find(key); ok {
			t.Errorf("find(%q) = %d, found; want not found", key, got)
		}
	}
	if got := tab.more[7]; len(got) != 2 || got[0] != 7000 || got[1] != 7001 {
		t.Errorf("more[7] = %v, want [7000 7001]", got)
	}
	if len(tab.more) != 1 {
		t.Errorf("more holds %d keys, want 1", len(tab.more))
	}
}

// TestKeyTableTagsCollide checks that a key whose hash's high half is
// another's is told from it by its text.
func TestKeyTableTagsCollide(t *testing.T) {
	p := pairs{rows: []int{0, 1}, keys: []string{"c:0000000000000001", "c:0000000000000002"}}
	tab := newKeyTable(p, 2)
	mask := uint64(len(tab.slots) - 1)
	for i := range 100 {
		absent := fmt.Sprintf("u:%016x", i)
		h := maphash.String(tab.seed, absent)
		if tab.slots[h&mask] != 0 {
			continue
		}
		// The absent key's first slot holds the first key, under the
		// absent key's tag.
		tab.slots[h&mask] = h&^placeBits | 1
		if got, ok := tab.find(absent); ok {
			t.Fatalf("find(%q) = %d, found under a colliding tag", absent, got)
		}
		if got, ok := tab.find(p.keys[0]); !ok || got != 0 {
			t.Fatalf("find(%q) = %d, %v; want 0", p.keys[0], got, ok)
		}
		return
	}
	t.Fatal("no absent key with an empty first slot")
}
