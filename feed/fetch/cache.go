package fetch

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/internal/safefile"
)

// Cache keeps fetched documents on disk so they can be revalidated with a
// conditional GET and read when the network is down. Each entry is one
// file named by the SHA-256 of its URL, written atomically; an entry that
// does not read back intact is deleted and treated as missing, so a
// damaged cache costs a fetch and never an error.
type Cache struct {
	// Dir holds the entries; see DefaultCacheDir.
	Dir string
	// MaxEntry caps the body of one entry; 0 means DefaultMaxBody. Larger
	// bodies are not cached.
	MaxEntry int64
	// MaxSize caps all the entries together; 0 means DefaultCacheSize.
	// After a write takes the cache past it, the least recently used
	// entries are removed in the background; see Trim.
	MaxSize int64

	trim trimmer
}

// CacheEntry is one cached document and what is needed to revalidate it.
type CacheEntry struct {
	// URL is the URL that was asked for, the entry's key.
	URL string `json:"url"`
	// FinalURL is where redirects ended; relative links resolve against it.
	FinalURL string `json:"final_url,omitempty"`
	// ETag and LastModified are the validators the server sent, if any.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// ContentType is the Content-Type the server sent.
	ContentType string `json:"content_type,omitempty"`
	// FetchedAt is when the body was last fetched or revalidated.
	FetchedAt time.Time `json:"fetched_at"`
	// Body is the document as the server sent it, after gzip decoding and
	// before any charset conversion.
	Body []byte `json:"-"`
}

// cacheEntryHeader is the first part of an entry file: the entry's fields
// and a checksum of the body, which lets a damaged file be recognised.
type cacheEntryHeader struct {
	CacheEntry
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// cacheMagic starts every entry file; a file without it is not an entry.
const cacheMagic = "gazette-cache 1\n"

// maxCacheHeader caps the JSON header line of an entry file.
const maxCacheHeader = 64 << 10

func (c *Cache) maxEntry() int64 {
	if c.MaxEntry > 0 {
		return c.MaxEntry
	}
	return DefaultMaxBody
}

// path returns the file of the entry for rawURL.
func (c *Cache) path(rawURL string) string {
	sum := sha256.Sum256([]byte(rawURL))
	return filepath.Join(c.Dir, hex.EncodeToString(sum[:]))
}

// Get returns the entry for rawURL, or false when there is none. A damaged
// entry is removed and reported as missing.
func (c *Cache) Get(rawURL string) (*CacheEntry, bool) {
	path := c.path(rawURL)
	if _, err := os.Lstat(path); err != nil {
		return nil, false
	}
	// Anything unreadable here (a FIFO, an oversize file) is not an entry
	// gazette wrote, so it goes too.
	data, err := safefile.ReadFile(path, int64(len(cacheMagic))+maxCacheHeader+c.maxEntry())
	if err != nil {
		os.Remove(path)
		return nil, false
	}
	e, err := decodeCacheEntry(data)
	if err != nil || e.URL != rawURL {
		os.Remove(path)
		return nil, false
	}
	touch(path, time.Now())
	return e, true
}

// Put stores an entry under its URL, replacing any older one.
func (c *Cache) Put(e *CacheEntry) error {
	if int64(len(e.Body)) > c.maxEntry() {
		return fmt.Errorf("cache: %s is over the %s entry limit; not cached", humanize.Bytes(int64(len(e.Body))), humanize.Bytes(c.maxEntry()))
	}
	data, err := encodeCacheEntry(e)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	if err := safefile.WriteFileAtomic(c.path(e.URL), data, 0o600); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	c.wrote(int64(len(data)))
	return nil
}

// Remove deletes the entry for rawURL, if there is one.
func (c *Cache) Remove(rawURL string) error {
	err := os.Remove(c.path(rawURL))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cache: %w", safefile.CleanPathErr(err))
	}
	return nil
}

// encodeCacheEntry lays an entry out as the magic line, one line of JSON
// and the body.
func encodeCacheEntry(e *CacheEntry) ([]byte, error) {
	sum := sha256.Sum256(e.Body)
	head, err := json.Marshal(cacheEntryHeader{CacheEntry: *e, Size: int64(len(e.Body)), SHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		return nil, err
	}
	if len(head) > maxCacheHeader {
		return nil, errors.New("entry header too long")
	}
	var b bytes.Buffer
	b.Grow(len(cacheMagic) + len(head) + 1 + len(e.Body))
	b.WriteString(cacheMagic)
	b.Write(head)
	b.WriteByte('\n')
	b.Write(e.Body)
	return b.Bytes(), nil
}

// errCorrupt marks an entry file that does not read back as written.
var errCorrupt = errors.New("corrupt cache entry")

// decodeCacheEntry reads an entry file back, checking its size and
// checksum.
func decodeCacheEntry(data []byte) (*CacheEntry, error) {
	rest, ok := bytes.CutPrefix(data, []byte(cacheMagic))
	if !ok {
		return nil, errCorrupt
	}
	line, body, ok := bytes.Cut(rest, []byte{'\n'})
	if !ok || len(line) > maxCacheHeader {
		return nil, errCorrupt
	}
	var h cacheEntryHeader
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, errCorrupt
	}
	sum := sha256.Sum256(body)
	if h.Size != int64(len(body)) || h.SHA256 != hex.EncodeToString(sum[:]) || h.URL == "" {
		return nil, errCorrupt
	}
	e := h.CacheEntry
	e.Body = body
	return &e, nil
}
