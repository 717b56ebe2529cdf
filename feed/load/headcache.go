package load

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/maphash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/safefile"
)

// HeadCache keeps what DropBodies leaves of the articles of a directory
// (everything but the body: header, tags, detected countries, footnotes)
// in one file per directory, so that loading the directory again reads,
// parses and detects only the files that changed. A file is taken from
// the cache while its size, modification and change times, inode and
// device are those it had when it was read; any change, or a cache written
// by another build of gazette, means the file is read again.
//
// The cache is read as untrusted input, like any file: it is checksummed,
// every string in it must be as clean as ingest leaves it, URLs must be
// http or https, and counts are capped. A record that fails is read from
// its file again; a cache that fails is ignored and written anew. It is
// written to a temporary file, readable only by the user, that is renamed
// over the old one once whole, after the load has delivered its last
// article (see Wait).
type HeadCache struct {
	// Dir holds the cache files; see DefaultCacheDir.
	Dir string
	// Build names the program that writes the cache; a cache another build
	// wrote is not read, since its parser may differ. Empty means the
	// running executable's path, size and modification time.
	Build string

	// now is the clock, for tests; nil means time.Now.
	now func() time.Time
	// hits and misses count the files taken from the cache and read, and
	// looksAhead the files looked at while a batch was held (see
	// Loader.work), for tests.
	hits, misses, looksAhead atomic.Int64
	// gate, when not nil, holds the reading of a large cache file until
	// it is closed, for tests.
	gate chan struct{}
	// writing counts the loads that use the cache and have not written it
	// yet.
	writing sync.WaitGroup
	// late holds the detections made since the load, for SaveDetected.
	late lateDetections

	mu sync.Mutex
	// found holds, for each directory the last load found as its cache
	// file recorded it, that cache file's stamp (see Unchanged); gen
	// counts the loads started, the last load being the one numbered so.
	found map[string]stamp
	gen   uint64
}

// Wait blocks until every load that uses the cache has ended and written
// its cache file. A load's channel closes as soon as its last article is
// out, and its cache is written after that; a program calls Wait before it
// exits, so that the next launch finds the cache. A cancelled load writes
// nothing, and ends as soon as its workers have stopped.
func (c *HeadCache) Wait() {
	c.writing.Wait()
}

// headsMagic starts every cache file; the number is the layout's version.
const headsMagic = "gazette-heads 3\n"

// maxHeadsFile caps the cache file of one directory: a million articles of
// a few hundred bytes each.
const maxHeadsFile = 1 << 30

// racyWindow is how recent a file's change may be for it to be cached:
// a file changed again within the file system's timestamp resolution after
// it was read would otherwise look unchanged. Such files are read again
// next time, until they have been left alone for this long.
const racyWindow = 2 * time.Second

// stamp is what says a file has not changed since it was cached.
type stamp struct {
	size, mtime, ctime int64
	ino, dev           uint64
}

// build returns the name of the program writing the cache.
func (c *HeadCache) build() string {
	if c.Build != "" {
		return c.Build
	}
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
}

