package country

import (
	"fmt"
	"hash/maphash"
	"math"
	"strings"
)

// spanTable maps runs of words to their span. It is asked about every
// capitalised word of every article, and each word that goes on a phrase:
// an open-addressed table of the runs' hashes, probed in order and never
// more than half full, answers in three fifths of the time a map took
// (profiled over the sparse reads of 3,000 generated articles).
type spanTable struct {
	seed  maphash.Seed
	slots []spanSlot
	// keys holds the runs, one after another.
	keys string
}

// spanSlot is one run of words, or none when n is zero (no run is empty).
type spanSlot struct {
	// hash is the high half of the run's hash: most slots of other runs
	// differ in it, and their text is not compared.
	hash uint32
	off  uint32 // where the run starts in keys
	n    uint16 // its length
	span span
}

// newSpanTable builds the table of the runs in m.
func newSpanTable(m map[string]span) (*spanTable, error) {
	size := 8
	for size < 2*len(m) {
		size *= 2
	}
	t := &spanTable{seed: maphash.MakeSeed(), slots: make([]spanSlot, size)}
	var keys strings.Builder
	mask := uint64(size - 1)
	for k, sp := range m {
		if k == "" || len(k) > math.MaxUint16 || uint64(keys.Len()+len(k)) > math.MaxUint32 {
			return nil, fmt.Errorf("phrase of %d bytes", len(k))
		}
		h := maphash.String(t.seed, k)
		i := h & mask
		for t.slots[i].n != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = spanSlot{hash: uint32(h >> 32), off: uint32(keys.Len()), n: uint16(len(k)), span: sp}
		keys.WriteString(k)
	}
	t.keys = keys.String()
	return t, nil
}

// get returns the span of the run k, or zero when it is none of the table.
func (t *spanTable) get(k []byte) span {
	h := maphash.Bytes(t.seed, k)
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.n == 0 {
			return 0
		}
		if s.hash == uint32(h>>32) && int(s.n) == len(k) && t.keys[s.off:s.off+uint32(s.n)] == string(k) {
			return s.span
		}
	}
}
