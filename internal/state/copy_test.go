package state

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/store"
)

// storeOf returns a store that keeps n articles of one source, every third
// read and every fifth starred.
func storeOf(t *testing.T, n int) *store.Store {
	t.Helper()
	ctx := context.Background()
	st := openStore(t)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("k:%d", i)
	}
	if err := st.Seen(ctx, "/news", keys, true); err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		if i%3 == 0 {
			if err := st.Mark(ctx, store.OpRead, k); err != nil {
				t.Fatal(err)
			}
		}
		if i%5 == 0 {
			if err := st.Mark(ctx, store.OpStar, k); err != nil {
				t.Fatal(err)
			}
		}
	}
	return st
}

// checkStates fails t unless got holds what st keeps now.
func checkStates(t *testing.T, st *store.Store, got map[string]feed.State) {
	t.Helper()
	want, err := st.LoadStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, want) {
		t.Fatalf("%d states, want %d; k:0 %+v, want %+v", len(got), len(want), got["k:0"], want["k:0"])
	}
}

// damagedCopies returns good, a copy that starts with magic, spoilt:
// emptied, cut short, a byte changed, another magic.
func damagedCopies(good []byte, magic string) map[string][]byte {
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/2] ^= 1
	return map[string][]byte{
		"empty":          {},
		"cut short":      good[:len(good)-9],
		"a byte changed": flipped,
		"another magic":  append([]byte(magic[:len(magic)-2]+"9\n"), good[len(magic):]...),
	}
}

// checkCopyMade fails t unless a copy was made at path, readable only by
// the user.
func checkCopyMade(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal("no copy made:", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("the copy's mode is %v, want 0600", fi.Mode().Perm())
	}
}

// The states are read from the table the first time, and the copy made,
// readable only by the user; from the copy while the version is the same;
// from the table again, and the copy made again, once a state changed.
func TestStatesCopy(t *testing.T) {
	ctx := context.Background()
	st := storeOf(t, 50)
	path := filepath.Join(t.TempDir(), "cache", "states", "copy")

	m, err := loadStates(ctx, st, path)
	if err != nil {
		t.Fatal(err)
	}
	checkStates(t, st, m)
	checkCopyMade(t, path)

	// A copy of this version that says otherwise than the table is read:
	// the states come from it, not from the table.
	version, err := st.StatesVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	forged := maps.Clone(m)
	forged["k:1"] = feed.State{Read: true, Starred: true, FirstSeen: time.Unix(42, 0)}
	if err := os.WriteFile(path, appendCopy(nil, version, forged), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := loadStates(ctx, st, path)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, forged) {
		t.Fatalf("the states of the copy of the same version were not read: k:1 %+v", got["k:1"])
	}

	// A change of state draws a new version: the table is read again,
	// and the copy made again.
	if err := st.Mark(ctx, store.OpRead, "k:2"); err != nil {
		t.Fatal(err)
	}
	got, err = loadStates(ctx, st, path)
	if err != nil {
		t.Fatal(err)
	}
	checkStates(t, st, got)
	if !got["k:2"].Read {
		t.Error("a state changed since the copy was made is not seen")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	version, _ = st.StatesVersion(ctx)
	if again, ok := readCopy(data, version); !ok || !maps.Equal(again, got) {
		t.Error("the copy was not made again from the table")
	}
}

// A copy that is damaged, cut short, of another version or another store,
// or that cannot be read or written, is no copy: the states come from the
// table, whole.
func TestStatesCopyRefused(t *testing.T) {
	ctx := context.Background()
	st := storeOf(t, 30)
	other := storeOf(t, 30)
	dir := t.TempDir()
	m, err := st.LoadStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	version, _ := st.StatesVersion(ctx)
	otherVersion, _ := other.StatesVersion(ctx)
	lie := maps.Clone(m)
	lie["k:1"] = feed.State{Read: true, Starred: true}
	cases := damagedCopies(appendCopy(nil, version, lie), copyMagic)
	cases["another version"] = appendCopy(nil, version+"0", lie)
	cases["another store"] = appendCopy(nil, otherVersion, lie)
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := loadStates(ctx, st, path)
			if err != nil {
				t.Fatal(err)
			}
			checkStates(t, st, got)
		})
	}
	t.Run("a directory in its place", func(t *testing.T) {
		path := filepath.Join(dir, "dir")
		if err := os.Mkdir(path, 0o700); err != nil {
			t.Fatal(err)
		}
		got, err := loadStates(ctx, st, path)
		if err != nil {
			t.Fatal(err)
		}
		checkStates(t, st, got)
	})
	t.Run("no copy", func(t *testing.T) {
		got, err := loadStates(ctx, st, "")
		if err != nil {
			t.Fatal(err)
		}
		checkStates(t, st, got)
	})
}

