package greader

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/remote"
)

// FuzzContents feeds arbitrary stream/items/contents answers through the
// client's cleaning: whatever a server sends, entries come out clean.
func FuzzContents(f *testing.F) {
	f.Add(`{"items":[{"id":"tag:google.com,2005:reader/item/000000000000002a","title":"T &amp; \u001b[2J","published":1700000000,"updated":1700000001,
		"categories":["user/-/state/com.google/read","user/1/label/ukraine","user/-/state/com.google/starred"],
		"canonical":[{"href":"javascript:x"}],"alternate":[{"href":"https://x.example/a"}],
		"content":{"content":"<p>a <a href=/b>b</a></p>"},"origin":{"streamId":"feed/1\u0007","title":"F","htmlUrl":"https://x.example/"}}]}`)
	f.Add(`{"items":[{"id":"42","summary":{"content":"<div><div>x"}}],"continuation":7}`)
	f.Add(`{"items":[{"id":"-9223372036854775808"},{"id":"tag:google.com,2005:reader/item/ffffffffffffffff"}]}`)
	c, err := New(Config{Endpoint: remote.Endpoint{URL: "http://127.0.0.1:1"}, User: "fuzz", Password: remote.NewSecret("pw")})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var resp struct {
			Items []jsonItem `json:"items"`
		}
		if json.Unmarshal([]byte(data), &resp) != nil {
			return
		}
		for _, it := range resp.Items {
			e, ok := c.entry(it)
			if !ok {
				continue
			}
			if id, ok := shortID(e.ID); !ok || id != e.ID {
				t.Errorf("entry ID %q is not in short form", e.ID)
			}
			checkClean(t, e)
		}
	})
}

// checkClean fails t for any text of e that is not clean.
func checkClean(t *testing.T, e remote.Entry) {
	t.Helper()
	a := e.Article
	for _, s := range []string{e.ID, e.SubscriptionID, a.Title, a.Source, a.Location, a.DateText} {
		if s != feed.SanitizeLine(s) {
			t.Errorf("not clean: %q", s)
		}
	}
	for _, u := range append([]string{a.Link}, a.Images...) {
		if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			t.Errorf("URL %q", u)
		}
	}
	for _, r := range a.Refs {
		if !strings.HasPrefix(r.URL, "http://") && !strings.HasPrefix(r.URL, "https://") {
			t.Errorf("footnote URL %q", r.URL)
		}
	}
	for _, b := range a.Body {
		if b.Text != feed.Sanitize(b.Text) {
			t.Errorf("block not clean: %q", b.Text)
		}
	}
	for _, tag := range a.Tags {
		if tag.Name != feed.SanitizeTag(tag.Name) {
			t.Errorf("tag not clean: %q", tag.Name)
		}
	}
}
