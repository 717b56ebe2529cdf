package feed

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
)

// parseFeedString parses a feed held in a string as a file named name.
func parseFeedString(t *testing.T, name, data string) []*Article {
	t.Helper()
	arts, err := ParseDoc(Doc{Location: name, Data: []byte(data), Key: name})
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return arts
}

func rssDoc(items ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Test Wire</title><link>https://wire.example/news/</link>` + strings.Join(items, "") + `</channel></rss>`
}

func TestRSSItemFields(t *testing.T) {
	arts := parseFeedString(t, "wire.rss", rssDoc(`<item>
  <title>Talks &amp; more talks</title>
  <link>/news/2022/talks</link>
  <guid isPermaLink="false">wire-1</guid>
  <pubDate>Mon, 17 Jan 2022 10:00:00 +0000</pubDate>
  <author>desk@wire.example (Jane Roe)</author>
  <category>Russian Federation</category><category>PRC</category><category>russia</category><category>Talks</category>
  <description>Short summary.</description>
  <content:encoded><![CDATA[<p>Read <a href="/docs/a">the text</a> and <a href="https://other.example/b">more</a>.</p>
    <p><img src="pics/1.jpg"> then <a href="/docs/a">again</a>.</p>]]></content:encoded>
</item>`, `<item><title>Second</title><guid>https://wire.example/news/second</guid>
  <description>Only a summary.</description></item>`))
	if len(arts) != 2 {
		t.Fatalf("got %d articles", len(arts))
	}
	a := arts[0]
	checks := []struct{ name, got, want string }{
		{"title", a.Title, "Talks & more talks"},
		{"link", a.Link, "https://wire.example/news/2022/talks"},
		{"location", a.Location, "https://wire.example/news/2022/talks"},
		{"source", a.Source, "Jane Roe"},
		{"date", a.Date.Format(time.RFC3339), "2022-01-17T10:00:00Z"},
		{"date text", a.DateText, "Mon, 17 Jan 2022 10:00:00 +0000"},
		{"format", a.Format, "rss"},
		{"id", a.ID, MakeID("wire.rss", "wire-1")},
		{"tags", fmt.Sprint(tagNames(a.Tags)), "[Russia China Talks*]"},
		{"body", blockTexts(a.Body), "p:Read the text [1] and more [2].|i:3|p:then again [1]."},
		{"refs", refList(a.Refs), "1 link https://wire.example/docs/a|2 link https://other.example/b|3 image https://wire.example/news/2022/pics/1.jpg"},
		{"images", fmt.Sprint(a.Images), "[https://wire.example/news/2022/pics/1.jpg]"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if a.Partial {
		t.Error("an item with content is not partial")
	}
	b := arts[1]
	if !b.Partial || b.Link != "https://wire.example/news/second" || b.Source != "Test Wire" {
		t.Errorf("summary item: partial %v, link %q, source %q", b.Partial, b.Link, b.Source)
	}
	if b.Location != b.Link || b.Date.IsZero() == false {
		t.Errorf("summary item: location %q, date %v", b.Location, b.Date)
	}
}

// blockTexts writes blocks compactly: "p:text|h2:text|q:text|l0:text|c:text|i:N".
func blockTexts(blocks []Block) string {
	var out []string
	for _, b := range blocks {
		switch b.Kind {
		case Image:
			out = append(out, fmt.Sprintf("i:%d", b.Ref))
		case Heading:
			out = append(out, fmt.Sprintf("h%d:%s", b.Level, b.Text))
		case Quote:
			out = append(out, "q:"+b.Text)
		case ListItem:
			out = append(out, fmt.Sprintf("l%d:%s", b.Level, b.Text))
		case Code:
			out = append(out, "c:"+b.Text)
		default:
			out = append(out, "p:"+b.Text)
		}
	}
	return strings.Join(out, "|")
}

func refList(refs []Ref) string {
	var out []string
	for _, r := range refs {
		out = append(out, fmt.Sprintf("%d %s %s", r.N, r.Kind, r.URL))
	}
	return strings.Join(out, "|")
}

func TestFeedDates(t *testing.T) {
	tests := []struct {
		name, feed, want, wantText string
	}{
		{"rss pubDate", rssDoc(`<item><title>A</title><pubDate>Tue, 18 Jan 2022 08:15:00 +0100</pubDate></item>`),
			"2022-01-18T08:15:00+01:00", "Tue, 18 Jan 2022 08:15:00 +0100"},
		{"rss no date", rssDoc(`<item><title>A</title></item>`), "", ""},
		{"rss bad date", rssDoc(`<item><title>A</title><pubDate>sometime soon</pubDate></item>`), "", "sometime soon"},
		{"atom updated only", `<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
			<entry><title>A</title><id>x</id><updated>2022-01-21T09:45:00+08:00</updated></entry></feed>`,
			"2022-01-21T09:45:00+08:00", "2022-01-21T09:45:00+08:00"},
		{"atom published wins", `<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
			<entry><title>A</title><id>x</id><published>2022-01-20T00:00:00Z</published><updated>2022-01-21T00:00:00Z</updated></entry></feed>`,
			"2022-01-20T00:00:00Z", "2022-01-20T00:00:00Z"},
		{"json modified only", `{"version":"https://jsonfeed.org/version/1.1","title":"F","items":[{"id":"1","title":"A","date_modified":"2022-01-19T09:12:00Z"}]}`,
			"2022-01-19T09:12:00Z", "2022-01-19T09:12:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts := parseFeedString(t, "f.xml", tt.feed)
			if len(arts) != 1 {
				t.Fatalf("%d articles", len(arts))
			}
			got := ""
			if !arts[0].Date.IsZero() {
				got = arts[0].Date.Format(time.RFC3339)
			}
			if got != tt.want || arts[0].DateText != tt.wantText {
				t.Errorf("date %q (%q), want %q (%q)", got, arts[0].DateText, tt.want, tt.wantText)
			}
		})
	}
}

// TestFeedURLs checks that relative URLs resolve against the item, then
// the feed, and that what a hostile xml:base or scheme makes of them is
// dropped after resolution.
func TestFeedURLs(t *testing.T) {
	tests := []struct {
		name, base, feed string
		link, refs       string
	}{
		{"relative item link against the feed link", "", rssDoc(`<item><title>A</title><link>a/b</link>
			<description>&lt;a href="c"&gt;c&lt;/a&gt;</description></item>`),
			"https://wire.example/news/a/b", "1 link https://wire.example/news/a/c"},
		{"relative against the fetched URL", "https://mirror.example/feeds/x.xml", rssDoc(`<item><title>A</title><link>/a</link></item>`),
			"https://mirror.example/a", ""},
		{"javascript link", "", rssDoc(`<item><title>A</title><link>javascript:alert(1)</link>
			<description>&lt;a href="JaVaScRiPt:alert(1)"&gt;x&lt;/a&gt; &lt;a href=" javascript:alert(1)"&gt;y&lt;/a&gt; &lt;img src="data:image/png;base64,AA"&gt;</description></item>`),
			"", ""},
		{"file link", "", rssDoc(`<item><title>A</title><link>file:///etc/passwd</link></item>`), "", ""},
		{"hostile xml:base in atom", "", `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="file:///etc/"><title>F</title>
			<entry><title>A</title><id>x</id><link href="passwd"/>
			<content type="html">&lt;a href="shadow"&gt;s&lt;/a&gt; &lt;img src="group"&gt;</content></entry></feed>`,
			"", ""},
		{"javascript xml:base in atom", "", `<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
			<entry xml:base="javascript:///x"><title>A</title><id>x</id><link href="y"/>
			<content type="html">&lt;a href="z"&gt;z&lt;/a&gt;</content></entry></feed>`,
			"", ""},
		{"good xml:base in atom", "", `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example/base/"><title>F</title>
			<entry><title>A</title><id>x</id><link href="post"/>
			<content type="html">&lt;a href="other"&gt;o&lt;/a&gt;</content></entry></feed>`,
			"https://atom.example/base/post", "1 link https://atom.example/base/other"},
		{"json relative", "", `{"version":"https://jsonfeed.org/version/1","title":"F","home_page_url":"https://j.example/","items":[
			{"id":"1","url":"/p/1","content_html":"<a href=\"q\">q</a><img src=\"file:///etc/passwd\">"}]}`,
			"https://j.example/p/1", "1 link https://j.example/p/q"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := Doc{Location: "f.xml", Key: "f.xml", Data: []byte(tt.feed)}
			if tt.base != "" {
				doc.Base, _ = url.Parse(tt.base)
				doc.Location = tt.base
			}
			arts, err := ParseDoc(doc)
			if err != nil || len(arts) != 1 {
				t.Fatalf("%d articles, %v", len(arts), err)
			}
			a := arts[0]
			if a.Link != tt.link {
				t.Errorf("link %q, want %q", a.Link, tt.link)
			}
			if got := refList(a.Refs); got != tt.refs {
				t.Errorf("refs %q, want %q", got, tt.refs)
			}
			if a.Link == "" && !strings.HasPrefix(a.Location, doc.Location+"#") {
				t.Errorf("location %q, want the feed's location and a fragment", a.Location)
			}
		})
	}
}