func (c *HeadCache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// file returns the cache file of the directory whose absolute path is dir.
func (c *HeadCache) file(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	return filepath.Join(c.Dir, "heads", hex.EncodeToString(sum[:16]))
}

// headSource is the cache of one directory during one load: the records
// read from its file, and what the load found.
type headSource struct {
	cache *HeadCache
	// root is the directory's absolute path; records name files relative
	// to it.
	root  string
	build string
	// since is when the load started; files changed within racyWindow of it
	// are not cached.
	since time.Time
	// ready is closed once the cache file is read. It is read while the
	// first files are, so that those show at once: up to maxEarly files
	// (when the load asks for first rows, none otherwise) are read from
	// their files meanwhile, counted by early, and the rest wait.
	ready    chan struct{}
	early    atomic.Int64
	earlyCap int64
	// size is the cache file's, as the load began; 0 when there is none.
	size int64

	// old holds the records of the cache file by their relative path's
	// hash (see relKey). It is not changed once ready is closed, so that
	// workers read it without a lock; each record is looked up by the one
	// worker that has its file.
	old map[uint64]*headRecord
	// seed seeds relKey's hash, anew for each load.
	seed maphash.Seed
	// hits counts the records used, and bad those that did not decode.
	hits, bad atomic.Int64
	// redetected is set when a record was passed over for the countries
	// a lazy load put off (see lookup).
	redetected atomic.Bool
	// looked counts the files looked up, each once; partial is set when
	// the walk left a file or a directory out.
	looked  atomic.Int64
	partial atomic.Bool
	// src is the source the directory is, later is its load's
	// CheckLater, and bare its DropFootnotes.
	src         Source
	later, bare bool
	// file is the cache file's stamp as it was read, when fileOK.
	file   stamp
	fileOK bool
	// same is set, once the load's workers are done, when the cache file
	// is to stay as it is (see keeps).
	same bool
	// foundLater is set, once the load's workers are done, when the load
	// found the directory as the cache file recorded it but for the files
	// the look CheckLater put off is still to see (see found); gen is
	// the load's number (see HeadCache.forgetFound).
	foundLater bool
	gen        uint64

	mu sync.Mutex
	// out is the next cache file: a temporary file beside the cache file,
	// made at the first fresh record, that replaces it when the load ends.
	// Records go to it as they are made, so that a load keeps none of them
	// in memory. outErr is the first failure to write it; the load then
	// writes no cache.
	out     *os.File
	outw    *bufio.Writer
	outSize int64
	outErr  error
	// fresh say which files the records made in this load are of.
	fresh   freshKeys
	scratch encoder
	// unlooked are the files taken from their records without a look
	// (see Loader.CheckLater), for recheck; stale are the keys of those
	// it found stale once the records were released.
	unlooked []unlookedFile
	stale    map[uint64]bool
	// unwatched is set when the load began before the caller's watch was
	// in place (see Loader.WatchLater): recheck looks again at every file
	// it read, in read. tombs are the paths in the directory of those it
	// found changed or gone since: the records made as they were read are
	// outdated, and a cache file written after the look ends with a
	// tombstone for each (see putTomb). dir is the directory's path as
	// the load names its files.
	unwatched bool
	read      blockList[readFile]
	tombs     []string
	dir       string
	// listed are the directories the load listed before the caller's
	// watch was in place, each with its stamp from before its listing:
	// recheck looks at them too, for a file added or removed since.
	listed []listedDir
}

// listedDir is a directory a load listed: its path as the load names it,
// and its stamp as the listing began.
type listedDir struct {
	path string
	st   stamp
	// root is set for the directory source itself, which may be a link
	// to its directory: it is looked at through the link.
	root bool
}

// freshKey names the file of a fresh record.
type freshKey struct {
	rel string
	st  stamp
}

// freshKeys is the list of a load's fresh keys.
type freshKeys = blockList[freshKey]

// blockList is a list kept in blocks of listBlock: at 100,000 files, one
// slice grown by doubling allocated 21 MB to hold 6, in a first load that
// makes garbage enough.
type blockList[T any] struct {
	blocks [][]T
	n      int
}

// listBlock is how many items a block of a blockList holds.
const listBlock = 1024

func (f *blockList[T]) add(k T) {
	if f.n%listBlock == 0 {
		f.blocks = append(f.blocks, make([]T, 0, listBlock))
	}
	b := &f.blocks[len(f.blocks)-1]
	*b = append(*b, k)
	f.n++
}

// each calls fn with every item, in the order they were added, until fn
// returns false.
func (f *blockList[T]) each(fn func(k T) bool) {
	for _, b := range f.blocks {
		for _, k := range b {
			if !fn(k) {
				return
			}
		}
	}
}

// relKey is what old keys a relative path by: its 64-bit hash, seeded
// anew for each load. Keyed by the paths themselves, the map of 100,000
// records held some 13 MB through the load; by hash, about 3 MB. Two
// paths of one directory would have to share a hash, by chance (about one
// load in four billion at 100,000 files: no one can choose names that
// collide under a seed they cannot know), and their files a size, a
// modification time and a change time to the nanosecond, for a record
// to stand for the wrong file.
func (h *headSource) relKey(rel string) uint64 { return maphash.String(h.seed, rel) }

// headRecord is one file's record in a cache file.
type headRecord struct {
	st stamp
	// body is the encoded article, in a string of its own: the article
	// decoded from it keeps slices of it (see feed.DecodeHeadShared), and
	// the record lets it go once used, so that a record whose article was
	// dropped is not kept.
	body string
	used bool
}

// openHeads starts reading the cache of the directory at root (absolute).
// A missing, damaged or foreign cache is an empty one. It returns nil when
// the build is unknown: a cache could not be told from another build's.
// With firstRows, up to maxEarly files are read meanwhile.
func (c *HeadCache) openHeads(root string, firstRows bool) *headSource {
	build := c.build()
	if build == "" {
		return nil
	}
	h := &headSource{cache: c, root: root, build: build, since: c.clock(), ready: make(chan struct{}), seed: maphash.MakeSeed()}
	if firstRows {
		h.earlyCap = maxEarly
	}
	read := func() {
		defer close(h.ready)
		// The map is filled beside the reading, which takes as long:
		// records go to it a batch at a time.
		var (
			filling chan []keyedRecord
			filled  = make(chan map[uint64]*headRecord, 1)
			batch   []keyedRecord
		)
		// The records are allocated a block at a time, and their articles
		// copied into blocks of text: one allocation each made 100,000
		// objects for the collector, and a fifth of a second launch's
		// allocations.
		var (
			slab   []headRecord
			bodies = textBlocks{size: bodyBlock}
		)
		err := h.scan(func(_, rel, rest []byte) {
			st, n, ok := readStamp(rest)
			if ok {
				if len(slab) == cap(slab) {
					slab = make([]headRecord, 0, recordBlock)
				}
				// The article alone is kept: the path and stamp are known.
				slab = append(slab, headRecord{st: st, body: bodies.add(rest[n:])})
				batch = append(batch, keyedRecord{maphash.Bytes(h.seed, rel), &slab[len(slab)-1]})
				if len(batch) == cap(batch) {
					filling <- batch
					batch = make([]keyedRecord, 0, recordBlock)
				}
			}
		}, func(fi fs.FileInfo) {
			// Records run to a few hundred bytes.
			filling = make(chan []keyedRecord, 4)
			go fill(filling, filled, int(min(fi.Size()/256, DefaultMaxFiles)))
			batch = make([]keyedRecord, 0, recordBlock)
			h.file = fileStamp(fi)
		})
		old := map[uint64]*headRecord{}
		if filling != nil {
			filling <- batch
			close(filling)
			old = <-filled
		}
		if err != nil {
			old = map[uint64]*headRecord{}
		}
		h.old, h.fileOK = old, err == nil
	}
	fi, err := os.Stat(c.file(root))
	if err == nil {
		h.size = fi.Size()
	}
	if h.size > syncHeads {
		go func() {
			if c.gate != nil {
				<-c.gate
			}
			read()
		}()
	} else {
		// A small cache is read at once, in the time one file takes.
		read()
	}
	return h
}

// keyedRecord is a record of a cache file on its way to headSource.old.
type keyedRecord struct {
	key uint64
	rec *headRecord
}

// fill puts the records that come on in into a map made for size of
// them, later records over earlier ones, and passes the map on out once
// in is closed.
func fill(in <-chan []keyedRecord, out chan<- map[uint64]*headRecord, size int) {
	m := make(map[uint64]*headRecord, size)
	for batch := range in {
		for _, r := range batch {
			m[r.key] = r.rec
		}
	}
	out <- m
}

// recordBlock is how many records of a cache file are allocated at once.
const recordBlock = 1024

// bodyBlock is the size of the blocks the articles of a cache file's
// records are copied into, a few thousand to a block. An article keeps
// its whole block in memory: the records of files changed since, and
// those of articles a search passes over, stay while one article of
// their block does. All were in memory at once anyway, as the cache file
// was read.
const bodyBlock = 1 << 20

// syncHeads is the size of cache file up to which it is read before the
// directory.
const syncHeads = 256 << 10

// decodedSize is about how much memory the articles of a cache file of
// size bytes take once decoded: their records' text, copied into blocks,
// and the articles and lists made of them. At 100,000 articles, a cache
// file of 37 MB became a live heap of 119–121 MB as a second list --json
// ended, 3.3 bytes a byte, rounded up here for the loader's own.
func decodedSize(size int64) int64 { return size / 2 * 7 }

// maxEarly is how many files are read while the cache file is: enough for
// the first screens of a list.
const maxEarly = 512

// errHeads marks a cache file that does not read back as written.
var errHeads = errors.New("damaged cache of article headers")

// maxHeadRecord caps one record of a cache file.
const maxHeadRecord = 4 << 20

// scan reads the cache file, as ReadFile reads any file (only a regular
// file, never blocking, within a cap), and calls fn with each whole record,
// the file's path in the directory, which it starts with, and the rest of
// it, all valid only during the call; opened, when not nil, is given the
// file's information once it is open. A panic while reading the file is an
// error, like any damage. The records are passed before the checksum,
// which covers the whole file, can be checked: on an error, the caller
// forgets them.
func (h *headSource) scan(fn func(rec, rel, rest []byte), opened func(fs.FileInfo)) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errHeads
		}
	}()
	f, fi, err := safefile.Open(h.cache.file(h.root), false)
	if err != nil {
		return err
	}
	defer f.Close()
	if fi.Size() > maxHeadsFile {
		return errHeads
	}
	if opened != nil {
		opened(fi)
	}
	return readHeads(f, h.build, h.root, fn)
}

