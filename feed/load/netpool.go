package load

import (
	"context"
	"net/url"
	"slices"
	"sync"
)

// hostLimiter bounds how many URLs of one host are fetched at once, so
// that one slow site cannot take every network worker.
type hostLimiter struct {
	limit int
	mu    sync.Mutex
	slots map[string]chan struct{}
}

func newHostLimiter(limit int) *hostLimiter {
	return &hostLimiter{limit: limit, slots: make(map[string]chan struct{})}
}

// hostOf returns the host a URL is fetched from; a URL that does not
// parse is its own host.
func hostOf(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		return u.Host
	}
	return rawURL
}

func (h *hostLimiter) slot(rawURL string) chan struct{} {
	host := hostOf(rawURL)
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.slots[host]
	if !ok {
		s = make(chan struct{}, h.limit)
		h.slots[host] = s
	}
	return s
}

// acquire waits for a slot of rawURL's host; false means ctx ended first.
func (h *hostLimiter) acquire(ctx context.Context, rawURL string) bool {
	select {
	case h.slot(rawURL) <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// release gives back a slot acquire took.
func (h *hostLimiter) release(rawURL string) {
	<-h.slot(rawURL)
}

// waitList is the URL sources of a load that have not finished, told to
// a callback whenever it shrinks.
type waitList struct {
	mu     sync.Mutex
	left   []string
	notify func([]string)
}

// newWaitList starts the list with every URL source and tells notify.
func newWaitList(srcs []Source, notify func([]string)) *waitList {
	w := &waitList{notify: notify}
	for _, s := range srcs {
		w.left = append(w.left, s.Location)
	}
	if notify != nil {
		notify(slices.Clone(w.left))
	}
	return w
}

// done takes one source off the list.
func (w *waitList) done(loc string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if i := slices.Index(w.left, loc); i >= 0 {
		w.left = slices.Delete(w.left, i, i+1)
	}
	if w.notify != nil {
		w.notify(slices.Clone(w.left))
	}
}
