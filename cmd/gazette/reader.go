package main

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/config"
	"github.com/gazette-news/gazette/store"
	"github.com/gazette-news/gazette/tui"
)

// runTUI opens the interactive reader on the sources. Downloads report to
// the reader's status line while they run.
func (a *app) runTUI(ctx context.Context, args []string) error {
	progress := &tui.Progress{}
	fetcher := a.fetcher()
	fetcher.Progress = progress.Fetch
	// Articles keep only their headers in memory; the reader reads a body
	// again when it opens the article.
	loader := a.headLoader()
	loader.Fetch = func(ctx context.Context, rawURL string) (feed.Doc, error) {
		progress.Fetch(rawURL, 0, -1)
		defer progress.Done(rawURL)
		return fetcher.Fetch(ctx, rawURL)
	}
	st := a.openStore()
	if st != nil {
		defer st.Close()
	}
	return tui.Run(ctx, tui.Options{
		Sources:  a.sources(args),
		Loader:   loader,
		Style:    a.style,
		NoColor:  !a.colorOn(),
		Detected: a.detected,
		Output:   a.io.out,
		Getenv:   a.io.getenv,
		Progress: progress,
		FullPage: a.fullPage,
		Body:     loader.Body,
		Store:    st,
	})
}

// openStore opens the database in the data dir, or one in memory when it
// cannot be opened, with a notice saying so; nil when there is no data
// dir at all.
func (a *app) openStore() *store.Store {
	dir, err := config.DefaultDataDir(a.io.getenv)
	if err != nil {
		return nil
	}
	st, warning := store.OpenOrMemory(filepath.Join(dir, storeFile), store.Options{})
	if warning != "" {
		a.notice("store", strings.TrimPrefix(warning, "gazette: "))
	}
	return st
}
