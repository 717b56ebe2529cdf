package feed

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestClassTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"ad", []string{"ad"}},
		{"ad-slot", []string{"ad", "slot"}},
		{"adSlot", []string{"ad", "slot"}},
		{"load", []string{"load"}},
		{"gigya-share-btns-2_gig_containerParent", []string{"gigya", "share", "btns", "2", "gig", "container", "parent"}},
		{"social.links:top", []string{"social", "links", "top"}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := classTokens(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("classTokens(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestClutterName(t *testing.T) {
	for name, want := range map[string]bool{
		"ad": true, "ad-slot": true, "adSlot": true, "social-share": true, "newsletter-signup": true,
		"load": false, "shadow": false, "shares": false, "download": false, "header": false,
		"how-to-share-files": false, "sharing-with-a-single-developer": false,
	} {
		if got := clutterName(name); got != want {
			t.Errorf("clutterName(%q) = %v, want %v", name, got, want)
		}
	}
}

// longText is a paragraph of prose long enough to be content.
const longText = `The committee met for three days in Almaty and agreed on a schedule
for the new border crossings, with customs posts staffed from both sides, shared inspection
lanes for lorries and a common list of documents that drivers will need to carry.`

// TestClutterKeepsContent holds the cases in which the old filter lost
// the article or a part of it, and the furniture it must still remove.
func TestClutterKeepsContent(t *testing.T) {
	tests := []struct {
		name     string
		html     string
		want     []string // text that stays
		wantGone []string // text that goes
	}{
		{
			name:     "ad-portal wraps the page and its main",
			html:     `<div id="ad-portal"><div class="ad-slot">Advertisement</div><div role="main"><p>` + longText + `</p></div></div>`,
			want:     []string{"Almaty"},
			wantGone: []string{"Advertisement"},
		},
		{
			name: "share container holds most of the text",
			html: `<div id="gigya-share-btns-2_gig_containerParent"><p>` + longText + `</p><p>` + longText + `</p></div><p>Short note.</p>`,
			want: []string{"Almaty"},
		},
		{
			name: "section id made from a heading",
			html: `<p>` + longText + `</p><section id="sharing-with-a-single-developer"><h2>Sharing with a single developer</h2><p>Invite them directly.</p></section>`,
			want: []string{"Sharing with a single developer", "Invite them directly"},
		},
		{
			name: "heading id made from prose",
			html: `<p>` + longText + `</p><h2 id="how-to-share-files">How to share files</h2><p>Press the button.</p>`,
			want: []string{"How to share files"},
		},
		{
			name: "inline spans in a byline",
			html: `<p><span class="pub-date">Published 3 May</span> by <span class="ad">Ada</span></p>`,
			want: []string{"Published 3 May", "Ada"},
		},
		{
			name: "sections with marked classes that hold prose",
			html: `<p>` + longText + `</p><section id="social-features"><h2>Social features</h2><p>` + longText + `</p></section>` +
				`<div class="promo-code-explainer"><p>` + longText + `</p></div><div class="cookie-policy-section"><p>` + longText + `</p></div>`,
			want: []string{"Social features"},
		},
		{
			name: "furniture goes",
			html: `<p>` + longText + `</p><p>` + longText + `</p><div class="social-share"><a href="https://x.example/">Share on X</a></div>` +
				`<div class="newsletter">Sign up for the briefing</div><aside class="promo"><a href="/s">Subscribe</a></aside><div id="adSlot3">Buy now</div>`,
			want:     []string{"Almaty"},
			wantGone: []string{"Share on X", "Sign up", "Subscribe", "Buy now"},
		},
		{
			name:     "many share links are furniture however long",
			html:     `<p>` + longText + `</p><p>` + longText + `</p><p>` + longText + `</p><ul class="share">` + strings.Repeat(`<li><a href="/x">Share this story with a friend on a network</a></li>`, 6) + `</ul>`,
			wantGone: []string{"Share this story"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, err := html.Parse(strings.NewReader(`<html><body>` + tt.html + `</body></html>`))
			if err != nil {
				t.Fatal(err)
			}
			removeClutter(root)
			got := textContent(root)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("lost %q; kept %q", w, got)
				}
			}
			for _, w := range tt.wantGone {
				if strings.Contains(got, w) {
					t.Errorf("kept %q; kept %q", w, got)
				}
			}
		})
	}
}

// TestClutterFeedItem checks a feed item's byline through the fragment
// path, which once gave "by .".
func TestClutterFeedItem(t *testing.T) {
	var rb refBuilder
	b := newBodyBuilder(nil, &rb)
	if err := newHTMLConverter().fragment(`<p><span class="pub-date">Published 3 May</span> by <span class="ad">Ada</span>.</p>`, b); err != nil {
		t.Fatal(err)
	}
	if len(b.blocks) != 1 || b.blocks[0].Text != "Published 3 May by Ada." {
		t.Errorf("body = %+v", b.blocks)
	}
}

// visibleText counts the text bytes of a subtree as the clutter filter
// does, written plainly and recursively (test inputs are shallow enough).
func visibleText(n *html.Node) int {
	if n.Type == html.ElementNode && skippedText[n.DataAtom] {
		return 0
	}
	if n.Type == html.TextNode {
		return len(strings.TrimSpace(n.Data))
	}
	total := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		total += visibleText(c)
	}
	return total
}

// FuzzClutter checks that the clutter filter never removes an element
// holding more than half of a page's text.
func FuzzClutter(f *testing.F) {
	f.Add(`<div id="ad-portal"><main><p>` + longText + `</p></main></div>`)
	f.Add(`<div class="share"><p>` + longText + `</p></div><div class="ad">x</div>`)
	f.Add(`<div class="ad"><p>one two</p></div><p>three</p>`)
	f.Add(`<section class="social"><a href="/">` + longText + `</a></section><p>a</p>`)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		root, err := html.Parse(strings.NewReader(s))
		if err != nil || depth(root) > 200 {
			return
		}
		total := visibleText(root)
		cf := newClutterFilter(root)
		for n := root; n != nil; n = nextNode(n, root) {
			if n.Type == html.ElementNode && cf.clutter(n) {
				if own := visibleText(n); 2*own > total {
					t.Fatalf("removed %s holding %d of %d bytes of text", n.Data, own, total)
				}
			}
		}
	})
}

// depth returns the nesting depth of a tree.
func depth(n *html.Node) int {
	d := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		d = max(d, depth(c))
	}
	return d + 1
}
