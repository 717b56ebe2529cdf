package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeResolver maps test names to addresses; a name with several answers
// gives them in turn, one per lookup, as a rebinding name server would.
type fakeResolver struct {
	mu    sync.Mutex
	names map[string][]string
	calls map[string]int
}

func (r *fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	answers, ok := r.names[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	if r.calls == nil {
		r.calls = map[string]int{}
	}
	a := answers[min(r.calls[host], len(answers)-1)]
	r.calls[host]++
	return []net.IPAddr{{IP: net.ParseIP(a)}}, nil
}

// publicStandIn is a loopback address the tests count as public, since
// no test may reach a real public server. Linux routes all of 127.0.0.0/8
// to the loopback device.
const publicStandIn = "127.0.0.2"

// netHarness is a fetcher whose names resolve through a fakeResolver,
// whose every dial is seen before it connects, and which connects only to
// loopback addresses.
type netHarness struct {
	f      *Fetcher
	res    *fakeResolver
	mu     sync.Mutex
	dialed []string
}

func newNetHarness(t *testing.T, names map[string][]string) *netHarness {
	h := &netHarness{res: &fakeResolver{names: names}}
	h.f = &Fetcher{Timeout: 5 * time.Second, Resolver: h.res}
	h.f.isPrivate = func(a netip.Addr) bool {
		return a.String() != publicStandIn && isPrivate(a)
	}
	h.f.dial = func(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error) {
		ap, err := netip.ParseAddrPort(addr)
		if err != nil || !ap.Addr().IsLoopback() {
			// Never connect: the guard must have refused before here.
			t.Errorf("a dial reached %s, outside loopback", addr)
			return nil, errors.New("test refuses to leave loopback")
		}
		if d.Control != nil {
			if err := d.Control(network, addr, nil); err != nil {
				return nil, err
			}
		}
		h.mu.Lock()
		h.dialed = append(h.dialed, addr)
		h.mu.Unlock()
		d.Control = nil
		return d.DialContext(ctx, network, addr)
	}
	return h
}

// listenOn starts a server on a loopback address, skipping the test where
// the address cannot be had.
func listenOn(t *testing.T, addr string, h http.Handler) (*httptest.Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return srv, port
}

func articleHandler(hits *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Connection", "close")
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "A title\n\nBody.\n")
	}
}

// TestContentToPrivateAddresses fetches links that content carried: to a
// private, link-local or loopback address they are refused before any
// connection is attempted, unless the carrier is on such an address
// itself or private addresses are allowed; what the user asked for is
// always fetched.
func TestContentToPrivateAddresses(t *testing.T) {
	var hits atomic.Int32
	_, port := listenOn(t, "127.0.0.1", articleHandler(&hits))
	names := map[string][]string{
		"loop.test":     {"127.0.0.1"},
		"ten.test":      {"10.0.0.1"},
		"router.test":   {"192.168.1.1"},
		"metadata.test": {"169.254.169.254"},
		"ula.test":      {"fd00::1"},
		"zero.test":     {"0.0.0.0"},
		"public.test":   {"203.0.113.7"},
	}
	link := func(host string) string { return "http://" + host + ":" + port + "/a.txt" }
	tests := []struct {
		name    string
		url     string
		carrier *string // nil: the user asked for the URL
		allow   bool
		refused bool
	}{
		{"typed loopback", link("loop.test"), nil, false, false},
		{"from a file to loopback", link("loop.test"), ptr(""), false, true},
		{"from public to loopback", link("loop.test"), ptr("https://public.test/feed"), false, true},
		{"from public to 10/8", link("ten.test"), ptr("https://public.test/feed"), false, true},
		{"from public to 192.168/16", link("router.test"), ptr("https://public.test/feed"), false, true},
		{"from public to metadata", link("metadata.test"), ptr("https://public.test/feed"), false, true},
		{"from public to fd00::/8", link("ula.test"), ptr("https://public.test/feed"), false, true},
		{"from public to 0.0.0.0", link("zero.test"), ptr("https://public.test/feed"), false, true},
		{"from public to a literal", "http://169.254.169.254:" + port + "/", ptr("https://public.test/feed"), false, true},
		{"from loopback to loopback", link("loop.test"), ptr("http://loop.test/feed"), false, false},
		{"from private to loopback", link("loop.test"), ptr("http://10.1.2.3/feed"), false, false},
		{"allowed", link("loop.test"), ptr("https://public.test/feed"), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newNetHarness(t, names)
			h.f.AllowPrivate = tt.allow
			ctx := context.Background()
			if tt.carrier != nil {
				ctx = FromContent(ctx, *tt.carrier)
			}
			before := hits.Load()
			_, err := h.f.Fetch(ctx, tt.url)
			var pe *PrivateAddressError
			if tt.refused {
				if !errors.As(err, &pe) {
					t.Fatalf("got %v, want a refusal", err)
				}
				if len(h.dialed) != 0 || hits.Load() != before {
					t.Errorf("refused, yet dialled %q", h.dialed)
				}
				if !strings.Contains(err.Error(), "allow_private_addresses") {
					t.Errorf("the error does not say how to allow it: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("got %v, want the page", err)
			}
			if hits.Load() != before+1 {
				t.Error("the server saw no request")
			}
		})
	}
}

func ptr(s string) *string { return &s }

// TestRedirectToPrivateAddress follows redirects, which are content: from
// a server on a public address, one to a private address is refused;
// from a server on a private address, it is followed.
func TestRedirectToPrivateAddress(t *testing.T) {
	var hits atomic.Int32
	_, port := listenOn(t, "127.0.0.1", articleHandler(&hits))
	target := "http://loop.test:" + port + "/a.txt"
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusFound)
	})
	_, pubPort := listenOn(t, publicStandIn, redirect)
	_, loopPort := listenOn(t, "127.0.0.1", redirect)
	names := map[string][]string{"loop.test": {"127.0.0.1"}, "public.test": {publicStandIn}}

	h := newNetHarness(t, names)
	_, err := h.f.Fetch(context.Background(), "http://public.test:"+pubPort+"/")
	var pe *PrivateAddressError
	if !errors.As(err, &pe) || hits.Load() != 0 {
		t.Errorf("redirect from a public server to loopback: %v, %d requests reached it", err, hits.Load())
	}

	h = newNetHarness(t, names)
	if _, err := h.f.Fetch(context.Background(), "http://loop.test:"+loopPort+"/"); err != nil || hits.Load() != 1 {
		t.Errorf("redirect from a loopback server to loopback: %v", err)
	}

	h = newNetHarness(t, names)
	h.f.AllowPrivate = true
	if _, err := h.f.Fetch(context.Background(), "http://public.test:"+pubPort+"/"); err != nil || hits.Load() != 2 {
		t.Errorf("redirect with private addresses allowed: %v", err)
	}
}

