// Package miniflux is a client of Miniflux's REST API (/v1), for a
// remote.Account.
package miniflux

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/remote"
)

// Config says which account to use and how to reach it.
type Config struct {
	// Endpoint is the server: its URL (the one the web pages are on) and
	// the request limits.
	Endpoint remote.Endpoint
	// Token is an API key, sent as X-Auth-Token. It is preferred to a
	// password.
	Token remote.Secret
	// User and Password log in with HTTP basic authentication when there
	// is no token.
	User     string
	Password remote.Secret
}

// Client is one Miniflux account. It is safe for concurrent use.
type Client struct {
	conn   *remote.Conn
	auth   http.Header
	origin string
}

var _ remote.Account = (*Client)(nil)

// pageSize is how many entries one request asks for.
const pageSize = 250

// New returns a client of the account. It makes no request.
func New(cfg Config) (*Client, error) {
	conn, err := remote.NewConn("miniflux", cfg.Endpoint, cfg.Token, cfg.Password)
	if err != nil {
		return nil, err
	}
	auth := http.Header{}
	switch {
	case !cfg.Token.IsZero():
		auth.Set("X-Auth-Token", cfg.Token.Reveal())
	case cfg.User != "" && !cfg.Password.IsZero():
		basic := base64.StdEncoding.EncodeToString([]byte(cfg.User + ":" + cfg.Password.Reveal()))
		auth.Set("Authorization", "Basic "+basic)
		// The encoded form is a secret too.
		conn.AddSecret(basic)
	default:
		return nil, conn.Fail("connect", remote.ErrAuth, "give an API token, or a user and a password")
	}
	// Miniflux numbers entries across all its users, so the server alone
	// tells whose they are, whichever way the account logs in.
	return &Client{conn: conn, auth: auth, origin: conn.Server()}, nil
}

// Server names the server, as errors do.
func (c *Client) Server() string { return c.conn.Server() }

func (c *Client) do(ctx context.Context, r remote.Request, out any) error {
	r.Header = c.auth
	return c.conn.Do(ctx, r, out)
}

// jsonFeed is a feed as the API gives it; only what gazette uses.
type jsonFeed struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	FeedURL  string `json:"feed_url"`
	SiteURL  string `json:"site_url"`
	Category *struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	} `json:"category"`
}

// jsonEntry is an entry as the API gives it.
type jsonEntry struct {
	ID        int64     `json:"id"`
	FeedID    int64     `json:"feed_id"`
	Status    string    `json:"status"`
	Title     string    `json:"title"`
	URL       string    `json:"url"`
	Published time.Time `json:"published_at"`
	Changed   time.Time `json:"changed_at"`
	Content   string    `json:"content"`
	Author    string    `json:"author"`
	Starred   bool      `json:"starred"`
	Tags      []string  `json:"tags"`
	Feed      *jsonFeed `json:"feed"`
}

// Subscriptions lists the account's feeds.
func (c *Client) Subscriptions(ctx context.Context) ([]remote.Subscription, error) {
	var feeds []jsonFeed
	if err := c.do(ctx, remote.Request{Op: "list feeds", Path: "/v1/feeds"}, &feeds); err != nil {
		return nil, err
	}
	subs := make([]remote.Subscription, 0, len(feeds))
	for _, f := range feeds {
		subs = append(subs, subscription(f))
	}
	return subs, nil
}

// subscription cleans a feed from the server.
func subscription(f jsonFeed) remote.Subscription {
	s := remote.Subscription{ID: strconv.FormatInt(f.ID, 10), Title: remote.CleanTitle(f.Title)}
	s.URL, _ = feed.SafeURL(f.FeedURL, nil)
	s.SiteURL, _ = feed.SafeURL(f.SiteURL, nil)
	if f.Category != nil {
		s.Tags = feed.MergeTags(nil, []string{f.Category.Title})
	}
	if s.Title == "" {
		s.Title = s.URL
	}
	return s
}

// filterQuery turns a filter into the API's query parameters.
func filterQuery(f remote.Filter) url.Values {
	q := url.Values{}
	if f.Unread {
		q.Set("status", "unread")
	}
	if f.Starred {
		q.Set("starred", "true")
	}
	if !f.Since.IsZero() {
		q.Set("changed_after", strconv.FormatInt(f.Since.Unix(), 10))
	}
	return q
}

