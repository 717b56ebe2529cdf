package feed

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// DiscoveredFeed is a feed a web page names with
// <link rel="alternate" type="application/rss+xml" href="...">.
type DiscoveredFeed struct {
	// URL is the feed's http or https URL, resolved against the page's.
	URL string
	// Title is the link's title, sanitized; it may be empty.
	Title string
	// Type is the feed's media type, lower case.
	Type string
}

// discoverTypes are the link types that name a feed.
var discoverTypes = map[string]bool{
	"application/rss+xml": true, "application/atom+xml": true, "application/feed+json": true,
	"application/rdf+xml": true, "application/x-rss+xml": true,
}

// maxDiscovered caps the feeds DiscoverFeeds returns.
const maxDiscovered = 20

// DiscoverFeeds returns the feeds an HTML page names in its alternate
// links, in the page's order, without repeats. Relative links resolve
// against base (the page's own URL; its <base> element is ignored, as
// everywhere), and only http and https URLs are kept. data may be in any
// charset HTMLToUTF8 reads.
func DiscoverFeeds(data []byte, base *url.URL) []DiscoveredFeed {
	data, _ = HTMLToUTF8(data, "")
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	return discoverIn(root, base)
}

func discoverIn(root *html.Node, base *url.URL) []DiscoveredFeed {
	var out []DiscoveredFeed
	seen := make(map[string]bool)
	for n := root; n != nil && len(out) < maxDiscovered; n = nextNode(n, root) {
		if n.Type != html.ElementNode || n.DataAtom != atom.Link {
			continue
		}
		if !hasToken(attr(n, "rel"), "alternate") {
			continue
		}
		typ := mediaType(attr(n, "type"))
		if !discoverTypes[typ] {
			continue
		}
		u, ok := SafeURL(attr(n, "href"), base)
		if !ok || seen[u] {
			continue
		}
		seen[u] = true
		out = append(out, DiscoveredFeed{URL: u, Title: clip(SanitizeLine(attr(n, "title")), MaxTitleLen), Type: typ})
	}
	return out
}

// hasToken reports whether a space-separated attribute holds a token,
// ignoring case.
func hasToken(list, token string) bool {
	for _, t := range strings.Fields(list) {
		if strings.EqualFold(t, token) {
			return true
		}
	}
	return false
}

// PageFeed returns the feed to read in place of a fetched document: the
// first feed a web page names, when the page is a home or listing page
// rather than an article. A site's front page holds no one story, and
// read as a page it would make one junk article; an article page that
// links its site's feed is still read as the article. ok is false for
// anything else: feeds, files, articles, pages that name no feed.
func PageFeed(doc Doc) (feedURL string, ok bool) {
	if doc.Base == nil || sniffFormat(doc.ContentType, doc.Data).Name != htmlFormatName {
		return "", false
	}
	data, _ := HTMLToUTF8(doc.Data, doc.ContentType)
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return "", false
	}
	feeds := discoverIn(root, doc.Base)
	if len(feeds) == 0 || !homePage(root, doc.Base) {
		return "", false
	}
	return feeds[0].URL, true
}

// homePage reports whether a page is a site's home or a listing of
// stories rather than one story: it does not call itself an article (by
// og:type, article:published_time or JSON-LD), and its path is the
// site's root, it calls itself a website, or it holds several <article>
// elements.
func homePage(root *html.Node, u *url.URL) bool {
	articles := 0
	website := false
	for n := root; n != nil; n = nextNode(n, root) {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.Meta:
			prop := strings.ToLower(attr(n, "property") + attr(n, "name"))
			content := strings.ToLower(strings.TrimSpace(attr(n, "content")))
			switch {
			case prop == "og:type" && content == "article":
				return false
			case prop == "og:type" && content == "website":
				website = true
			case prop == "article:published_time":
				return false
			}
		case atom.Script:
			if strings.EqualFold(attr(n, "type"), "application/ld+json") && n.FirstChild != nil &&
				ldArticle(n.FirstChild.Data) {
				return false
			}
		case atom.Article:
			articles++
		}
	}
	path := strings.Trim(u.Path, "/")
	return path == "" || website || articles >= 2
}

// ldArticle reports whether JSON-LD describes an article.
func ldArticle(s string) bool {
	for _, t := range []string{`"Article"`, `"NewsArticle"`, `"BlogPosting"`, `"ReportageNewsArticle"`} {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}