// readHeads reads a cache file written by build for the directory root
// from r, and calls fn with each whole record as scan does.
func readHeads(f io.Reader, build, root string, fn func(rec, rel, rest []byte)) error {
	head := make([]byte, len(headsMagic)+4)
	if _, err := io.ReadFull(f, head); err != nil || string(head[:len(headsMagic)]) != headsMagic {
		return errHeads
	}
	crc := crc32.New(crcTable)
	r := bufio.NewReaderSize(io.TeeReader(io.LimitReader(f, maxHeadsFile), crc), 64<<10)
	var buf []byte
	read := func(limit uint64) ([]byte, error) {
		n, err := binary.ReadUvarint(r)
		if err != nil || n > limit {
			return nil, errHeads
		}
		if n <= uint64(r.Size()) {
			// A record that fits the reader's buffer is read there, not
			// copied out first: it stays until the next read.
			b, err := r.Peek(int(n))
			if err != nil {
				return nil, errHeads
			}
			_, _ = r.Discard(int(n))
			return b, nil
		}
		if uint64(cap(buf)) < n {
			buf = make([]byte, n)
		}
		if _, err := io.ReadFull(r, buf[:n]); err != nil {
			return nil, errHeads
		}
		return buf[:n], nil
	}
	if b, err := read(maxHeadString); err != nil || string(b) != build {
		return errHeads
	}
	if r, err := read(maxHeadString); err != nil || string(r) != root {
		return errHeads
	}
	for i := 0; ; i++ {
		if i%1024 == 0 {
			// Let the first files be read and shown meanwhile.
			runtime.Gosched()
		}
		if _, err := r.Peek(1); err == io.EOF {
			break
		}
		rec, err := read(maxHeadRecord)
		if err != nil {
			return err
		}
		n, k := binary.Uvarint(rec)
		if k <= 0 || n > uint64(len(rec)-k) {
			return errHeads
		}
		// Unchecked: a path that is not clean matches no file.
		fn(rec, rec[k:k+int(n)], rec[k+int(n):])
	}
	if binary.LittleEndian.Uint32(head[len(headsMagic):]) != crc.Sum32() {
		return errHeads
	}
	return nil
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// lookup returns the cached article of the file at path, rel in the
// directory, whose directory entry is d; or, when the file must be read,
// whether its article may be cached. Only regular files are: a link is
// always read, through its checks. A file is looked at (lstat) only when
// it has a record, and then only later with CheckLater (see recheck).
//
// With keep, an article keep refuses comes Skimmed (see Loader.Keep).
// With detected, a record of an article whose countries a lazy load put
// off (see Loader.LazyDetect) is not taken: the file is read, to detect
// them, and recorded again whole.
//
// early is set for a file read while the cache file is (see maxEarly),
// when there is a cache file: its record is most likely there, whole.
func (h *headSource) lookup(path, rel string, d fs.DirEntry, w *worker, keep func(key, title, source string) bool, detected bool) (a *feed.Article, hit, cacheable, early bool) {
	h.looked.Add(1)
	if !h.looksAt(path, d) {
		return nil, false, false, false
	}
	select {
	case <-h.ready:
	default:
		if h.early.Add(1) <= h.earlyCap {
			return nil, false, true, h.size > 0
		}
		<-h.ready
	}
	key := h.relKey(rel)
	rec, ok := h.old[key]
	if ok && detected && feed.HeadUndetected(rec.body) {
		// Its record made again will differ: the cache file is written.
		h.redetected.Store(true)
		ok = false
	}
	// A tombstone (see putTomb) has no article.
	if !ok || rec.used || rec.body == "" {
		h.cache.misses.Add(1)
		return nil, false, true, false
	}
	if !h.later {
		if st, err := w.stampOf(d); err != nil || st != rec.st {
			h.cache.misses.Add(1)
			return nil, false, true, false
		}
	}
	if keep != nil {
		if p, ok := feed.PeekHead(rec.body); ok && !keep(p.Key, p.Title, p.Source) {
			h.use(path, key, rec)
			a = w.skim()
			a.ID, a.Key, a.Date, a.Location, a.File = p.ID, p.Key, p.Date, path, rec.st.file()
			return a, true, true, false
		}
	}
	decode := w.blocks.Decode
	if h.bare {
		decode = w.blocks.DecodeBare
	}
	a, err := decode(rec.body, w.in.get)
	if err != nil {
		// The file is read, and its record replaced.
		h.bad.Add(1)
		h.cache.misses.Add(1)
		return nil, false, true, false
	}
	h.use(path, key, rec)
	a.Location = path
	a.File = rec.st.file()
	return a, true, true, false
}

// looksAt reports whether lookup looks for the file at path, whose
// directory entry is d, in the cache: only regular files are there, by
// their paths as ingest leaves them.
func (h *headSource) looksAt(path string, d fs.DirEntry) bool {
	return d != nil && d.Type().IsRegular() && feed.SanitizeLine(path) == path
}

// use marks the record of the file at path, keyed key, as used, its
// article taken.
func (h *headSource) use(path string, key uint64, rec *headRecord) {
	rec.used, rec.body = true, ""
	h.hits.Add(1)
	h.cache.hits.Add(1)
	if h.later {
		f := unlookedFile{path: path, key: key, sum: h.stampSum(rec.st)}
		h.mu.Lock()
		if cap(h.unlooked) < len(h.old) {
			// Most records are taken, as a rule.
			h.unlooked = slices.Grow(h.unlooked, len(h.old)-len(h.unlooked))
		}
		h.unlooked = append(h.unlooked, f)
		h.mu.Unlock()
	}
}

// readUnwatched remembers a file that a load begun before the caller's
// watch was in place (see Loader.WatchLater) read, by the stamp it was
// read with, for recheck to look at again.
func (h *headSource) readUnwatched(path string, st stamp) {
	f := readFile{path: path, sum: h.stampSum(st)}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.read.add(f)
}

// store records a file's article, read and parsed, for the next load,
// unless the file changed too recently to be trusted.
func (h *headSource) store(rel string, st stamp, a *feed.Article) {
	limit := h.since.Add(-racyWindow).UnixNano()
	if st.mtime >= limit || st.ctime >= limit {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.out == nil && h.outErr == nil {
		h.outErr = h.create()
	}
	if h.outErr != nil {
		return
	}
	e := &h.scratch
	e.b = e.b[:0]
	e.str(rel)
	e.stamp(st)
	e.b = feed.AppendHead(e.b, a)
	h.put(e.b)
	h.fresh.add(freshKey{rel: rel, st: st})
}

// create starts the next cache file: the magic, room for the checksum,
// the build and the directory. It is readable only by the user.
func (h *headSource) create() error {
	path := h.cache.file(h.root)
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return safefile.CleanPathErr(err)
	}
	safefile.RemoveStaleTemps(path)
	f, err := os.CreateTemp(dir, safefile.TempPrefix(path)+"*")
	if err != nil {
		return safefile.CleanPathErr(err)
	}
	h.out, h.outw = f, bufio.NewWriterSize(f, 64<<10)
	e := encoder{b: append([]byte(headsMagic), 0, 0, 0, 0)}
	e.str(h.build)
	e.str(h.root)
	h.outw.Write(e.b) // a failure stays with the writer, and Flush returns it
	h.outSize = int64(len(e.b))
	return nil
}

// put writes one record to the next cache file, preceded by its length.
// Past maxHeadsFile, the file would not be read: no cache is written.
func (h *headSource) put(rec []byte) {
	var n [binary.MaxVarintLen64]byte
	k := binary.PutUvarint(n[:], uint64(len(rec)))
	h.outw.Write(n[:k])
	h.outw.Write(rec)
	h.outSize += int64(k + len(rec))
	if h.outSize > maxHeadsFile {
		h.outErr = errors.New("the cache would be too large")
	}
}

// putTomb writes a tombstone for the file at rel in the directory: a
// record with no article and a stamp no file has, which stands in for
// the record made of it before (a later record of a path stands in for
// an earlier one), so that the next load reads the file.
func (h *headSource) putTomb(rel string) {
	e := &h.scratch
	e.b = e.b[:0]
	e.str(rel)
	e.stamp(stamp{})
	h.put(e.b)
}

// discard removes the next cache file, unwritten.
func (h *headSource) discard() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.drop()
}

