// Package search keeps the full-text index in step with the articles a
// load found, and answers queries from it, so that a word of an article's
// body is found without reading the body again.
package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/store"
)

// Index is what the indexer and the searcher need of the store's
// full-text index; *store.Store has it.
type Index interface {
	Index(ctx context.Context, docs []store.IndexDoc) error
	IndexFrom(ctx context.Context, docs <-chan store.IndexDoc, batch int, committed func(n int)) error
	Indexed(ctx context.Context) (map[string]store.IndexedDoc, error)
	RootDigests(ctx context.Context, roots []string) (map[string]store.Digest, error)
	Unindex(ctx context.Context, keys ...string) error
	Match(ctx context.Context, expr string) (map[string]float64, error)
}

// BodyFunc returns an article complete with its body, as load.Loader.Body
// does for an article loaded without one.
type BodyFunc func(ctx context.Context, a *feed.Article) (*feed.Article, error)

// Progress is how far an indexing run has come: Done of Total articles
// read and indexed (or skipped, when their file could not be read).
type Progress struct {
	Done, Total int
}

// Percent returns Done as a whole percentage of Total, 100 when there is
// nothing to do; it never says 100 before the run is done.
func (p Progress) Percent() int {
	if p.Total <= 0 || p.Done >= p.Total {
		return 100
	}
	return min(99, p.Done*100/p.Total)
}

// Plan is what an index lacks for a set of articles: the articles to
// index, because they are new or their file changed, the indexed keys
// whose files are gone, and those to count under another root.
type Plan struct {
	// Todo are the articles to index, with their stamps in Stamps and the
	// roots they lie under in Roots ("" for none).
	Todo   []*feed.Article
	Stamps []Stamp
	Roots  []string
	// Gone are indexed keys whose file lay under a root loaded completely
	// and that the load no longer found.
	Gone []string
	// Moves are keys indexed as their files are now, but counted under
	// another root than the one they lie under in this load: they move
	// without being read again.
	Moves []store.IndexDoc
	// Sums are, by root, the digests of the (key, stamp) pairs of the
	// load's articles under it, when MakePlan summed them: what the
	// index keeps for each root once it is current for the load.
	Sums map[string]store.Digest
}

// Complete reports whether the index answers for every article of the
// plan: nothing is left to index. Keys gone from the files do not count:
// no loaded article asks for them.
func (p Plan) Complete() bool { return len(p.Todo) == 0 }

// Empty reports whether the plan has nothing at all to do.
func (p Plan) Empty() bool { return len(p.Todo) == 0 && len(p.Gone) == 0 && len(p.Moves) == 0 }