// ReadEarly reads through the copy: a second early read of an unchanged
// store gives the same states from it.
func TestReadEarlyKeepsACopy(t *testing.T) {
	ctx := context.Background()
	st := storeOf(t, manyKeys+10)
	path := filepath.Join(t.TempDir(), "states")
	for range 2 {
		e := ReadEarly(ctx, st, path)
		if e == nil {
			t.Fatal("no early read of a store of many articles")
		}
		<-e.done
		if e.err != nil {
			t.Fatal(e.err)
		}
		checkStates(t, st, e.states)
		if _, err := os.Stat(path); err != nil {
			t.Fatal("no copy made:", err)
		}
	}
}

// A copy reads back as it was made: every state, first-seen times before
// 1970 and far ahead included. The store gives first-seen times to the
// second, as time.Unix makes them, and so does the copy.
func TestCopyRoundTrip(t *testing.T) {
	m := map[string]feed.State{
		"a":              {FirstSeen: time.Unix(0, 0)},
		"b":              {Read: true, FirstSeen: time.Unix(-86400*365*30, 0)},
		"c":              {Starred: true, FirstSeen: time.Unix(1<<40, 0)},
		"url:0123456789": {Read: true, Starred: true, FirstSeen: time.Unix(1764931200, 0)},
	}
	for i := range 1000 {
		m[fmt.Sprintf("k:%d", i)] = feed.State{Read: i%2 == 0, FirstSeen: time.Unix(int64(i), 0)}
	}
	got, ok := readCopy(appendCopy(nil, "v:1", m), "v:1")
	if !ok {
		t.Fatal("a copy just made does not read back")
	}
	if !maps.Equal(got, m) {
		t.Errorf("%d states back, want %d", len(got), len(m))
	}
	if _, ok := readCopy(appendCopy(nil, "v:1", nil), "v:1"); !ok {
		t.Error("a copy of no states does not read back")
	}
}

// FuzzReadCopy holds the reader of copies to any bytes: no panic, and
// what it accepts reads back the same once written again.
func FuzzReadCopy(f *testing.F) {
	m := map[string]feed.State{"a": {Read: true, FirstSeen: time.Unix(5, 0)}, "b": {Starred: true}}
	f.Add(appendCopy(nil, "v", m))
	f.Add(appendCopy(nil, "v", nil))
	f.Add([]byte(copyMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := readCopy(data, "v")
		if !ok {
			return
		}
		again, ok := readCopy(appendCopy(nil, "v", got), "v")
		if !ok || !maps.Equal(again, got) {
			t.Fatalf("accepted %q, which does not read back once written again", data)
		}
	})
}

// A load that records many articles in a store that kept few (a
// directory's first) reads their states once recorded, and makes the copy
// as it does: the next launch reads it.
func TestFirstRecordMakesTheCopy(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	path := filepath.Join(t.TempDir(), "states")
	src := load.Source{Location: "/news"}
	arts := make([]*feed.Article, manyKeys+10)
	for i := range arts {
		arts[i] = art(fmt.Sprintf("%016x", i), fmt.Sprintf("k:%d", i), fmt.Sprintf("/news/%d.md", i), i)
	}
	e := ReadEarly(ctx, st, path)
	if e == nil {
		t.Fatal("no early read to make the copy with")
	}
	got, errs := Sync(ctx, st, []Loaded{{Source: src, Articles: arts}}, e)
	if len(errs) > 0 || len(got) != len(arts) {
		t.Fatalf("%d articles, %v", len(got), errs)
	}
	for _, a := range got {
		if a.State.FirstSeen.IsZero() {
			t.Fatalf("%s: no state", a.Key)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal("no copy made by the first record:", err)
	}
	version, _ := st.StatesVersion(ctx)
	m, ok := readCopy(data, version)
	if !ok {
		t.Fatal("the copy is not of the states as recorded")
	}
	checkStates(t, st, m)
	e = ReadEarly(ctx, st, "")
	if e == nil || e.later {
		t.Fatal("a store of many articles is not read early")
	}
	<-e.done
}