func (h *headSource) drop() {
	if h.out != nil {
		h.out.Close()
		os.Remove(h.out.Name())
		h.out, h.outw = nil, nil
	}
}

// write puts the next cache file in place of the old one, when anything
// changed: a file is new, changed or gone. Files read before the old
// records were ready change nothing if they had not changed. The records
// used from the old file are copied from it, read again.
//
// The file is not synced: one cut short by a crash fails its checksum,
// and is only a cache, written again by the next load.
func (h *headSource) write() (err error) {
	<-h.ready
	h.mu.Lock()
	defer h.mu.Unlock()
	defer func() {
		if err != nil {
			h.drop()
		}
		// Needed no more, while the look at what was read before the
		// caller's watch may keep h a while (see Loader.WatchLater).
		h.fresh = freshKeys{}
	}()
	if h.same {
		h.drop()
		return nil
	}
	if h.out == nil && h.outErr == nil {
		h.outErr = h.create()
	}
	if h.outErr != nil {
		return h.outErr
	}
	for _, rel := range h.tombs {
		h.putTomb(rel)
	}
	if h.hits.Load() > 0 {
		if err := h.outw.Flush(); err != nil {
			return err
		}
		mark := h.outSize
		taken := h.taken()
		err := h.scan(func(rec, rel, _ []byte) {
			if taken(maphash.Bytes(h.seed, rel)) {
				h.put(rec)
			}
		}, nil)
		if err != nil {
			// The file changed under us: keep only this load's records.
			h.outw.Reset(h.out)
			if err := h.out.Truncate(mark); err != nil {
				return err
			}
			if _, err := h.out.Seek(mark, io.SeekStart); err != nil {
				return err
			}
			h.outSize = mark
		}
		if h.outErr != nil {
			return h.outErr
		}
	}
	return h.finish()
}

