// Package fetch reads http and https URLs for the loader, with timeouts,
// size caps and redirect checks, and keeps what it fetched in an on-disk
// cache for conditional requests and offline reading.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/humanize"
)

// DefaultTimeout is the total time one request may take: connecting,
// sending, the headers and the whole body.
const DefaultTimeout = 20 * time.Second

// DefaultMaxBody caps a fetched body, counted after gzip decoding.
const DefaultMaxBody = 16 << 20

// MaxRedirects is how many redirects one request may follow.
const MaxRedirects = 5

// acceptHeader lists what gazette can read, feeds first.
const acceptHeader = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.9, text/html;q=0.8, " +
	"text/plain;q=0.8, text/markdown;q=0.8, */*;q=0.5"

// Fetcher reads http and https URLs for a Loader (see Loader.Fetch), with
// a total timeout and a size cap on every request, a restricted redirect
// policy, and an optional on-disk cache that is revalidated with
// conditional GETs and stands in when the network fails. A Fetcher is safe
// for concurrent use; the Loader's workers bound the concurrency.
type Fetcher struct {
	// Client sends the requests; nil means one built on
	// http.DefaultTransport. Its CheckRedirect is replaced by gazette's
	// policy and its Timeout is left alone: Timeout below bounds each
	// request. Its Transport, when an *http.Transport, is given gazette's
	// dialer, which decides where a fetch may connect (see FromContent);
	// any other Transport is used as it is.
	Client *http.Client
	// AllowPrivate lets content lead to private addresses (see
	// FromContent), as allow_private_addresses does in the config.
	AllowPrivate bool
	// Resolver looks host names up; nil means net.DefaultResolver.
	Resolver Resolver
	// Timeout bounds each request from dialling to the last body byte, so
	// a server that trickles its answer cannot hold gazette; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// MaxBody caps a body after gzip decoding; a larger body is an error,
	// not a truncated document. 0 means DefaultMaxBody.
	MaxBody int64
	// UserAgent is sent with every request; empty means "gazette".
	UserAgent string
	// Cache, when set, keeps every fetched body for revalidation and for
	// use when the network fails.
	Cache *Cache
	// Offline reads only the cache; a URL that is not cached is an error.
	Offline bool
	// Now returns the current time; nil means time.Now. Tests fix it.
	Now func() time.Time
	// Notice, when set, receives notes about a fetch that succeeded but
	// deserves a word, such as "offline: cached 2h ago", or a cache that
	// could not be written. It may be called from several goroutines.
	Notice func(rawURL, note string)
	// Progress, when set, is called as a body arrives with the bytes read
	// so far and the expected total (-1 when unknown). It may be called
	// from several goroutines.
	Progress func(rawURL string, read, total int64)

	// once makes rt, the client's transport, on first use.
	once sync.Once
	rt   http.RoundTripper
	// dial, when set, connects instead of net.Dialer.DialContext, with
	// the dialer that would have: tests see every address before it is
	// connected to.
	dial func(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error)
	// isPrivate, when set, replaces the test of a private address.
	isPrivate func(netip.Addr) bool
}

// ErrNotCached is returned in offline mode for a URL the cache lacks.
var ErrNotCached = errors.New("not in the offline cache")

// StatusError is an HTTP answer other than success.
type StatusError struct {
	// Code is the HTTP status code.
	Code int
	// Reason is the server's reason phrase, sanitized and shortened.
	Reason string
	// quote is set when the raw reason held something sanitizing removed.
	quote bool
}

// Error returns "HTTP 404 Not Found"; a reason phrase that held control
// characters is shown quoted, with them removed.
func (e *StatusError) Error() string {
	switch {
	case e.Reason == "":
		return fmt.Sprintf("HTTP %d", e.Code)
	case e.quote:
		return fmt.Sprintf("HTTP %d %q", e.Code, e.Reason)
	}
	return fmt.Sprintf("HTTP %d %s", e.Code, e.Reason)
}

// maxReason caps the reason phrase shown from a status line.
const maxReason = 80

