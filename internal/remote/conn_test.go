package remote

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func newConn(t *testing.T, srvURL string, secrets ...Secret) *Conn {
	t.Helper()
	c, err := NewConn("test", Endpoint{URL: srvURL, Timeout: 300 * time.Millisecond, MaxBody: 1024}, secrets...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewConnURLs(t *testing.T) {
	tests := []struct {
		url, want string // want: the server's name, or "" for refused
	}{
		{"https://rss.example.org/", "test https://rss.example.org"},
		{"  http://127.0.0.1:8080/miniflux/?x=1#top ", "test http://127.0.0.1:8080/miniflux"},
		{"https://ada:s3cret-pw@rss.example.org", ""},
		{"ftp://rss.example.org", ""},
		{"file:///etc/passwd", ""},
		{"javascript:alert(1)", ""},
		{"https://", ""},
		{"rss.example.org", ""},
		{"http://[::1", ""},
	}
	for _, tt := range tests {
		c, err := NewConn("test", Endpoint{URL: tt.url})
		if tt.want == "" {
			if err == nil {
				t.Errorf("%q accepted", tt.url)
			} else if !errors.Is(err, ErrBadURL) || strings.Contains(err.Error(), "s3cret-pw") {
				t.Errorf("%q: %v", tt.url, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.url, err)
			continue
		}
		if c.Server() != tt.want {
			t.Errorf("%q named %q, want %q", tt.url, c.Server(), tt.want)
		}
	}
}

func TestDoStatuses(t *testing.T) {
	tests := []struct {
		status    int
		body      string
		kind      error
		temporary bool
		detail    string
	}{
		{400, `{"error_message":"bad \u001b[1mthing"}`, ErrRejected, false, "bad [1mthing"},
		{401, "Unauthorized", ErrAuth, false, "Unauthorized"},
		{403, "", ErrAuth, false, ""},
		{404, "<html><body>404</body></html>", ErrNotFound, false, ""},
		{408, "", ErrTimeout, true, ""},
		{422, `{"error":"no such feed"}`, ErrRejected, false, "no such feed"},
		{429, "slow down\nplease", ErrServer, true, "slow down"},
		{503, "\x00\x01binary", ErrServer, true, ""},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tt.status)
			io.WriteString(w, tt.body)
		}))
		err := newConn(t, srv.URL).Do(t.Context(), Request{Op: "list things", Path: "/x"}, nil)
		srv.Close()
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, tt.kind) || e.Status != tt.status {
			t.Errorf("HTTP %d: %v, want %v", tt.status, err, tt.kind)
			continue
		}
		if Temporary(err) != tt.temporary {
			t.Errorf("HTTP %d: temporary %v", tt.status, Temporary(err))
		}
		if e.Detail != tt.detail {
			t.Errorf("HTTP %d: detail %q, want %q", tt.status, e.Detail, tt.detail)
		}
		if !strings.HasPrefix(err.Error(), "test "+srv.URL+": list things: HTTP ") {
			t.Errorf("error %q", err)
		}
	}
}

func TestDoRequestAndAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		io.WriteString(w, `{"method":"`+r.Method+`","path":"`+r.URL.Path+`","query":"`+r.URL.RawQuery+
			`","type":"`+r.Header.Get("Content-Type")+`","auth":"`+r.Header.Get("X-Auth-Token")+`","body":`+string(body)+`}`)
	}))
	defer srv.Close()
	c := newConn(t, srv.URL+"/base/")
	var got struct{ Method, Path, Query, Type, Auth string }
	err := c.Do(t.Context(), Request{Op: "put", Method: http.MethodPut, Path: "/v1/x", Query: url.Values{"a": {"1"}},
		JSON: 7, Header: http.Header{"X-Auth-Token": {"tok"}}}, &got)
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != "PUT" || got.Path != "/base/v1/x" || got.Query != "a=1" || got.Type != "application/json" || got.Auth != "tok" {
		t.Errorf("%+v", got)
	}
	var raw string
	// A form body is not JSON, so neither is the echo: it is read as text.
	if err := c.Do(t.Context(), Request{Op: "form", Path: "x", Form: url.Values{"b": {"2"}}}, &raw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(raw, `"method":"POST"`) || !strings.Contains(raw, "urlencoded") || !strings.Contains(raw, "b=2") {
		t.Errorf("form request: %s", raw)
	}
}

func TestDoFaults(t *testing.T) {
	secret := NewSecret("tok-91b2f0")
	mux := http.NewServeMux()
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/slow-body", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("["))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 2000)) })
	mux.HandleFunc("/big-declared", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.Write(make([]byte, 10))
	})
	mux.HandleFunc("/same-host", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/other-host", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://gazette.invalid/ok", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Auth-Token") == "" {
			w.WriteHeader(401)
		}
		w.Write([]byte(`"ok"`))
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		w.Write([]byte("broken for " + r.Header.Get("X-Auth-Token") + " and session-55"))
	})
	mux.HandleFunc("/echo-form", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(400)
		w.Write([]byte("bad form: " + string(body)))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := newConn(t, srv.URL, secret)
	c.AddSecret("session-55")
	c.AddSecret("p@ss w&rd")
	auth := http.Header{"X-Auth-Token": {secret.Reveal()}}

	tests := []struct {
		path string
		kind error
	}{
		{"/hang", ErrTimeout},
		{"/slow-body", ErrTimeout},
		{"/big", ErrTooLarge},
		{"/big-declared", ErrTooLarge},
		{"/same-host", nil},
		{"/other-host", ErrRejected},
		{"/loop", ErrRejected},
		{"/echo", ErrServer},
		{"/echo-form", ErrRejected},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			start := time.Now()
			var out string
			r := Request{Op: "get " + tt.path, Path: tt.path, Header: auth}
			if tt.path == "/echo-form" {
				r.Form = url.Values{"Passwd": {"p@ss w&rd"}}
			}
			err := c.Do(t.Context(), r, &out)
			if tt.kind == nil {
				if err != nil || out != `"ok"` {
					t.Errorf("%q, %v", out, err)
				}
				return
			}
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err %v, want %v", err, tt.kind)
			}
			if strings.Contains(err.Error(), secret.Reveal()) || strings.Contains(err.Error(), "session-55") ||
				strings.Contains(err.Error(), "ss+w") || strings.Contains(err.Error(), "ss w") {
				t.Errorf("error %q holds a secret", err)
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
}

func TestDoUnreachableAndCanceled(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := newConn(t, "http://"+addr)
	err = c.Do(t.Context(), Request{Op: "ping", Path: "/"}, nil)
	if !errors.Is(err, ErrUnreachable) || !Temporary(err) {
		t.Errorf("closed port: %v", err)
	}
	if !strings.Contains(err.Error(), "test http://"+addr+": ping: ") {
		t.Errorf("error %q does not name the server", err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err = c.Do(ctx, Request{Op: "ping", Path: "/"}, nil)
	if !errors.Is(err, context.Canceled) || Temporary(err) {
		t.Errorf("canceled: %v", err)
	}
}