// keeps reports whether the cache file stays as it is: every record not
// used was made again, the same, and nothing else was made. The caller
// holds mu, and the load's workers are done.
func (h *headSource) keeps() bool {
	// Each record used was counted as it was (see use): going through
	// the records of 100,000 files to count them took 10–15 ms, just as
	// the load's last articles were to go out.
	unused, same := len(h.old)-int(h.hits.Load()), 0
	h.fresh.each(func(k freshKey) bool {
		if old, ok := h.old[h.relKey(k.rel)]; ok && !old.used && old.st == k.st {
			same++
		}
		return true
	})
	return same == unused && same == h.fresh.n && h.bad.Load() == 0 && !h.redetected.Load()
}

// leftOut marks the walk of the directory as having left a file or a
// directory out; h may be nil.
func (h *headSource) leftOut() {
	if h != nil {
		h.partial.Store(true)
	}
}

// found records, once the load's workers are done and before the cache
// file is written (write asks same), whether the load found the directory
// as the cache file recorded it: the file stays as it is, and each file
// looked up was either taken from it or read and recorded the same. A
// file read and not recorded (a link, one changed too recently, one that
// failed) may be new or changed, and a cancelled load or a walk that left
// some out may have missed files: none is a load that found it so.
func (h *headSource) found(done bool) {
	<-h.ready
	h.mu.Lock()
	h.same = h.keeps()
	whole := done && !h.partial.Load() && h.fileOK && h.same && h.looked.Load() == h.hits.Load()+int64(h.fresh.n)
	// Files not looked at are not known to be as recorded: the look
	// tells (see recheck).
	same := whole && len(h.unlooked) == 0 && !h.rereads()
	h.foundLater = whole && !same
	h.mu.Unlock()
	c := h.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if !same {
		delete(c.found, h.root)
		return
	}
	c.setFound(h)
}

