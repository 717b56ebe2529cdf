package tui

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/search"
)

// indexState is what the reader knows of the full-text index.
type indexState struct {
	// searcher answers body words; nil without a store.
	searcher *search.Searcher
	// building is true from the end of the load until the index is up to
	// date; progress is how far it has come.
	building bool
	progress search.Progress
	// highlight is the query in force, whose words are highlighted in
	// list titles and in the open article.
	highlight query.Query
	// keyAt is when the last key came, in Unix nanoseconds, for the index
	// build to wait for a pause in the typing; nil until the build starts.
	keyAt *atomic.Int64
	// ready is closed once the build has readied what the first word
	// typed needs (see startIndex); nil until the build starts.
	ready chan struct{}
	// folded holds the whole list's titles and sources folded, once the
	// build has readied them (see foldAll); nil until the build starts.
	folded *atomic.Pointer[foldedList]
	// stopFold stops the last fold a refresh started (see refold).
	stopFold context.CancelFunc
	// ride detects countries in the bodies the build reads, while it
	// runs; nil when the build does not, or is over.
	ride *rideAlong
}

// planQuiet is how long the keys must pause before the index's start-up
// plan begins, and planWait how long the plan waits for that at most.
// The plan takes both cores for a while: a word typed meanwhile would
// wait for it. A pause of a third of a second, after "/" and before the
// word, was often enough to start it under the word's first key.
const (
	planQuiet = time.Second
	planWait  = 2 * time.Second
)

// waitKeys waits until no key has come for planQuiet, or planWait has
// passed, or ctx is done.
func waitKeys(ctx context.Context, keyAt *atomic.Int64) {
	waitQuiet(ctx, keyAt, planQuiet)
}

