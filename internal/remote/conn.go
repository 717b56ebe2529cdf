package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gazette-news/gazette/feed"
)

// Defaults for an Endpoint's zero fields.
const (
	// DefaultTimeout is each request's deadline: a sync runs in the
	// background, so a slow server delays it, never the reader.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxBody caps one answer: a page of entries with their
	// content is a few megabytes.
	DefaultMaxBody = 32 << 20
	// maxRedirects caps the redirects one request follows.
	maxRedirects = 5
	// maxDetail caps the part of an error answer that is read for its
	// message.
	maxDetail = 4 << 10
)

// Endpoint is where a server is and how calls to it are made. The zero
// values of its optional fields mean the defaults.
type Endpoint struct {
	// URL is the server's address: http or https, without credentials.
	URL string
	// Timeout is the deadline of each request, answer read included.
	Timeout time.Duration
	// MaxBody caps the size of one answer, in bytes.
	MaxBody int64
	// Client makes the requests; nil means a client of this package's.
	// Its CheckRedirect, if nil, is set to follow redirects on the same
	// host only.
	Client *http.Client
}

// Conn makes the HTTP calls of one account: each with a deadline, a
// capped answer and a failure turned into an *Error that names the server
// and holds no secret. A Conn is safe for concurrent use.
type Conn struct {
	name    string
	base    *url.URL
	client  *http.Client
	timeout time.Duration
	maxBody int64

	mu      sync.Mutex
	secrets []string
}

// NewConn checks the endpoint and returns a Conn for a server of this
// kind ("miniflux", "greader"). The secrets are scrubbed from every error
// the Conn returns; AddSecret adds more.
func NewConn(kind string, ep Endpoint, secrets ...Secret) (*Conn, error) {
	name := feed.SanitizeLine(kind)
	u, err := url.Parse(strings.TrimSpace(ep.URL))
	if err != nil {
		// The parser's message quotes the URL, which may hold a
		// password: say only what is wrong with it.
		return nil, &Error{Server: name, Op: "connect", Kind: ErrBadURL, Detail: "the URL cannot be parsed"}
	}
	shown := func() string { return clipText(feed.SanitizeLine(u.Redacted()), 200) }
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, &Error{Server: name + " " + shown(), Op: "connect", Kind: ErrBadURL, Detail: "only http and https URLs are used"}
	case u.Host == "":
		return nil, &Error{Server: name + " " + shown(), Op: "connect", Kind: ErrBadURL, Detail: "the URL names no host"}
	case u.User != nil:
		return nil, &Error{Server: name + " " + shown(), Op: "connect", Kind: ErrBadURL, Detail: "credentials do not belong in the URL; give them as a secret"}
	}
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	c := &Conn{
		name:    name + " " + clipText(feed.SanitizeLine(u.String()), 200),
		base:    u,
		timeout: ep.Timeout,
		maxBody: ep.MaxBody,
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBody
	}
	if ep.Client != nil {
		cl := *ep.Client
		c.client = &cl
	} else {
		c.client = &http.Client{}
	}
	if c.client.CheckRedirect == nil {
		c.client.CheckRedirect = c.checkRedirect
	}
	for _, s := range secrets {
		c.AddSecret(s.Reveal())
	}
	return c, nil
}

// Server names the server, as errors do: "miniflux https://rss.example.org".
func (c *Conn) Server() string { return c.name }

// AddSecret adds a value, such as a session token, that must never appear
// in an error.
func (c *Conn) AddSecret(v string) {
	if v == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// A server that echoes a form body echoes the secret encoded.
	c.secrets = append(c.secrets, v)
	if q := url.QueryEscape(v); q != v {
		c.secrets = append(c.secrets, q)
	}
}

// clean makes text from a server or the network fit for an error:
// secrets scrubbed, sanitized to one line, clipped.
func (c *Conn) clean(s string) string {
	c.mu.Lock()
	s = scrub(s, c.secrets...)
	c.mu.Unlock()
	return clipText(feed.SanitizeLine(s), 200)
}

// Fail returns an *Error of this Conn's server.
func (c *Conn) Fail(op string, kind error, detail string) *Error {
	return &Error{Server: c.name, Op: c.clean(op), Kind: kind, Detail: c.clean(detail)}
}

// Request is one call to the server.
type Request struct {
	// Op says what is asked, for errors: "list entries".
	Op string
	// Method is the HTTP method; empty means GET, or POST with a body.
	Method string
	// Path is joined to the server's URL: "/v1/entries".
	Path string
	// Query is the query string.
	Query url.Values
	// Form, when not nil, is sent as an urlencoded form.
	Form url.Values
	// JSON, when not nil, is sent as JSON.
	JSON any
	// Header holds extra headers, such as credentials.
	Header http.Header
}

