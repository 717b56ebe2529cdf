// Package greader is a client of the Google Reader API as sync servers
// serve it today (Miniflux, FreshRSS, Inoreader and others), for a
// remote.Account.
//
// It uses the calls every such server has: ClientLogin, token,
// subscription/list and subscription/edit, stream/items/ids with
// stream/items/contents, and edit-tag. (Miniflux has no stream/contents.)
package greader

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/remote"
)

// Config says which account to use and how to reach it.
type Config struct {
	// Endpoint is the API's root: the URL under which /accounts/ClientLogin
	// and /reader/api/0 are. For Miniflux that is the server's URL; for
	// FreshRSS it ends in /api/greader.php.
	Endpoint remote.Endpoint
	// User and Password are the Google Reader login, which some servers
	// (Miniflux, FreshRSS) keep apart from the web login.
	User     string
	Password remote.Secret
}

// Client is one account. It logs in on first use, and again once when the
// server says its session ended. It is safe for concurrent use.
type Client struct {
	conn     *remote.Conn
	user     string
	password remote.Secret
	origin   string

	mu    sync.Mutex
	auth  string // the ClientLogin token
	token string // the token POST requests carry as T
}

var _ remote.Account = (*Client)(nil)

// The streams the API names states by.
const (
	readingList = "user/-/state/com.google/reading-list"
	readState   = "user/-/state/com.google/read"
	starState   = "user/-/state/com.google/starred"
	itemPrefix  = "tag:google.com,2005:reader/item/"
	// idsPage is how many IDs one stream/items/ids request asks for.
	idsPage = 1000
	// contentsBatch is how many entries one stream/items/contents
	// request asks for.
	contentsBatch = 100
	// editBatch is how many entries one edit-tag request changes.
	editBatch = 250
)

// New returns a client of the account. It makes no request.
func New(cfg Config) (*Client, error) {
	conn, err := remote.NewConn("greader", cfg.Endpoint, cfg.Password)
	if err != nil {
		return nil, err
	}
	if cfg.User == "" || cfg.Password.IsZero() {
		return nil, conn.Fail("connect", remote.ErrAuth, "give a user and a password")
	}
	return &Client{conn: conn, user: cfg.User, password: cfg.Password,
		origin: conn.Server() + " " + feed.SanitizeLine(cfg.User)}, nil
}

// Server names the server, as errors do.
func (c *Client) Server() string { return c.conn.Server() }

// login returns the session token, logging in when there is none.
func (c *Client) login(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.auth != "" {
		return c.auth, nil
	}
	var body string
	form := url.Values{"Email": {c.user}, "Passwd": {c.password.Reveal()}}
	if err := c.conn.Do(ctx, remote.Request{Op: "log in", Path: "/accounts/ClientLogin", Form: form}, &body); err != nil {
		return "", err
	}
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Auth="); ok && v != "" {
			c.conn.AddSecret(v)
			c.auth = v
			return v, nil
		}
	}
	return "", c.conn.Fail("log in", remote.ErrBadAnswer, "the answer holds no Auth token")
}

// postToken returns the token that POST requests carry, fetching it once.
func (c *Client) postToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	t := c.token
	c.mu.Unlock()
	if t != "" {
		return t, nil
	}
	var body string
	if err := c.call(ctx, remote.Request{Op: "get a token", Path: "/reader/api/0/token"}, &body); err != nil {
		return "", err
	}
	t = strings.TrimSpace(body)
	if t == "" {
		return "", c.conn.Fail("get a token", remote.ErrBadAnswer, "empty token")
	}
	c.conn.AddSecret(t)
	c.mu.Lock()
	c.token = t
	c.mu.Unlock()
	return t, nil
}

// forget drops the session, so that the next call logs in again.
func (c *Client) forget() {
	c.mu.Lock()
	c.auth, c.token = "", ""
	c.mu.Unlock()
}

// call makes an authenticated request; a request refused as
// unauthenticated logs in again and is tried once more.
func (c *Client) call(ctx context.Context, r remote.Request, out any) error {
	for attempt := 0; ; attempt++ {
		auth, err := c.login(ctx)
		if err != nil {
			return err
		}
		r.Header = http.Header{"Authorization": {"GoogleLogin auth=" + auth}}
		if r.Form != nil {
			t, err := c.postToken(ctx)
			if err != nil {
				return err
			}
			r.Form.Set("T", t)
		}
		err = c.conn.Do(ctx, r, out)
		var e *remote.Error
		if attempt == 0 && errors.As(err, &e) && e.Status == http.StatusUnauthorized {
			c.forget()
			continue
		}
		return err
	}
}

