// Package load reads articles from directories, files, standard input and
// (through an injected fetch function) URLs: bounded workers, size caps,
// body re-reads, and the header cache that lets a large directory load
// again without reading the files that did not change.
package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/safefile"
)

// DefaultMaxFileSize caps how much of one file is read.
const DefaultMaxFileSize = 8 << 20

// DefaultNetWorkers is how many URLs a load fetches at once.
const DefaultNetWorkers = 16

// DefaultHostLimit is how many URLs of one host a load fetches at once.
const DefaultHostLimit = 4

// DefaultMaxFiles caps how many files one directory source may hold.
const DefaultMaxFiles = 1_000_000

// Source is one place to load articles from.
type Source struct {
	// Location is a directory, a file, "-" for standard input, or a URL.
	Location string
	// Name is an optional display name for errors and progress.
	Name string
	// Tags are added to every article the source yields.
	Tags []string
	// ArticleSource, when set, replaces the source of every article the
	// source yields: the name the user gave it in the config, which the
	// list shows and source: matches.
	ArticleSource string
	// FS, when set, is the file system Location is read from, such as the
	// embedded sample feed.
	FS fs.FS
}

// String returns the source's name, or its location.
func (s Source) String() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Location
}

// Result is one item of a load stream: articles, skimmed articles, or an
// error that names the source it came from. Exactly one of the three is
// set. The articles are the receiver's: the loader keeps no reference to
// them once sent, and the receiver may change them.
type Result struct {
	// Articles are articles of one source, passed on together: each of a
	// worker's batch of jobs (see queue) is sent at once. Sent one at a
	// time, through the channel and every stage after it, 100,000 articles
	// cost a sixth of a load from the header cache.
	Articles []*feed.Article
	// Skimmed holds articles of one source that Loader.Keep refused, each
	// Skimmed, passed on together: a search may skim 100,000 of them, and
	// passed one at a time they cost more than the lookups that made them.
	// Only a load with Keep set yields them.
	Skimmed []*feed.Article
	Err     error
	// Source is the Location of the Source the result came from, so that
	// a caller can tell what each source listed: an article's own
	// Location is its file, or its link for a feed item.
	Source string
}

// SourceError is a failure to read or parse one source. Its message is
// sanitized, so it is safe to print.
type SourceError struct {
	// Source is the path or URL that failed, sanitized.
	Source string
	// Err is what went wrong.
	Err error
}

// Error returns "source: reason", safe for a terminal.
func (e *SourceError) Error() string {
	return feed.SanitizeLine(fmt.Sprintf("%s: %v", feed.QuoteName(e.Source), e.Err))
}

// Unwrap returns the underlying error.
func (e *SourceError) Unwrap() error { return e.Err }

