package config

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/gazette-news/gazette/feed"
)

const testOPML = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="World">
      <outline text="Europe" title="Europe">
        <outline type="rss" text="Kyiv &amp; Co" xmlUrl="https://example.org/kyiv.xml" category="/Ukraine"/>
      </outline>
      <outline type="rss" text="Wire" title="The Wire&#27;]0;pwned&#7;" xmlUrl="http://wire.example/feed"/>
    </outline>
    <outline type="rss" text="exec" xmlUrl="exec:~/bin/fetch-news.sh"/>
    <outline type="rss" text="filter" xmlUrl="filter:~/bin/f.sh:https://example.org/x"/>
    <outline type="rss" text="js" xmlUrl="javascript:alert(1)"/>
    <outline type="rss" text="file" xmlUrl="file:///etc/passwd"/>
    <outline type="rss" text="spaced" xmlUrl="  JaVaScRiPt:alert(1)"/>
    <outline type="rss" text="dash" xmlUrl="-https://example.org/"/>
    <outline type="rss" xmlurl="HTTPS://example.org/lower-case-attr" category="Russian Federation,/News/World"/>
    <outline text="Empty folder"></outline>
  </body>
</opml>`

func TestParseOPML(t *testing.T) {
	feeds, skipped, err := ParseOPML([]byte(testOPML))
	if err != nil {
		t.Fatal(err)
	}
	want := []SourceConfig{
		{URL: "https://example.org/kyiv.xml", Name: "Kyiv & Co", Tags: []string{"World", "Europe", "Ukraine"}},
		{URL: "http://wire.example/feed", Name: "The Wire]0;pwned", Tags: []string{"World"}},
		{URL: "https://example.org/lower-case-attr", Tags: []string{"Russia", "News", "World"}},
	}
	if !reflect.DeepEqual(feeds, want) {
		t.Errorf("feeds\n got %+v\nwant %+v", feeds, want)
	}
	if len(skipped) != 6 {
		t.Fatalf("skipped %d, want 6: %v", len(skipped), skipped)
	}
	for _, e := range skipped {
		msg := e.Error()
		if !strings.Contains(msg, "is not http or https; skipped") || strings.ContainsAny(msg, "\x1b\x07") {
			t.Errorf("skip message %q", msg)
		}
	}
	if !strings.Contains(skipped[0].Error(), `"exec:~/bin/fetch-news.sh"`) {
		t.Errorf("skip message does not name the URL: %q", skipped[0])
	}
}

func TestParseOPMLErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "not an OPML file"},
		{"html", "<html><body>hi</body></html>", "root element is <html>"},
		{"rss", `<?xml version="1.0"?><rss version="2.0"></rss>`, "root element is <rss>"},
		{"text", "just words", "not an OPML file"},
		{"deep", "<opml><body>" + strings.Repeat("<outline text='x'>", 100) + "</body></opml>", "nested more than 64 deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParseOPML([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestParseOPMLLatin1(t *testing.T) {
	in := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><opml version=\"1.0\"><body>" +
		"<outline text=\"Caf\xe9\" xmlUrl=\"https://example.org/cafe\"/></body></opml>"
	feeds, _, err := ParseOPML([]byte(in))
	if err != nil || len(feeds) != 1 || feeds[0].Name != "Café" {
		t.Fatalf("feeds %+v, %v", feeds, err)
	}
}

func TestOPMLRoundTrip(t *testing.T) {
	in := []SourceConfig{
		{URL: "https://example.org/a?x=1&y=<2>", Name: `Quotes " ' & <angles>`, Tags: []string{"Russia", "Côte d'Ivoire"}},
		{URL: "http://example.org/b"},
		{Path: "/srv/news", Name: "local"},
		{URL: "https://example.org/c", Name: "Odd tag", Tags: []string{"a,b/c"}},
	}
	var b bytes.Buffer
	skipped, err := WriteOPML(&b, "gazette sources", in)
	if err != nil {
		t.Fatal(err)
	}
	if skipped != 1 {
		t.Errorf("skipped %d, want the one path", skipped)
	}
	out, bad, err := ParseOPML(b.Bytes())
	if err != nil || len(bad) != 0 {
		t.Fatalf("reading back: %v %v\n%s", err, bad, b.String())
	}
	want := []SourceConfig{in[0], {URL: "http://example.org/b"}, {URL: "https://example.org/c", Name: "Odd tag", Tags: []string{"a b c"}}}
	if !reflect.DeepEqual(out, want) {
		t.Errorf("round trip\n got %+v\nwant %+v\n%s", out, want, b.String())
	}
	if !strings.Contains(b.String(), `xmlUrl="https://example.org/a?x=1&amp;y=%3C2%3E"`) && !strings.Contains(b.String(), `xmlUrl="https://example.org/a?x=1&amp;y=&lt;2&gt;"`) {
		t.Errorf("URL not escaped:\n%s", b.String())
	}
}

func FuzzOPML(f *testing.F) {
	f.Add([]byte(testOPML))
	f.Add([]byte(`<opml><body><outline xmlUrl="https://a.example/" category="/a/b,c"/></body></opml>`))
	f.Add([]byte(`<opml><body><outline><outline><outline xmlUrl="javascript:x"/></outline></outline></body></opml>`))
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"utf-16\"?><opml/>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		feeds, skipped, err := ParseOPML(data)
		for _, e := range append(skipped, err) {
			if e != nil && strings.ContainsAny(e.Error(), "\x1b\x07\n\r") {
				t.Errorf("unsanitized error %q", e)
			}
		}
		for _, s := range feeds {
			if u, ok := feed.SafeURL(s.URL, nil); !ok || u != s.URL || !feed.IsURL(s.URL) {
				t.Errorf("unsafe feed URL %q", s.URL)
			}
			if feed.SanitizeLine(s.Name) != s.Name {
				t.Errorf("unsanitized name %q", s.Name)
			}
		}
		var b bytes.Buffer
		if _, err := WriteOPML(&b, "x", feeds); err != nil {
			t.Fatal(err)
		}
		back, bad, err := ParseOPML(b.Bytes())
		if err != nil || len(bad) != 0 || len(back) != len(feeds) {
			t.Errorf("export does not read back: %v %v, %d of %d", err, bad, len(back), len(feeds))
		}
	})
}