// TestFeedSanitizing checks that control characters decoded late (XML
// entities, HTML entities in a description, JSON escapes) never survive.
func TestFeedSanitizing(t *testing.T) {
	tests := []struct{ name, feed string }{
		{"double-escaped entity in description", rssDoc(`<item><title>T&amp;#27;[2J</title><description>a &amp;#27;]52;c;eA==&amp;#7; b &amp;amp;#27; c</description></item>`)},
		{"escaped entity in content", rssDoc(`<item><title>T</title><content:encoded><![CDATA[<p>x &#27;[31m y &#x9b;z &#x202e;gnp.exe</p><a href="https://a.example/&#27;">l&#27;</a>]]></content:encoded></item>`)},
		{"entity in category and author", rssDoc(`<item><title>T</title><author>a@b.example (Evil &amp;#27;]0;title&amp;#7;)</author><category>Rus&amp;#27;sia</category><category>&amp;#x200b;China</category></item>`)},
		{"C1 in CDATA", rssDoc("<item><title>T\u009b31m</title><description><![CDATA[a \u009b2J \u0085 b]]></description></item>")},
		{"json escapes", `{"version":"https://jsonfeed.org/version/1.1","title":"F\u001b]0;x\u0007","items":[{"id":"1","title":"A\u001b[2J\u009bB","content_text":"x\u001b[31m\u009b\u202ey","summary":"s\u001b","tags":["Ru\u001bssia"],"authors":[{"name":"N\u009b"}]},
			{"id":"2","title":"B","content_html":"<p>&#27;[2J \u001b[1m</p>"}]}`},
		{"atom text title with entity", `<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry><title type="html">a &amp;amp;#27;[2J</title><id>x</id><content type="text">t &amp;#27; u</content></entry></feed>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts := parseFeedString(t, "f.xml", tt.feed)
			if len(arts) == 0 {
				t.Fatal("no articles")
			}
			for _, a := range arts {
				for _, s := range articleStrings(a) {
					checkClean(t, s)
				}
				checkClean(t, a.Markdown(MarkdownOptions{}))
				checkClean(t, a.Text(60))
			}
		})
	}
	arts := parseFeedString(t, "f.xml", tests[0].feed)
	if got := arts[0].Body[0].Text; !strings.Contains(got, "a ]52;c;eA==") || !strings.Contains(got, "c") {
		t.Errorf("text around the dropped controls was lost: %q", got)
	}
	if got := tagNames(parseFeedString(t, "f.xml", tests[2].feed)[0].Tags); !slices.Equal(got, []string{"Russia", "China"}) {
		t.Errorf("tags %q: a control or zero-width character must not make a new tag", got)
	}
}

// TestFeedCharset checks that an ISO-8859-1 feed declared as such decodes.
func TestFeedCharset(t *testing.T) {
	latin1 := func(s string) []byte {
		var b []byte
		for _, r := range s {
			b = append(b, byte(r))
		}
		return b
	}
	data := latin1(`<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0"><channel><title>Le Courrier</title><link>https://c.example/</link>
<item><title>Grève à Marseille : vols annulés</title><category>Côte d'Ivoire</category>
<description>&lt;p&gt;Près de 400 vols — non, « 400 » vols.&lt;/p&gt;</description></item></channel></rss>`)
	if strings.Contains(string(data), "—") {
		t.Fatal("test data is not Latin-1")
	}
	data = []byte(strings.ReplaceAll(string(data), "\x14", "-")) // the dash is not Latin-1
	arts, err := ParseDoc(Doc{Location: "c.rss", Data: data})
	if err != nil || len(arts) != 1 {
		t.Fatalf("%d articles, %v", len(arts), err)
	}
	a := arts[0]
	if a.Title != "Grève à Marseille : vols annulés" {
		t.Errorf("title %q", a.Title)
	}
	if len(a.Tags) != 1 || a.Tags[0].Name != "Côte d'Ivoire" || !a.Tags[0].Country {
		t.Errorf("tags %+v", a.Tags)
	}
	if len(a.Body) != 1 || !strings.HasPrefix(a.Body[0].Text, "Près de 400 vols") || !strings.Contains(a.Body[0].Text, "« 400 »") {
		t.Errorf("body %q", blockTexts(a.Body))
	}
}

func TestFeedItemCap(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>Big</title><link>https://big.example/</link>`)
	n := MaxFeedItems + 50
	for i := range n {
		fmt.Fprintf(&b, "<item><title>Item %d</title><guid>g%d</guid><description>Text %d.</description></item>", i, i, i)
	}
	b.WriteString("</channel></rss>")
	arts, err := ParseDoc(Doc{Location: "big.rss", Data: []byte(b.String())})
	if len(arts) != MaxFeedItems {
		t.Errorf("%d articles, want %d", len(arts), MaxFeedItems)
	}
	if err == nil || !strings.Contains(err.Error(), fmt.Sprint(n)) || !strings.Contains(err.Error(), fmt.Sprint(MaxFeedItems)) {
		t.Errorf("error %v, want one naming %d items and the %d cap", err, n, MaxFeedItems)
	}
	if arts[len(arts)-1].Title != fmt.Sprintf("Item %d", MaxFeedItems-1) {
		t.Errorf("last article %q: the first items are the ones kept", arts[len(arts)-1].Title)
	}
}

// TestFeedNilFields converts items whose every pointer is nil, and a nil
// item, which gofeed's types allow.
func TestFeedNilFields(t *testing.T) {
	f := &gofeed.Feed{
		Title: "Nil Feed",
		Items: []*gofeed.Item{
			nil,
			{},
			{Title: "Has nils", Authors: []*gofeed.Person{nil, {}}, Enclosures: []*gofeed.Enclosure{nil, {}},
				Image: &gofeed.Image{}, Extensions: ext.Extensions{"media": {"content": {{}}, "group": {{}}}}},
			{Title: "Fine", Link: "https://nil.example/fine"},
		},
	}
	arts, err := feedArticles(Doc{Location: "nil.rss"}, f)
	if len(arts) != 3 {
		t.Fatalf("%d articles, want 3", len(arts))
	}
	if err == nil || !strings.Contains(err.Error(), "1 of 4 items") {
		t.Errorf("error %v, want one for the nil item", err)
	}
	if arts[2].Title != "Fine" || arts[2].Link != "https://nil.example/fine" {
		t.Errorf("last article %+v", arts[2])
	}
	if arts[0].ID == arts[1].ID {
		t.Error("items without a key share an ID")
	}
}

func TestFeedErrors(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             error
		contains         string
	}{
		{"malformed xml", "f.rss", `<rss version="2.0"><channel><title>x</title><item><title>a</item></channel>`, nil, "malformed feed"},
		{"not a feed", "f.xml", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>`, ErrNotFeed, ""},
		{"other json", "f.json", `{"name": "package", "version": "1.0.0"}`, ErrNotFeed, ""},
		{"wrong json types", "f.json", `{"version":"https://jsonfeed.org/version/1.1","title":"F","items":[{"id":1,"title":["a"]}]}`, nil, "malformed feed"},
		{"empty", "f.rss", ``, ErrNotFeed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts, err := ParseDoc(Doc{Location: tt.file, Data: []byte(tt.data)})
			if err == nil || len(arts) != 0 {
				t.Fatalf("%d articles, error %v; want one error", len(arts), err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q does not say %q", err, tt.contains)
			}
		})
	}
}

// TestFeedBodies checks what becomes the body: content over the summary,
// plain text kept as paragraphs, and images given beside the content.
func TestFeedBodies(t *testing.T) {
	tests := []struct {
		name, feed, body, refs string
	}{
		{"content wins over description", rssDoc(`<item><title>A</title><description>summary</description>
			<content:encoded>&lt;p&gt;full&lt;/p&gt;</content:encoded></item>`), "p:full", ""},
		{"atom text content is plain", `<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry><title>A</title><id>x</id>
			<content type="text">x &lt; y and &lt;b&gt; stays

second paragraph</content></entry></feed>`, "p:x < y and <b> stays|p:second paragraph", ""},
		{"untyped atom content with markup is HTML", `<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry><title>A</title><id>x</id>
			<content>&lt;p&gt;one&lt;/p&gt;&lt;p&gt;two&lt;/p&gt;</content></entry></feed>`, "p:one|p:two", ""},
		{"json content_text", `{"version":"https://jsonfeed.org/version/1","title":"F","items":[{"id":"1","content_text":"a <b> &amp; c\n\nd"}]}`,
			"p:a <b> &amp; c|p:d", ""},
		{"media and enclosures", rssDoc(`<item><title>A</title><link>https://m.example/a</link>
			<media:content url="https://m.example/lead.jpg" medium="image"/>
			<media:thumbnail url="https://m.example/thumb.jpg"/>
			<enclosure url="https://m.example/extra.png" type="image/png" length="1"/>
			<enclosure url="https://m.example/talk.mp3" type="audio/mpeg" length="1"/>
			<content:encoded>&lt;p&gt;text &lt;img src="https://m.example/extra.png"&gt;&lt;/p&gt;</content:encoded></item>`),
			"i:1|p:text|i:2|p:Attachment: audio/mpeg [3]",
			"1 image https://m.example/lead.jpg|2 image https://m.example/extra.png|3 link https://m.example/talk.mp3"},
		{"thumbnail when no media:content", rssDoc(`<item><title>A</title><media:group><media:thumbnail url="https://m.example/t.jpg"/></media:group><description>d</description></item>`),
			"i:1|p:d", "1 image https://m.example/t.jpg"},
		{"nested quotes flatten, lists cap", rssDoc(`<item><title>A</title><content:encoded><![CDATA[
			<blockquote><p>outer</p><blockquote><p>inner</p><blockquote><p>innermost</p></blockquote></blockquote></blockquote>
			<ul><li>one<ul><li>two<ul><li>three<ul><li>four<ul><li>five</li></ul></li></ul></li></ul></li></ul></li></ul>
			<pre>  code &lt;kept&gt;
  as is</pre><h1>Big</h1><h4>Small</h4>]]></content:encoded></item>`),
			"q:outer|q:inner|q:innermost|l0:one|l1:two|l2:three|l3:four|l3:five|c:  code <kept>\n  as is|h2:Big|h4:Small", ""},
		{"skipped markup", rssDoc(`<item><title>A</title><content:encoded><![CDATA[<p>seen</p><script>alert(1)</script><style>p{}</style>
			<noscript>ns</noscript><template>tpl</template><p hidden>hid</p><p style="display: none">none</p><p aria-hidden="true">aria</p>
			<div class="ad-slot">buy</div><meta http-equiv="refresh" content="0;url=javascript:x"><base href="file:///">
			<p><a href="rel">rel</a></p><img src="https://p.example/px.gif" width="1" height="1">]]></content:encoded><link>https://s.example/a/b</link></item>`),
			"p:seen|p:rel [1]", "1 link https://s.example/a/rel"},
		{"links without text and fragment links", rssDoc(`<item><title>A</title><content:encoded><![CDATA[<p><a href="https://x.example/"><img src="https://x.example/i.jpg"></a>
			<a href="#top">top</a> <a href="https://x.example/"> </a>end</p>]]></content:encoded></item>`),
			"i:1|p:top end", "1 image https://x.example/i.jpg"},
		{"too deep", rssDoc(`<item><title>A</title><description>` + strings.Repeat("&lt;div&gt;", 600) + `x</description></item>`),
			"p:[The text of this item cannot be shown: " + ErrHTMLTooDeep.Error() + ".]", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts := parseFeedString(t, "f.xml", tt.feed)
			if len(arts) != 1 {
				t.Fatalf("%d articles", len(arts))
			}
			if got := blockTexts(arts[0].Body); got != tt.body {
				t.Errorf("body\n got %q\nwant %q", got, tt.body)
			}
			if got := refList(arts[0].Refs); got != tt.refs {
				t.Errorf("refs\n got %q\nwant %q", got, tt.refs)
			}
		})
	}
}