func newStatusError(resp *http.Response) *StatusError {
	raw := strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode))
	raw = strings.TrimPrefix(raw, " ")
	clean := feed.SanitizeLine(raw)
	quote := clean != raw
	if len(clean) > maxReason {
		clean = strings.ToValidUTF8(clean[:maxReason], "") + "…"
		quote = true
	}
	return &StatusError{Code: resp.StatusCode, Reason: clean, quote: quote}
}

// RedirectError is a redirect gazette refused to follow.
type RedirectError struct {
	// To is the refused target, sanitized; empty when the count was the
	// reason.
	To string
	// Reason says why.
	Reason string
}

// Error returns the reason, with the refused target quoted.
func (e *RedirectError) Error() string {
	if e.To == "" {
		return "redirect refused: " + e.Reason
	}
	return fmt.Sprintf("redirect to %q refused: %s", e.To, e.Reason)
}

// TimeoutError is a request that did not finish in time.
type TimeoutError struct {
	// After is the timeout that was hit.
	After time.Duration
}

// Error returns "timed out after 20s".
func (e *TimeoutError) Error() string { return fmt.Sprintf("timed out after %v", e.After) }

// Timeout reports true, as net.Error does.
func (e *TimeoutError) Timeout() bool { return true }

// TooLargeError is a body over the size cap.
type TooLargeError struct {
	// Limit is the cap that was passed.
	Limit int64
}

// Error names the limit.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("response is larger than the %s limit", humanize.Bytes(e.Limit))
}

func (f *Fetcher) timeout() time.Duration {
	if f.Timeout > 0 {
		return f.Timeout
	}
	return DefaultTimeout
}

func (f *Fetcher) maxBody() int64 {
	if f.MaxBody > 0 {
		return f.MaxBody
	}
	return DefaultMaxBody
}

func (f *Fetcher) now() time.Time {
	if f.Now != nil {
		return f.Now()
	}
	return time.Now()
}

func (f *Fetcher) userAgent() string {
	if f.UserAgent != "" {
		return f.UserAgent
	}
	return "gazette"
}

// client returns the configured client with gazette's redirect policy. The
// copy shares the Transport, and with it the connection pool.
func (f *Fetcher) client() *http.Client {
	var c http.Client
	if f.Client != nil {
		c = *f.Client
	}
	c.Transport = f.roundTripper(c.Transport)
	c.CheckRedirect = checkRedirect
	return &c
}

// checkRedirect follows at most MaxRedirects redirects, only to http and
// https, and never back to a URL already visited.
func checkRedirect(req *http.Request, via []*http.Request) error {
	to := req.URL.String()
	if _, ok := feed.SafeURL(to, nil); !ok {
		return &RedirectError{To: feed.SanitizeLine(to), Reason: "only http and https are followed"}
	}
	for _, v := range via {
		if v.URL.String() == to {
			return &RedirectError{To: feed.SanitizeLine(to), Reason: "redirect loop"}
		}
	}
	if len(via) > MaxRedirects {
		return &RedirectError{Reason: fmt.Sprintf("more than %d redirects", MaxRedirects)}
	}
	return nil
}

// Fetch reads one http or https URL. It suits Loader.Fetch.
//
// With a cache, a cached copy is revalidated with a conditional GET; when
// the network fails or the server errs (5xx), the cached copy is returned
// with Doc.Note saying so, and Notice is told. In offline mode only the
// cache is read.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (feed.Doc, error) {
	u, ok := feed.SafeURL(rawURL, nil)
	if !ok {
		return feed.Doc{}, errors.New("not an http or https URL")
	}
	var cached *CacheEntry
	if f.Cache != nil {
		cached, _ = f.Cache.Get(u)
	}
	if f.Offline {
		if cached == nil {
			return feed.Doc{}, ErrNotCached
		}
		return f.cachedDoc(rawURL, cached, nil), nil
	}
	doc, err := f.fetch(ctx, rawURL, u, cached)
	if err != nil && cached != nil && ctx.Err() == nil && networkFailure(err) {
		return f.cachedDoc(rawURL, cached, err), nil
	}
	return doc, err
}