// EntryIDs lists the IDs of the entries the filter selects, newest first.
func (c *Client) EntryIDs(ctx context.Context, f remote.Filter) ([]string, error) {
	if !f.Since.IsZero() {
		// The IDs endpoint has no date filter; the entries have.
		entries, err := c.entries(ctx, f, false)
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(entries))
		for i, e := range entries {
			ids[i] = strconv.FormatInt(e.ID, 10)
		}
		return ids, nil
	}
	q := filterQuery(f)
	q.Set("limit", strconv.Itoa(f.Max()))
	var resp struct {
		IDs []int64 `json:"entry_ids"`
	}
	if err := c.do(ctx, remote.Request{Op: "list entry IDs", Path: "/v1/entries/ids", Query: q}, &resp); err != nil {
		return nil, err
	}
	ids := make([]string, 0, min(len(resp.IDs), f.Max()))
	for _, id := range resp.IDs[:min(len(resp.IDs), f.Max())] {
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	return ids, nil
}

// Entries returns the entries the filter selects, newest first, with
// their content.
func (c *Client) Entries(ctx context.Context, f remote.Filter) ([]remote.Entry, error) {
	raw, err := c.entries(ctx, f, true)
	if err != nil {
		return nil, err
	}
	out := make([]remote.Entry, 0, len(raw))
	for _, e := range raw {
		// One entry that cannot be read leaves the rest.
		if entry, ok := c.entry(e); ok {
			out = append(out, entry)
		}
	}
	return out, nil
}

// entry cleans one entry.
func (c *Client) entry(e jsonEntry) (remote.Entry, bool) {
	item := feed.Item{
		Origin: c.origin, ID: strconv.FormatInt(e.ID, 10), Format: "miniflux",
		Title: e.Title, Link: e.URL, Content: e.Content, Author: e.Author,
		Categories: e.Tags, Published: e.Published,
	}
	if e.Feed != nil {
		item.Feed, item.SiteURL = e.Feed.Title, e.Feed.SiteURL
		if e.Feed.Category != nil {
			item.Categories = append([]string{e.Feed.Category.Title}, item.Categories...)
		}
	}
	a, err := feed.ParseItem(item)
	if err != nil {
		return remote.Entry{}, false
	}
	return remote.Entry{
		ID: item.ID, SubscriptionID: strconv.FormatInt(e.FeedID, 10),
		Read: e.Status == "read", Starred: e.Starred, Changed: e.Changed, Article: a,
	}, true
}

// entries pages through the entries the filter selects.
func (c *Client) entries(ctx context.Context, f remote.Filter, content bool) ([]jsonEntry, error) {
	q := filterQuery(f)
	q.Set("order", "id")
	q.Set("direction", "desc")
	max := f.Max()
	var out []jsonEntry
	// Paging by the last ID seen, not by offset: entries that arrive
	// meanwhile shift no page.
	var before int64
	for len(out) < max {
		limit := min(pageSize, max-len(out))
		q.Set("limit", strconv.Itoa(limit))
		if before > 0 {
			q.Set("before_entry_id", strconv.FormatInt(before, 10))
		}
		var page struct {
			Total   int         `json:"total"`
			Entries []jsonEntry `json:"entries"`
		}
		if err := c.do(ctx, remote.Request{Op: "list entries", Path: "/v1/entries", Query: q}, &page); err != nil {
			return nil, err
		}
		for _, e := range page.Entries {
			if !content {
				e.Content = ""
			}
			out = append(out, e)
		}
		if len(page.Entries) == 0 {
			break
		}
		if len(page.Entries) > limit {
			return nil, c.conn.Fail("list entries", remote.ErrBadAnswer, "a page longer than asked for")
		}
		last := page.Entries[len(page.Entries)-1].ID
		if before > 0 && last >= before {
			return nil, c.conn.Fail("list entries", remote.ErrBadAnswer, "the pages do not go back in time")
		}
		before = last
		if len(page.Entries) < limit {
			break
		}
	}
	if len(out) > max {
		out = out[:max]
	}
	return out, nil
}

