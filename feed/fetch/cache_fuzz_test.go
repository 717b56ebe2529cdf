package fetch

import (
	"bytes"
	"testing"
	"time"
)

// FuzzDecodeCacheEntry feeds the cache's entry decoder arbitrary files, as
// a damaged disk or another program could leave them: it never panics,
// and what it accepts is written back and read back the same.
func FuzzDecodeCacheEntry(f *testing.F) {
	for _, e := range []*CacheEntry{
		{URL: "https://example.org/feed", ETag: `"v1"`, LastModified: "Mon, 17 Jan 2022 09:00:00 GMT", ContentType: "application/rss+xml", FetchedAt: time.Unix(1642410000, 0).UTC(), Body: []byte("<rss></rss>")},
		{URL: "https://example.org/a", FinalURL: "https://example.org/b", FetchedAt: time.Unix(1, 0).UTC()},
	} {
		data, err := encodeCacheEntry(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add([]byte(cacheMagic + "{}\n"))
	f.Add([]byte(cacheMagic + `{"url":"x","size":-1,"sha256":""}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := decodeCacheEntry(data)
		if err != nil {
			if e != nil {
				t.Fatal("an entry with an error")
			}
			return
		}
		again, err := encodeCacheEntry(e)
		if err != nil {
			// A header that grew past the cap as it was written again
			// (JSON escapes) is refused, never cut.
			return
		}
		back, err := decodeCacheEntry(again)
		if err != nil {
			t.Fatalf("an accepted entry does not read back: %v", err)
		}
		if back.URL != e.URL || back.FinalURL != e.FinalURL || back.ETag != e.ETag ||
			back.LastModified != e.LastModified || back.ContentType != e.ContentType ||
			!back.FetchedAt.Equal(e.FetchedAt) || !bytes.Equal(back.Body, e.Body) {
			t.Fatalf("round trip changed the entry:\n%+v\n%+v", e, back)
		}
	})
}
