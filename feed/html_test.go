package feed

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// page wraps an article body in a page with the usual clutter around it.
func page(head, body string) string {
	return `<!DOCTYPE html><html><head><meta charset="utf-8">` + head + `</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<div class="ad-slot">Advertisement: buy now</div>
<main><article>` + body + `</article></main>
<footer><a href="/privacy">Privacy</a></footer></body></html>`
}

const storyText = `<p>The first paragraph of the story is long enough for readability to find it, with several
clauses, commas, and a good many words that make it look like the prose of a real article.</p>
<p>The second paragraph adds more words, more commas, and more sentences. It says what happened next,
and who said what about it, as news stories do.</p>`

func parsePage(t *testing.T, base, data string) *Article {
	t.Helper()
	doc := Doc{Location: "page.html", Key: "page.html", Data: []byte(data)}
	if base != "" {
		doc.Base, _ = url.Parse(base)
		doc.Location = base
	}
	a, err := ParseHTMLPage(doc)
	if err != nil {
		t.Fatalf("ParseHTMLPage: %v", err)
	}
	return a
}

func TestHTMLPageFields(t *testing.T) {
	tests := []struct {
		name, base, head, body string
		title, source, date    string
	}{
		{"open graph", "", `<title>Site | Headline</title><meta property="og:title" content="The headline">
			<meta property="og:site_name" content="The Daily Example"><meta property="article:published_time" content="2022-01-27T12:30:00+01:00">`,
			storyText, "The headline", "The Daily Example", "2022-01-27"},
		{"json-ld date and byline", "", `<title>Headline two</title><script type="application/ld+json">
			{"@context":"https://schema.org","@type":"NewsArticle","headline":"Headline two","datePublished":"2022-01-31T01:15:00Z","author":{"@type":"Person","name":"Inês Carvalho"}}</script>`,
			storyText, "Headline two", "Inês Carvalho", "2022-01-31"},
		{"time element", "", `<title>Headline three</title>`,
			`<p>By someone, <time datetime="2021-12-03">3 December</time></p>` + storyText, "Headline three", "", "2021-12-03"},
		{"published time preferred", "", `<title>Headline four</title>`,
			`<time datetime="2020-01-01">updated</time><time class="published" datetime="2019-05-06T10:00:00Z">x</time>` + storyText, "Headline four", "", "2019-05-06"},
		{"entities decoded late", "", `<title>x</title><meta property="og:title" content="A &amp;#27;]0;owned&amp;#7; title">
			<meta property="og:site_name" content="Site&#27;[2J">`, storyText, "A ]0;owned title", "Site[2J", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := parsePage(t, tt.base, page(tt.head, tt.body))
			date := ""
			if !a.Date.IsZero() {
				date = a.Date.Format("2006-01-02")
			}
			if a.Title != tt.title || a.Source != tt.source || date != tt.date {
				t.Errorf("title %q, source %q, date %q; want %q, %q, %q", a.Title, a.Source, date, tt.title, tt.source, tt.date)
			}
			if a.Format != "html" || a.ID != MakeID("page.html") {
				t.Errorf("format %q, id %q", a.Format, a.ID)
			}
			for _, s := range articleStrings(a) {
				checkClean(t, s)
			}
		})
	}
}

