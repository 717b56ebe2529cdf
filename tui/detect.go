package tui

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
)

// detection is what the background detection found for an entry whose
// countries the loader put off (feed.Article.Undetected): the mentions,
// and their IDs in the tag table less the declared ones. An entry holds
// it through an atomic pointer, since filter runs read entries while
// Update sets it.
//
// The mentions are kept as codes, two bytes a country (as an entry's
// mentionCodes), when every one of them is a country of the table, which
// is all a list needs of them: the first launch detects all 100,000
// articles of a large feed, and their mentions whole would hold some
// 12 MB more than the codes do, for scores nothing in the list reads.
// mentions holds them whole otherwise.
type detection struct {
	codes    string
	mentions []feed.Mention
	ids      []tagID
}

// appendMentions appends the detected mentions to dst.
func (d *detection) appendMentions(dst []feed.Mention) []feed.Mention {
	if d.mentions != nil {
		return append(dst, d.mentions...)
	}
	return appendMentions(dst, d.codes)
}

// detectedIDs returns the IDs of the entry's detected countries that it
// does not declare: those found at load, or later in the background.
func (e *entry) detectedIDs() []tagID {
	if d := e.late.Load(); d != nil {
		return d.ids
	}
	return e.mentions
}

// detectChunk is how many entries one detectCmd reads, so that rows get
// their badges a chunk at a time and quitting is never kept waiting long.
const detectChunk = 2048

// detectedMsg carries the mentions found for a chunk of entries, and the
// entries still to read.
type detectedMsg struct {
	entries  []*entry
	mentions [][]feed.Mention
	rest     []*entry
}

// startDetect starts detecting, in the background, the countries of the
// entries the loader put off, once the list is complete: the full count
// comes first, the dimmed badges after.
func (l *listModel) startDetect() tea.Cmd {
	if l.opt.Body == nil {
		return nil
	}
	var todo []*entry
	for _, e := range l.all {
		if e.a.Undetected && e.late.Load() == nil {
			todo = append(todo, e)
		}
	}
	return detectCmd(l.ctx, l.opt.Body, todo, l.index.ready, l.index.keyAt)
}

// detectQuiet is how long the keys must pause before a chunk of the
// detection reads its files, and readyWait how long the detection waits
// at most for the index build to ready the first search (indexState's
// ready). Badges can wait; a word being typed should have both cores.
const (
	detectQuiet = time.Second
	readyWait   = time.Second
)

// detectPause waits for ready (a nil channel is not waited for) at most
// readyWait, then for the keys to pause (see waitQuiet); either ends
// when ctx is done.
func detectPause(ctx context.Context, ready <-chan struct{}, keyAt *atomic.Int64) {
	waitAtMost(ctx, ready, readyWait)
	if keyAt != nil {
		waitQuiet(ctx, keyAt, detectQuiet)
	}
}

// detectCmd reads the next chunk of entries again and detects their
// countries, once detectPause lets it.
func detectCmd(ctx context.Context, body BodyFunc, todo []*entry, ready <-chan struct{}, keyAt *atomic.Int64) tea.Cmd {
	if len(todo) == 0 {
		return nil
	}
	return safeCmd(func() tea.Msg {
		detectPause(ctx, ready, keyAt)
		n := min(len(todo), detectChunk)
		msg := detectedMsg{entries: todo[:n], mentions: make([][]feed.Mention, n), rest: todo[n:]}
		var wg sync.WaitGroup
		next := make(chan int)
		// Half the cores: the reader stays quick to filter and search
		// while the badges come.
		for range max(1, runtime.GOMAXPROCS(0)/2) {
			wg.Go(func() {
				for i := range next {
					// An article that cannot be read again keeps no
					// detected countries; opening it reports why.
					if full, err := body(ctx, msg.entries[i].a); err == nil && full != nil && !full.Undetected {
						msg.mentions[i] = full.Mentions
					}
				}
			})
		}
		for i := range n {
			if ctx.Err() != nil {
				break
			}
			next <- i
		}
		close(next)
		wg.Wait()
		if ctx.Err() != nil {
			return nil
		}
		return msg
	})
}

// takeDetected gives a chunk of entries their detected countries, redraws
// and refilters the list, and asks for the next chunk.
func (l *listModel) takeDetected(msg detectedMsg) tea.Cmd {
	l.applyDetected(msg.entries, msg.mentions)
	next := detectCmd(l.ctx, l.opt.Body, msg.rest, l.index.ready, l.index.keyAt)
	return tea.Batch(l.refilter(), next, l.saveDetected(next == nil))
}