// Subscriptions lists the account's feeds.
func (c *Client) Subscriptions(ctx context.Context) ([]remote.Subscription, error) {
	var resp struct {
		Subscriptions []jsonSubscription `json:"subscriptions"`
	}
	q := url.Values{"output": {"json"}}
	if err := c.call(ctx, remote.Request{Op: "list subscriptions", Path: "/reader/api/0/subscription/list", Query: q}, &resp); err != nil {
		return nil, err
	}
	subs := make([]remote.Subscription, 0, len(resp.Subscriptions))
	for _, s := range resp.Subscriptions {
		subs = append(subs, s.clean())
	}
	return subs, nil
}

// jsonSubscription is a subscription as the API gives it.
type jsonSubscription struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	URL        string `json:"url"`
	HTMLURL    string `json:"htmlUrl"`
	Categories []struct {
		ID    string `json:"id"`
		Label string `json:"label"`
	} `json:"categories"`
}

func (s jsonSubscription) clean() remote.Subscription {
	out := remote.Subscription{ID: feed.SanitizeLine(s.ID), Title: remote.CleanTitle(s.Title)}
	out.URL, _ = feed.SafeURL(s.URL, nil)
	if out.URL == "" {
		// Some servers give the feed's URL only in its stream ID.
		out.URL, _ = feed.SafeURL(strings.TrimPrefix(s.ID, "feed/"), nil)
	}
	out.SiteURL, _ = feed.SafeURL(s.HTMLURL, nil)
	var labels []string
	for _, cat := range s.Categories {
		label := cat.Label
		if label == "" {
			label = labelOf(cat.ID)
		}
		labels = append(labels, label)
	}
	out.Tags = feed.MergeTags(nil, labels)
	if out.Title == "" {
		out.Title = out.URL
	}
	return out
}

// labelOf returns the label a stream ID names ("user/-/label/Ukraine" or
// "user/1/label/Ukraine"), or "".
func labelOf(stream string) string {
	rest, ok := strings.CutPrefix(stream, "user/")
	if !ok {
		return ""
	}
	_, rest, _ = strings.Cut(rest, "/")
	label, ok := strings.CutPrefix(rest, "label/")
	if !ok {
		return ""
	}
	return label
}

// isState reports whether a stream ID names this state of any user:
// "user/-/state/com.google/read" or "user/1/state/com.google/read".
func isState(stream, state string) bool {
	rest, ok := strings.CutPrefix(stream, "user/")
	if !ok {
		return false
	}
	_, rest, _ = strings.Cut(rest, "/")
	return rest == "state/com.google/"+state
}

// streamQuery turns a filter into a stream/items/ids query.
func streamQuery(f remote.Filter) url.Values {
	q := url.Values{"output": {"json"}, "s": {readingList}}
	if f.Starred {
		q.Set("s", starState)
	}
	if f.Unread {
		q.Set("xt", readState)
	}
	if !f.Since.IsZero() {
		q.Set("ot", strconv.FormatInt(f.Since.Unix(), 10))
	}
	return q
}