// Mark applies a change to entries.
func (c *Client) Mark(ctx context.Context, change remote.Change, ids []string) error {
	op := fmt.Sprintf("mark %d entries %s", len(ids), change)
	if !change.Valid() {
		return c.conn.Fail(op, remote.ErrRejected, "unknown change")
	}
	nums, err := entryIDs(ids)
	if err != nil {
		return c.conn.Fail(op, remote.ErrRejected, err.Error())
	}
	for len(nums) > 0 {
		batch := nums[:min(len(nums), pageSize)]
		nums = nums[len(batch):]
		body := map[string]any{"entry_ids": batch}
		switch change {
		case remote.MarkRead:
			body["status"] = "read"
		case remote.MarkUnread:
			body["status"] = "unread"
		case remote.Star:
			body["starred"] = true
		case remote.Unstar:
			body["starred"] = false
		}
		if err := c.do(ctx, remote.Request{Op: op, Method: http.MethodPut, Path: "/v1/entries", JSON: body}, nil); err != nil {
			return err
		}
	}
	return nil
}

// entryIDs parses entry IDs, which Miniflux numbers from 1.
func entryIDs(ids []string) ([]int64, error) {
	out := make([]int64, 0, len(ids))
	for _, s := range ids {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a Miniflux entry ID", feed.SanitizeLine(s))
		}
		out = append(out, n)
	}
	return out, nil
}

// Subscribe subscribes to a feed. Miniflux fetches it at once, so its
// entries can be listed when Subscribe returns.
func (c *Client) Subscribe(ctx context.Context, feedURL, category string) (remote.Subscription, error) {
	op := "subscribe to " + remote.ShowURL(feedURL)
	u, ok := feed.SafeURL(feedURL, nil)
	if !ok {
		return remote.Subscription{}, c.conn.Fail(op, remote.ErrRejected, "only http and https feeds can be followed")
	}
	body := map[string]any{"feed_url": u}
	if category = strings.TrimSpace(category); category != "" {
		id, err := c.category(ctx, category)
		if err != nil {
			return remote.Subscription{}, err
		}
		body["category_id"] = id
	}
	var created struct {
		ID int64 `json:"feed_id"`
	}
	if err := c.do(ctx, remote.Request{Op: op, Path: "/v1/feeds", JSON: body}, &created); err != nil {
		return remote.Subscription{}, err
	}
	var f jsonFeed
	path := "/v1/feeds/" + strconv.FormatInt(created.ID, 10)
	if err := c.do(ctx, remote.Request{Op: op, Path: path}, &f); err != nil {
		return remote.Subscription{}, err
	}
	return subscription(f), nil
}

// category returns the ID of the category with this title, creating it
// when missing.
func (c *Client) category(ctx context.Context, title string) (int64, error) {
	var cats []struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	}
	if err := c.do(ctx, remote.Request{Op: "list categories", Path: "/v1/categories"}, &cats); err != nil {
		return 0, err
	}
	for _, cat := range cats {
		if strings.EqualFold(cat.Title, title) {
			return cat.ID, nil
		}
	}
	var created struct {
		ID int64 `json:"id"`
	}
	op := fmt.Sprintf("create category %q", title)
	if err := c.do(ctx, remote.Request{Op: op, Path: "/v1/categories", JSON: map[string]string{"title": title}}, &created); err != nil {
		return 0, err
	}
	return created.ID, nil
}

// Unsubscribe removes a subscription.
func (c *Client) Unsubscribe(ctx context.Context, id string) error {
	op := fmt.Sprintf("unsubscribe from feed %q", id)
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return c.conn.Fail(op, remote.ErrRejected, "not a Miniflux feed ID")
	}
	return c.do(ctx, remote.Request{Op: op, Method: http.MethodDelete, Path: "/v1/feeds/" + id}, nil)
}

// Refresh asks the server to fetch a feed now, and returns once it has.
// Miniflux's API can do this; the Google Reader API cannot, so it is not
// part of remote.Account.
func (c *Client) Refresh(ctx context.Context, id string) error {
	op := fmt.Sprintf("refresh feed %q", id)
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return c.conn.Fail(op, remote.ErrRejected, "not a Miniflux feed ID")
	}
	return c.do(ctx, remote.Request{Op: op, Method: http.MethodPut, Path: "/v1/feeds/" + id + "/refresh"}, nil)
}
