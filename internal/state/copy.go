package state

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"slices"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/safefile"
	"github.com/gazette-news/gazette/store"
)

// A copy of the states is every article's state a store keeps, in a file
// of the cache directory, with the version of the states it was made
// from (see store.StatesVersion). While the version is the same, a launch
// reads the copy, a few megabytes read whole, rather than 100,000 rows of
// the table one at a time: a second `list --json` of 100,000 articles
// spent some 7% of its CPU reading the table. Any write of a state
// draws a new version, and the copy is then made again from the table.
//
// The copy is read as untrusted input: checksummed, its counts and
// lengths capped, and taken whole or not at all. It is only a saving; one
// that cannot be read or written is read from the table.

// copyMagic starts every copy; the number is the layout's version.
const copyMagic = "gazette-states 1\n"

// maxCopy caps the file of a copy: a million articles of keys up to a
// hundred bytes.
const maxCopy = 128 << 20

// maxCopyKey caps one key of a copy.
const maxCopyKey = 4096

var copyCRC = crc32.MakeTable(crc32.Castagnoli)

// loadStates returns every state st keeps: from the copy at path when it
// is of the states st keeps now, from the table otherwise, in which case
// the copy is made again. An empty path means no copy.
func loadStates(ctx context.Context, st *store.Store, path string) (map[string]feed.State, error) {
	if path == "" || st.Memory() {
		return st.LoadStates(ctx)
	}
	if version, err := st.StatesVersion(ctx); err == nil {
		if data, err := safefile.ReadFile(path, maxCopy); err == nil {
			if m, ok := readCopy(data, version); ok {
				return m, nil
			}
		}
	}
	m, version, err := st.LoadStatesVersion(ctx)
	if err != nil {
		return nil, err
	}
	// A copy that cannot be written is read from the table next time.
	_ = safefile.WriteCacheFile(path, appendCopy(nil, version, m), 0o600)
	return m, nil
}

// appendCopy appends to b the copy of the states m, of the given version,
// growing b once, to the most the copy can take.
func appendCopy(b []byte, version string, m map[string]feed.State) []byte {
	size := len(copyMagic) + len(version) + 2*binary.MaxVarintLen64 + 4
	for k := range m {
		size += len(k) + 2*binary.MaxVarintLen64
	}
	b = appendCopyHead(slices.Grow(b, size), copyMagic, version, len(m))
	for k, s := range m {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		flags := s.FirstSeen.Unix() << 2
		if s.Read {
			flags |= 1
		}
		if s.Starred {
			flags |= 2
		}
		b = binary.AppendVarint(b, flags)
	}
	return sealCopy(b)
}

// appendCopyHead appends to b the head of a copy: its magic, its version
// and the count of what it holds, which follows it.
func appendCopyHead(b []byte, magic, version string, n int) []byte {
	b = append(b, magic...)
	b = binary.AppendUvarint(b, uint64(len(version)))
	b = append(b, version...)
	return binary.AppendUvarint(b, uint64(n))
}

// sealCopy appends the checksum of the copy in b.
func sealCopy(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, copyCRC))
}

// openCopy checks a copy's magic, checksum and version, and returns its
// body (the checksum left out), where in it what it holds starts, and its
// count, when at least minSize bytes of the body are there for each.
func openCopy(data []byte, magic, version string, minSize uint64) (body []byte, at int, n uint64, ok bool) {
	if len(data) < len(magic)+4 || string(data[:len(magic)]) != magic {
		return nil, 0, 0, false
	}
	body, sum := data[:len(data)-4], data[len(data)-4:]
	if crc32.Checksum(body, copyCRC) != binary.LittleEndian.Uint32(sum) {
		return nil, 0, 0, false
	}
	at = len(magic)
	size, k := binary.Uvarint(body[at:])
	if k <= 0 || size != uint64(len(version)) || size > uint64(len(body)-at-k) || string(body[at+k:at+k+int(size)]) != version {
		return nil, 0, 0, false
	}
	at += k + int(size)
	n, k = binary.Uvarint(body[at:])
	if k <= 0 {
		return nil, 0, 0, false
	}
	at += k
	if n > uint64(len(body)-at)/minSize {
		return nil, 0, 0, false
	}
	return body, at, n, true
}

// readCopy returns the states of the copy in data, when it is whole and
// of the given version. The keys are slices of one string.
func readCopy(data []byte, version string) (map[string]feed.State, bool) {
	// Each state takes two bytes at least.
	body, at, n, ok := openCopy(data, copyMagic, version, 2)
	if !ok {
		return nil, false
	}
	// The keys are taken from all, at the offsets read in body.
	all := string(body)
	next := func() (uint64, bool) {
		v, k := binary.Uvarint(body[at:])
		at += max(k, 0)
		return v, k > 0
	}
	str := func(limit uint64) (string, bool) {
		n, ok := next()
		if !ok || n > limit || n > uint64(len(body)-at) {
			return "", false
		}
		at += int(n)
		return all[at-int(n) : at], true
	}
	m := make(map[string]feed.State, n)
	for range n {
		key, ok := str(maxCopyKey)
		if !ok || key == "" {
			return nil, false
		}
		flags, k := binary.Varint(body[at:])
		if k <= 0 {
			return nil, false
		}
		at += k
		m[key] = feed.State{Read: flags&1 != 0, Starred: flags&2 != 0, FirstSeen: time.Unix(flags>>2, 0)}
	}
	if at != len(body) || len(m) != int(n) {
		return nil, false
	}
	return m, true
}