// setFound records that load h found its directory as the cache file
// recorded it. The caller holds mu.
func (c *HeadCache) setFound(h *headSource) {
	if c.found == nil {
		c.found = map[string]stamp{}
	}
	c.found[h.root] = h.file
}

// foundAfterLook records, once the look CheckLater put off found nothing
// changed or gone, that load h found its directory as the cache file
// recorded it, when the load's workers found it so (foundLater) and no
// load started since. The caller holds h.mu.
func (h *headSource) foundAfterLook() {
	if !h.foundLater || !h.same {
		return
	}
	h.foundLater = false
	c := h.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == h.gen {
		c.setFound(h)
	}
}

// forgetFound forgets what the loads before found, as a load starts, and
// returns the load's number.
func (c *HeadCache) forgetFound() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.found)
	c.gen++
	return c.gen
}

// Unchanged reports whether the last load of the directory at root (its
// absolute path) found every file of it as the directory's cache file
// recorded them, none new, gone, changed or unreadable, and so left the
// cache file as it was: its articles are those of the cache file, as the
// last load that found it unchanged had them too. See Memo.
func (c *HeadCache) Unchanged(root string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.found[root]
	return ok
}

// memoMagic starts every memo file; the number is the layout's version.
const memoMagic = "gazette-memo 1\n"