// Loader reads articles from sources, concurrently and with bounds.
type Loader struct {
	// MaxFileSize caps one file or stdin; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// MaxFiles caps the files of one directory; 0 means DefaultMaxFiles.
	MaxFiles int
	// Workers bounds how many files are read at once; 0 means a default
	// suited to the machine.
	Workers int
	// NetWorkers bounds how many URLs are fetched at once; 0 means
	// DefaultNetWorkers. URLs have workers of their own, so a server that
	// never answers holds none of the workers that read files.
	NetWorkers int
	// HostLimit bounds how many URLs of one host are fetched at once; 0
	// means DefaultHostLimit.
	HostLimit int
	// Waiting, when set, is told the URL sources of a load that have not
	// finished yet, each time that list changes, and finally an empty list.
	// It may be called from several goroutines, one call at a time.
	Waiting func(locations []string)
	// Stdin is read for the source "-"; nil means no standard input.
	Stdin io.Reader
	// Fetch reads a URL source. Nil means URLs cannot be loaded.
	Fetch func(ctx context.Context, rawURL string) (feed.Doc, error)
	// Linked, when set, marks the context of a fetch of a URL that a
	// fetched document named (the feed a home page names) with the URL of
	// that document, so that the fetch can be held to what content may
	// reach; fetch.FromContent fits.
	Linked func(ctx context.Context, carrier string) context.Context
	// Carried, when set, is told of each article a URL source yields,
	// with the URL of the document that carried it (after redirects), so
	// that a link in the article can later be followed under the same
	// rule. It may be called from several goroutines.
	Carried func(a *feed.Article, carrier string)
	// DropBodies leaves out the body (Article.Body nil) of every article
	// that is a file of its own, after its countries are detected, so that
	// 100,000 articles cost their headers and not their text; Body reads
	// one again when it is wanted. Articles of feeds, standard input, URLs
	// and FS sources keep their bodies: reading one again would mean
	// reading and parsing the whole source.
	DropBodies bool
	// DropFootnotes, with DropBodies, leaves out the footnotes (Refs and
	// Images nil) of every article whose body is left out: Body brings
	// them back with the body. For a reader, which shows an article's
	// footnotes only with its body; a command that prints them must not
	// set it. At 100,000 articles, reading them from the header cache was
	// a sixth of its decoding.
	DropFootnotes bool
	// Heads, with DropBodies, keeps what is left of the articles of each
	// directory source in a cache, so that the next load reads only the
	// files that changed. Nil means no cache.
	Heads *HeadCache
	// LazyDetect puts off country detection for articles that declare
	// their countries (see feed.ParseDocLazy): they come Undetected, and
	// Body or Detect detects them when they are wanted. Without it every
	// article comes detected, those cached Undetected too.
	LazyDetect bool
	// FirstRows, with Heads, reads the first files of a directory from the
	// files while a large cache file is read (up to maxEarly), so that a
	// reader shows its first rows at once. Without it every file waits for
	// the cache file, which answers for one at a fraction of the cost of
	// reading it: what a caller that uses the articles once the load is
	// done wants.
	FirstRows bool
	// CheckLater, with Heads, takes a file that the header cache holds a
	// record of from its record without looking at the file (an lstat)
	// first: at 100,000 files, those lstats are a quarter of a second
	// launch's wait for its list. The files are looked at after the load
	// has delivered its last article, when Stale asks (or a few seconds
	// later), and before its cache is written; the records of those
	// changed or gone since are dropped from the cache, and Stale names
	// them. The directory is listed all the same: a file added or removed
	// shows in the load itself. For a reader, which lists at once and
	// reads again what Stale names; a command that prints what it loaded
	// and exits must not set it.
	CheckLater bool
	// WatchLater, with CheckLater, is for a caller that starts watching
	// the directories it loads once the load is over, not before it: a
	// reader, whose first rows would otherwise wait for the watch. Adding
	// an inotify watch to a directory has the kernel mark every file of it
	// that it knows, and a file opened or listed in the directory
	// meanwhile waits: 25 ms at 300,000 files. Every file read, in a
	// directory with a header cache, by a load that began before the
	// caller called Watched is looked at again once the watch is in place,
	// against the stamp it was read with, along with the files CheckLater
	// took unlooked, and so is every directory it listed, against its
	// stamp from before the listing: a change between a read or a listing
	// and the watch is not missed (see Stale). Such a load that took no
	// file unlooked writes its cache at once; the record of a file the
	// look then finds changed is taken by the next load, and looked at
	// after it, as any record is.
	WatchLater bool
	// Keep, when set, is asked of each article the header cache holds
	// (see Heads), given its key, its title and its source, before the
	// rest of its record is decoded. An article Keep refuses comes
	// Skimmed: a placeholder that tells its key, date, location and file,
	// for a caller that must know every article a source lists but wants
	// only some of them whole (a search answered by an index). Articles
	// read from their files come whole, asked nothing.
	Keep func(key, title, source string) bool

	// Start, when not nil, holds a load until it is closed (or the load's
	// context ends): Load returns at once, its goroutines started, and
	// nothing is listed or read before. A program whose own start-up must
	// not wait behind the load's work opens it once it is up: a reader
	// lets its terminal's setup and first frame run first.
	Start <-chan struct{}

	// Pipe, when set, is what the results of Load pass through before the
	// caller reads them. The program sets process policy there, such as a
	// memory limit held while a load runs, which a library must not set
	// itself. Nil passes the results as they are. It is called as Load
	// begins, before any file is read.
	Pipe func(ctx context.Context, results <-chan Result) <-chan Result
	// Expect, when set, is told, as the load opens each directory's header
	// cache (see Heads), about how much memory the articles of its records
	// will take once decoded: the live heap a load that finds its files
	// unchanged grows by, making little garbage, as it takes them. A
	// program that paces the collector (see Pipe) can let the heap grow
	// that far before it collects, rather than collect again and again
	// a heap that is all live. It may be called from several goroutines.
	Expect func(bytes int64)

	// parse parses a document; nil means feed.ParseDoc. Tests give a
	// parser that fails in ways the real ones should not.
	parse func(feed.Doc) ([]*feed.Article, error)

	// dirs are the directory sources loaded, as given, so that Body reads
	// a file again through its directory and cannot leave it either.
	dirs sync.Map
	// later holds the loads whose looks CheckLater put off, for Stale.
	later laterChecks
	// watched is opened by Watched.
	watched gate
}

func (l *Loader) maxFileSize() int64 {
	if l.MaxFileSize > 0 {
		return l.MaxFileSize
	}
	return DefaultMaxFileSize
}

func (l *Loader) maxFiles() int {
	if l.MaxFiles > 0 {
		return l.MaxFiles
	}
	return DefaultMaxFiles
}

func (l *Loader) netWorkers() int {
	if l.NetWorkers > 0 {
		return l.NetWorkers
	}
	return DefaultNetWorkers
}

func (l *Loader) hostLimit() int {
	if l.HostLimit > 0 {
		return l.HostLimit
	}
	return DefaultHostLimit
}

func (l *Loader) workers() int {
	if l.Workers > 0 {
		return l.Workers
	}
	return max(4, 2*runtime.GOMAXPROCS(0))
}

// resultBuffer is how many results wait for the reader of a load: enough
// that the workers go on while it takes in a batch.
const resultBuffer = 4096

// job is one document to read and parse.
type job struct {
	// of is what the jobs of its source share.
	of   *jobSource
	path string // a file path, "-", or a URL
	// For a file of a directory source: its path in the directory and its
	// directory entry.
	rel string
	d   fs.DirEntry
	// regular is set for a file that was a regular file, not a link, when
	// it was listed; it is opened as one.
	regular bool
}

// jobSource is what the jobs of one source share, each through a pointer:
// a job is 64 bytes, where it was 160 with a copy of all of this.
type jobSource struct {
	src Source
	// For a directory source: its header cache, which may be nil, and the
	// directory, which a file's rel is opened through so that it cannot
	// lead out of it.
	heads *headSource
	root  *os.Root
}

