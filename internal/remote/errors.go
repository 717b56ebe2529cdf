package remote

import (
	"errors"
	"fmt"
	"net/http"
)

// The kinds of failure an *Error wraps; test them with errors.Is.
var (
	// ErrAuth: the server refused the credentials (HTTP 401 or 403, or a
	// failed login).
	ErrAuth = errors.New("the server refused the credentials")
	// ErrTimeout: the server did not answer within the request's deadline.
	ErrTimeout = errors.New("no answer in time")
	// ErrUnreachable: the server could not be reached at all.
	ErrUnreachable = errors.New("cannot reach the server")
	// ErrTooLarge: the answer was larger than the cap.
	ErrTooLarge = errors.New("answer too large")
	// ErrServer: the server failed (HTTP 5xx, or 429 asking to slow down).
	ErrServer = errors.New("server error")
	// ErrRejected: the server refused the request itself (HTTP 4xx other
	// than 401, 403, 408 and 429): sending it again would fail again.
	ErrRejected = errors.New("the server refused the request")
	// ErrNotFound: the server has no such entry, feed or endpoint (404).
	ErrNotFound = errors.New("not found")
	// ErrBadAnswer: the answer could not be read.
	ErrBadAnswer = errors.New("unreadable answer")
	// ErrBadURL: the server's URL is not one gazette will use.
	ErrBadURL = errors.New("bad server URL")
)

// Error is a failed call to a sync server. Its text names the server and
// what was asked, is sanitized, and never holds a secret: the message is
// scrubbed of every secret of the connection when the Error is made.
type Error struct {
	// Server names the server: its kind and URL, without credentials.
	Server string
	// Op is what was asked, such as "list entries".
	Op string
	// Status is the HTTP status, 0 when there was no answer.
	Status int
	// Kind is one of the Err values of this package.
	Kind error
	// Detail says more, sanitized and scrubbed; it may be empty.
	Detail string
}

// Error returns "miniflux http://host: list entries: HTTP 500: server
// error: detail".
func (e *Error) Error() string {
	s := e.Server + ": " + e.Op + ": "
	if e.Status != 0 {
		s += fmt.Sprintf("HTTP %d: ", e.Status)
	}
	s += e.Kind.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the kind, for errors.Is.
func (e *Error) Unwrap() error { return e.Kind }

// Temporary reports whether a call that failed with err may succeed if
// tried again later: the server was unreachable, slow or failing. A
// change that failed so stays queued; one the server rejected is dropped.
func Temporary(err error) bool {
	return errors.Is(err, ErrUnreachable) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrServer)
}

// kindOfStatus returns the kind of failure an HTTP status means, or nil
// for success.
func kindOfStatus(code int) error {
	switch {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return ErrAuth
	case code == http.StatusNotFound:
		return ErrNotFound
	case code == http.StatusRequestTimeout:
		return ErrTimeout
	case code == http.StatusTooManyRequests || code >= 500:
		return ErrServer
	case code >= 400:
		return ErrRejected
	}
	// 1xx and 3xx that were not followed.
	return ErrBadAnswer
}
