package main

import (
	"context"
	"errors"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/fetch"
	"github.com/gazette-news/gazette/feed/load"
)

// fullPage fetches the web page of an article that came as a summary and
// returns the article with the page's text, through the same fetcher, caps
// and cache as every other URL. The link is content: it may lead to a
// private address only from a source on one (see fetch.FromContent).
func (a *app) fullPage(ctx context.Context, art *feed.Article) (*feed.Article, error) {
	if art.Link == "" {
		return nil, errors.New("the article has no web page")
	}
	doc, err := a.fetcher().Fetch(fetch.FromContent(ctx, a.carrierOf(art)), art.Link)
	if err != nil {
		return nil, err
	}
	return feed.FullArticle(art, doc)
}

// withFullPages replaces each summary-only article that has a web page with
// the full article. A page that cannot be had is reported, and the summary
// is kept; failed says whether any was.
func (a *app) withFullPages(ctx context.Context, arts []*feed.Article) (out []*feed.Article, failed bool) {
	out = make([]*feed.Article, len(arts))
	for i, art := range arts {
		out[i] = art
		if !art.Partial || art.Link == "" {
			continue
		}
		full, err := a.fullPage(ctx, art)
		if err != nil {
			a.warn(&load.SourceError{Source: art.Link, Err: err})
			failed = true
			continue
		}
		out[i] = full
	}
	return out, failed
}
