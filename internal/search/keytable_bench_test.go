package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// scattered are rows as the reader holds them: each an entry of its own,
// its article another allocation and its key a third, in no order.
type scattered []*scatteredEntry

type scatteredEntry struct {
	row int
	a   *struct {
		pad [40]byte
		key string
	}
}

func (s scattered) Len() int { return len(s) }

func (s scattered) At(i int) (int, string) { return s[i].row, s[i].a.key }

// BenchmarkKeyTable binds 100,000 rows: the table made over the rows,
// then each key found as the index gives them, in order, slices of one
// text.
func BenchmarkKeyTable(b *testing.B) {
	const n = 100_000
	r := rand.New(rand.NewPCG(1, 2))
	rows := make(scattered, n)
	keys := make([]string, n)
	var junk [][]byte
	for i := range rows {
		keys[i] = fmt.Sprintf("c:%016x", r.Uint64())
		rows[i] = &scatteredEntry{row: i, a: &struct {
			pad [40]byte
			key string
		}{key: keys[i]}}
		junk = append(junk, make([]byte, r.IntN(200)))
	}
	r.Shuffle(n, func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	// The index's keys come sorted, slices of one text.
	slices.Sort(keys)
	joined := strings.Join(keys, "")
	for i := range keys {
		keys[i] = joined[i*18 : (i+1)*18]
	}
	b.ReportAllocs()
	for b.Loop() {
		t := newKeyTable(rows, n)
		for _, k := range keys {
			if _, ok := t.find(k); !ok {
				b.Fatal("not found")
			}
		}
	}
	_ = junk
}
