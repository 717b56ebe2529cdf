package feed

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// rssOf returns an RSS document whose items have the given titles, with
// prolog before the <rss> element.
func rssOf(prolog string, titles ...string) string {
	var b strings.Builder
	b.WriteString(prolog)
	b.WriteString("<rss version=\"2.0\"><channel><title>Desk</title><link>https://desk.example/</link>\n")
	for i, t := range titles {
		fmt.Fprintf(&b, "<item><title>%s</title><link>https://desk.example/%d</link><description>Text %d.</description></item>\n", t, i, i)
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	out, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSniffFeedProlog holds feeds that open with a comment, a DOCTYPE or
// processing instructions and no XML declaration, which once became one
// plain-text article of raw XML.
func TestSniffFeedProlog(t *testing.T) {
	prologs := map[string]string{
		"comment":           "<!-- generator=\"WordPress/6.4\" -->\n",
		"doctype":           "<!DOCTYPE rss PUBLIC \"-//Netscape Communications//DTD RSS 0.91//EN\" \"http://my.netscape.com/publish/formats/rss-0.91.dtd\">\n",
		"doctype subset":    "<!DOCTYPE rss [\n<!ENTITY nbsp \"&#160;\">\n]>\n",
		"stylesheet":        "<?xml-stylesheet type=\"text/xsl\" href=\"/rss.xsl\"?>\n<!-- a comment -->\n",
		"declaration first": "<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE rss>\n",
		"white space":       "\n\n   \t",
	}
	for name, prolog := range prologs {
		for _, ct := range []string{"", "text/xml", "application/xml", "text/html", "text/plain"} {
			t.Run(name+"/"+ct, func(t *testing.T) {
				for _, loc := range []string{"-", "https://desk.example/feed", "feed.unknown"} {
					arts, err := ParseDoc(Doc{Location: loc, Data: []byte(rssOf(prolog, "One", "Two")), ContentType: ct})
					if err != nil || len(arts) != 2 || arts[0].Format != "rss" {
						t.Fatalf("%s: %d articles (%q), err %v", loc, len(arts), titles(arts), err)
					}
				}
			})
		}
	}
}

// TestXMLNotFeed checks that XML which is no feed is an error, never an
// article, while HTML and text that start with "<" are still read.
func TestXMLNotFeed(t *testing.T) {
	tests := []struct {
		name, data, ct string
		notFeed        bool
		format         string
	}{
		{name: "sitemap", data: `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/</loc></url></urlset>`, notFeed: true},
		{name: "comment then unknown root", data: "<!-- generated -->\n<sitemapindex><sitemap/></sitemapindex>", notFeed: true},
		{name: "xml media type", data: `<error><code>404</code></error>`, ct: "application/xml", notFeed: true},
		{name: "closed unknown root", data: "<note>\n<to>Tove</to>\n</note>\n", notFeed: true},
		{name: "only a long comment", data: "<!-- " + strings.Repeat("generator ", 500) + "-->", notFeed: true},
		{name: "text in angle brackets", data: "<Breaking> news from the port\n\nThe strike ended.", format: "txt"},
		{name: "html fragment", data: "<p>Hello there, a paragraph.</p>", format: "txt"},
		{name: "html page", data: "<!-- saved -->\n<!DOCTYPE html><html><head><title>T</title></head><body><p>Hello world, this is a page.</p></body></html>", format: "html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts, err := ParseDoc(Doc{Location: "-", Data: []byte(tt.data), ContentType: tt.ct})
			if tt.notFeed {
				if !errors.Is(err, ErrNotFeed) || len(arts) != 0 {
					t.Fatalf("%d articles, err %v; want ErrNotFeed", len(arts), err)
				}
				return
			}
			if err != nil || len(arts) != 1 {
				t.Fatalf("%d articles, err %v", len(arts), err)
			}
			if f := arts[0].Format; f != tt.format && !(tt.format == "txt" && f != "html" && f != "rss") {
				t.Errorf("format %q, want %q", f, tt.format)
			}
		})
	}
}

// TestFeedEncodings reads feeds in the encodings real feeds use, declared
// or not, with or without the HTTP charset.
func TestFeedEncodings(t *testing.T) {
	cyr := "Новости Хабаровска"
	tests := []struct {
		name string
		data []byte
		ct   string
		want []string
	}{
		{"http charset, no declaration", encode(t, charmap.Windows1251, rssOf("", cyr)), "text/xml; charset=windows-1251", []string{cyr}},
		{"http charset beats the declaration", encode(t, charmap.Windows1251, rssOf(`<?xml version="1.0" encoding="iso-8859-1"?>`, cyr)), "application/rss+xml; charset=windows-1251", []string{cyr}},
		{"declaration", encode(t, charmap.Windows1251, rssOf(`<?xml version="1.0" encoding="windows-1251"?>`, cyr)), "", []string{cyr}},
		{"underscore label", encode(t, charmap.Windows1252, rssOf(`<?xml version="1.0" encoding="windows_1252"?>`, "Café “quoted”")), "", []string{"Café “quoted”"}},
		{"IBM code page", encode(t, charmap.CodePage866, rssOf(`<?xml version="1.0" encoding="IBM866"?>`, cyr)), "", []string{cyr}},
		{"mac code page", encode(t, charmap.Macintosh, rssOf(`<?xml version="1.0" encoding="macintosh"?>`, "Crème brûlée")), "", []string{"Crème brûlée"}},
		{"x-mac-cyrillic", encode(t, charmap.MacintoshCyrillic, rssOf(`<?xml version="1.0" encoding="x-mac-cyrillic"?>`, cyr)), "", []string{cyr}},
		{"iso-2022-jp", encode(t, japanese.ISO2022JP, rssOf(`<?xml version="1.0" encoding="iso-2022-jp"?>`, "東京の天気")), "", []string{"東京の天気"}},
		{"shift_jis", encode(t, japanese.ShiftJIS, rssOf(`<?xml version="1.0" encoding="Shift_JIS"?>`, "東京の天気")), "", []string{"東京の天気"}},
		{"no declaration, no charset, Latin-1 bytes", encode(t, charmap.Windows1252, rssOf("", "Café au lait", "Crème")), "", []string{"Café au lait", "Crème"}},
		{"utf-8 feed declared Latin-1", []byte(rssOf(`<?xml version="1.0" encoding="iso-8859-1"?>`, "Café")), "", []string{"Café"}},
		{"utf-16le with BOM", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), rssOf(`<?xml version="1.0" encoding="utf-16"?>`, cyr)), "", []string{cyr}},
		{"utf-16be with BOM", encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), rssOf(`<?xml version="1.0" encoding="utf-16"?>`, cyr)), "", []string{cyr}},
		{"utf-16le without BOM", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), rssOf(`<?xml version="1.0" encoding="utf-16"?>`, cyr)), "", []string{cyr}},
		{"utf-16be without BOM", encode(t, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), rssOf(`<?xml version="1.0" encoding="utf-16"?>`, cyr)), "", []string{cyr}},
		{"utf-16le without BOM or declaration", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), rssOf("", cyr)), "", []string{cyr}},
		{"utf-32le with BOM", encode(t, utf32.UTF32(utf32.LittleEndian, utf32.UseBOM), rssOf(`<?xml version="1.0" encoding="utf-32"?>`, cyr)), "", []string{cyr}},
		{"utf-32be with BOM", encode(t, utf32.UTF32(utf32.BigEndian, utf32.UseBOM), rssOf(`<?xml version="1.0" encoding="utf-32"?>`, cyr)), "", []string{cyr}},
		{"utf-32le without BOM", encode(t, utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), rssOf(`<?xml version="1.0" encoding="utf-32"?>`, cyr)), "", []string{cyr}},
		{"utf-32be without BOM", encode(t, utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), rssOf(`<?xml version="1.0" encoding="utf-32"?>`, cyr)), "", []string{cyr}},
		{"utf-16 served with charset", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), rssOf("", cyr)), "text/xml; charset=utf-16le", []string{cyr}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, loc := range []string{"https://desk.example/feed", "-", "feed.xml"} {
				arts, err := ParseDoc(Doc{Location: loc, Data: tt.data, ContentType: tt.ct})
				if err != nil {
					t.Fatalf("%s: %v", loc, err)
				}
				if got := titles(arts); strings.Join(got, "|") != strings.Join(tt.want, "|") {
					t.Fatalf("%s: titles %q, want %q", loc, got, tt.want)
				}
			}
		})
	}
}