// EntryIDs lists the IDs of the entries the filter selects, newest first,
// each as the decimal number the API's short form is.
func (c *Client) EntryIDs(ctx context.Context, f remote.Filter) ([]string, error) {
	if f.Unread && f.Starred {
		// Servers differ on excluding read entries from the starred
		// stream (Miniflux ignores it), so the two lists are crossed here.
		starred, err := c.EntryIDs(ctx, remote.Filter{Starred: true, Since: f.Since})
		if err != nil {
			return nil, err
		}
		unread, err := c.EntryIDs(ctx, remote.Filter{Unread: true, Since: f.Since})
		if err != nil {
			return nil, err
		}
		isUnread := make(map[string]bool, len(unread))
		for _, id := range unread {
			isUnread[id] = true
		}
		var both []string
		for _, id := range starred {
			if isUnread[id] && len(both) < f.Max() {
				both = append(both, id)
			}
		}
		return both, nil
	}
	q := streamQuery(f)
	max := f.Max()
	var ids []string
	seen := map[string]bool{}
	for len(ids) < max {
		q.Set("n", strconv.Itoa(min(idsPage, max-len(ids))))
		var resp struct {
			ItemRefs []struct {
				ID string `json:"id"`
			} `json:"itemRefs"`
			// Continuation is a string on some servers, a number on
			// others (Miniflux).
			Continuation jsonScalar `json:"continuation"`
		}
		if err := c.call(ctx, remote.Request{Op: "list entry IDs", Path: "/reader/api/0/stream/items/ids", Query: q}, &resp); err != nil {
			return nil, err
		}
		added := 0
		for _, ref := range resp.ItemRefs {
			id, ok := shortID(ref.ID)
			if !ok {
				return nil, c.conn.Fail("list entry IDs", remote.ErrBadAnswer, fmt.Sprintf("%q is not an entry ID", ref.ID))
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
				added++
			}
		}
		// A page with nothing new ends the list, whatever continuation
		// the server offers: a server that repeats itself cannot keep
		// the loop going.
		next := string(resp.Continuation)
		if next == "" || next == "0" || added == 0 || next == q.Get("c") {
			break
		}
		q.Set("c", next)
	}
	if len(ids) > max {
		ids = ids[:max]
	}
	return ids, nil
}

// jsonScalar takes a JSON string or number as its text.
type jsonScalar string

func (s *jsonScalar) UnmarshalJSON(b []byte) error {
	v := strings.TrimSpace(string(b))
	if v == "null" {
		*s = ""
		return nil
	}
	if uq, err := strconv.Unquote(v); err == nil {
		v = uq
	}
	*s = jsonScalar(v)
	return nil
}

// shortID turns an item ID of either form into the short, decimal form:
// "tag:google.com,2005:reader/item/000000000000002a" and "42" are both
// "42". The long form is the 64-bit number in hex.
func shortID(id string) (string, bool) {
	if hex, ok := strings.CutPrefix(id, itemPrefix); ok {
		n, err := strconv.ParseUint(hex, 16, 64)
		if err != nil {
			return "", false
		}
		return strconv.FormatInt(int64(n), 10), true
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return "", false
	}
	return strconv.FormatInt(n, 10), true
}

// Entries returns the entries the filter selects, newest first, with their
// content.
func (c *Client) Entries(ctx context.Context, f remote.Filter) ([]remote.Entry, error) {
	ids, err := c.EntryIDs(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]remote.Entry, 0, len(ids))
	for len(ids) > 0 {
		batch := ids[:min(len(ids), contentsBatch)]
		ids = ids[len(batch):]
		entries, err := c.contents(ctx, batch)
		if err != nil {
			return nil, err
		}
		out = append(out, entries...)
	}
	return out, nil
}

// jsonItem is an entry as stream/items/contents gives it.
type jsonItem struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Author     string   `json:"author"`
	Published  int64    `json:"published"`
	Updated    int64    `json:"updated"`
	Categories []string `json:"categories"`
	Canonical  []struct {
		Href string `json:"href"`
	} `json:"canonical"`
	Alternate []struct {
		Href string `json:"href"`
	} `json:"alternate"`
	Content struct {
		Content string `json:"content"`
	} `json:"content"`
	Summary struct {
		Content string `json:"content"`
	} `json:"summary"`
	Origin struct {
		StreamID string `json:"streamId"`
		Title    string `json:"title"`
		HTMLURL  string `json:"htmlUrl"`
	} `json:"origin"`
}