// Do makes the request and reads the answer into out: a *string or
// *[]byte takes it as it is, nil discards it, anything else is decoded
// from JSON. A status other than 2xx is an error.
func (c *Conn) Do(ctx context.Context, r Request, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := c.newRequest(ctx, r)
	if err != nil {
		return c.Fail(r.Op, ErrBadURL, err.Error())
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return c.transportError(ctx, r.Op, err)
	}
	defer resp.Body.Close()
	if kind := kindOfStatus(resp.StatusCode); kind != nil {
		detail, _ := io.ReadAll(io.LimitReader(resp.Body, maxDetail))
		e := c.Fail(r.Op, kind, errorDetail(detail))
		e.Status = resp.StatusCode
		return e
	}
	if resp.ContentLength > c.maxBody {
		return c.Fail(r.Op, ErrTooLarge, fmt.Sprintf("%d bytes, more than %d", resp.ContentLength, c.maxBody))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return c.transportError(ctx, r.Op, err)
	}
	if int64(len(data)) > c.maxBody {
		return c.Fail(r.Op, ErrTooLarge, fmt.Sprintf("more than %d bytes", c.maxBody))
	}
	switch o := out.(type) {
	case nil:
	case *string:
		*o = string(data)
	case *[]byte:
		*o = data
	default:
		if err := json.Unmarshal(data, out); err != nil {
			return c.Fail(r.Op, ErrBadAnswer, err.Error())
		}
	}
	return nil
}

// newRequest builds the HTTP request.
func (c *Conn) newRequest(ctx context.Context, r Request) (*http.Request, error) {
	u := *c.base
	u.Path = c.base.Path + "/" + strings.TrimLeft(r.Path, "/")
	if r.Query != nil {
		u.RawQuery = r.Query.Encode()
	}
	var body io.Reader
	contentType := ""
	switch {
	case r.Form != nil:
		body, contentType = strings.NewReader(r.Form.Encode()), "application/x-www-form-urlencoded"
	case r.JSON != nil:
		data, err := json.Marshal(r.JSON)
		if err != nil {
			return nil, err
		}
		body, contentType = bytes.NewReader(data), "application/json"
	}
	method := r.Method
	if method == "" {
		method = http.MethodGet
		if body != nil {
			method = http.MethodPost
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "gazette")
	return req, nil
}

// errRedirect is a redirect that Conn refuses to follow.
var errRedirect = errors.New("redirect refused")

// checkRedirect follows a redirect only to the same host and never from
// https to http, so that credentials in headers (X-Auth-Token,
// Authorization) go nowhere else.
func (c *Conn) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("%w: more than %d redirects", errRedirect, maxRedirects)
	}
	prev := via[len(via)-1].URL
	switch {
	case req.URL.Scheme != "http" && req.URL.Scheme != "https":
		return fmt.Errorf("%w: to a URL that is not http or https", errRedirect)
	case !strings.EqualFold(req.URL.Hostname(), c.base.Hostname()):
		return fmt.Errorf("%w: to another host, %q", errRedirect, req.URL.Hostname())
	case prev.Scheme == "https" && req.URL.Scheme == "http":
		return fmt.Errorf("%w: from https to http", errRedirect)
	}
	return nil
}

// transportError turns a failed round trip into an *Error.
func (c *Conn) transportError(ctx context.Context, op string, err error) error {
	// url.Error repeats the method and URL, which the Error names
	// already; its cause is what tells.
	var ue *url.Error
	detail := err
	if errors.As(err, &ue) {
		detail = ue.Err
	}
	var ne net.Error
	switch {
	case errors.Is(err, errRedirect):
		return c.Fail(op, ErrRejected, detail.Error())
	case errors.Is(err, context.Canceled) && ctx.Err() == context.Canceled:
		return c.Fail(op, context.Canceled, "")
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded:
		return c.Fail(op, ErrTimeout, fmt.Sprintf("no answer within %v", c.timeout))
	case errors.As(err, &ne) && ne.Timeout():
		return c.Fail(op, ErrTimeout, detail.Error())
	}
	return c.Fail(op, ErrUnreachable, detail.Error())
}

// errorDetail picks the message out of an error answer: the JSON
// "error_message" Miniflux sends, else the first line of the text.
func errorDetail(body []byte) string {
	var j struct {
		Message string `json:"error_message"`
		Error   string `json:"error"`
	}
	if json.Unmarshal(body, &j) == nil {
		if j.Message != "" {
			return j.Message
		}
		if j.Error != "" {
			return j.Error
		}
	}
	if !feed.IsText(body) {
		return ""
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
	if strings.HasPrefix(strings.TrimSpace(line), "<") {
		// An HTML error page says nothing a line can hold.
		return ""
	}
	return line
}