// TestFeedRepairs checks that one bad byte or character reference costs
// no item.
func TestFeedRepairs(t *testing.T) {
	var ts []string
	for i := range 20 {
		ts = append(ts, fmt.Sprintf("Item %d", i))
	}
	stray := strings.Replace(rssOf(`<?xml version="1.0" encoding="utf-8"?>`, ts...), "Item 7", "Item \xe9 7", 1)
	tests := []struct {
		name string
		data string
		want string // the seventh item's title
	}{
		{"stray Latin-1 byte", stray, "Item \uFFFD 7"},
		{"stray byte, no declaration", strings.Replace(rssOf("", ts...), "Item 7", "Caf\xe9 7 – ok", 1), "Caf\uFFFD 7 – ok"},
		{"escape reference", strings.Replace(rssOf("", ts...), "Item 7", "Item &#x1b;[2J7", 1), "Item [2J7"},
		{"NUL reference", strings.Replace(rssOf("", ts...), "Item 7", "Item &#0;7", 1), "Item 7"},
		{"raw control byte", strings.Replace(rssOf("", ts...), "Item 7", "Item \x1b[31m7", 1), "Item [31m7"},
		{"references XML allows stay", strings.Replace(rssOf("", ts...), "Item 7", "Item&#160;&#x41;7", 1), "Item\u00a0A7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts, err := ParseDoc(Doc{Location: "-", Data: []byte(tt.data)})
			if err != nil || len(arts) != 20 {
				t.Fatalf("%d items, err %v", len(arts), err)
			}
			if arts[7].Title != tt.want {
				t.Errorf("title %q, want %q", arts[7].Title, tt.want)
			}
		})
	}
}