// MakePlan compares the articles with the index. Only articles read from
// a local file are indexed: they are the ones a load without bodies
// leaves without one, and a file's size and modification time say when
// it changed. roots are the absolute paths of the directories (or files)
// whose load was complete, so that an indexed key under one of them that
// the load did not find is gone; nil removes nothing.
//
// When every article lies under one of roots and, for each root, the
// digest of the (key, stamp) pairs of the articles under it is the one
// the index keeps for it, the index is current and the plan is empty,
// without reading the index's keys.
func MakePlan(ctx context.Context, idx Index, arts []*feed.Article, roots []string) (Plan, error) {
	stamps := Stamps(ctx, arts)
	if err := ctx.Err(); err != nil {
		return Plan{}, err
	}
	// The articles that count: those with a stamp, one of each key.
	keep := make([]int, 0, len(arts))
	// homes are the roots the articles lie under, as indexes in roots;
	// -1 for none.
	homes := make([]int, len(arts))
	// seen holds the place in keep of each key's article.
	seen := make(map[string]int, len(arts))
	for i, a := range arts {
		if !stamps[i].ok() {
			continue
		}
		if k, dup := seen[a.Key]; dup {
			// One story in two files: one speaks for it, chosen by what
			// the files are and not by the order they loaded in, so that
			// the index does not swing between them.
			if speaksFirst(a, arts[keep[k]]) {
				keep[k] = i
			}
			continue
		}
		seen[a.Key] = len(keep)
		keep = append(keep, i)
	}
	outside := false
	for _, i := range keep {
		homes[i] = home(stamps[i].loc, roots)
		if homes[i] < 0 {
			outside = true
		}
	}
	var sums map[string]store.Digest
	if len(roots) > 0 && !outside {
		current, got, err := isCurrent(ctx, idx, arts, stamps, homes, keep, roots)
		if err != nil {
			return Plan{}, err
		}
		if current {
			return Plan{Sums: got}, nil
		}
		sums = got
	}
	indexed, err := idx.Indexed(ctx)
	if err != nil {
		return Plan{}, err
	}
	p := Plan{Sums: sums}
	var buf []byte
	for _, i := range keep {
		a := arts[i]
		root := ""
		if homes[i] >= 0 {
			root = roots[homes[i]]
		}
		ix, ok := indexed[a.Key]
		buf = stamps[i].appendTo(buf[:0])
		switch {
		case !ok || ix.Stamp != string(buf):
			p.Todo = append(p.Todo, a)
			p.Stamps = append(p.Stamps, stamps[i])
			p.Roots = append(p.Roots, root)
		case root != "" && ix.Root != root:
			p.Moves = append(p.Moves, store.IndexDoc{Key: a.Key, Stamp: string(buf), Root: root, Move: true})
		}
	}
	if len(roots) > 0 {
		for key, ix := range indexed {
			if _, ok := seen[key]; ok {
				continue
			}
			if loc := stampPath(ix.Stamp); loc != "" && under(loc, roots) {
				p.Gone = append(p.Gone, key)
			}
		}
	}
	return p, nil
}

// isCurrent reports whether the index holds, under each root, exactly
// the (key, stamp) pairs of the articles kept that lie under it; sums
// are the digests of those pairs, by root.
func isCurrent(ctx context.Context, idx Index, arts []*feed.Article, stamps []Stamp, homes, keep []int, roots []string) (current bool, sums map[string]store.Digest, err error) {
	want, err := idx.RootDigests(ctx, roots)
	if err != nil {
		return false, nil, err
	}
	// Sums of pairs add up in any order: each core sums a part.
	workers := min(2, runtime.GOMAXPROCS(0))
	parts := make([][]store.Digest, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			part := make([]store.Digest, len(roots))
			var buf []byte
			for _, i := range keep[len(keep)*w/workers : len(keep)*(w+1)/workers] {
				buf = stamps[i].appendTo(buf[:0])
				part[homes[i]].AddBytes(arts[i].Key, buf)
			}
			parts[w] = part
		})
	}
	wg.Wait()
	got := parts[0]
	for _, part := range parts[1:] {
		for k := range got {
			got[k].Merge(part[k])
		}
	}
	sums = make(map[string]store.Digest, len(roots))
	current = true
	for k, r := range roots {
		// A root named twice holds its articles under the first name.
		if slices.Index(roots, r) != k {
			continue
		}
		sums[r] = got[k]
		current = current && got[k] == want[r]
	}
	return current, sums, nil
}

// speaksFirst reports whether a, rather than b, speaks for the story
// both hold in the index: the newer, then the first by location. Only
// what the files hold decides, not their titles, which a skimmed load
// leaves out.
func speaksFirst(a, b *feed.Article) bool {
	if !a.Date.Equal(b.Date) {
		return feed.Newer(a, b)
	}
	return a.Location < b.Location
}

// home returns the index in roots of the root path lies under, the
// deepest when roots nest, or -1 when it lies under none.
func home(path string, roots []string) int {
	best := -1
	for k, r := range roots {
		if (best < 0 || len(r) > len(roots[best])) && under(path, roots[k:k+1]) {
			best = k
		}
	}
	return best
}