// contents fetches the entries with these IDs.
func (c *Client) contents(ctx context.Context, ids []string) ([]remote.Entry, error) {
	form := url.Values{"output": {"json"}, "i": ids}
	var resp struct {
		Items []jsonItem `json:"items"`
	}
	op := fmt.Sprintf("read %d entries", len(ids))
	if err := c.call(ctx, remote.Request{Op: op, Path: "/reader/api/0/stream/items/contents", Form: form}, &resp); err != nil {
		return nil, err
	}
	// The server may answer in any order; keep the order asked.
	byID := make(map[string]remote.Entry, len(resp.Items))
	for _, it := range resp.Items {
		if e, ok := c.entry(it); ok {
			byID[e.ID] = e
		}
	}
	out := make([]remote.Entry, 0, len(ids))
	for _, id := range ids {
		if e, ok := byID[id]; ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// entry cleans one item.
func (c *Client) entry(it jsonItem) (remote.Entry, bool) {
	id, ok := shortID(it.ID)
	if !ok {
		return remote.Entry{}, false
	}
	item := feed.Item{
		Origin: c.origin, ID: id, Format: "greader",
		Title: it.Title, Author: it.Author, Content: it.Content.Content,
		Feed: it.Origin.Title, SiteURL: it.Origin.HTMLURL,
	}
	if item.Content == "" {
		item.Content = it.Summary.Content
	}
	for _, l := range append(it.Canonical, it.Alternate...) {
		if l.Href != "" {
			item.Link = l.Href
			break
		}
	}
	if it.Published > 0 {
		item.Published = time.Unix(it.Published, 0).UTC()
	}
	e := remote.Entry{ID: id, SubscriptionID: feed.SanitizeLine(it.Origin.StreamID)}
	for _, cat := range it.Categories {
		switch {
		case isState(cat, "read"):
			e.Read = true
		case isState(cat, "starred"):
			e.Starred = true
		default:
			if l := labelOf(cat); l != "" {
				item.Categories = append(item.Categories, l)
			}
		}
	}
	if it.Updated > 0 {
		e.Changed = time.Unix(it.Updated, 0).UTC()
	}
	a, err := feed.ParseItem(item)
	if err != nil {
		return remote.Entry{}, false
	}
	e.Article = a
	return e, true
}

// Mark applies a change to entries.
func (c *Client) Mark(ctx context.Context, change remote.Change, ids []string) error {
	op := fmt.Sprintf("mark %d entries %s", len(ids), change)
	var key, tag string
	switch change {
	case remote.MarkRead:
		key, tag = "a", readState
	case remote.MarkUnread:
		key, tag = "r", readState
	case remote.Star:
		key, tag = "a", starState
	case remote.Unstar:
		key, tag = "r", starState
	default:
		return c.conn.Fail(op, remote.ErrRejected, "unknown change")
	}
	for _, id := range ids {
		if _, ok := shortID(id); !ok {
			return c.conn.Fail(op, remote.ErrRejected, fmt.Sprintf("%q is not an entry ID", id))
		}
	}
	for len(ids) > 0 {
		batch := ids[:min(len(ids), editBatch)]
		ids = ids[len(batch):]
		form := url.Values{key: {tag}, "i": batch}
		if err := c.call(ctx, remote.Request{Op: op, Path: "/reader/api/0/edit-tag", Form: form}, nil); err != nil {
			return err
		}
	}
	return nil
}

// Subscribe subscribes to a feed, in the category when one is given.
func (c *Client) Subscribe(ctx context.Context, feedURL, category string) (remote.Subscription, error) {
	op := "subscribe to " + remote.ShowURL(feedURL)
	u, ok := feed.SafeURL(feedURL, nil)
	if !ok {
		return remote.Subscription{}, c.conn.Fail(op, remote.ErrRejected, "only http and https feeds can be followed")
	}
	form := url.Values{"ac": {"subscribe"}, "s": {"feed/" + u}}
	if category = strings.TrimSpace(category); category != "" {
		form.Set("a", "user/-/label/"+category)
	}
	if err := c.call(ctx, remote.Request{Op: op, Path: "/reader/api/0/subscription/edit", Form: form}, nil); err != nil {
		return remote.Subscription{}, err
	}
	// The answer is a bare "OK": the subscription is found in the list.
	subs, err := c.Subscriptions(ctx)
	if err != nil {
		return remote.Subscription{}, err
	}
	for _, s := range subs {
		if s.URL == u {
			return s, nil
		}
	}
	return remote.Subscription{}, c.conn.Fail(op, remote.ErrBadAnswer, "the new subscription is not in the list")
}

// Unsubscribe removes a subscription, by the ID Subscriptions gives
// ("feed/42" on Miniflux, "feed/<url>" on others).
func (c *Client) Unsubscribe(ctx context.Context, id string) error {
	op := fmt.Sprintf("unsubscribe from %q", id)
	form := url.Values{"ac": {"unsubscribe"}, "s": {id}}
	return c.call(ctx, remote.Request{Op: op, Path: "/reader/api/0/subscription/edit", Form: form}, nil)
}