// Load streams the articles of every source on the returned channel, which
// is closed when all are done or ctx is cancelled. Order is not defined:
// callers sort. A failing file or source yields one Result with a
// *SourceError, and the rest still load. The header cache, if any, is
// written after the channel closes; see HeadCache.Wait.
func (l *Loader) Load(ctx context.Context, sources []Source) <-chan Result {
	var gen uint64
	if l.Heads != nil {
		// Unchanged answers for this load from now on.
		gen = l.Heads.forgetFound()
	}
	out := make(chan Result, resultBuffer)
	// The pipe's policy holds from the first file read.
	results := (<-chan Result)(out)
	if l.Pipe != nil {
		results = l.Pipe(ctx, out)
	}
	jobs := make(chan []job, queueDepth)
	free := make(chan []job, queueDepth)
	// URL jobs never wait to be queued: the queue holds them all, so a
	// source listed after a URL is read however slow the URL is.
	var urls []Source
	for _, src := range sources {
		if src.FS == nil && feed.IsURL(src.Location) {
			urls = append(urls, src)
		}
	}
	netJobs := make(chan job, len(urls))
	st := newLoadState()
	st.gen = gen
	var wg sync.WaitGroup
	for range l.workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var w worker
			l.work(ctx, st, &w, jobs, free, out)
		}()
	}
	if len(urls) > 0 {
		wait := newWaitList(urls, l.Waiting)
		hosts := newHostLimiter(l.hostLimit())
		for range min(l.netWorkers(), len(urls)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var w worker
				for j := range netJobs {
					if hosts.acquire(ctx, j.path) {
						l.run(ctx, st, &w, j, out)
						w.flush(ctx, out, j.of.src)
						hosts.release(j.path)
					}
					wait.done(j.path)
				}
			}()
		}
	}
	go func() {
		defer close(jobs)
		defer close(netJobs)
		if l.Start != nil {
			select {
			case <-l.Start:
			case <-ctx.Done():
				return
			}
		}
		q := &queue{jobs: jobs, free: free}
		for _, src := range sources {
			if ctx.Err() != nil {
				return
			}
			if src.FS == nil && feed.IsURL(src.Location) {
				netJobs <- job{of: &jobSource{src: src}, path: src.Location}
				continue
			}
			l.expand(ctx, st, src, q, out)
			// A source's files wait for no other's listing.
			q.flush(ctx)
		}
	}()
	if l.Heads != nil {
		l.Heads.writing.Add(1)
	}
	var later *laterLoad
	if l.CheckLater && l.DropBodies && l.Heads != nil {
		var watched *gate
		if l.WatchesLater() {
			watched = &l.watched
		}
		later = l.later.add(watched)
	}
	go func() {
		wg.Wait()
		// Every file was read or looked up: the cache may be written,
		// even if ctx ends while the looks CheckLater put off wait.
		whole := ctx.Err() == nil
		for _, h := range st.heads {
			h.found(whole)
		}
		for _, r := range st.roots {
			r.Close()
		}
		for _, d := range st.dirs {
			d.Close()
		}
		if l.Heads != nil {
			defer l.Heads.writing.Done()
		}
		// The list is whole: it is the caller's before the cache is written.
		close(out)
		write := func() {
			for _, h := range st.heads {
				if !whole {
					h.discard()
					continue
				}
				// The cache is only a saving: a failure to write it costs
				// the next load time, and is no error of any source.
				_ = h.write()
			}
		}
		switch {
		case later == nil:
			write()
		case slices.ContainsFunc(st.heads, (*headSource).tookUnlooked):
			// The records of files found stale are left out.
			l.later.wait(ctx, later, st.heads)
			write()
		default:
			// Every file was read: the cache is written at once, and the
			// files read before the caller's watch are looked at after.
			// A record of one found changed then is taken by the next
			// load, and looked at after it as any other.
			write()
			l.later.wait(ctx, later, st.heads)
		}
	}()
	return results
}

// LoadAll loads every source and returns the articles, newest first, and
// the errors, in the order they arrived. The header cache may still be
// being written; see HeadCache.Wait.
func (l *Loader) LoadAll(ctx context.Context, sources []Source) ([]*feed.Article, []error) {
	return Collect(l.Load(ctx, sources))
}

// Collect takes every result of a load, and returns the articles, newest
// first, and the errors, in the order they arrived.
func Collect(ch <-chan Result) ([]*feed.Article, []error) {
	var arts []*feed.Article
	var errs []error
	for r := range ch {
		switch {
		case r.Err != nil:
			errs = append(errs, r.Err)
		case r.Articles != nil:
			arts = append(arts, r.Articles...)
		default:
			arts = append(arts, r.Skimmed...)
		}
	}
	feed.SortNewest(arts)
	return arts, errs
}

func send(ctx context.Context, out chan<- Result, r Result) bool {
	select {
	case out <- r:
		return true
	case <-ctx.Done():
		return false
	}
}

func sendErr(ctx context.Context, out chan<- Result, src Source, name string, err error) {
	send(ctx, out, Result{Err: &SourceError{Source: name, Err: err}, Source: src.Location})
}

// loadState is what the workers of one Load share.
type loadState struct {
	// cwd makes relative paths absolute for article IDs, as filepath.Abs
	// would, without asking the system once per file.
	cwd string
	// heads are the caches of the directories loaded, written at the end;
	// only the goroutine listing the sources adds to it.
	heads []*headSource
	// roots are the directory sources open, closed once every job is done;
	// only the goroutine listing the sources adds to it.
	roots []*os.Root
	// dirs are the directories listed whose files are kept open until
	// the load ends, for their entries' FileInfo (see readDir); only the
	// walker adds to it.
	dirs []*os.File
	// gen is the load's number in its header cache (see forgetFound).
	gen uint64
}

// maxOpenDirs bounds loadState.dirs: past it, an entry's FileInfo is
// looked up through the root, which costs more but holds no descriptor.
const maxOpenDirs = 64

// keepDir keeps a listed directory's file open until the load ends, if
// there is room.
func (st *loadState) keepDir(f *os.File) bool {
	if len(st.dirs) >= maxOpenDirs {
		return false
	}
	st.dirs = append(st.dirs, f)
	return true
}

func newLoadState() *loadState {
	cwd, _ := os.Getwd()
	return &loadState{cwd: cwd}
}

// absPath returns path made absolute, as filepath.Abs does, or "" when the
// working directory is unknown.
func (st *loadState) absPath(path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	if st.cwd == "" {
		return ""
	}
	return filepath.Join(st.cwd, path)
}

