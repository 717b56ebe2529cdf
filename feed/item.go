package feed

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Item is one entry as a sync server hands it over (Miniflux, FreshRSS,
// any server of the Google Reader API), its strings exactly as they
// arrived after the last decoding step, usually JSON. Nothing in it is
// trusted: ParseItem cleans it the way a feed item is cleaned.
type Item struct {
	// Origin names the account the entry came from, such as
	// "miniflux https://rss.example.org ada". With ID it makes the
	// article's ID, so two accounts never share one.
	Origin string
	// ID is the server's ID for the entry.
	ID string
	// Format names the protocol that carried the entry ("miniflux",
	// "greader"), as Article.Format names a parser.
	Format string
	// Title is the entry's headline; it may hold HTML markup or entities.
	Title string
	// Link is the entry's own web address.
	Link string
	// Content is the entry's HTML.
	Content string
	// Author is the entry's author, if the server knows one.
	Author string
	// Feed is the title of the feed the entry came from.
	Feed string
	// SiteURL is the address of the feed's site; relative URLs in the
	// content resolve against Link, else against it.
	SiteURL string
	// Categories are the entry's categories and its feed's, as tags.
	Categories []string
	// Published is the entry's publication date; zero when unknown.
	Published time.Time
}

// ParseItem turns an entry from a sync server into an article, sanitized
// and canonical like every other: the HTML content becomes blocks and
// footnotes, only http and https links are kept, categories become tags
// with country names made canonical, and countries are detected in the
// text as ParseDoc does.
func ParseItem(it Item) (a *Article, err error) {
	defer func() {
		if p := recover(); p != nil {
			a, err = nil, fmt.Errorf("entry %q: internal error: %v", SanitizeLine(it.ID), p)
		}
	}()
	a = &Article{Format: clip(SanitizeLine(it.Format), 32)}
	var base *url.URL
	if u, ok := SafeURL(it.SiteURL, nil); ok {
		base, _ = url.Parse(u)
	}
	a.Link, _ = SafeURL(it.Link, base)
	if a.Link != "" {
		base, _ = url.Parse(a.Link)
	}
	a.Title = clip(SanitizeLine(htmlText(it.Title)), MaxTitleLen)
	if !it.Published.IsZero() {
		a.Date = it.Published
		a.DateText = it.Published.Format(time.RFC3339)
	}
	a.Source = clip(SanitizeLine(htmlText(it.Author)), MaxSourceLen)
	if a.Source == "" {
		a.Source = clip(SanitizeLine(htmlText(it.Feed)), MaxSourceLen)
	}
	a.Tags = MergeTags(nil, cleanCategories(it.Categories))

	var rb refBuilder
	b := newBodyBuilder(base, &rb)
	content := strings.TrimSpace(it.Content)
	if content != "" {
		if err := newHTMLConverter().fragment(content, b); err != nil {
			b.write(fmt.Sprintf("[The text of this entry cannot be shown: %v.]", err))
			b.flush(Paragraph, 0)
		}
	}
	a.Body = b.blocks
	a.Refs = rb.refs
	a.Images = rb.images()
	a.Partial = !hasText(a.Body) && a.Link != ""
	if a.Title == "" {
		a.Title = firstText(a.Body)
	}

	origin := SanitizeLine(it.Origin)
	a.ID = MakeID("remote", origin, it.ID)
	a.Location = a.Link
	if a.Location == "" {
		a.Location = clip(origin+"#"+SanitizeLine(it.ID), 2048)
	}
	// A sync server does not pass on the feed's GUID, so the story is
	// known by its link, else by its title and date.
	a.Key = a.Link
	if a.Key == "" {
		a.Key = MakeID(a.Title, a.DateText)
	}
	DetectCountries(a)
	return a, nil
}