// networkFailure reports whether err means the server could not be
// reached or could not answer, when a cached copy is the best there is.
// A refused redirect, a 4xx or an oversize body is an answer, and is
// reported instead.
func networkFailure(err error) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code >= 500 || se.Code == http.StatusTooManyRequests
	}
	var te *TimeoutError
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &te) || errors.As(err, &oe) || errors.As(err, &ne) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// cachedDoc returns a cached document with a note on its age. cause is the
// failure that sent gazette to the cache, which Notice is told about, or
// nil in offline mode, where the reader asked for the cache and needs no
// word per source.
func (f *Fetcher) cachedDoc(rawURL string, e *CacheEntry, cause error) feed.Doc {
	note := "offline: cached " + humanize.Ago(f.now().Sub(e.FetchedAt))
	if cause != nil {
		note += " (" + feed.SanitizeLine(cause.Error()) + ")"
		if f.Notice != nil {
			f.Notice(rawURL, note)
		}
	}
	doc := f.entryDoc(rawURL, e)
	doc.Note = note
	return doc
}

// entryDoc turns a cache entry into a document.
func (f *Fetcher) entryDoc(rawURL string, e *CacheEntry) feed.Doc {
	final := e.URL
	if e.FinalURL != "" {
		final = e.FinalURL
	}
	base, _ := url.Parse(final)
	data, ctype := toUTF8(e.Body, e.ContentType)
	return feed.Doc{Location: rawURL, Base: base, Data: data, ContentType: ctype}
}