// absLocation returns path made absolute, as loadState.absPath does,
// looking up the working directory only for a relative path: a body
// read again for the index costs a few system calls less.
func absLocation(path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return newLoadState().absPath(path)
}

// expand turns a source into jobs: one per file of a directory, or one for
// a file, stdin or a URL.
func (l *Loader) expand(ctx context.Context, st *loadState, src Source, q *queue, out chan<- Result) {
	loc := src.Location
	if src.FS != nil {
		l.walkFS(ctx, src, q, out)
		return
	}
	if loc == "-" || feed.IsURL(loc) {
		q.add(ctx, job{of: &jobSource{src: src}, path: loc})
		return
	}
	fi, err := os.Stat(loc)
	if err != nil {
		sendErr(ctx, out, src, loc, safefile.CleanPathErr(err))
		return
	}
	if !fi.IsDir() {
		// A file named itself, not through a link, is opened as a file.
		lfi, err := os.Lstat(loc)
		regular := err == nil && lfi.Mode().IsRegular()
		q.add(ctx, job{of: &jobSource{src: src}, path: loc, regular: regular})
		return
	}
	l.walk(ctx, st, src, q, out)
}

// walk lists a directory tree as it reads it, a chunk of entries at a time
// and unsorted, so that the first files are read while a directory of
// 100,000 is still being listed (sorting would mean reading it all
// first). Directories wait on a stack, not in recursion, so depth costs
// no stack. Symbolic links to directories are never followed, so no loop
// and no escape is possible; links to files are followed only when their
// target lies inside the root.
func (l *Loader) walk(ctx context.Context, st *loadState, src Source, q *queue, out chan<- Result) {
	root := src.Location
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		sendErr(ctx, out, src, root, safefile.CleanPathErr(err))
		return
	}
	realRoot, _ = filepath.Abs(realRoot)
	// Everything under the source is opened through it: a directory
	// swapped for a link to elsewhere between listing and reading cannot
	// lead out, since each step of a path is opened relative to the last.
	dirRoot, err := os.OpenRoot(root)
	if err != nil {
		sendErr(ctx, out, src, root, safefile.CleanPathErr(err))
		return
	}
	st.roots = append(st.roots, dirRoot)
	l.dirs.Store(filepath.Clean(root), true)
	var heads *headSource
	if abs := st.absPath(root); l.DropBodies && l.Heads != nil && abs != "" {
		if heads = l.Heads.openHeads(abs, l.FirstRows); heads != nil {
			heads.src, heads.later, heads.bare = src, l.CheckLater, l.DropFootnotes
			heads.dir = filepath.Clean(root)
			heads.gen = st.gen
			heads.unwatched = l.WatchesLater() && !l.watched.opened()
			st.heads = append(st.heads, heads)
			if l.Expect != nil && heads.size > 0 {
				l.Expect(decodedSize(heads.size))
			}
		}
	}
	of := &jobSource{src: src, heads: heads, root: dirRoot}
	count := 0
	// dirAt is a directory waiting to be listed: its path, and its path in
	// the root.
	type dirAt struct{ path, rel string }
	var stack []dirAt
	// visit handles one entry of dir; false stops the walk.
	visit := func(dir dirAt, d fs.DirEntry) bool {
		name := d.Name()
		path := joinClean(dir.path, name)
		rel := joinClean(dir.rel, name)
		if d.IsDir() {
			if !strings.HasPrefix(name, ".") {
				stack = append(stack, dirAt{path, rel})
			}
			return true
		}
		if strings.HasPrefix(name, ".") {
			return true
		}
		if !feed.HasFormat(name) {
			return true
		}
		switch mode := d.Type(); {
		case mode.IsRegular():
		case mode&fs.ModeSymlink != 0:
			if err := linkInside(path, realRoot); err != nil {
				heads.leftOut()
				sendErr(ctx, out, src, path, err)
				return true
			}
		default:
			heads.leftOut()
			sendErr(ctx, out, src, path, errors.New("not a regular file; skipped"))
			return true
		}
		count++
		if count > l.maxFiles() {
			heads.leftOut()
			sendErr(ctx, out, src, root, fmt.Errorf("more than %d files; the rest are skipped", l.maxFiles()))
			return false
		}
		return q.add(ctx, job{of: of, path: path, rel: rel, d: d, regular: d.Type().IsRegular()})
	}
	stack = append(stack, dirAt{path: filepath.Clean(root)})
	for len(stack) > 0 && ctx.Err() == nil {
		dir := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if heads != nil && heads.unwatched {
			heads.listing(dirRoot, dir.path, dir.rel)
		}
		more, err := readDir(dirRoot, dir.rel, st.keepDir, func(d fs.DirEntry) bool { return visit(dir, d) })
		// A directory's files wait for no other's listing.
		more = q.flush(ctx) && more
		if err != nil && ctx.Err() == nil {
			heads.leftOut()
			sendErr(ctx, out, src, dir.path, safefile.CleanPathErr(err))
		}
		if !more {
			return
		}
	}
}

// joinClean is filepath.Join(dir, name) for a clean dir and a name read
// from a directory, which holds no separator and is neither "." nor "..":
// it does without Join's Clean, which is a fair part of listing 100,000
// files.
func joinClean(dir, name string) string {
	switch {
	case runtime.GOOS == "windows":
		// Volume names ("C:") join as Join knows.
		return filepath.Join(dir, name)
	case dir == "" || dir == ".":
		return name
	case os.IsPathSeparator(dir[len(dir)-1]):
		return dir + name
	}
	return dir + string(filepath.Separator) + name
}