// TestHTMLPageLinks checks link resolution: against the page's URL, or a
// saved page's canonical URL, never against its <base>; only http and
// https survive.
func TestHTMLPageLinks(t *testing.T) {
	body := storyText + `<p>See <a href="rel/x">the report</a>, <a href="/abs">the archive</a>,
		<a href="javascript:alert(1)">a script</a>, <a href="file:///etc/passwd">a file</a>,
		<a href="data:text/html,x">data</a> and <a href="https://other.example/y">elsewhere</a>.</p>
		<p><img src="img/a.jpg" alt="a"><img src="javascript:x"><img src="file:///etc/passwd"></p>`
	hostileHead := `<title>Links</title><base href="file:///etc/"><meta http-equiv="refresh" content="0;url=file:///etc/passwd">`
	tests := []struct {
		name, base, head, link, refs string
	}{
		{"fetched page", "https://news.example/world/story.html", hostileHead,
			"https://news.example/world/story.html",
			"1 link https://news.example/world/rel/x|2 link https://news.example/abs|3 link https://other.example/y|4 image https://news.example/world/img/a.jpg"},
		{"saved page with canonical URL", "", hostileHead + `<link rel="canonical" href="https://canon.example/a/b">`,
			"https://canon.example/a/b",
			"1 link https://canon.example/a/rel/x|2 link https://canon.example/abs|3 link https://other.example/y|4 image https://canon.example/a/img/a.jpg"},
		{"saved page with og:url", "", hostileHead + `<meta property="og:url" content="https://og.example/p/q">`,
			"https://og.example/p/q",
			"1 link https://og.example/p/rel/x|2 link https://og.example/abs|3 link https://other.example/y|4 image https://og.example/p/img/a.jpg"},
		{"saved page, no URL", "", hostileHead, "", "1 link https://other.example/y"},
		{"hostile canonical", "", hostileHead + `<link rel="canonical" href="javascript:alert(1)">`, "", "1 link https://other.example/y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := parsePage(t, tt.base, page(tt.head, body))
			if a.Link != tt.link {
				t.Errorf("link %q, want %q", a.Link, tt.link)
			}
			if got := refList(a.Refs); got != tt.refs {
				t.Errorf("refs\n got %q\nwant %q", got, tt.refs)
			}
			text := blockTexts(a.Body)
			for _, want := range []string{"a script,", "a file,", "data and"} {
				if !strings.Contains(text, want) {
					t.Errorf("link text %q lost, or given a marker: %q", want, text)
				}
			}
		})
	}
}

// TestHTMLPageSkips checks that what a browser never shows is not read.
func TestHTMLPageSkips(t *testing.T) {
	body := storyText + `<script>document.write("SCRIPT")</script><style>p::after{content:"STYLE"}</style>
		<noscript>NOSCRIPT</noscript><template><p>TEMPLATE</p></template><p hidden>HIDDEN</p>
		<p style="display:none">DISPLAYNONE</p><p style="visibility: hidden">INVISIBLE</p><div aria-hidden="true">ARIA</div>
		<div class="advertisement">ADVERT</div><form><input value="INPUT"><button>BUTTON</button></form>
		<svg><text>SVG</text></svg><iframe src="https://x.example/">IFRAME</iframe>`
	a := parsePage(t, "", page(`<title>Skips</title>`, body))
	text := a.Text(0)
	for _, bad := range []string{"SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "HIDDEN", "DISPLAYNONE", "INVISIBLE", "ARIA", "ADVERT", "INPUT", "BUTTON", "SVG", "IFRAME", "buy now", "Home", "Privacy"} {
		if strings.Contains(text, bad) {
			t.Errorf("%s leaked into the article:\n%s", bad, text)
		}
	}
	if !strings.Contains(text, "The second paragraph adds more words") {
		t.Errorf("the story is missing:\n%s", text)
	}
}

func TestHTMLPageBody(t *testing.T) {
	body := `<h1>Body headline</h1>` + storyText + `<p>Tom &amp;amp; Jerry &amp;#27;[2J stays text, &#27;[31m does not.</p>
		<blockquote><p>Quoted.</p><blockquote><p>Nested.</p></blockquote></blockquote>
		<ul><li>One</li><li>Two<ul><li>Two and a half</li></ul></li></ul>
		<p>A line<br>broken once.</p>`
	a := parsePage(t, "https://p.example/", page(`<title>Body headline</title><meta property="og:image" content="/lead.jpg">`, body))
	got := blockTexts(a.Body)
	for _, want := range []string{
		"i:1|p:The first paragraph",
		"p:Tom &amp; Jerry &#27;[2J stays text, [31m does not.",
		"q:Quoted.|q:Nested.",
		"l0:One|l0:Two|l1:Two and a half",
		"p:A line\nbroken once.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("body lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "h2:Body headline") {
		t.Errorf("the heading that repeats the title was kept:\n%s", got)
	}
	if refList(a.Refs) != "1 image https://p.example/lead.jpg" {
		t.Errorf("refs %q", refList(a.Refs))
	}
}

