package main

import (
	"context"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/search"
	"github.com/gazette-news/gazette/internal/state"
	"github.com/gazette-news/gazette/store"
	"github.com/gazette-news/gazette/tui"
)

// runTUI opens the interactive reader on the sources. Downloads report to
// the reader's status line while they run.
func (a *app) runTUI(ctx context.Context, args []string) error {
	// The first files of a launch are parsed whole, their countries
	// detected (see load.Loader.FirstRows): the detection's tables are
	// built beside the store's opening and the program's start, not in
	// the first file's parse, which took 5.2 ms for them (the median of
	// 24 launches at 100,000 articles) and takes 0.13 ms.
	go feed.PrepareDetection()
	progress := &tui.Progress{}
	fetcher := a.fetcher()
	fetcher.Progress = progress.Fetch
	// Articles keep only their headers in memory; the reader reads a body
	// again when it opens the article, and its footnotes with it.
	loader := a.headLoader()
	loader.DropFootnotes = true
	// The countries of articles that declare theirs are only dimmed
	// badges: the reader detects them after the full count, unless the
	// filters are to count them from the start.
	loader.LazyDetect = !a.detected
	// The first rows show while the header cache is read, and the list
	// is whole before the files it holds records of are looked at: those
	// found changed then are read again, as a watch's.
	loader.FirstRows = true
	loader.CheckLater = true
	// The watch of the directories starts once the first load is over,
	// and what the load read and listed before it was in place is looked
	// at again then.
	loader.WatchLater = true
	loader.Fetch = func(ctx context.Context, rawURL string) (feed.Doc, error) {
		progress.Fetch(rawURL, 0, -1)
		defer progress.Done(rawURL)
		return fetcher.Fetch(ctx, rawURL)
	}
	loader.Waiting = progress.Waiting
	// The bodies the reader reads again after its load are paced from
	// the load's end.
	pace := a.pacing()
	bodies := newBodyPacer(pace)
	pace.loaded = bodies.start
	loader.Pipe = a.pipe(pace)
	// The reader's load makes garbage of its own as it lists (batches of
	// entries, merged and sorted), some 70 MB at 100,000 articles: let
	// the collector wait for three fifths of what the cached articles
	// take, not all of it. Its second launch then collects twice while it
	// loads, not five times, reaching its full count in 434 ms against
	// 537 (CPU 0.74 s against 0.93 s), and peaks at 171 MiB against 163;
	// waiting for all of it, once, it peaked at 208 MiB.
	loader.Expect = func(n int64) { expect(n / 5 * 3) }
	// The accounts sync beside the reader, which lists what the store
	// holds meanwhile; quitting cancels the sync and waits for it.
	syncCtx, cancelSync := context.WithCancel(ctx)
	defer a.bgSync.wait()
	defer cancelSync()
	if !a.offline {
		a.bgSync.enable(syncCtx)
	}
	st := a.openStore(keepState)
	srcs := a.sources(args)
	// Feed items that left their feed stay listed, from the store.
	pipe := loader.Pipe
	loader.Pipe = func(ctx context.Context, ch <-chan load.Result) <-chan load.Result {
		return withHistory(ctx, st, srcs, pipe(ctx, ch))
	}
	var refresh tui.Refresh
	if cfg := a.net.cfg; cfg != nil {
		refresh.Every, refresh.Sources = cfg.RefreshPlan()
	}
	keys, theme, err := a.readerConfig()
	if err != nil {
		return err
	}
	body, indexBody := bodies.wrap(loader.Body), bodies.wrap(loader.BodyText)
	return tui.Run(ctx, tui.Options{
		Keys:     keys,
		Theme:    theme,
		Sources:  srcs,
		Loader:   loader,
		Style:    a.style,
		NoColor:  !a.colorOn(),
		Detected: a.detected,
		Output:   a.io.out,
		Getenv:   a.io.getenv,
		Progress: progress,
		FullPage: a.fullPage,
		Body:     body,
		// The index reads the text alone: no countries detected twice.
		IndexBody: indexBody,
		// What the reader detected after the count, for the next launch.
		SaveDetected: func(final bool) error {
			if final {
				bodies.done()
			}
			return loader.SaveDetected(srcs)
		},
		Store:   st,
		Index:   a.readerIndex(st),
		Refresh: refresh,
		// The collector is paced as during the load while the reader
		// readies its search after it.
		HoldCollector: func() func() { return holdCollector(pace) },
	})
}

// readerIndex is what the reader searches: st's index, with a copy of its
// keys kept in the cache directory; nil without a store.
func (a *app) readerIndex(st *store.Store) search.Index {
	if st == nil {
		return nil
	}
	return state.KeysCopy{Store: st, Path: a.keysCopy(st)}
}