// walkFS lists the files of an fs.FS source.
func (l *Loader) walkFS(ctx context.Context, src Source, q *queue, out chan<- Result) {
	of := &jobSource{src: src}
	err := fs.WalkDir(src.FS, src.Location, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			sendErr(ctx, out, src, path, safefile.CleanPathErr(err))
			return nil
		}
		if !feed.HasFormat(path) || !d.Type().IsRegular() {
			return nil
		}
		if !q.add(ctx, job{of: of, path: path}) {
			return ctx.Err()
		}
		return nil
	})
	if err != nil && ctx.Err() == nil {
		sendErr(ctx, out, src, src.Location, safefile.CleanPathErr(err))
	}
}

// linkInside returns nil when the symbolic link at path resolves to a
// regular file inside root, and otherwise says why the link is skipped.
func linkInside(path, root string) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		// A loop, or a link to nothing.
		return errors.New("symbolic link is broken or loops; skipped")
	}
	target, err = filepath.Abs(target)
	if err != nil {
		return errors.New("symbolic link cannot be resolved; skipped")
	}
	rel, err := filepath.Rel(root, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return errors.New("symbolic link leads outside the directory; skipped")
	}
	if fi, err := os.Stat(target); err != nil || !fi.Mode().IsRegular() {
		return errors.New("symbolic link leads to something that is not a regular file; skipped")
	}
	return nil
}

// worker is what one goroutine of a load keeps from job to job.
type worker struct {
	// in shares strings among the worker's own articles, with no lock to
	// wait on.
	in interner
	// buf is read into, file after file: what the parsers make of a file
	// is copied out of it, and the next file is read over it.
	buf []byte
	// lent are the blocks a dropped body was parsed into, lent to the
	// next parse (feed.Doc.Blocks).
	lent []feed.Block
	// stat is what fstat said of the file at hand, when it was read
	// through its directory (readListed): a file's costs no allocation.
	stat listedStat
	// skims is where skimmed articles are made, a block at a time: a
	// search may skim every file of a large directory.
	skims []feed.Article
	// blocks is where the articles taken from the header cache are made,
	// and their lists.
	blocks feed.HeadBlocks
	// arts and skimmed are the articles and the skimmed articles of the
	// batch of jobs at hand, sent together once it is done.
	arts, skimmed []*feed.Article
	// held are the batches held while their header cache is read, and
	// heldJobs counts their jobs (see work); looked is what was found of
	// the file of the job at hand then, if it was held.
	held     []heldBatch
	heldJobs int
	looked   *look
}

// work runs the batches of jobs as they come, and those it held.
//
// A batch whose directory's header cache is still being read, and whose
// files are looked at (lstat) before their records are taken (no
// CheckLater), is held until the cache is read, up to maxHeld jobs, and
// its files looked at meanwhile: those looks were a fifth of the CPU of a
// second `list --json`, and while one core read the cache file the other
// had nothing to do.
func (l *Loader) work(ctx context.Context, st *loadState, w *worker, jobs <-chan []job, free chan<- []job, out chan<- Result) {
	for {
		var ready <-chan struct{}
		if len(w.held) > 0 {
			ready = w.held[0].jobs[0].of.heads.ready
		}
		select {
		case b, ok := <-jobs:
			if !ok {
				l.runHeld(ctx, st, w, free, out)
				return
			}
			if w.hold(b) {
				continue
			}
			l.runHeld(ctx, st, w, free, out)
			l.runBatch(ctx, st, w, b, nil, free, out)
		case <-ready:
			l.runHeld(ctx, st, w, free, out)
		}
	}
}

// runBatch runs a batch of jobs, all of one source (see queue), and sends
// their articles. looked, when not nil, holds what hold found of each
// job's file.
func (l *Loader) runBatch(ctx context.Context, st *loadState, w *worker, b []job, looked []look, free chan<- []job, out chan<- Result) {
	for i, j := range b {
		if looked != nil {
			w.looked = &looked[i]
		}
		l.run(ctx, st, w, j, out)
	}
	w.looked = nil
	if w.flush(ctx, out, b[0].of.src) {
		// The reader of the results was made ready on this processor,
		// and would wait until the worker blocks or is preempted (up to
		// 10 ms, more at start-up): a reader's first rows, its pump and
		// its frames waited so, behind workers that never block on a
		// file of a warm cache.
		runtime.Gosched()
	}
	recycle(free, b)
}

// runHeld runs the batches hold held, in the order they came.
func (l *Loader) runHeld(ctx context.Context, st *loadState, w *worker, free chan<- []job, out chan<- Result) {
	for i, h := range w.held {
		l.runBatch(ctx, st, w, h.jobs, h.looked, free, out)
		w.held[i] = heldBatch{}
	}
	w.held, w.heldJobs = w.held[:0], 0
}

// maxHeld is how many jobs a worker holds at most while a header cache is
// read: about what one core looks at while a cache of 100,000 records is
// read (some 60 ms), and 2 MB of jobs and looks.
const maxHeld = 16384

// heldBatch is a batch of jobs hold held, and what it found of each
// job's file.
type heldBatch struct {
	jobs   []job
	looked []look
}

// look is what lstat found of a job's file, taken ahead of its lookup.
type look struct {
	taken bool
	st    stamp
	err   error
}

// hold holds b, looking at its files, when its directory's header cache
// is still being read and its files are to be looked at (see work); it
// reports whether it did.
func (w *worker) hold(b []job) bool {
	h := b[0].of.heads
	if h == nil || h.later || w.heldJobs+len(b) > maxHeld {
		return false
	}
	select {
	case <-h.ready:
		return false
	default:
	}
	looked := make([]look, len(b))
	for i, j := range b {
		if h.looksAt(j.path, j.d) {
			looked[i].st, looked[i].err = entryStamp(j.d)
			looked[i].taken = true
			h.cache.looksAhead.Add(1)
		}
	}
	w.held = append(w.held, heldBatch{jobs: b, looked: looked})
	w.heldJobs += len(b)
	return true
}

