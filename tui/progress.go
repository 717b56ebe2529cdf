package tui

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/humanize"
)

// Progress tracks the downloads of a load for the status line. A fetcher
// reports to it from any goroutine (its Fetch method fits
// fetch.Fetcher.Progress); while the list loads, the reader is sent its
// line in a message after each change, and never reads it while drawing.
// The zero value is ready to use.
type Progress struct {
	mu     sync.Mutex
	active map[string]transfer
	done   int
	// waiting is the URL sources of the load not finished yet.
	waiting []string
	// notify is signalled, without blocking, on every change, so that the
	// reader is sent the new line rather than reading it while it draws.
	notify chan struct{}
}

// changed returns a channel that receives after the downloads change.
func (p *Progress) changed() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.notify == nil {
		p.notify = make(chan struct{}, 1)
	}
	return p.notify
}

// signal wakes a watcher; p.mu is held. A change made before anyone
// watches waits for the first watcher: the load starts before the
// reader's program, and its first downloads with it.
func (p *Progress) signal() {
	if p.notify == nil {
		p.notify = make(chan struct{}, 1)
	}
	select {
	case p.notify <- struct{}{}:
	default:
	}
}

// transfer is one download under way.
type transfer struct {
	read, total int64
	seq         int
}

// Fetch records that read of total bytes of url have arrived; total is -1
// when unknown. A download ends when read reaches total, or with Done.
func (p *Progress) Fetch(url string, read, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.signal()
	if p.active == nil {
		p.active = make(map[string]transfer)
	}
	if total >= 0 && read >= total && read > 0 {
		if _, ok := p.active[url]; ok {
			delete(p.active, url)
			p.done++
		}
		return
	}
	t, ok := p.active[url]
	if !ok {
		t.seq = p.done + len(p.active)
	}
	t.read, t.total = read, total
	p.active[url] = t
}

// Done records that the download of url ended, however it ended.
func (p *Progress) Done(url string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.signal()
	if _, ok := p.active[url]; ok {
		delete(p.active, url)
		p.done++
	}
}

// Line describes the downloads under way in a few words, such as
// "↓ example.org 120 KB of 1.2 MB, +2 more", or "" when there are none.
func (p *Progress) Line() string {
	if p == nil {
		return ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.active) == 0 {
		return ""
	}
	urls := make([]string, 0, len(p.active))
	for u := range p.active {
		urls = append(urls, u)
	}
	sort.Slice(urls, func(i, j int) bool { return p.active[urls[i]].seq < p.active[urls[j]].seq })
	t := p.active[urls[0]]
	host := feed.SanitizeLine(urls[0])
	if u, err := url.Parse(host); err == nil && u.Host != "" {
		host = u.Host
	}
	s := "↓ " + host + " " + humanize.Bytes(t.read)
	if t.total > 0 {
		s += " of " + humanize.Bytes(t.total)
	}
	if n := len(urls) - 1; n > 0 {
		s += fmt.Sprintf(", +%d more", n)
	}
	return s
}

// Waiting records the URL sources of the load that have not finished; it
// fits load.Loader.Waiting.
func (p *Progress) Waiting(locations []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.signal()
	p.waiting = locations
}

// maxWaitingHosts is how many hosts the waiting line names.
const maxWaitingHosts = 3

// WaitingLine names the sources still waiting, by host: "3 sources
// waiting: example.org, example.net, …", or "" when none is.
func (p *Progress) WaitingLine() string {
	if p == nil {
		return ""
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.waiting) == 0 {
		return ""
	}
	var hosts []string
	for _, loc := range p.waiting {
		host := feed.SanitizeLine(loc)
		if u, err := url.Parse(host); err == nil && u.Host != "" {
			host = u.Host
		}
		if !slices.Contains(hosts, host) {
			hosts = append(hosts, host)
		}
	}
	more := len(hosts) > maxWaitingHosts
	hosts = hosts[:min(len(hosts), maxWaitingHosts)]
	s := humanize.Plural(len(p.waiting), "source", "sources") + " waiting: " + strings.Join(hosts, ", ")
	if more {
		s += ", …"
	}
	return s
}