func TestUnknownEncoding(t *testing.T) {
	data := rssOf(`<?xml version="1.0" encoding="klingon-1"?>`, "Caf\xe9")
	_, err := ParseDoc(Doc{Location: "feed.xml", Data: []byte(data)})
	var ue *UnknownEncodingError
	if !errors.As(err, &ue) || err.Error() != `unknown encoding "klingon-1"` {
		t.Fatalf("err %v, want unknown encoding", err)
	}
	// ASCII content or a known HTTP charset settles it without the label.
	if arts, err := ParseDoc(Doc{Location: "feed.xml", Data: []byte(data), ContentType: "text/xml; charset=iso-8859-1"}); err != nil || arts[0].Title != "Café" {
		t.Fatalf("with a charset: %v", err)
	}
}

// TestHTMLSharesTheRule checks that pages and the fetcher follow the
// same rule as feeds.
func TestHTMLSharesTheRule(t *testing.T) {
	tests := []struct {
		name, ct string
		data     []byte
		want     string
	}{
		{"valid UTF-8 beats meta", "", []byte(`<meta charset="windows-1251"><p>Café</p>`), "<p>Café</p>"},
		{"stray byte in UTF-8", "", []byte("<p>Caf\xe9 “x” déjà</p>"), "<p>Caf\uFFFD “x” déjà</p>"},
		{"Latin-1 without meta", "", encode(t, charmap.Windows1252, "<p>Café crème brûlée à la carte</p>"), "<p>Café crème brûlée à la carte</p>"},
		{"meta charset", "", encode(t, charmap.Windows1251, `<meta charset="windows-1251"><p>Новости</p>`), "<p>Новости</p>"},
		{"header charset", "text/html; charset=windows-1251", encode(t, charmap.Windows1251, `<p>Новости</p>`), "<p>Новости</p>"},
		{"UTF-16 with BOM", "", encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "<p>Новости</p>"), "<p>Новости</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := HTMLToUTF8(tt.data, tt.ct)
			if !strings.Contains(string(got), tt.want) {
				t.Errorf("HTMLToUTF8 = %q, want it to hold %q", got, tt.want)
			}
		})
	}
}

func TestLookupEncoding(t *testing.T) {
	for label, want := range map[string]string{
		"windows_1252": "windows-1252", "latin1": "windows-1252", "IBM866": "ibm866", "ibm037": "ibm037",
		"macintosh": "macintosh", "iso-2022-jp": "iso-2022-jp", "UTF-8": "utf-8", "utf-32": "utf-32be",
		"klingon": "", "": "",
	} {
		_, name, ok := LookupEncoding(label)
		if ok != (want != "") || name != want {
			t.Errorf("LookupEncoding(%q) = %q, %v; want %q", label, name, ok, want)
		}
	}
}

// FuzzFeedCharset checks that any bytes under any label give valid UTF-8
// that the XML parser accepts as characters, or an error, never a panic.
func FuzzFeedCharset(f *testing.F) {
	f.Add([]byte(rssOf(`<?xml version="1.0" encoding="windows-1251"?>`, "a\xe9")), "text/xml")
	f.Add([]byte("\xff\xfe<\x00r\x00"), "")
	f.Add([]byte("<\x00\x00\x00"), "text/xml; charset=utf-32")
	f.Add([]byte("&#x1b;&#0;&#99999999;"), "")
	f.Fuzz(func(t *testing.T, data []byte, ct string) {
		out, err := xmlToUTF8(data, ct)
		if err != nil {
			return
		}
		if !validXMLChars(out) {
			t.Fatalf("xmlToUTF8 left a character XML forbids: %q", out)
		}
		page, _ := HTMLToUTF8(data, ct)
		if !isValidUTF8(page) {
			t.Fatalf("HTMLToUTF8 gave invalid UTF-8: %q", page)
		}
	})
}

func validXMLChars(b []byte) bool {
	for _, r := range string(b) {
		if !xmlChar(r) {
			return false
		}
	}
	return isValidUTF8(b)
}

func isValidUTF8(b []byte) bool { return utf8.Valid(b) }

// titles lists the articles' titles, for messages.
func titles(arts []*Article) []string {
	out := make([]string, len(arts))
	for i, a := range arts {
		out[i] = a.Title
	}
	return out
}