// stampOf returns the stamp of d's file: the one hold took, or one taken
// now.
func (w *worker) stampOf(d fs.DirEntry) (stamp, error) {
	if l := w.looked; l != nil && l.taken {
		return l.st, l.err
	}
	return entryStamp(d)
}

// flush sends the articles of the batch of jobs at hand, all of src, and
// reports whether it sent any.
func (w *worker) flush(ctx context.Context, out chan<- Result, src Source) bool {
	sent := len(w.arts) > 0 || len(w.skimmed) > 0
	if len(w.arts) > 0 {
		send(ctx, out, Result{Articles: w.arts, Source: src.Location})
		w.arts = nil
	}
	if len(w.skimmed) > 0 {
		send(ctx, out, Result{Skimmed: w.skimmed, Source: src.Location})
		w.skimmed = nil
	}
	return sent
}

// skimBlock is how many skimmed articles a worker allocates at once.
const skimBlock = 256

// skim returns a new skimmed article, taken from the worker's block.
func (w *worker) skim() *feed.Article {
	if len(w.skims) == cap(w.skims) {
		w.skims = make([]feed.Article, 0, skimBlock)
	}
	// The block is zeroed when made: setting a field costs less than
	// copying in a whole article.
	w.skims = w.skims[:len(w.skims)+1]
	a := &w.skims[len(w.skims)-1]
	a.Skimmed = true
	return a
}

// maxKeptBuffer is the largest read buffer a worker keeps for the next
// file; a larger file's is let go.
const maxKeptBuffer = 256 << 10

// maxLentBlocks caps the blocks a worker lends its parses (see
// feed.Doc.Blocks): a news article has a few dozen.
const maxLentBlocks = 1024

// run reads and parses one job, turning a panic in a parser into an error
// for that source alone.
func (l *Loader) run(ctx context.Context, st *loadState, w *worker, j job, out chan<- Result) {
	in := &w.in
	if ctx.Err() != nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			sendErr(ctx, out, j.of.src, j.path, fmt.Errorf("internal error while parsing: %v", p))
		}
	}()
	cacheable, early := false, false
	if j.of.heads != nil {
		var a *feed.Article
		var hit bool
		a, hit, cacheable, early = j.of.heads.lookup(j.path, j.rel, j.d, w, l.keep(j.of.src), !l.LazyDetect)
		if hit && a.Skimmed {
			w.skimmed = append(w.skimmed, a)
			return
		}
		if hit {
			applySource(a, j.of.src)
			w.arts = append(w.arts, a)
			return
		}
	}
	doc, fi, err := l.read(ctx, st, j, w.buf, &w.stat)
	if cacheable && fi != nil && j.of.heads.unwatched {
		// Looked at again once the caller's watch is in place.
		j.of.heads.readUnwatched(j.path, fileStamp(fi))
	}
	if err != nil {
		sendErr(ctx, out, j.of.src, j.path, err)
		return
	}
	// droppable: an article of the file has its body dropped below, and
	// read again when wanted.
	droppable := l.DropBodies && rereadable(j)
	parse := l.parse
	switch {
	case parse != nil:
	case early:
		// Read for the first rows while the cache file is, when the
		// cache most likely has it detected: put off, its countries
		// would be detected again after the load, and its record, made
		// again undetected, saved again with them.
		parse = feed.ParseDoc
	case l.LazyDetect && droppable:
		parse = feed.ParseDocLazyHead
	case l.LazyDetect:
		parse = feed.ParseDocLazy
	default:
		parse = feed.ParseDoc
	}
	// A body to drop is read in the file's bytes, lent (see slim), into
	// blocks lent too.
	doc.Borrowed, doc.Blocks = droppable, w.lent
	arts, err := parse(doc)
	drop := droppable && len(arts) == 1
	if doc.Borrowed && !drop && len(arts) > 0 {
		// Kept whole, the articles need strings of their own.
		doc.Borrowed = false
		arts, err = parse(doc)
	}
	if data := doc.Data; cap(data) <= maxKeptBuffer && fi != nil {
		// A file's bytes, read into the buffer: nothing kept of what was
		// parsed from them refers to them once slim has run, below.
		w.buf = data[:0]
	}
	if err != nil {
		// Articles may come with the error, when some were left out.
		sendErr(ctx, out, j.of.src, j.path, err)
	}
	if drop && cacheable && err == nil && fi != nil {
		// Before the source's tags are added: they are the source's, not
		// the file's. The stamp is the file's as it was opened, before it
		// was read.
		j.of.heads.store(j.rel, fileStamp(fi), arts[0])
	}
	var file feed.FileStamp
	if fi != nil && j.of.src.FS == nil {
		file = fileStamp(fi).file()
	}
	carrier := ""
	if l.Carried != nil && j.of.src.FS == nil && feed.IsURL(j.path) {
		carrier = docURL(doc)
	}
	for _, a := range arts {
		if a.Undetected && !drop {
			// Body gives it back as it is: detect now, in the text at hand.
			feed.DetectCountries(a)
		}
		applySource(a, j.of.src)
		if a.Location == j.path {
			a.File = file
		}
		if carrier != "" {
			l.Carried(a, carrier)
		}
		switch {
		case drop:
			if l.DropFootnotes {
				a.Refs, a.Images = nil, nil
			}
			if b := a.Body; cap(b) <= maxLentBlocks && cap(b) >= cap(w.lent) {
				// The next file's body may take them (the same, or more
				// than those lent before); what they hold goes now.
				clear(b)
				w.lent = b[:0]
			}
			slim(a, in)
		case l.DropBodies && a.Body == nil:
			// Nil means left out: an article with no body has an empty one.
			a.Body = []feed.Block{}
		}
		w.arts = append(w.arts, a)
	}
}