// fetch sends one GET, conditional when there is a cached copy, and reads
// the answer under the timeout and the size cap.
func (f *Fetcher) fetch(parent context.Context, rawURL, u string, cached *CacheEntry) (feed.Doc, error) {
	ctx, cancel := context.WithTimeout(parent, f.timeout())
	defer cancel()
	ctx = context.WithValue(ctx, hopPolicyKey{}, f.newHopPolicy(parent))
	// failed turns an error from the transport into the one to report: the
	// caller's cancellation, the timeout, or the cause without the URL
	// that net/http repeats (the source is named by the caller).
	failed := func(err error) error {
		if perr := parent.Err(); perr != nil {
			return perr
		}
		if ctx.Err() != nil {
			return &TimeoutError{After: f.timeout()}
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return feed.Doc{}, failed(err)
	}
	req.Header.Set("User-Agent", f.userAgent())
	req.Header.Set("Accept", acceptHeader)
	if cached != nil {
		if cached.ETag != "" {
			req.Header.Set("If-None-Match", cached.ETag)
		}
		if cached.LastModified != "" {
			req.Header.Set("If-Modified-Since", cached.LastModified)
		}
	}
	resp, err := f.client().Do(req)
	if err != nil {
		return feed.Doc{}, failed(err)
	}
	defer resp.Body.Close()

	if resp.StatusCode == http.StatusNotModified && cached != nil {
		e := *cached
		e.FetchedAt = f.now()
		e.ETag = validator(resp.Header.Get("ETag"), e.ETag)
		e.LastModified = validator(resp.Header.Get("Last-Modified"), e.LastModified)
		f.store(rawURL, &e)
		return f.entryDoc(rawURL, &e), nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return feed.Doc{}, newStatusError(resp)
	}
	body, err := f.readBody(rawURL, resp)
	if err != nil {
		var tl *TooLargeError
		if errors.As(err, &tl) {
			return feed.Doc{}, err
		}
		return feed.Doc{}, failed(err)
	}
	e := &CacheEntry{
		URL:          u,
		FinalURL:     resp.Request.URL.String(),
		ETag:         validator(resp.Header.Get("ETag"), ""),
		LastModified: validator(resp.Header.Get("Last-Modified"), ""),
		ContentType:  feed.SanitizeLine(resp.Header.Get("Content-Type")),
		FetchedAt:    f.now(),
		Body:         body,
	}
	f.store(rawURL, e)
	return f.entryDoc(rawURL, e), nil
}

// store writes an entry to the cache, if there is one; a failure is a
// notice, not an error, since the document itself was read.
func (f *Fetcher) store(rawURL string, e *CacheEntry) {
	if f.Cache == nil {
		return
	}
	if err := f.Cache.Put(e); err != nil && f.Notice != nil {
		f.Notice(rawURL, err.Error())
	}
}

// maxValidator caps an ETag or Last-Modified value worth keeping.
const maxValidator = 1024

// validator returns a validator header worth sending back: one that is a
// valid header value of sane length, else old.
func validator(v, old string) string {
	if v == "" || len(v) > maxValidator || !httpguts.ValidHeaderFieldValue(v) {
		return old
	}
	return v
}

// readBody reads a body, failing past the size cap. resp.Body is already
// gzip-decoded by the Transport, so the cap counts decoded bytes and a
// gzip bomb stops at the limit.
func (f *Fetcher) readBody(rawURL string, resp *http.Response) ([]byte, error) {
	limit := f.maxBody()
	if resp.ContentLength > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	var r io.Reader = io.LimitReader(resp.Body, limit+1)
	if f.Progress != nil {
		r = &progressReader{r: r, report: func(n int64) { f.Progress(rawURL, n, resp.ContentLength) }}
		f.Progress(rawURL, 0, resp.ContentLength)
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	_, err := buf.ReadFrom(r)
	if f.Progress != nil {
		f.Progress(rawURL, int64(buf.Len()), resp.ContentLength)
	}
	if err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	return buf.Bytes(), nil
}

// progressEvery is how many bytes pass between progress reports.
const progressEvery = 32 << 10

// progressReader reports the bytes read so far, now and then.
type progressReader struct {
	r       io.Reader
	n, last int64
	report  func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.n-p.last >= progressEvery {
		p.last = p.n
		p.report(p.n)
	}
	return n, err
}

// toUTF8 converts an HTML or plain text body in another charset to UTF-8,
// and returns the content type to pass on, with charset=utf-8 when the
// body was converted so that no parser converts it twice. XML is left
// alone: its parser reads the encoding declaration itself. JSON is UTF-8
// by definition.
func toUTF8(data []byte, contentType string) ([]byte, string) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, params = "", nil
	}
	switch {
	case mt == "text/html" || (mt == "" || mt == "application/octet-stream") && looksHTML(data):
		out, changed := feed.HTMLToUTF8(data, contentType)
		if !changed {
			return data, contentType
		}
		return out, withUTF8(mt, "text/html")
	case strings.HasPrefix(mt, "text/") && !strings.HasSuffix(mt, "xml"):
		label := params["charset"]
		if bom := bomEncoding(data); bom != "" {
			label = bom
		}
		if label == "" {
			return data, contentType
		}
		enc, name, ok := feed.LookupEncoding(label)
		if !ok || name == "utf-8" {
			return data, contentType
		}
		out, err := enc.NewDecoder().Bytes(data)
		if err != nil {
			return data, contentType
		}
		return bytes.TrimPrefix(out, utf8BOM), withUTF8(mt, mt)
	}
	return data, contentType
}

// bomEncoding returns the charset a UTF-16 byte order mark names, or "".
func bomEncoding(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return "utf-16be"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return "utf-16le"
	}
	return ""
}

// withUTF8 returns a content type naming UTF-8.
func withUTF8(mt, fallback string) string {
	if mt == "" || mt == "application/octet-stream" {
		mt = fallback
	}
	return mt + "; charset=utf-8"
}

// utf8BOM is the byte order mark of UTF-8.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// looksHTML reports whether a body without a useful content type starts
// like an HTML page.
func looksHTML(data []byte) bool {
	head := data[:min(len(data), 512)]
	head = bytes.TrimPrefix(head, utf8BOM)
	head = bytes.ToLower(bytes.TrimLeft(head, " \t\r\n"))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html"))
}