// waitQuiet waits until no key has come for quiet, or planWait has
// passed, or ctx is done.
func waitQuiet(ctx context.Context, keyAt *atomic.Int64, quiet time.Duration) {
	deadline := time.Now().Add(planWait)
	for {
		wait := time.Until(time.Unix(0, keyAt.Load()).Add(quiet))
		if wait <= 0 {
			return
		}
		wait = min(wait, time.Until(deadline))
		if wait <= 0 {
			return
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// noteKey records when a key came, for waitKeys.
func (s indexState) noteKey(msg tea.Msg) {
	if _, ok := msg.(tea.KeyPressMsg); ok && s.keyAt != nil {
		s.keyAt.Store(time.Now().UnixNano())
	}
}

// status is the status line's word on an index being built.
func (s indexState) status() string {
	pct := 0
	if s.progress.Total > 0 {
		// Before the first report, nothing is known to be done.
		pct = s.progress.Percent()
	}
	return fmt.Sprintf("indexing %d%%", pct)
}

// startIndex starts the background build of the index once the load is
// done, over every article loaded: the first rows and the full count
// never wait for it.
func (m *model) startIndex() tea.Cmd {
	if m.index.searcher == nil || m.opt.Store == nil || m.index.building {
		return nil
	}
	arts := make([]*feed.Article, len(m.list.all))
	for i, e := range m.list.all {
		arts[i] = e.a
	}
	// Only a complete load tells which files are gone: the roots are
	// those of its sources (search.LocalRoots, which looks at each, in
	// the command).
	var paths []string
	if len(m.errs) == 0 {
		for _, s := range m.opt.Sources {
			if s.FS == nil {
				paths = append(paths, s.Location)
			}
		}
	}
	m.index.building = true
	m.index.progress = search.Progress{}
	if m.index.keyAt == nil {
		m.index.keyAt = new(atomic.Int64)
	}
	if m.index.folded == nil {
		m.index.folded = new(atomic.Pointer[foldedList])
	}
	m.index.ready = make(chan struct{})
	s, all, keyAt, rows, ready := m.index.searcher, m.list.all, m.index.keyAt, m.list.nextRow, m.index.ready
	version, folded := m.list.version, m.index.folded
	// A reader of one directory that its header cache found unchanged
	// plans with the cache's memo.
	var memos search.Memos
	l := m.opt.Loader
	if len(m.opt.Sources) == 1 && l != nil && l.Heads != nil {
		memos = l.Heads
	}
	hold := m.opt.HoldCollector
	prepare := func(ctx context.Context) {
		// The titles folded and the rows bound, on two cores: the first
		// word typed, a fraction of a second after the full count,
		// needs both. The detection of countries waits for them.
		// The bind is done sooner: its core then folds too.
		func() {
			if hold != nil {
				defer hold()()
			}
			var wg sync.WaitGroup
			bound := make(chan struct{})
			wg.Go(func() {
				defer close(bound)
				// A failure to warm up is the first lookup's to report.
				_ = s.Warm(ctx)
				bindRows(ctx, s, rows, all)
			})
			storeFolded(folded, foldAll(ctx, all, version, bound))
			wg.Wait()
		}()
		close(ready)
		// The load and this leave the heap near the collector's goal,
		// and the first word typed then paid for a collection of the
		// whole list: 10–20 ms of a keystroke's 30, in two launches of
		// eight at 100,000 articles. Collected now, before the keys come
		// as a rule, the heap has its whole headroom for them.
		if ctx.Err() == nil {
			runtime.GC()
		}
		waitKeys(ctx, keyAt)
		// Whether the load found the directory as the cache recorded it
		// is known once the look it put off is done (see checkStale,
		// which asks for it as the keys pause too).
		if memos != nil {
			l.Looked(ctx, lookWait)
		}
	}
	// A run that wrote may have given a document's number to another
	// key: the rows are bound again.
	finish := func(ctx context.Context) { _ = s.Bind(ctx, rows, entryRows(all)) }
	body := m.opt.IndexBody
	m.index.ride = nil
	switch {
	case body == nil:
		body = m.opt.Body
	case m.opt.Body != nil:
		// The articles whose countries the load put off are read for
		// the index with their countries: the detection after the build
		// has only what the index did not read left to do.
		m.index.ride = &rideAlong{all: all, body: m.opt.Body}
		body = m.index.ride.wrap(body)
	}
	return buildIndex(m.ctx, m.opt.Store, memos, prepare, finish, body, arts, paths)
}

// lookWait bounds the plan's wait for the look a load put off: a
// quarter of a second at 100,000 files.
const lookWait = 2 * time.Second

// takeRidden gives the entries the countries the index build detected
// since the last report (see rideAlong), and refilters the list. When the
// build is done, the detection of the rest starts, and with none left,
// what was detected is saved for the next launch; it is saved as it
// comes, too, once enough of it waits (see listModel.saveDetected).
func (m *model) takeRidden(done bool) tea.Cmd {
	r := m.index.ride
	if r == nil {
		return nil
	}
	var cmds []tea.Cmd
	if entries, mentions := r.take(); len(entries) > 0 {
		m.list.applyDetected(entries, mentions)
		cmds = append(cmds, m.list.refilter())
	}
	if done {
		m.index.ride = nil
		next := m.list.startDetect()
		if next == nil {
			next = m.list.saveDetected(true)
		}
		cmds = append(cmds, next)
	} else {
		cmds = append(cmds, m.list.saveDetected(false))
	}
	return tea.Batch(cmds...)
}

// indexProgress takes a report of the index build; when the build is
// done, a filter that looks for body words runs again, now over the
// whole index.
func (m *model) indexProgress(msg indexMsg) tea.Cmd {
	m.index.progress = msg.p
	ridden := m.takeRidden(msg.done)
	if !msg.done {
		return tea.Batch(ridden, waitIndex(msg.ch))
	}
	m.index.building = false
	if msg.err != nil && m.ctx.Err() == nil {
		m.errs = append(m.errs, feed.SanitizeLine("search index: "+msg.err.Error()))
	}
	m.index.searcher.Changed()
	m.list.results = resultCache{}
	if m.list.flt.query.NeedsBody() {
		return tea.Batch(ridden, m.list.startFilter(m.list.flt, false))
	}
	return ridden
}

// renderTitle renders a list row's title, fitted to its column from
// full, in style base, with the words the filter matched underlined and
// bold: attributes, not colours, so that they show under NO_COLOR too.
func (m *common) renderTitle(full, fitted string, base paint) string {
	spans := m.index.highlight.Highlights(full)
	if len(spans) == 0 {
		return base.Render(fitted)
	}
	// The fitted title is full's start, then an ellipsis or padding.
	kept := 0
	for kept < len(full) && kept < len(fitted) && full[kept] == fitted[kept] {
		kept++
	}
	for kept > 0 && kept < len(fitted) && !utf8.RuneStart(fitted[kept]) {
		kept--
	}
	hl := base.style.Underline(true).Bold(true)
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		start, end := sp[0], min(sp[1], kept)
		if start >= end {
			break
		}
		if start > at {
			b.WriteString(base.Render(fitted[at:start]))
		}
		b.WriteString(hl.Render(fitted[start:end]))
		at = end
	}
	if at < len(fitted) {
		b.WriteString(base.Render(fitted[at:]))
	}
	return b.String()
}

// highlightLines underlines the words q matches in rendered lines, and
// returns the lines with the numbers of those that hold a match. Escape
// sequences are kept as they are; an underline that a style reset ends
// inside a match is started again.
func highlightLines(q query.Query, lines []string) (out []string, at []int) {
	out = make([]string, len(lines))
	var plain []byte
	var offs []int
	for i, line := range lines {
		plain, offs = plainText(line, plain[:0], offs[:0])
		spans := q.Highlights(string(plain))
		if len(spans) == 0 {
			out[i] = line
			continue
		}
		at = append(at, i)
		out[i] = underline(line, offs, spans)
	}
	return out, at
}

// plainText appends the text of line without its escape sequences to
// plain, and to offs the offset in line of each byte of it.
func plainText(line string, plain []byte, offs []int) ([]byte, []int) {
	for i := 0; i < len(line); {
		if n := escapeLen(line[i:]); n > 0 {
			i += n
			continue
		}
		plain = append(plain, line[i])
		offs = append(offs, i)
		i++
	}
	return plain, offs
}

// escapeLen returns the length of the escape sequence s starts with, or
// 0: CSI sequences (colours, styles) and OSC ones (hyperlinks).
func escapeLen(s string) int {
	if len(s) < 2 || s[0] != 0x1b {
		return 0
	}
	switch s[1] {
	case '[':
		for j := 2; j < len(s); j++ {
			if s[j] >= 0x40 && s[j] <= 0x7e {
				return j + 1
			}
		}
		return len(s)
	case ']':
		for j := 2; j < len(s); j++ {
			if s[j] == 0x07 {
				return j + 1
			}
			if s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\' {
				return j + 2
			}
		}
		return len(s)
	}
	return 2
}

// underline puts the spans of the line's plain text (whose bytes are at
// offs in line) between underline on and off.
func underline(line string, offs []int, spans [][2]int) string {
	const on, off = "\x1b[4m", "\x1b[24m"
	var b strings.Builder
	at, k, inside := 0, 0, false
	for p, o := range offs {
		if k < len(spans) && p == spans[k][0] {
			b.WriteString(line[at:o])
			b.WriteString(on)
			at, inside = o, true
		}
		if inside && p > spans[k][0] && line[at:o] != "" && strings.Contains(line[at:o], "\x1b[") {
			// A sequence inside the match may have reset the style.
			b.WriteString(line[at:o])
			b.WriteString(on)
			at = o
		}
		if inside && p == spans[k][1]-1 {
			end := o + 1
			b.WriteString(line[at:end])
			b.WriteString(off)
			at, inside = end, false
			k++
		}
	}
	b.WriteString(line[at:])
	return b.String()
}

// highlightCmd highlights the words of q in the lines of the rendering k
// off the UI loop.
func highlightCmd(k renderKey, q query.Query, lines []string) tea.Cmd {
	text := q.String()
	return safeCmd(func() tea.Msg {
		out, at := highlightLines(q, lines)
		return highlightedMsg{key: k, query: text, lines: out, at: at}
	})
}

// markMatches asks for the shown article's matches to be highlighted, when
// a filter with words is in force.
func (r *readerModel) markMatches() tea.Cmd {
	r.matchAt = nil
	q := r.index.highlight
	if len(q.Words()) == 0 || len(r.lines) == 0 {
		return nil
	}
	return highlightCmd(r.shown, q, r.lines)
}

// applyHighlighted puts highlighted lines on screen, when they are of the
// rendering and query shown.
func (r *readerModel) applyHighlighted(msg highlightedMsg) {
	if msg.key != r.shown || msg.query != r.index.highlight.String() {
		return
	}
	off := r.vp.YOffset()
	r.setLines(msg.lines)
	r.vp.SetYOffset(off)
	r.matchAt = msg.at
}

// nextMatch scrolls to the next line below the top that holds a match,
// or with back to the one above it.
func (r *readerModel) nextMatch(back bool) {
	top := r.vp.YOffset()
	if back {
		for i := len(r.matchAt) - 1; i >= 0; i-- {
			if r.matchAt[i] < top {
				r.vp.SetYOffset(r.matchAt[i])
				return
			}
		}
		return
	}
	for _, l := range r.matchAt {
		if l > top {
			r.vp.SetYOffset(l)
			return
		}
	}
}