// rereadable reports whether a job's document can be read again by Body:
// a regular file (links are followed once, at load, through their
// checks, and never again) whose sanitized name is still its path.
func rereadable(j job) bool {
	return j.of.src.FS == nil && j.regular && localPath(j.path)
}

// localPath reports whether an article's Location can name a local file
// to read again: not standard input or a URL, and the same sanitized.
func localPath(loc string) bool {
	return loc != "" && loc != "-" && !feed.IsURL(loc) && feed.SanitizeLine(loc) == loc
}

// slim drops an article's body and gives the strings it keeps memory of
// their own: they may be parts of the whole text, which would otherwise
// stay in memory with them, or of the file's bytes, lent to the parse
// (feed.Doc.Borrowed) and read into next. Strings that repeat across
// articles (sources, dates, tags, a site's stock images) are shared.
//
// Every string field of the article is copied or known to be the
// country table's: TestSlimOwnsEveryString holds it to that.
func slim(a *feed.Article, in *interner) {
	a.Body = nil
	a.ID = strings.Clone(a.ID)
	a.Title = strings.Clone(a.Title)
	a.Link = strings.Clone(a.Link)
	a.Source = in.get(a.Source)
	a.DateText = in.get(a.DateText)
	a.Tags = slices.Clip(a.Tags)
	for i := range a.Tags {
		// Country names and codes come from the country table already.
		if t := &a.Tags[i]; !t.Country {
			t.Name, t.Code = in.get(t.Name), in.get(t.Code)
		}
	}
	a.Refs = slices.Clip(a.Refs)
	for i := range a.Refs {
		r := &a.Refs[i]
		r.URL, r.Alt = in.get(r.URL), strings.Clone(r.Alt)
	}
	a.Images = slices.Clip(a.Images)
	for i, u := range a.Images {
		a.Images[i] = in.get(u)
		for _, r := range a.Refs {
			if r.URL == u {
				a.Images[i] = r.URL
				break
			}
		}
	}
	a.Mentions = slices.Clip(a.Mentions)
}

// interner shares equal strings among articles, up to a bound, so that a
// corpus of unique strings cannot make the table grow without end. It is
// for one goroutine.
type interner struct {
	m map[string]string
	// recent holds the last string seen in each of its slots, picked by
	// the string's length and first and last bytes: the values that make
	// most of the calls (a source, a format, country names and codes, the
	// days' dates as written) are found by one comparison, without
	// hashing. It is allocated with the first call.
	recent *[recentSlots]string
}

// recentSlots is the size of an interner's table of recent strings: room
// for a few thousand values, which the header of every article of a
// directory of news draws on.
const recentSlots = 4096

// recentSlot picks the slot of s, which is not empty, in recent.
func recentSlot(s string) int {
	h := uint32(len(s))*0x9E3779B1 ^ uint32(s[0])<<16 ^ uint32(s[len(s)-1])<<8 ^ uint32(s[len(s)/2])
	h *= 0x85EBCA6B
	return int(h >> (32 - 12))
}

// maxInterned bounds the interner's table.
const maxInterned = 1 << 14

// get returns a string equal to s that is not part of a larger one.
func (in *interner) get(s string) string {
	if s == "" {
		return ""
	}
	if in.recent == nil {
		in.recent = new([recentSlots]string)
	}
	slot := &in.recent[recentSlot(s)]
	if *slot == s {
		return *slot
	}
	if v, ok := in.m[s]; ok {
		*slot = v
		return v
	}
	v := strings.Clone(s)
	*slot = v
	if in.m == nil {
		in.m = make(map[string]string)
	}
	if len(in.m) < maxInterned {
		in.m[v] = v
	}
	return v
}

// Body returns a with its body, read again from a.Location through the
// same size cap and parser, when the loader left it out (see DropBodies;
// with it, a nil Body means left out, and an article without any text has
// an empty one). The copy keeps a's header, tags and countries, which are
// what lists and filters know it by, and takes the body and its footnotes
// from the file. a itself is not changed, so other goroutines may go on
// reading it. An article that has a body, or that came from no file, is
// returned as it is.
func (l *Loader) Body(ctx context.Context, a *feed.Article) (*feed.Article, error) {
	return l.body(ctx, a, true)
}

// BodyText returns a with its body as Body does, but leaves an article
// whose countries are not detected yet undetected: for a reader of the
// text alone, such as the search index, which detection would cost a
// fifth of its time for nothing.
func (l *Loader) BodyText(ctx context.Context, a *feed.Article) (*feed.Article, error) {
	return l.body(ctx, a, false)
}

