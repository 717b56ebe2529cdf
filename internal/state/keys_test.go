package state

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gazette-news/gazette/store"
)

// indexOf returns a store whose index holds n documents, keyed k:0 on.
func indexOf(t *testing.T, n int) *store.Store {
	t.Helper()
	st := openStore(t)
	docs := make([]store.IndexDoc, n)
	for i := range docs {
		docs[i] = store.IndexDoc{Key: fmt.Sprintf("k:%d", i), Stamp: "1", Text: "gas"}
	}
	if err := st.Index(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	return st
}

// docKeysOf returns what DocKeys of idx gives, by key.
func docKeysOf(t *testing.T, idx interface {
	DocKeys(context.Context, func(int64, string) error) error
}) map[string]int64 {
	t.Helper()
	m := map[string]int64{}
	if err := idx.DocKeys(context.Background(), func(doc int64, key string) error {
		if _, ok := m[key]; ok {
			t.Errorf("key %q given twice", key)
		}
		m[key] = doc
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return m
}

// The keys are read from the table the first time, and the copy made,
// readable only by the user; from the copy while the version is the same;
// from the table again, and the copy made again, once the index changed.
func TestKeysCopy(t *testing.T) {
	ctx := context.Background()
	st := indexOf(t, 30)
	path := filepath.Join(t.TempDir(), "keys", "copy")
	k := KeysCopy{Store: st, Path: path}
	want := docKeysOf(t, st)
	if got := docKeysOf(t, k); !maps.Equal(got, want) {
		t.Fatalf("first read %v, want %v", got, want)
	}
	checkCopyMade(t, path)

	// A copy of the same version that says otherwise is believed: it
	// is the copy that is read.
	version, err := st.KeysVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var w keysWriter
	w.add(7, "forged")
	if err := os.WriteFile(path, w.copy(version), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := docKeysOf(t, k); !maps.Equal(got, map[string]int64{"forged": 7}) {
		t.Fatalf("with a copy of the version, read %v, want the copy's", got)
	}

	// The index changes: the table is read, and the copy made again.
	if err := st.Unindex(ctx, "k:3"); err != nil {
		t.Fatal(err)
	}
	want = docKeysOf(t, st)
	if _, ok := want["k:3"]; ok || len(want) != 29 {
		t.Fatalf("the store reads %d keys after k:3 went", len(want))
	}
	for range 2 {
		if got := docKeysOf(t, k); !maps.Equal(got, want) {
			t.Fatalf("after a change, read %d keys, want the table's %d", len(got), len(want))
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	now, _ := st.KeysVersion(ctx)
	c, ok := readKeysCopy(data, now)
	if !ok {
		t.Fatal("the copy made again is not of the version now")
	}
	got := map[string]int64{}
	c.each(func(doc int64, key string) error { got[key] = doc; return nil })
	if !maps.Equal(got, want) {
		t.Errorf("the copy holds %d keys, want %d", len(got), len(want))
	}
}

// A copy that is damaged, cut short, of another version or another store,
// or that cannot be read or written, is no copy: the keys come from the
// table, whole.
func TestKeysCopyRefused(t *testing.T) {
	ctx := context.Background()
	st := indexOf(t, 30)
	other := indexOf(t, 30)
	dir := t.TempDir()
	want := docKeysOf(t, st)
	version, _ := st.KeysVersion(ctx)
	otherVersion, _ := other.KeysVersion(ctx)
	forged := func(version string) []byte {
		var w keysWriter
		for key, doc := range want {
			w.add(doc+1, key)
		}
		return w.copy(version)
	}
	cases := damagedCopies(forged(version), keysMagic)
	cases["another version"] = forged(version + "0")
	cases["another store"] = forged(otherVersion)
	cases["a states copy"] = appendCopy(nil, version, nil)
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			if got := docKeysOf(t, KeysCopy{Store: st, Path: path}); !maps.Equal(got, want) {
				t.Fatalf("read %d keys, not the table's %d", len(got), len(want))
			}
		})
	}
	t.Run("a directory in its place", func(t *testing.T) {
		path := filepath.Join(dir, "dir")
		if err := os.Mkdir(path, 0o700); err != nil {
			t.Fatal(err)
		}
		if got := docKeysOf(t, KeysCopy{Store: st, Path: path}); !maps.Equal(got, want) {
			t.Fatalf("read %d keys, not the table's %d", len(got), len(want))
		}
	})
	t.Run("no copy", func(t *testing.T) {
		if got := docKeysOf(t, KeysCopy{Store: st}); !maps.Equal(got, want) {
			t.Fatalf("read %d keys, not the table's %d", len(got), len(want))
		}
	})
}

// An error of fn stops the read, is returned as it is, and leaves no copy:
// one made of the keys read so far would stand for all of them.
func TestKeysCopyStopped(t *testing.T) {
	st := indexOf(t, 30)
	path := filepath.Join(t.TempDir(), "copy")
	stop := errors.New("stop")
	n := 0
	err := KeysCopy{Store: st, Path: path}.DocKeys(context.Background(), func(int64, string) error {
		if n++; n == 5 {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Fatalf("DocKeys returned %v, want fn's error", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a copy was made of a read that stopped (%v)", err)
	}
}

// FuzzReadKeysCopy holds the reader of copies of the keys to any bytes:
// no panic, and what it accepts reads back the same once written again.
func FuzzReadKeysCopy(f *testing.F) {
	var w keysWriter
	w.add(1, "c:0123456789abcdef")
	w.add(300, "u:fedcba9876543210")
	f.Add(w.copy("v"))
	f.Add((&keysWriter{}).copy("v"))
	f.Add([]byte(keysMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, ok := readKeysCopy(data, "v")
		if !ok {
			return
		}
		var again keysWriter
		c.each(func(doc int64, key string) error { again.add(doc, key); return nil })
		back, ok := readKeysCopy(again.copy("v"), "v")
		if !ok || back.text != c.text || !slices.Equal(back.docs, c.docs) {
			t.Fatalf("accepted %q, which does not read back once written again", data)
		}
	})
}
