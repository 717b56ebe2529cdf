package fetch

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"net/url"
	"sync"
	"syscall"
	"time"

	"github.com/gazette-news/gazette/feed"
)

// Resolver looks up the addresses of a host name; *net.Resolver is one.
// Tests give one that maps their names to the addresses under test.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// PrivateAddressError is a fetch that content asked for, refused because
// the host is on a loopback, private, link-local or unspecified address
// and nothing allowed it to go there.
type PrivateAddressError struct {
	// Host is the host name asked for, sanitized.
	Host string
	// Addr is the address it resolved to.
	Addr netip.Addr
}

// Error names the host, its address, and the setting that allows it.
func (e *PrivateAddressError) Error() string {
	return fmt.Sprintf("%q is on a private address (%s): a link in an article may lead there only from a source on a private address, or with allow_private_addresses = true in the config",
		e.Host, e.Addr)
}

// private reports whether content must not lead to a; see isPrivate.
// Tests count some loopback addresses as public, to stand for the
// servers they cannot run.
func (f *Fetcher) private(a netip.Addr) bool {
	if f.isPrivate != nil {
		return f.isPrivate(a)
	}
	return isPrivate(a)
}

// isPrivate reports whether a is an address content must not lead to: a
// loopback, private (RFC 1918, fc00::/7), link-local or unspecified one,
// or 0.0.0.0/8, which reaches this machine.
func isPrivate(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsUnspecified() || a.Is4() && a.As4()[0] == 0
}

// contentKey marks a context whose fetch content asked for.
type contentKey struct{}

// FromContent returns ctx marked so that a fetch made with it follows a
// URL that content named (an article's link, the feed a page names):
// carrier is the URL of the source that carried it, or "" when that was
// no network source (a file). Such a fetch may reach a private address
// only when the carrier itself is on one, or when the Fetcher allows
// private addresses. A fetch without the mark is one the user asked for,
// and may go anywhere; its redirects may not, as they are content too.
func FromContent(ctx context.Context, carrier string) context.Context {
	return context.WithValue(ctx, contentKey{}, carrier)
}

// hopPolicy is what one fetch knows, hop by hop, to decide where its
// requests may connect.
type hopPolicy struct {
	mu sync.Mutex
	// privateOK is whether the next hop may reach a private address.
	privateOK bool
	// allowAll is set when the Fetcher allows private addresses.
	allowAll bool
	// hops counts the requests made so far: the first and its redirects.
	hops int
}

type hopPolicyKey struct{}

// newHopPolicy returns the policy of a fetch made with ctx.
func (f *Fetcher) newHopPolicy(ctx context.Context) *hopPolicy {
	p := &hopPolicy{privateOK: true, allowAll: f.AllowPrivate}
	if carrier, ok := ctx.Value(contentKey{}).(string); ok {
		p.privateOK = f.AllowPrivate || f.onPrivateAddress(ctx, carrier)
	}
	return p
}

// onPrivateAddress reports whether the host of rawURL is on a private
// address: all its addresses are, and there is at least one. Anything that
// is not an http(s) URL, or does not resolve, is not.
func (f *Fetcher) onPrivateAddress(ctx context.Context, rawURL string) bool {
	if !feed.IsURL(rawURL) {
		return false
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return false
	}
	addrs, err := f.lookup(ctx, u.Hostname())
	if err != nil || len(addrs) == 0 {
		return false
	}
	for _, a := range addrs {
		if !f.private(a) {
			return false
		}
	}
	return true
}

// lookup resolves host, or returns it when it is an address already.
func (f *Fetcher) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	var r Resolver = net.DefaultResolver
	if f.Resolver != nil {
		r = f.Resolver
	}
	ips, err := r.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, err
	}
	out := make([]netip.Addr, 0, len(ips))
	for _, ip := range ips {
		if a, ok := netip.AddrFromSlice(ip.IP); ok {
			out = append(out, a.Unmap())
		}
	}
	return out, nil
}

// transports are a Fetcher's two connection pools: open, for requests
// that may connect anywhere, and guarded, whose dialer refuses private
// addresses. Apart pools mean a connection to a private address made for
// one fetch is never reused by a fetch that may not go there.
type transports struct {
	open, guarded http.RoundTripper
}

// guardTransport sends each request through the pool its fetch's policy
// allows, and learns from the connection whether the redirects that
// follow may reach a private address.
type guardTransport struct {
	f *Fetcher
	t *transports
}