func (l *Loader) body(ctx context.Context, a *feed.Article, detect bool) (*feed.Article, error) {
	if a == nil || a.Body != nil || !localPath(a.Location) {
		return a, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The file was a regular file at load: a link in its place since could
	// lead anywhere. A file of a directory source is read through the
	// directory, which a link put in place of a directory on the way
	// cannot lead out of.
	buf := bodyBuffer()
	data, fi, err := l.reread(a.Location, buf)
	// What the parser makes of the text is copied out of it: the buffer
	// is free once it returns.
	defer recycleBody(data)
	if err != nil {
		return nil, &SourceError{Source: a.Location, Err: err}
	}
	abs := absLocation(a.Location)
	// The countries are a's already, detected in this same text.
	arts, perr := feed.ParseDocNoDetect(feed.Doc{Location: a.Location, Data: data, Key: abs})
	for _, fresh := range arts {
		if fresh.ID == a.ID {
			full := *a
			full.Body, full.Refs, full.Images = fresh.Body, fresh.Refs, fresh.Images
			if full.Undetected && detect {
				feed.DetectCountries(fresh)
				full.Mentions, full.Undetected = fresh.Mentions, false
				if l.Heads != nil && fi != nil && len(arts) == 1 {
					l.Heads.late.add(abs, fileStamp(fi), fresh.Mentions)
				}
			}
			if full.Body == nil {
				full.Body = []feed.Block{}
			}
			return &full, nil
		}
	}
	if perr == nil {
		perr = errors.New("the article is no longer in the file")
	}
	return nil, &SourceError{Source: a.Location, Err: perr}
}

// keep returns Keep as it applies to the articles of src, whose source
// name may stand in for theirs (see applySource); nil without Keep.
func (l *Loader) keep(src Source) func(key, title, source string) bool {
	if l.Keep == nil || src.ArticleSource == "" {
		return l.Keep
	}
	name := feed.SanitizeLine(src.ArticleSource)
	return func(key, title, _ string) bool { return l.Keep(key, title, name) }
}

// applySource adds a source's own tags to an article, and its
// ArticleSource, when it has one, as the article's source.
func applySource(a *feed.Article, src Source) {
	if src.ArticleSource != "" {
		a.Source = feed.SanitizeLine(src.ArticleSource)
	}
	if len(src.Tags) == 0 {
		return
	}
	a.Tags = feed.MergeTags(a.Tags, src.Tags)
}

// read fetches one job's bytes, with the size cap, and for a file what
// fstat said of it, which may be kept in stat until the next read. A file
// is read into buf when it fits.
func (l *Loader) read(ctx context.Context, st *loadState, j job, buf []byte, stat *listedStat) (feed.Doc, fs.FileInfo, error) {
	switch {
	case j.path == "-":
		if l.Stdin == nil {
			return feed.Doc{}, nil, errors.New("no standard input")
		}
		data, err := safefile.ReadCapped(l.Stdin, l.maxFileSize())
		return feed.Doc{Location: "-", Data: data}, nil, err
	case j.of.src.FS != nil:
		f, err := j.of.src.FS.Open(j.path)
		if err != nil {
			return feed.Doc{}, nil, safefile.CleanPathErr(err)
		}
		defer f.Close()
		data, err := safefile.ReadCapped(f, l.maxFileSize())
		return feed.Doc{Location: j.path, Data: data, Key: "embedded:" + j.path}, nil, err
	case feed.IsURL(j.path):
		if l.Fetch == nil {
			return feed.Doc{}, nil, errors.New("URLs cannot be loaded here")
		}
		doc, err := l.Fetch(ctx, j.path)
		if u, ok := feed.PageFeed(doc); err == nil && ok {
			// A home page that names its feed is read as the feed, which
			// the page, not the user, named.
			fctx := ctx
			if l.Linked != nil {
				fctx = l.Linked(ctx, docURL(doc))
			}
			if doc, err = l.Fetch(fctx, u); err != nil {
				err = fmt.Errorf("the feed the page names, %s: %w", u, err)
			}
		}
		return doc, nil, err
	}
	// A file listed as a regular file is opened as one: a link put in its
	// place since could lead anywhere. A file of a directory is opened
	// through the directory, which it cannot leave.
	var data []byte
	var fi fs.FileInfo
	var err error
	if data, fi, ok, err := readListed(j, l.maxFileSize(), buf, stat); ok {
		return feed.Doc{Location: j.path, Data: data, Key: st.absPath(j.path)}, fi, err
	}
	if j.of.root != nil {
		data, fi, err = safefile.ReadIntoIn(j.of.root, j.rel, l.maxFileSize(), j.regular, buf)
	} else {
		data, fi, err = safefile.ReadInto(j.path, l.maxFileSize(), j.regular, buf)
	}
	return feed.Doc{Location: j.path, Data: data, Key: st.absPath(j.path)}, fi, err
}

// docURL returns where a fetched document came from: the URL its
// redirects ended at, else the one asked for.
func docURL(doc feed.Doc) string {
	if doc.Base != nil {
		return doc.Base.String()
	}
	return doc.Location
}

// reread reads a file of an earlier load again: through the directory
// source it was found in, when there is one, else by its path, and never
// through a link in its own place.
func (l *Loader) reread(path string, buf []byte) ([]byte, fs.FileInfo, error) {
	dir, rel := "", ""
	l.dirs.Range(func(k, _ any) bool {
		d := k.(string)
		r, err := filepath.Rel(d, path)
		if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) || filepath.IsAbs(r) {
			return true
		}
		// The deepest directory that holds the file.
		if len(d) > len(dir) {
			dir, rel = d, r
		}
		return true
	})
	if dir == "" {
		return safefile.ReadInto(path, l.maxFileSize(), true, buf)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, safefile.CleanPathErr(err)
	}
	defer root.Close()
	return safefile.ReadIntoIn(root, rel, l.maxFileSize(), true, buf)
}

// bodyBufs holds the buffers that Body reads files into, for the next
// Body: the first build of a search index reads every file again, and a
// buffer for each made a fifth of the garbage it makes, which the
// collector, paced to keep the reader's memory low, then came back for
// more often.
var bodyBufs sync.Pool

// maxBodyBuffer is the largest buffer bodyBufs keeps: one long file
// would otherwise stay in memory after it.
const maxBodyBuffer = 1 << 20

// bodyBuffer returns an empty buffer from bodyBufs, or nil.
func bodyBuffer() []byte {
	if p, ok := bodyBufs.Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return nil
}

// recycleBody gives buf to bodyBufs, unless it is too large to keep.
func recycleBody(buf []byte) {
	if buf != nil && cap(buf) <= maxBodyBuffer {
		buf = buf[:0]
		bodyBufs.Put(&buf)
	}
}
