package safefile

import "testing"

func TestNextDirentDamaged(t *testing.T) {
	for _, b := range [][]byte{nil, make([]byte, 18), append(make([]byte, 16), 0xff, 0xff, 0, 'a'), append(make([]byte, 16), 5, 0, 0, 'a')} {
		if _, _, _, ok := nextDirent(b); ok {
			t.Errorf("%v decoded", b)
		}
	}
}
