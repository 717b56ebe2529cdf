package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
)

// DefaultMaxFileSize caps how much of one file is read.
const DefaultMaxFileSize = 8 << 20

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

// Result is one item of a load stream: an article, or an error that names
// the source it came from. Exactly one of the two is set.
type Result struct {
	Article *Article
	Err     error
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
	return SanitizeLine(fmt.Sprintf("%s: %v", quoteName(e.Source), e.Err))
}

// Unwrap returns the underlying error.
func (e *SourceError) Unwrap() error { return e.Err }

// quoteName makes a file name or URL safe to show: sanitized, and quoted
// when it holds anything a reader could mistake.
func quoteName(s string) string {
	clean := SanitizeLine(s)
	if clean != s || strings.ContainsAny(s, " \"'") || strings.HasPrefix(s, "-") {
		return fmt.Sprintf("%q", clean)
	}
	return clean
}

// Loader reads articles from sources, concurrently and with bounds.
type Loader struct {
	// MaxFileSize caps one file or stdin; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// MaxFiles caps the files of one directory; 0 means DefaultMaxFiles.
	MaxFiles int
	// Workers bounds how many files are read at once; 0 means a default
	// suited to the machine.
	Workers int
	// Stdin is read for the source "-"; nil means no standard input.
	Stdin io.Reader
	// Fetch reads a URL source. Nil means URLs cannot be loaded.
	Fetch func(ctx context.Context, rawURL string) (Doc, error)
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

func (l *Loader) workers() int {
	if l.Workers > 0 {
		return l.Workers
	}
	return max(4, 2*runtime.GOMAXPROCS(0))
}

// job is one document to read and parse.
type job struct {
	src  Source
	path string // a file path, "-", or a URL
}

// Load streams the articles of every source on the returned channel, which
// is closed when all are done or ctx is cancelled. Order is not defined:
// callers sort. A failing file or source yields one Result with a
// *SourceError, and the rest still load.
func (l *Loader) Load(ctx context.Context, sources []Source) <-chan Result {
	out := make(chan Result, 256)
	jobs := make(chan job, 256)
	var wg sync.WaitGroup
	for range l.workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				l.run(ctx, j, out)
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, src := range sources {
			if ctx.Err() != nil {
				return
			}
			l.expand(ctx, src, jobs, out)
		}
	}()
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

// LoadAll loads every source and returns the articles, newest first, and
// the errors, in the order they arrived.
func (l *Loader) LoadAll(ctx context.Context, sources []Source) ([]*Article, []error) {
	var arts []*Article
	var errs []error
	for r := range l.Load(ctx, sources) {
		if r.Err != nil {
			errs = append(errs, r.Err)
			continue
		}
		arts = append(arts, r.Article)
	}
	SortNewest(arts)
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

func sendErr(ctx context.Context, out chan<- Result, name string, err error) {
	send(ctx, out, Result{Err: &SourceError{Source: name, Err: err}})
}

// expand turns a source into jobs: one per file of a directory, or one for
// a file, stdin or a URL.
func (l *Loader) expand(ctx context.Context, src Source, jobs chan<- job, out chan<- Result) {
	loc := src.Location
	if src.FS != nil {
		l.walkFS(ctx, src, jobs, out)
		return
	}
	if loc == "-" || isURL(loc) {
		select {
		case jobs <- job{src: src, path: loc}:
		case <-ctx.Done():
		}
		return
	}
	fi, err := os.Stat(loc)
	if err != nil {
		sendErr(ctx, out, loc, cleanPathErr(err))
		return
	}
	if !fi.IsDir() {
		select {
		case jobs <- job{src: src, path: loc}:
		case <-ctx.Done():
		}
		return
	}
	l.walk(ctx, src, jobs, out)
}

// walk lists a directory tree without following symbolic links to
// directories, so no loop and no escape is possible; links to files are
// followed only when their target lies inside the root.
func (l *Loader) walk(ctx context.Context, src Source, jobs chan<- job, out chan<- Result) {
	root := src.Location
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		sendErr(ctx, out, root, cleanPathErr(err))
		return
	}
	realRoot, _ = filepath.Abs(realRoot)
	count := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			sendErr(ctx, out, path, cleanPathErr(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		if _, ok := formatForName(d.Name()); !ok {
			return nil
		}
		switch mode := d.Type(); {
		case mode.IsRegular():
		case mode&fs.ModeSymlink != 0:
			if !linkInside(path, realRoot) {
				sendErr(ctx, out, path, errors.New("symbolic link leads outside the directory; skipped"))
				return nil
			}
		default:
			sendErr(ctx, out, path, errors.New("not a regular file; skipped"))
			return nil
		}
		count++
		if count > l.maxFiles() {
			sendErr(ctx, out, root, fmt.Errorf("more than %d files; the rest are skipped", l.maxFiles()))
			return fs.SkipAll
		}
		select {
		case jobs <- job{src: src, path: path}:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	})
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		sendErr(ctx, out, root, cleanPathErr(err))
	}
}

// walkFS lists the files of an fs.FS source.
func (l *Loader) walkFS(ctx context.Context, src Source, jobs chan<- job, out chan<- Result) {
	err := fs.WalkDir(src.FS, src.Location, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			sendErr(ctx, out, path, cleanPathErr(err))
			return nil
		}
		if _, ok := formatForName(path); !ok || !d.Type().IsRegular() {
			return nil
		}
		select {
		case jobs <- job{src: src, path: path}:
		case <-ctx.Done():
			return ctx.Err()
		}
		return nil
	})
	if err != nil && ctx.Err() == nil {
		sendErr(ctx, out, src.Location, cleanPathErr(err))
	}
}