// TestHTMLNesting checks that a page past the HTML parser's depth limit
// is an error for that page, not a panic, and one just under it works.
func TestHTMLNesting(t *testing.T) {
	deep := func(n int) string {
		return "<html><body>" + strings.Repeat("<div>", n) + "deep text" + strings.Repeat("</div>", n) + "</body></html>"
	}
	if _, err := ParseHTMLPage(Doc{Location: "deep.html", Data: []byte(deep(513))}); !errors.Is(err, ErrHTMLTooDeep) {
		t.Errorf("513 levels: error %v, want ErrHTMLTooDeep", err)
	}
	arts, err := ParseDoc(Doc{Location: "deep.html", Data: []byte(deep(5000))})
	if !errors.Is(err, ErrHTMLTooDeep) || len(arts) != 0 {
		t.Errorf("5000 levels: %d articles, error %v", len(arts), err)
	}
	a, err := ParseHTMLPage(Doc{Location: "ok.html", Data: []byte(deep(500))})
	if err != nil || !strings.Contains(a.Text(0), "deep text") {
		t.Errorf("500 levels: error %v", err)
	}
	quotes := "<html><body>" + strings.Repeat("<blockquote>", 500) + "q" + "</body></html>"
	a, err = ParseHTMLPage(Doc{Location: "q.html", Data: []byte(quotes)})
	if err != nil || blockTexts(a.Body) != "q:q" {
		t.Errorf("500 nested quotes: %q, %v", blockTexts(a.Body), err)
	}
}

func TestHTMLCharset(t *testing.T) {
	latin1 := []byte("<html><head><meta charset=\"iso-8859-1\"><title>Gr\xe8ve \xe0 Marseille</title></head><body><p>Pr\xe8s de 400 vols annul\xe9s.</p></body></html>")
	tests := []struct {
		name, ctype string
		data        []byte
	}{
		{"meta charset", "", latin1},
		{"content type charset", "text/html; charset=windows-1252", []byte("<title>Gr\xe8ve \xe0 Marseille</title><p>Pr\xe8s de 400 vols annul\xe9s.</p>")},
		{"utf-8 despite its meta", "", []byte("<meta charset=\"iso-8859-1\"><title>Grève à Marseille</title><p>Près de 400 vols annulés.</p>")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseHTMLPage(Doc{Location: "p.html", ContentType: tt.ctype, Data: tt.data})
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != "Grève à Marseille" || !strings.Contains(a.Text(0), "Près de 400 vols annulés.") {
				t.Errorf("title %q, text %q", a.Title, a.Text(0))
			}
		})
	}
}

func TestFullArticle(t *testing.T) {
	summary := &Article{
		ID: "feeditem", Title: "Feed title", Tags: []Tag{{Name: "Russia", Country: true, Code: "RU"}},
		Date: time.Date(2022, 1, 19, 10, 0, 0, 0, time.UTC), DateText: "Wed, 19 Jan 2022", Source: "Feed",
		Link: "https://n.example/story", Location: "https://n.example/story", Format: "rss", Partial: true,
		Body: []Block{{Kind: Paragraph, Text: "Summary only."}},
	}
	pageDoc := Doc{
		Location: "https://n.example/story", ContentType: "text/html",
		Data: []byte(page(`<title>Page title</title><meta property="article:published_time" content="2020-01-01T00:00:00Z">`,
			storyText+`<p><a href="/more">More</a></p>`)),
	}
	pageDoc.Base, _ = url.Parse(pageDoc.Location)
	full, err := FullArticle(summary, pageDoc)
	if err != nil {
		t.Fatal(err)
	}
	if full.ID != "feeditem" || full.Title != "Feed title" || full.Source != "Feed" || !full.Date.Equal(summary.Date) ||
		len(full.Tags) != 1 || full.Format != "rss" || full.Partial {
		t.Errorf("the item's identity was not kept: %+v", full)
	}
	if !strings.Contains(blockTexts(full.Body), "The second paragraph") || refList(full.Refs) != "1 link https://n.example/more" {
		t.Errorf("body %q, refs %q", blockTexts(full.Body), refList(full.Refs))
	}
	if len(full.Mentions) != 0 {
		t.Errorf("mentions %+v from a text that names no country", full.Mentions)
	}
	summary.Mentions = []Mention{{Name: "Russia", Code: "RU", Score: 1}}
	pageDoc.Data = []byte(page(`<title>t</title>`, storyText+`<p>Officials in Brazil and Brazil's neighbours said Brazil would decide.</p>`))
	if full, err = FullArticle(summary, pageDoc); err != nil || len(full.Mentions) == 0 || full.Mentions[0].Name != "Brazil" {
		t.Errorf("mentions were not read from the page: %+v, %v", full.Mentions, err)
	}
	if summary.Body[0].Text != "Summary only." || !summary.Partial {
		t.Error("the summary was changed")
	}

	for name, doc := range map[string]Doc{
		"not html":  {Location: "https://n.example/file.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")},
		"a feed":    {Location: "https://n.example/feed", ContentType: "application/rss+xml", Data: []byte(rssDoc())},
		"no text":   {Location: "https://n.example/empty", ContentType: "text/html", Data: []byte("<html><body><nav>menu</nav></body></html>")},
		"too deep":  {Location: "https://n.example/deep", ContentType: "text/html", Data: []byte(strings.Repeat("<div>", 600))},
		"file name": {Location: "saved.pdf", Data: []byte("%PDF")},
	} {
		t.Run(name, func(t *testing.T) {
			if a, err := FullArticle(summary, doc); err == nil {
				t.Errorf("no error; body %q", blockTexts(a.Body))
			}
		})
	}
}