// LocalRoots returns the absolute paths of the locations that are local
// files or directories, for MakePlan's roots: standard input and URLs
// are left out.
func LocalRoots(locations []string) []string {
	var roots []string
	for _, loc := range locations {
		if loc == "" || loc == "-" || feed.IsURL(loc) {
			continue
		}
		abs, err := filepath.Abs(loc)
		if err != nil {
			continue
		}
		if _, err := os.Stat(abs); err == nil {
			roots = append(roots, abs)
		}
	}
	return roots
}

// under reports whether path is one of roots or lies inside one.
func under(path string, roots []string) bool {
	for _, r := range roots {
		if path == r || strings.HasPrefix(path, r) && len(path) > len(r) && (r[len(r)-1] == filepath.Separator || path[len(r)] == filepath.Separator) {
			return true
		}
	}
	return false
}

// Stamp is an article's stamp: its file's size and modification time,
// which change when the file does, and its absolute path, which tells
// under which source it lies. The zero Stamp is none: the article is not
// read from a local file. A plan holds one for each article, written out
// (String) only when needed: the written stamps of 100,000 articles held
// some 10 MB, through the whole of a first build.
type Stamp struct {
	loc  string
	file feed.FileStamp
}

// ok reports whether there is a stamp.
func (s Stamp) ok() bool { return s.loc != "" }

// appendTo appends the stamp as the index keeps it: size and time in base
// 36, then the path, apart by spaces.
func (s Stamp) appendTo(buf []byte) []byte {
	buf = strconv.AppendInt(buf, s.file.Size, 36)
	buf = append(buf, ' ')
	buf = strconv.AppendInt(buf, s.file.ModTime, 36)
	buf = append(buf, ' ')
	return append(buf, s.loc...)
}

// String returns the stamp as the index keeps it, or "" for none.
func (s Stamp) String() string {
	if !s.ok() {
		return ""
	}
	return string(s.appendTo(nil))
}

// Stamps returns each article's stamp. The size and time are those the
// loader saw (Article.File); a file of an article that has none is looked
// at again. Files are looked at on two goroutines: 100,000 take a
// fraction of a second.
func Stamps(ctx context.Context, arts []*feed.Article) []Stamp {
	out := make([]Stamp, len(arts))
	cwd, err := os.Getwd()
	if err != nil {
		cwd = ""
	}
	workers := min(2, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(arts); i += workers {
				if i%1024 == w && ctx.Err() != nil {
					return
				}
				out[i] = stampOf(arts[i], cwd)
			}
		})
	}
	wg.Wait()
	return out
}

// stampOf returns the stamp of one article.
func stampOf(a *feed.Article, cwd string) Stamp {
	loc := a.Location
	// A stamp from the loader says the article is a local file's.
	if loc == "" || a.Key == "" || a.File.IsZero() && (loc == "-" || feed.IsURL(loc)) {
		return Stamp{}
	}
	if !filepath.IsAbs(loc) {
		if cwd == "" {
			return Stamp{}
		}
		loc = filepath.Join(cwd, loc)
	}
	file := a.File
	if file.IsZero() {
		// Not from a loader that saw the file: look at it now.
		fi, err := os.Stat(loc)
		if err != nil || !fi.Mode().IsRegular() {
			return Stamp{}
		}
		file = feed.FileStamp{Size: fi.Size(), ModTime: fi.ModTime().UnixNano()}
	}
	return Stamp{loc: loc, file: file}
}

// stampPath returns the file path a stamp holds.
func stampPath(st string) string {
	i := strings.IndexByte(st, ' ')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(st[i+1:], ' ')
	if j < 0 {
		return ""
	}
	return st[i+1+j+1:]
}