func TestSniffFeed(t *testing.T) {
	tests := []struct {
		ctype, head string
		want        bool
	}{
		{"application/rss+xml", "", true},
		{"application/atom+xml; charset=utf-8", "", true},
		{"application/feed+json", "", true},
		{"text/xml", `<?xml version="1.0"?><rss version="2.0">`, true},
		{"application/xml", `<?xml version="1.0"?>` + "\n<!-- c -->\n<?xml-stylesheet href=\"s.xsl\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">", true},
		{"", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`, true},
		{"application/json", `{"version": "https://jsonfeed.org/version/1.1", "title": "x"}`, true},
		{"text/plain", "  <rss version=\"2.0\">", true},
		{"application/json", `{"name": "x"}`, false},
		{"text/xml", `<?xml version="1.0"?><svg/>`, false},
		{"text/html", "<!doctype html><html>", false},
		{"", "Title\n\nRussia | 17 January 2022", false},
	}
	for _, tt := range tests {
		t.Run(tt.ctype+" "+tt.head, func(t *testing.T) {
			if got := sniffFeed(tt.ctype, []byte(tt.head)); got != tt.want {
				t.Errorf("sniffFeed = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSniffOrder checks which format the content decides on when the
// name does not.
func TestSniffOrder(t *testing.T) {
	tests := []struct{ ctype, data, want string }{
		{"application/rss+xml", "<rss/>", "rss"},
		{"text/html; charset=utf-8", "<p>x</p>", "html"},
		{"", "<!DOCTYPE html><html><body>x</body></html>", "html"},
		{"", "\n<!-- saved -->\n<html>", "html"},
		{"text/markdown", "# x", "md"},
		{"", "---\ntitle: x\n---\nbody", "md"},
		{"text/plain", "Title\n\nbody", "txt"},
		{"", "Title\n\nbody", "txt"},
	}
	for _, tt := range tests {
		t.Run(tt.want+" "+tt.ctype, func(t *testing.T) {
			if got := sniffFormat(tt.ctype, []byte(tt.data)).Name; got != tt.want {
				t.Errorf("sniffFormat(%q, %q) = %s, want %s", tt.ctype, tt.data, got, tt.want)
			}
		})
	}
}

func FuzzRSS(f *testing.F) {
	for _, name := range []string{"world-desk.rss", "asia-desk.atom", "morning-briefing.json", "summaries-only.rss"} {
		if data, err := os.ReadFile("../testdata/feeds/" + name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(rssDoc(`<item><title>&amp;#27;[2J</title><description>&lt;a href="x"&gt;&amp;#27;]52;&lt;/a&gt;</description></item>`)))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"id":"1","content_html":"\u001b\u009b<img src=/x>"}]}`))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom" xml:base="javascript:///"><entry><link href="x"/><content type="xhtml"><div>a</div></content></entry></feed>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		arts, _ := ParseDoc(Doc{Location: "fuzz.xml", Data: data})
		for _, a := range arts {
			for _, s := range articleStrings(a) {
				checkClean(t, s)
			}
			for _, r := range a.Refs {
				if _, ok := SafeURL(r.URL, nil); !ok {
					t.Fatalf("unsafe footnote URL %q", r.URL)
				}
			}
			if a.Link != "" && !strings.HasPrefix(a.Link, "http") {
				t.Fatalf("unsafe link %q", a.Link)
			}
		}
	})
}

func TestFeedXMLDepth(t *testing.T) {
	wrap := func(inner string) string {
		return `<?xml version="1.0"?><!DOCTYPE rss><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>t</title>` +
			`<item><title>a</title>` + inner + `</item></channel></rss>`
	}
	tests := []struct {
		name, data string
		deep       bool
	}{
		{"nested extension elements", wrap(strings.Repeat("<media:x>", maxXMLDepth+1)), true},
		{"nested unknown elements", wrap(strings.Repeat("<foo a='>'>", maxXMLDepth) + strings.Repeat("</foo>", maxXMLDepth)), true},
		{"deep but closed, under the cap", wrap(strings.Repeat("<foo>", maxXMLDepth-10) + strings.Repeat("</foo>", maxXMLDepth-10)), false},
		{"self-closing tags", wrap(strings.Repeat("<media:thumbnail url='https://x.example/a.jpg'/>", 2000)), false},
		{"HTML in CDATA and escaped", wrap(`<description><![CDATA[` + strings.Repeat("<div><br>", maxXMLDepth) + `]]></description>` +
			`<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/">` + strings.Repeat("&lt;br&gt;", maxXMLDepth) + `</content:encoded>`), false},
		{"comments and instructions", wrap(strings.Repeat("<!-- <a> --><?pi <b>?>", maxXMLDepth)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts, err := ParseDoc(Doc{Location: "d.rss", Data: []byte(tt.data)})
			if tt.deep {
				if !errors.Is(err, ErrXMLTooDeep) || len(arts) != 0 {
					t.Errorf("%d articles, error %v; want ErrXMLTooDeep", len(arts), err)
				}
				return
			}
			if err != nil || len(arts) != 1 {
				t.Errorf("%d articles, error %v", len(arts), err)
			}
		})
	}
	// A JSON feed's HTML is not XML nesting.
	js := `{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","content_html":"` + strings.Repeat("<br>", maxXMLDepth+1) + `x"}]}`
	if arts, err := ParseDoc(Doc{Location: "f.json", Data: []byte(js)}); err != nil || len(arts) != 1 {
		t.Errorf("JSON feed with many <br>: %d articles, %v", len(arts), err)
	}
}
