package load

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
)

// headsFile lays out a whole cache file as headSource writes one: the
// magic, the checksum of the rest, the build, the directory and records.
func headsFile(build, root string, recs ...[]byte) []byte {
	e := encoder{}
	e.str(build)
	e.str(root)
	for _, r := range recs {
		e.uint(uint64(len(r)))
		e.b = append(e.b, r...)
	}
	sum := crc32.Checksum(e.b, crcTable)
	out := binary.LittleEndian.AppendUint32([]byte(headsMagic), sum)
	return append(out, e.b...)
}

// headRec is one record: a file's path, its stamp and its article.
func headRec(rel string, st stamp, a *feed.Article) []byte {
	e := encoder{}
	e.str(rel)
	e.stamp(st)
	return feed.AppendHead(e.b, a)
}

// FuzzReadHeads feeds the header cache's file reader arbitrary files, as a
// damaged disk or a planted file could leave them: it never panics, and
// every record it passes on has a path and a stamp that read, and an
// article that decodes clean or is refused.
func FuzzReadHeads(f *testing.F) {
	const build, root = "test", "/news"
	a := &feed.Article{
		ID: "0123456789abcdef", Title: "Talks end", DateText: "17 January 2022", Source: "Wire", Format: "txt",
		Date: time.Date(2022, 1, 17, 0, 0, 0, 0, time.UTC),
		Tags: []feed.Tag{{Name: "Russia", Country: true, Code: "RU"}},
		Refs: []feed.Ref{{N: 1, URL: "https://example.com/i.png", Kind: feed.RefImage}},
	}
	st := stamp{size: 120, mtime: 1642410000e9, ctime: 1642410000e9, ino: 42, dev: 7}
	whole := headsFile(build, root, headRec("a.txt", st, a), headRec("sub/b.txt", st, a))
	f.Add(whole)
	f.Add(whole[:len(whole)-3])
	f.Add(headsFile(build, root))
	f.Add(headsFile("other build", root, headRec("a.txt", st, a)))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		err := readHeads(bytes.NewReader(data), build, root, func(rec, rel, rest []byte) {
			n++
			if !bytes.HasSuffix(rec, rest) || !bytes.Contains(rec, rel) {
				t.Fatalf("record %q split as %q and %q", rec, rel, rest)
			}
			if _, k, ok := readStamp(rest); ok {
				if b, err := feed.DecodeHead(string(rest[k:]), nil); err == nil && feed.SanitizeLine(b.Title) != b.Title {
					t.Fatalf("title %q accepted", b.Title)
				}
			}
		})
		if err == nil && !bytes.HasPrefix(data, []byte(headsMagic)) {
			t.Fatalf("a file without the magic accepted (%d records)", n)
		}
	})
}

// The file headsFile lays out is one readHeads accepts, so that the fuzz
// target starts from files that go deep.
func TestHeadsFileReads(t *testing.T) {
	a := &feed.Article{ID: "0123456789abcdef", Title: "T", Format: "txt"}
	var rels []string
	err := readHeads(bytes.NewReader(headsFile("b", "/r", headRec("x.txt", stamp{}, a))), "b", "/r", func(_, rel, _ []byte) {
		rels = append(rels, string(rel))
	})
	if err != nil || len(rels) != 1 || rels[0] != "x.txt" {
		t.Fatalf("records %q, %v", rels, err)
	}
}

// A record larger than the reader's buffer reads back as a small one
// does, before and after small ones, and a file cut inside it is refused.
func TestReadHeadsLargeRecord(t *testing.T) {
	small := &feed.Article{ID: "0123456789abcdef", Title: "Small", Format: "txt"}
	large := &feed.Article{ID: "fedcba9876543210", Title: "Large", Format: "txt"}
	for i := range 40 {
		large.Refs = append(large.Refs, feed.Ref{N: i + 1, URL: "https://example.com/" + strings.Repeat("x", 4000) + strconv.Itoa(i), Kind: feed.RefLink})
	}
	recs := [][]byte{headRec("a.txt", stamp{}, small), headRec("big.txt", stamp{}, large), headRec("b.txt", stamp{}, small)}
	if len(recs[1]) <= 64<<10 {
		t.Fatalf("the large record is %d bytes, not larger than the reader's buffer", len(recs[1]))
	}
	file := headsFile("b", "/r", recs...)
	var got [][]byte
	err := readHeads(bytes.NewReader(file), "b", "/r", func(rec, _, _ []byte) {
		got = append(got, bytes.Clone(rec))
	})
	if err != nil || len(got) != len(recs) {
		t.Fatalf("%d records, %v", len(got), err)
	}
	for i := range recs {
		if !bytes.Equal(got[i], recs[i]) {
			t.Errorf("record %d differs", i)
		}
	}
	cut := file[:len(file)-len(recs[2])-len(recs[1])/2]
	if err := readHeads(bytes.NewReader(cut), "b", "/r", func(_, _, _ []byte) {}); err == nil {
		t.Error("a file cut inside the large record read")
	}
}
