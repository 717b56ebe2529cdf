package feed

import (
	"cmp"
	"encoding/binary"
	"runtime"
	"slices"
	"sync"
)

// SortNewest sorts articles newest first; undated articles come last.
// Ties break on title, location and place in the document, so the order is
// the same every run and on every machine.
//
// A long list is sorted in two halves at once, which are then merged: a
// load of 100,000 articles waits for this sort alone.
func SortNewest(arts []*Article) {
	keys := make([]sortKey, len(arts))
	sortKeys := func(lo, hi int) {
		for i, a := range arts[lo:hi] {
			keys[lo+i] = makeSortKey(a)
		}
		slices.SortFunc(keys[lo:hi], compareSortKeys)
	}
	if len(arts) < sortInTwo || runtime.GOMAXPROCS(0) < 2 {
		sortKeys(0, len(arts))
		for i := range keys {
			arts[i] = keys[i].a
		}
		return
	}
	half := len(arts) / 2
	var wg sync.WaitGroup
	wg.Go(func() { sortKeys(0, half) })
	sortKeys(half, len(arts))
	wg.Wait()
	i, j := 0, half
	for k := range arts {
		if j == len(keys) || i < half && compareSortKeys(keys[i], keys[j]) <= 0 {
			arts[k] = keys[i].a
			i++
		} else {
			arts[k] = keys[j].a
			j++
		}
	}
}

// sortInTwo is the length from which SortNewest sorts two halves at once.
const sortInTwo = 16 << 10

// sortKey is what SortNewest compares, taken out of an article once so
// that most comparisons read numbers side by side rather than two
// articles through their pointers: the date, and the title's first eight
// bytes, big-endian and padded with zeros, which order two titles as the
// titles do wherever they differ. Ties go to Newer.
type sortKey struct {
	sec   int64
	title uint64
	nsec  int32
	dated bool
	a     *Article
}

func makeSortKey(a *Article) sortKey {
	return sortKey{a.Date.Unix(), TitleKey(a.Title), int32(a.Date.Nanosecond()), !a.Date.IsZero(), a}
}

// TitleKey returns the first eight bytes of title, big-endian and padded
// with zeros: where the keys of two titles differ, they order the titles
// as the titles themselves order (a title is a prefix of those it sorts
// before, and zero is the least byte).
func TitleKey(title string) uint64 {
	var head [8]byte
	copy(head[:], title)
	return binary.BigEndian.Uint64(head[:])
}

func compareSortKeys(x, y sortKey) int {
	if x.sec != y.sec || x.nsec != y.nsec {
		switch {
		case !x.dated || !y.dated:
			// Undated last, as Newer has it.
			if x.dated {
				return -1
			}
			if y.dated {
				return 1
			}
		case x.sec != y.sec:
			return cmp.Compare(y.sec, x.sec)
		default:
			return cmp.Compare(y.nsec, x.nsec)
		}
	}
	if x.title != y.title {
		return cmp.Compare(x.title, y.title)
	}
	switch {
	case Newer(x.a, y.a):
		return -1
	case Newer(y.a, x.a):
		return 1
	}
	return 0
}

// Newer reports whether a sorts before b in a newest-first list.
func Newer(a, b *Article) bool {
	if !a.Date.Equal(b.Date) {
		if a.Date.IsZero() || b.Date.IsZero() {
			return b.Date.IsZero()
		}
		return a.Date.After(b.Date)
	}
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	if a.Location != b.Location {
		return a.Location < b.Location
	}
	if a.seq != b.seq {
		return a.seq < b.seq
	}
	return a.ID < b.ID
}