// RoundTrip sends one hop of a fetch.
func (g guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	p, _ := req.Context().Value(hopPolicyKey{}).(*hopPolicy)
	if p == nil {
		return g.t.guarded.RoundTrip(req)
	}
	p.mu.Lock()
	ok := p.privateOK
	p.hops++
	p.mu.Unlock()
	// A redirect is content: whether it may reach a private address
	// depends on the address of the server that sent it.
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		private := false
		if ap, err := netip.ParseAddrPort(info.Conn.RemoteAddr().String()); err == nil {
			private = g.f.private(ap.Addr())
		}
		p.mu.Lock()
		p.privateOK = private || p.allowAll
		p.mu.Unlock()
	}}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	if ok {
		return g.t.open.RoundTrip(req)
	}
	return g.t.guarded.RoundTrip(req)
}

// dialer is the connection timeout and keep-alive of every dial, as
// http.DefaultTransport has them.
func dialer() net.Dialer {
	return net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
}

// refusePrivate is the Control of a guarded dial: it sees the address
// about to be connected to, after name resolution, and refuses it before
// any packet is sent when it is private.
func (f *Fetcher) refusePrivate(host string) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("dial %q: cannot check the address %q", host, address)
		}
		if f.private(ap.Addr()) {
			return &PrivateAddressError{Host: feed.SanitizeLine(host), Addr: ap.Addr().Unmap()}
		}
		return nil
	}
}

// dialContext returns the DialContext of a pool. With guard, the dialer's
// Control refuses a private address after the name is resolved and before
// any connection to it is attempted, on every dial, so a name that
// resolves differently the next time is checked again. With a Resolver,
// the name is resolved through it and each address tried in turn, a
// private one refused before the dialer is even called.
func (f *Fetcher) dialContext(guard bool, proxies *sync.Map) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if guard && proxies != nil {
			if _, ok := proxies.Load(addr); ok {
				guard = false
			}
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if f.Resolver == nil {
			// The system resolver: net.Dialer resolves the name and races
			// the addresses (Happy Eyeballs), and Control sees each address
			// before it is connected to.
			d := dialer()
			if guard {
				d.Control = f.refusePrivate(host)
			}
			return f.netDial(ctx, &d, network, addr)
		}
		addrs, err := f.lookup(ctx, host)
		if err != nil {
			return nil, err
		}
		if len(addrs) == 0 {
			return nil, fmt.Errorf("%q has no address", feed.SanitizeLine(host))
		}
		var first error
		for _, a := range addrs {
			d := dialer()
			if guard {
				d.Control = f.refusePrivate(host)
				if f.private(a) {
					if first == nil {
						first = &PrivateAddressError{Host: feed.SanitizeLine(host), Addr: a}
					}
					continue
				}
			}
			conn, err := f.netDial(ctx, &d, network, netip.AddrPortFrom(a, parsePort(port)).String())
			if err == nil {
				return conn, nil
			}
			if first == nil {
				first = err
			}
		}
		return nil, first
	}
}

// parsePort returns a numeric port; net.SplitHostPort has checked its form
// and http.Transport always gives one.
func parsePort(s string) uint16 {
	var n uint16
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + uint16(c-'0')
	}
	return n
}

// netDial connects to an address; tests replace it (see Fetcher.dial).
func (f *Fetcher) netDial(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error) {
	if f.dial != nil {
		return f.dial(ctx, d, network, addr)
	}
	return d.DialContext(ctx, network, addr)
}

// roundTripper returns the transport of the Fetcher's client, made once:
// base (nil means http.DefaultTransport) split into the open and the
// guarded pool. A base that is not an *http.Transport cannot be given a
// dialer, and is used as it is.
func (f *Fetcher) roundTripper(base http.RoundTripper) http.RoundTripper {
	f.once.Do(func() {
		if base == nil {
			base = http.DefaultTransport
		}
		t, ok := base.(*http.Transport)
		if !ok {
			f.rt = base
			return
		}
		open, guarded := t.Clone(), t.Clone()
		open.DialContext = f.dialContext(false, nil)
		var proxies sync.Map
		if proxy := t.Proxy; proxy != nil {
			// Behind a proxy the dial is to the proxy, which resolves the
			// name itself: the name is checked here, before the request
			// goes, and the proxy's own address is let through.
			guarded.Proxy = func(req *http.Request) (*url.URL, error) {
				pu, err := proxy(req)
				if err != nil || pu == nil {
					return pu, err
				}
				addrs, err := f.lookup(req.Context(), req.URL.Hostname())
				if err != nil {
					return nil, err
				}
				for _, a := range addrs {
					if f.private(a) {
						return nil, &PrivateAddressError{Host: feed.SanitizeLine(req.URL.Hostname()), Addr: a}
					}
				}
				proxies.Store(canonicalAddr(pu), true)
				return pu, nil
			}
		}
		guarded.DialContext = f.dialContext(true, &proxies)
		f.rt = guardTransport{f: f, t: &transports{open: open, guarded: guarded}}
	})
	return f.rt
}

// canonicalAddr returns host:port of a proxy URL, as http.Transport dials
// it.
func canonicalAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}