// linkInside reports whether the symbolic link at path resolves to a
// regular file inside root.
func linkInside(path, root string) bool {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false
	}
	target, err = filepath.Abs(target)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(root, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false
	}
	fi, err := os.Stat(target)
	return err == nil && fi.Mode().IsRegular()
}

// run reads and parses one job, turning a panic in a parser into an error
// for that source alone.
func (l *Loader) run(ctx context.Context, j job, out chan<- Result) {
	if ctx.Err() != nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			sendErr(ctx, out, j.path, fmt.Errorf("internal error while parsing: %v", p))
		}
	}()
	doc, err := l.read(ctx, j)
	if err != nil {
		sendErr(ctx, out, j.path, err)
		return
	}
	arts, err := ParseDoc(doc)
	if err != nil {
		// Articles may come with the error, when some were left out.
		sendErr(ctx, out, j.path, err)
	}
	for _, a := range arts {
		applySource(a, j.src)
		if !send(ctx, out, Result{Article: a}) {
			return
		}
	}
}

// applySource adds a source's own tags to an article.
func applySource(a *Article, src Source) {
	if len(src.Tags) == 0 {
		return
	}
	a.Tags = MergeTags(a.Tags, src.Tags)
}

// read fetches one job's bytes, with the size cap.
func (l *Loader) read(ctx context.Context, j job) (Doc, error) {
	switch {
	case j.path == "-":
		if l.Stdin == nil {
			return Doc{}, errors.New("no standard input")
		}
		data, err := readCapped(l.Stdin, l.maxFileSize())
		return Doc{Location: "-", Data: data}, err
	case j.src.FS != nil:
		f, err := j.src.FS.Open(j.path)
		if err != nil {
			return Doc{}, cleanPathErr(err)
		}
		defer f.Close()
		data, err := readCapped(f, l.maxFileSize())
		return Doc{Location: j.path, Data: data, Key: "embedded:" + j.path}, err
	case isURL(j.path):
		if l.Fetch == nil {
			return Doc{}, errors.New("URLs cannot be loaded here")
		}
		return l.Fetch(ctx, j.path)
	}
	data, err := ReadFile(j.path, l.maxFileSize())
	return Doc{Location: j.path, Data: data}, err
}

// ReadFile reads at most max bytes of a regular file. It never blocks on a
// FIFO or reads a device: the file is opened non-blocking and checked after
// opening, so a file swapped for something else between listing and
// reading is refused too.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, cleanPathErr(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, cleanPathErr(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if fi.Size() > max {
		return nil, fmt.Errorf("file is %s, over the %s limit", humanBytes(fi.Size()), humanBytes(max))
	}
	return readCapped(f, max)
}

// readCapped reads all of r, failing rather than truncating past max bytes.
func readCapped(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, cleanPathErr(err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than the %s limit", humanBytes(max))
	}
	return data, nil
}

// cleanPathErr drops the path that os errors embed: the caller names the
// source itself, sanitized, and a raw file name is untrusted text.
func cleanPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return errors.New(pe.Err.Error())
	}
	return err
}

// humanBytes formats a byte count for messages: "8 MiB", "512 KiB".
func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// isURL reports whether a source names an http or https URL.
func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// ParseDoc parses one document: a file's ending selects its format, and
// otherwise (URLs, stdin, unknown endings) the content decides.
func ParseDoc(doc Doc) ([]*Article, error) {
	f, ok := Format{}, false
	if !isURL(doc.Location) && doc.Location != "-" {
		f, ok = formatForName(doc.Location)
	}
	if !ok {
		f = sniffFormat(doc.ContentType, doc.Data)
	}
	arts, err := f.Parse(doc)
	for i, a := range arts {
		a.seq = i
		DetectCountries(a)
	}
	return arts, err
}