// TestHTMLPageCaps checks that a huge page is cut with a notice rather
// than refused or kept whole, and that footnotes stop at MaxRefs.
func TestHTMLPageCaps(t *testing.T) {
	var b strings.Builder
	for i := range MaxBodyBlocks + 100 {
		fmt.Fprintf(&b, "<p>Paragraph <a href=\"https://c.example/%d\">link</a> number %d.</p>\n", i, i)
	}
	a, err := ParseHTMLPage(Doc{Location: "big.html", Data: []byte("<html><body>" + b.String() + "</body></html>")})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(a.Body); n > MaxBodyBlocks+1 || a.Body[n-1].Text != cutNotice {
		t.Errorf("%d blocks, last %q; want at most %d and the cut notice", n, a.Body[n-1].Text, MaxBodyBlocks+1)
	}
	if len(a.Refs) != MaxRefs {
		t.Errorf("%d footnotes, want %d", len(a.Refs), MaxRefs)
	}
	if last := a.Body[MaxRefs+10].Text; strings.Contains(last, "[") {
		t.Errorf("a link past the footnote cap got a marker: %q", last)
	}
}

func FuzzHTML(f *testing.F) {
	for _, name := range []string{"port-strike-page.html", "election-page.html", "air-traffic-strike-latin1.html"} {
		if data, err := os.ReadFile("../testdata/feeds/" + name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(page(`<title>&amp;#27;]52;c;x&#7;</title><base href="file:///">`, `<p><a href="x">&#x9b;31m</a><img src="javascript:x"></p><blockquote><blockquote>q`)))
	f.Add([]byte(strings.Repeat("<div>", 520)))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseHTMLPage(Doc{Location: "fuzz.html", Data: data})
		if err != nil {
			return
		}
		for _, s := range articleStrings(a) {
			checkClean(t, s)
		}
		for _, r := range a.Refs {
			if _, ok := SafeURL(r.URL, nil); !ok {
				t.Fatalf("unsafe footnote URL %q", r.URL)
			}
		}
		checkClean(t, a.Markdown(MarkdownOptions{}))
	})
}

// TestHTMLBombs checks that markup built to make the converter do
// enormous work is read in bounded time. The bound is generous: it
// catches a blow-up, not a slow machine.
func TestHTMLBombs(t *testing.T) {
	tests := map[string]string{
		"span bomb": "<table><tr><td colspan=1000 rowspan=65534>x</td></tr>" +
			strings.Repeat("<tr><td colspan=1000>y</td></tr>", 1000) + "</table>",
		"many breaks": "<p>" + strings.Repeat("x<br>", 50000) + "</p>",
		"many cells":  "<table>" + strings.Repeat("<tr>"+strings.Repeat("<td>x</td>", 50)+"</tr>", 500) + "</table>",
		"many spans":  "<p>" + strings.Repeat("<span>a</span>", 50000) + "</p>",
		"nested bold": strings.Repeat("<b>x", 500),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			done := make(chan error, 2)
			go func() {
				_, err := ParseHTMLPage(Doc{Location: "bomb.html", Data: []byte("<html><body>" + body + "</body></html>")})
				done <- err
			}()
			go func() {
				_, err := ParseDoc(Doc{Location: "bomb.rss", Data: []byte(rssDoc("<item><title>x</title><description><![CDATA[" + body + "]]></description></item>"))})
				done <- err
			}()
			for range 2 {
				select {
				case err := <-done:
					if err != nil {
						t.Error(err)
					}
				case <-time.After(30 * time.Second):
					t.Fatal("still converting after 30 s")
				}
			}
		})
	}
}
