// Package remote speaks to the sync servers a reader keeps its
// subscriptions and read state on: Miniflux's REST API (package
// remote/miniflux) and the Google Reader API that Miniflux, FreshRSS,
// Inoreader and others serve (package remote/greader).
//
// Both clients give the same Account: subscriptions, entries as clean
// feed.Article values, and read and starred marks by the server's entry
// IDs. Everything a server sends is untrusted and is sanitized when it
// arrives, through feed.ParseItem and feed's sanitizers. Every request has
// a deadline and a size cap, goes only to an http or https URL, and fails
// with an *Error that names the server and never holds a secret.
package remote

import (
	"context"
	"html"
	"net/url"
	"time"

	"github.com/gazette-news/gazette/feed"
)

// Account is one account on a sync server, as the sync engine uses it.
// Entry and subscription IDs are the server's own, as strings; they are
// only ever handed back to the same account.
type Account interface {
	// Subscriptions lists the account's feeds with their categories.
	Subscriptions(ctx context.Context) ([]Subscription, error)
	// EntryIDs lists the IDs of the entries the filter selects, newest
	// first, without their content: what a sync compares its state with.
	EntryIDs(ctx context.Context, f Filter) ([]string, error)
	// Entries returns the entries the filter selects, with their content.
	Entries(ctx context.Context, f Filter) ([]Entry, error)
	// Mark applies one change to the entries with these IDs. Marking an
	// entry that already is in that state is no error.
	Mark(ctx context.Context, change Change, ids []string) error
	// Subscribe subscribes the account to a feed, in the category when
	// one is given (created if missing), and returns the subscription.
	Subscribe(ctx context.Context, feedURL, category string) (Subscription, error)
	// Unsubscribe removes the subscription with this ID.
	Unsubscribe(ctx context.Context, id string) error
}

// Subscription is one feed an account follows.
type Subscription struct {
	// ID is the server's ID of the subscription, for Unsubscribe.
	ID string
	// Title is the feed's title, sanitized.
	Title string
	// URL is the feed's address; empty when it is not http or https.
	URL string
	// SiteURL is the address of the feed's site, if it is http or https.
	SiteURL string
	// Tags are the subscription's categories, canonical: a country spelled
	// any way is its display name, as everywhere in gazette.
	Tags []feed.Tag
}

// Entry is one entry of an account, with its state on the server.
type Entry struct {
	// ID is the server's ID of the entry, for Mark.
	ID string
	// SubscriptionID is the ID of the subscription the entry came from.
	SubscriptionID string
	// Read and Starred are the entry's state on the server.
	Read, Starred bool
	// Changed is when the server last changed the entry, its state
	// included, as the server tells it; zero when it does not.
	Changed time.Time
	// Article is the entry's text, built by feed.ParseItem. Its State is
	// left zero: what the reader remembers is the store's to fill in.
	Article *feed.Article
}

// Filter selects entries. The zero Filter selects every entry, up to
// MaxEntries.
type Filter struct {
	// Unread selects unread entries only.
	Unread bool
	// Starred selects starred entries only.
	Starred bool
	// Since, when not zero, selects entries that arrived or changed since
	// then, as far as the protocol can tell: Miniflux's API knows when an
	// entry's state changed; the Google Reader API knows only when it was
	// published.
	Since time.Time
	// Limit caps the entries returned; zero or more than MaxEntries means
	// MaxEntries.
	Limit int
}

// MaxEntries caps the entries one call returns, as feed.MaxFeedItems caps
// the items of one feed.
const MaxEntries = feed.MaxFeedItems

// Max returns the number of entries the filter allows.
func (f Filter) Max() int {
	if f.Limit <= 0 || f.Limit > MaxEntries {
		return MaxEntries
	}
	return f.Limit
}

// Change is one change to entries that a reader makes and a server keeps.
type Change int

const (
	// MarkRead marks entries read.
	MarkRead Change = iota + 1
	// MarkUnread marks entries unread.
	MarkUnread
	// Star stars entries.
	Star
	// Unstar removes the star.
	Unstar
)

var changeNames = [...]string{MarkRead: "read", MarkUnread: "unread", Star: "star", Unstar: "unstar"}

// String returns the change as `gazette mark` names it.
func (c Change) String() string {
	if c > 0 && int(c) < len(changeNames) {
		return changeNames[c]
	}
	return "unknown change"
}

// Valid reports whether c is one of the four changes.
func (c Change) Valid() bool { return c >= MarkRead && c <= Unstar }

// CleanTitle makes a title from a server fit to keep: HTML entities
// decoded (the Google Reader API escapes them), sanitized to one line,
// clipped as feed clips titles.
func CleanTitle(s string) string {
	return clipText(feed.SanitizeLine(html.UnescapeString(s)), feed.MaxTitleLen)
}

// ShowURL returns a URL as an error may show it: without a password,
// sanitized and clipped.
func ShowURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		s = u.Redacted()
	} else {
		s = "(an unparsable URL)"
	}
	return clipText(feed.SanitizeLine(s), 200)
}