// Indexer builds and refreshes the index in the background.
type Indexer struct {
	// Index is where the documents go.
	Index Index
	// Body reads an article's body again; articles that have one already
	// are indexed from it.
	Body BodyFunc
	// Batch is how many documents one transaction of the index writes; 0
	// means DefaultBatch.
	Batch int
	// Workers is how many bodies are read at once; 0 means one per core.
	Workers int
	// Progress, when set, is called after each transaction of the index,
	// and once at the start, from the goroutine that runs Run.
	Progress func(Progress)
	// Read, when set, is called with the place in the plan's Todo of each
	// article read and the article with its body, or nil when its body
	// could not be read, before the article is indexed: a caller that
	// wants more of the bodies than the index keeps reads each once. It
	// is called from the goroutines that read, several at once.
	Read func(i int, full *feed.Article)
}

// DefaultBatch is how many documents an Indexer writes at a time: large
// enough that a transaction's cost is spread (FTS5 writes a segment at
// each commit, and merges them as they pile up), small enough that
// progress moves and that other writers get in between.
const DefaultBatch = 5000

// queue is how many texts the body readers may have ready ahead of the
// index's writer. The writer is the slower end: a longer queue would only
// hold more texts in memory.
const queue = 256

// Run brings the index up to date with the plan: it moves the keys to
// move, removes the keys gone and indexes the articles to do as their
// bodies are read, reporting progress at each commit. It stops when ctx
// is done; what was committed stays written, and the next run goes on
// from there. An article whose body cannot be read is skipped: it stays
// out of the index until its file reads again.
func (x *Indexer) Run(ctx context.Context, p Plan) error {
	if len(p.Moves) > 0 {
		if err := x.Index.Index(ctx, p.Moves); err != nil {
			return err
		}
	}
	if len(p.Gone) > 0 {
		if err := x.Index.Unindex(ctx, p.Gone...); err != nil {
			return err
		}
	}
	total := len(p.Todo)
	report := func(done int) {
		if x.Progress != nil {
			x.Progress(Progress{Done: done, Total: total})
		}
	}
	report(0)
	if total == 0 {
		return nil
	}
	batch := x.Batch
	if batch <= 0 {
		batch = DefaultBatch
	}
	workers := x.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	// However Run ends, it returns once the readers have: none calls Read
	// after.
	defer func() {
		cancel()
		wg.Wait()
	}()
	// The readers send each text as it is ready and the index writes it
	// as it comes: the texts held at once are the queue's, not a batch's.
	docs := make(chan store.IndexDoc, queue)
	// skipped counts the articles whose bodies could not be read: they
	// are done, with nothing to write.
	var skipped atomic.Int64
	next := make(chan int)
	var readers sync.WaitGroup
	for range workers {
		readers.Go(func() {
			var buf, words []byte
			for i := range next {
				a := p.Todo[i]
				if a.Body == nil && x.Body != nil {
					full, err := x.Body(ctx, a)
					if err != nil || full == nil {
						if x.Read != nil && ctx.Err() == nil {
							x.Read(i, nil)
						}
						skipped.Add(1)
						continue
					}
					a = full
				}
				if x.Read != nil {
					x.Read(i, a)
				}
				words, buf = query.AppendIndexBody(words[:0], buf, a)
				select {
				case docs <- store.IndexDoc{Key: a.Key, Stamp: p.Stamps[i].String(), Root: root(p.Roots, i), Text: string(words)}:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	wg.Go(func() {
		readers.Wait()
		close(docs)
	})
	wg.Go(func() {
		defer close(next)
		for i := range p.Todo {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	})
	done := 0
	progress := func(written int) {
		if n := written + int(skipped.Load()); n > done {
			done = n
			report(done)
		}
	}
	written := 0
	err := x.Index.IndexFrom(ctx, docs, batch, func(n int) {
		written = n
		progress(written)
	})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	progress(written)
	if done < total {
		return errors.New("index: the body readers stopped early")
	}
	return nil
}

// root returns roots[i], or "" when the plan gave no roots.
func root(roots []string, i int) string {
	if i < len(roots) {
		return roots[i]
	}
	return ""
}