// TestRebindingName resolves a content link to a public address the first
// time and to the metadata address the second: the second fetch is
// refused at the dial, since every dial checks what the name resolved to
// then.
func TestRebindingName(t *testing.T) {
	var hits atomic.Int32
	_, port := listenOn(t, publicStandIn, articleHandler(&hits))
	h := newNetHarness(t, map[string][]string{
		"rebind.test": {publicStandIn, "169.254.169.254"},
	})
	ctx := FromContent(context.Background(), "")
	u := "http://rebind.test:" + port + "/a.txt"
	if _, err := h.f.Fetch(ctx, u); err != nil {
		t.Fatalf("first fetch: %v", err)
	}
	_, err := h.f.Fetch(ctx, u)
	var pe *PrivateAddressError
	if !errors.As(err, &pe) || pe.Addr.String() != "169.254.169.254" {
		t.Errorf("second fetch: %v, want a refusal of 169.254.169.254", err)
	}
}

// TestRefusePrivateControl checks the dialer's Control itself, which sees
// the address after resolution and before the connect.
func TestRefusePrivateControl(t *testing.T) {
	f := &Fetcher{}
	for addr, refused := range map[string]bool{
		"10.0.0.1:80": true, "192.168.1.1:443": true, "169.254.169.254:80": true,
		"[fd00::1]:80": true, "127.0.0.1:80": true, "[::1]:80": true, "0.0.0.0:80": true,
		"[::ffff:10.0.0.1]:80": true, "172.16.0.1:80": true,
		"203.0.113.7:80": false, "[2001:db8::1]:443": false,
	} {
		err := f.refusePrivate("host.test")("tcp", addr, nil)
		if (err != nil) != refused {
			t.Errorf("Control(%s) = %v, want refused %v", addr, err, refused)
		}
	}
}

// TestSystemResolverGuard uses the system resolver, as the program does:
// the dialer's Control refuses a loopback address that content asked for,
// by literal address and by name, before connecting.
func TestSystemResolverGuard(t *testing.T) {
	var hits atomic.Int32
	_, port := listenOn(t, "127.0.0.1", articleHandler(&hits))
	f := &Fetcher{Timeout: 5 * time.Second}
	ctx := FromContent(context.Background(), "")
	for _, host := range []string{"127.0.0.1", "localhost"} {
		_, err := f.Fetch(ctx, "http://"+host+":"+port+"/a.txt")
		var pe *PrivateAddressError
		if !errors.As(err, &pe) {
			t.Errorf("%s: got %v, want a refusal", host, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached the server", hits.Load())
	}
	if _, err := f.Fetch(context.Background(), "http://127.0.0.1:"+port+"/a.txt"); err != nil || hits.Load() != 1 {
		t.Errorf("typed: %v", err)
	}
}

// TestGuardBehindProxy fetches content links through an HTTP proxy on
// loopback: the proxy itself is reached, a link to a public name goes
// through it, and a link to a name that resolves to a private address is
// refused before anything is sent.
func TestGuardBehindProxy(t *testing.T) {
	var seen atomic.Value
	seen.Store("")
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.URL.String())
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "A title\n\nBody.\n")
	}))
	t.Cleanup(proxy.Close)
	h := newNetHarness(t, map[string][]string{
		"public.test":   {"203.0.113.7"},
		"metadata.test": {"169.254.169.254"},
	})
	pu, err := url.Parse(proxy.URL)
	if err != nil {
		t.Fatal(err)
	}
	h.f.Client = &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
	ctx := FromContent(context.Background(), "")
	if _, err := h.f.Fetch(ctx, "http://public.test/a.txt"); err != nil || seen.Load() != "http://public.test/a.txt" {
		t.Errorf("public name through the proxy: %v, proxy saw %q", err, seen.Load())
	}
	seen.Store("")
	_, err = h.f.Fetch(ctx, "http://metadata.test/latest/")
	var pe *PrivateAddressError
	if !errors.As(err, &pe) || seen.Load() != "" {
		t.Errorf("private name through the proxy: %v, proxy saw %q", err, seen.Load())
	}
}