// applyDetected gives entries the countries detected in them, mentions
// for each, and makes the list's rows and filter results be made again.
//
// The detections of a chunk, their codes and their IDs are each
// allocated in one block.
func (l *listModel) applyDetected(entries []*entry, mentions [][]feed.Mention) {
	size, nments := 0, 0
	packed := make([]bool, len(mentions))
	for i, ms := range mentions {
		if packed[i] = packable(ms); packed[i] {
			size += 2 * len(ms)
		}
		nments += len(ms)
	}
	var sb strings.Builder
	sb.Grow(size)
	for i, ms := range mentions {
		if packed[i] {
			for _, m := range ms {
				sb.WriteString(m.Code)
			}
		}
	}
	arena, off := sb.String(), 0
	slab := make([]detection, len(entries))
	idSlab := make([]tagID, 0, nments)
	for i, e := range entries {
		d, ms := &slab[i], mentions[i]
		if packed[i] {
			d.codes = arena[off : off+2*len(ms)]
			off += 2 * len(ms)
		} else {
			d.mentions = slices.Clone(ms)
		}
		i0 := len(idSlab)
		for _, m := range ms {
			id := l.tags.intern(m.Name, m.Code, true, e.fills)
			if !slices.Contains(e.tags, id) && !slices.Contains(idSlab[i0:], id) {
				idSlab = append(idSlab, id)
			}
		}
		if len(idSlab) > i0 {
			d.ids = idSlab[i0:len(idSlab):len(idSlab)]
		}
		e.late.Store(d)
	}
	l.saves.waiting += len(entries)
	if n := len(l.tags.infos); len(l.counts) < n {
		l.counts = append(l.counts, make([]int, n-len(l.counts))...)
	}
	l.rows = make(map[*entry]string)
	l.results = resultCache{}
}

// rideAlong detects the countries of the put-off articles that the index
// build reads anyway (see startIndex), so that each of their files is
// read once for both, not once for the index and once for the badges.
// What it found waits for Update to take it, at each report of the
// build.
type rideAlong struct {
	// all are the entries of the list the build indexes; todo, made from
	// them once, by the first body read, maps the views of those still to
	// detect to their entries.
	all  []*entry
	todo map[*feed.Article]*entry
	once sync.Once
	// body reads a body and detects its countries.
	body BodyFunc

	mu       sync.Mutex
	entries  []*entry
	mentions [][]feed.Mention
}

// wrap returns the index's body reader, text, reading the put-off
// articles with the detecting body instead.
func (r *rideAlong) wrap(text BodyFunc) BodyFunc {
	return func(ctx context.Context, a *feed.Article) (*feed.Article, error) {
		r.once.Do(func() {
			r.todo = make(map[*feed.Article]*entry)
			for _, e := range r.all {
				if e.a.Undetected && e.late.Load() == nil {
					r.todo[e.a] = e
				}
			}
		})
		e := r.todo[a]
		if e == nil {
			return text(ctx, a)
		}
		full, err := r.body(ctx, a)
		if err == nil && full != nil && !full.Undetected {
			r.mu.Lock()
			r.entries = append(r.entries, e)
			r.mentions = append(r.mentions, full.Mentions)
			r.mu.Unlock()
		}
		// One that could not be read is left to the detection after the
		// build, which says no more of it than the index did.
		return full, err
	}
}

// take returns what was detected since the last take.
func (r *rideAlong) take() (entries []*entry, mentions [][]feed.Mention) {
	r.mu.Lock()
	defer r.mu.Unlock()
	entries, mentions = r.entries, r.mentions
	r.entries, r.mentions = nil, nil
	return entries, mentions
}

// detectSaves paces the saving of detections for the next launch (see
// listModel.saveDetected).
type detectSaves struct {
	// every is how many detections may wait in memory for a save while
	// the detection runs: the loader keeps each, with its file's path and
	// stamp, until it is saved (see load.Loader.SaveDetected).
	every int
	// waiting counts the detections made since the last save began.
	waiting int
	// running is true while a save runs; again, that one more was asked
	// for meanwhile, and final that it is the last.
	running, again, final bool
}

// detectSaveEvery is detectSaves.every: the first launch of a feed of
// 100,000 articles detects them all in the background, and kept until
// the end they held some 25 MB. Each save rewrites the directory's
// header cache, which holds every article.
const detectSaveEvery = 25000

// saveDetected returns the command that saves the detections made so far
// for the next launch: when final (the detection is over: Options'
// SaveDetected is then told so, even with nothing to save), or while it
// runs, once detectSaves.every of them wait. One save runs at a time;
// one asked for meanwhile runs when it ends.
func (l *listModel) saveDetected(final bool) tea.Cmd {
	s := &l.saves
	if l.opt.SaveDetected == nil || !final && s.waiting < s.every {
		return nil
	}
	if s.running {
		s.again, s.final = true, s.final || final
		return nil
	}
	s.running, s.waiting = true, 0
	save := l.opt.SaveDetected
	return safeCmd(func() tea.Msg {
		// The cache is disposable: a failure to write it costs the next
		// launch some time, and is not worth a word on screen.
		_ = save(final)
		return detectedSavedMsg{}
	})
}

// savedDetected takes the end of a save, and starts the one asked for
// meanwhile.
func (l *listModel) savedDetected() tea.Cmd {
	s := &l.saves
	s.running = false
	if !s.again {
		return nil
	}
	final := s.final
	s.again, s.final = false, false
	return l.saveDetected(final)
}

// detectedSavedMsg says that a save of detections ended.
type detectedSavedMsg struct{}
