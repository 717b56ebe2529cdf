package state

import (
	"context"
	"encoding/binary"
	"strings"

	"github.com/gazette-news/gazette/internal/safefile"
	"github.com/gazette-news/gazette/store"
)

// KeysCopy is a store whose DocKeys reads a copy of the index's keys, in
// a file of the cache directory, while the keys' version is the one the
// copy was made from (see store.KeysVersion), and reads the table and
// makes the copy again otherwise. Binding the reader's rows to the index
// read every key of the table: some 90 ms of SQLite's CPU a launch at
// 100,000 articles, against a few for the copy, a few megabytes read
// whole.
//
// The copy is read as untrusted input, as the copy of the states is:
// checksummed, its counts and lengths capped, and taken whole or not at
// all. It is only a saving; one that cannot be read or written is read
// from the table.
type KeysCopy struct {
	*store.Store
	// Path is the copy's file; "" keeps none.
	Path string
}

// keysMagic starts every copy of the keys; the number is the layout's
// version.
const keysMagic = "gazette-keys 1\n"

// DocKeys calls fn with the number and the key of every indexed document,
// as store.Store.DocKeys does, from the copy when it is of the keys the
// index holds now.
func (k KeysCopy) DocKeys(ctx context.Context, fn func(doc int64, key string) error) error {
	if k.Path == "" || k.Store.Memory() {
		return k.Store.DocKeys(ctx, fn)
	}
	if version, err := k.Store.KeysVersion(ctx); err == nil {
		if data, err := safefile.ReadFile(k.Path, maxCopy); err == nil {
			if keys, ok := readKeysCopy(data, version); ok {
				return keys.each(fn)
			}
		}
	}
	var w keysWriter
	version, err := k.Store.DocKeysVersion(ctx, func(doc int64, key string) error {
		w.add(doc, key)
		return fn(doc, key)
	})
	if err != nil {
		return err
	}
	// A copy that cannot be written is read from the table next time.
	_ = safefile.WriteCacheFile(k.Path, w.copy(version), 0o600)
	return nil
}

// keysWriter makes a copy of the keys, a document at a time.
type keysWriter struct {
	// pairs holds each document's number, key length and key.
	pairs []byte
	n     int
}

func (w *keysWriter) add(doc int64, key string) {
	w.pairs = binary.AppendUvarint(w.pairs, uint64(doc))
	w.pairs = binary.AppendUvarint(w.pairs, uint64(len(key)))
	w.pairs = append(w.pairs, key...)
	w.n++
}

// copy returns the copy of the documents added, of the given version:
// the magic, the version, the count, the documents and the checksum.
func (w *keysWriter) copy(version string) []byte {
	b := make([]byte, 0, len(keysMagic)+len(version)+2*binary.MaxVarintLen64+len(w.pairs)+4)
	b = appendCopyHead(b, keysMagic, version, w.n)
	return sealCopy(append(b, w.pairs...))
}

// keysCopy is a copy's documents, read whole: the i-th numbered docs[i],
// its key text[ends[i-1]:ends[i]].
type keysCopy struct {
	text string
	docs []int64
	ends []int
}

// each calls fn with each document, and stops at its first error.
func (c keysCopy) each(fn func(doc int64, key string) error) error {
	start := 0
	for i, doc := range c.docs {
		if err := fn(doc, c.text[start:c.ends[i]]); err != nil {
			return err
		}
		start = c.ends[i]
	}
	return nil
}

// readKeysCopy returns the documents of the copy in data, when it is
// whole and of the given version.
func readKeysCopy(data []byte, version string) (keysCopy, bool) {
	// Each document takes two bytes at least.
	body, at, n, ok := openCopy(data, keysMagic, version, 2)
	if !ok {
		return keysCopy{}, false
	}
	next := func() (uint64, bool) {
		v, k := binary.Uvarint(body[at:])
		at += max(k, 0)
		return v, k > 0
	}
	c := keysCopy{docs: make([]int64, 0, n), ends: make([]int, 0, n)}
	var text strings.Builder
	text.Grow(len(body) - at)
	for range n {
		doc, ok := next()
		if !ok || doc == 0 || doc > 1<<62 {
			return keysCopy{}, false
		}
		size, ok := next()
		if !ok || size > maxCopyKey || size > uint64(len(body)-at) {
			return keysCopy{}, false
		}
		text.Write(body[at : at+int(size)])
		at += int(size)
		c.docs = append(c.docs, int64(doc))
		c.ends = append(c.ends, text.Len())
	}
	if at != len(body) {
		return keysCopy{}, false
	}
	c.text = text.String()
	return c, true
}