// maxMemo caps a memo.
const maxMemo = 64 << 10

// memoFile returns the memo file of the directory whose absolute path is
// dir, beside its cache file.
func (c *HeadCache) memoFile(dir string) string { return c.file(dir) + ".memo" }

// SetMemo keeps memo, what a caller worked out from the articles of the
// directory at root, for as long as its cache file stays as the last load
// found it unchanged. It does nothing when that load did not find it so.
// The memo is only a saving: it is written, readable by the user alone,
// to the cache directory, and lost with it.
func (c *HeadCache) SetMemo(root string, memo []byte) error {
	c.mu.Lock()
	file, ok := c.found[root]
	c.mu.Unlock()
	if !ok || len(memo) > maxMemo {
		return nil
	}
	e := encoder{b: []byte(memoMagic)}
	e.str(c.build())
	e.str(root)
	e.stamp(file)
	e.str(string(memo))
	path := c.memoFile(root)
	// A memo's temporary file that a killed program left behind.
	safefile.RemoveStaleTemps(path)
	return safefile.WriteFileAtomic(path, appendCRC(e.b), 0o600)
}

// appendCRC appends the checksum of b to it.
func appendCRC(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

// Memo returns the memo SetMemo kept for the directory at root, when the
// last load found it unchanged and its cache file is the one the memo was
// kept for; nil otherwise. A memo file is read as untrusted input, like
// the cache file: one that does not read back as written is none.
func (c *HeadCache) Memo(root string) []byte {
	c.mu.Lock()
	file, ok := c.found[root]
	c.mu.Unlock()
	if !ok {
		return nil
	}
	data, err := safefile.ReadFile(c.memoFile(root), maxMemo+maxHeadString*2+256)
	if err != nil {
		return nil
	}
	return readMemo(data, c.build(), root, file)
}

// readMemo returns the memo in data, a memo file, when it was written by
// build for root and the cache file with stamp file, and is whole.
func readMemo(data []byte, build, root string, file stamp) []byte {
	if len(data) < len(memoMagic)+4 || string(data[:len(memoMagic)]) != memoMagic {
		return nil
	}
	body, sum := data[:len(data)-4], data[len(data)-4:]
	if crc32.Checksum(body, crcTable) != binary.LittleEndian.Uint32(sum) {
		return nil
	}
	d := decoder{b: body[len(memoMagic):]}
	b, r := d.str(maxHeadString), d.str(maxHeadString)
	st, n, ok := readStamp(d.b)
	if !ok || d.err || string(b) != build || string(r) != root || st != file {
		return nil
	}
	d.b = d.b[n:]
	memo := d.str(maxMemo)
	if d.err || len(d.b) != 0 {
		return nil
	}
	return memo
}

// decoder reads what encoder appends; err is set at the first value that
// does not fit.
type decoder struct {
	b   []byte
	err bool
}

// str reads a string of at most limit bytes.
func (d *decoder) str(limit uint64) []byte {
	n, k := binary.Uvarint(d.b)
	if d.err || k <= 0 || n > limit || n > uint64(len(d.b)-k) {
		d.err = true
		return nil
	}
	s := d.b[k : k+int(n)]
	d.b = d.b[k+int(n):]
	return s
}

// finish completes the next cache file, its records written: the
// checksum, then the rename over the cache file. The caller holds mu, and
// drops the file on an error.
func (h *headSource) finish() (err error) {
	if err := h.outw.Flush(); err != nil {
		return err
	}
	// The checksum covers all that follows it, read back: the records of
	// the old file were copied in, and some perhaps cut off again.
	start := int64(len(headsMagic) + 4)
	crc := crc32.New(crcTable)
	if _, err := io.Copy(crc, io.NewSectionReader(h.out, start, h.outSize-start)); err != nil {
		return err
	}
	if _, err := h.out.WriteAt(binary.LittleEndian.AppendUint32(nil, crc.Sum32()), start-4); err != nil {
		return err
	}
	name := h.out.Name()
	err = h.out.Close()
	h.out, h.outw = nil, nil
	if err == nil {
		err = os.Rename(name, h.cache.file(h.root))
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}

// file returns the part of the stamp an article carries.
func (st stamp) file() feed.FileStamp {
	return feed.FileStamp{Size: st.size, ModTime: st.mtime}
}

// readStamp reads the stamp at the start of b (after a record's path),
// and how many bytes it took.
func readStamp(b []byte) (st stamp, n int, ok bool) {
	var v [5]uint64
	for i := range v {
		x, k := binary.Uvarint(b[n:])
		if k <= 0 {
			return stamp{}, 0, false
		}
		v[i], n = x, n+k
	}
	zig := func(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }
	return stamp{size: zig(v[0]), mtime: zig(v[1]), ctime: zig(v[2]), ino: v[3], dev: v[4]}, n, true
}

// maxHeadString caps the build and directory names at the head of a
// cache file.
const maxHeadString = 64 << 10

// encoder appends the cache's values: unsigned varints, zig-zag signed
// varints, and strings as a length and bytes.
type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }

func (e *encoder) stamp(st stamp) {
	e.int(st.size)
	e.int(st.mtime)
	e.int(st.ctime)
	e.uint(st.ino)
	e.uint(st.dev)
}
