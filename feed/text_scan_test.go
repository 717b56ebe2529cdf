package feed

import (
	"regexp"
	"strings"
	"testing"
)

// The regular expressions the hand-written matchers of text.go stand for.
// They define the format's image and footer lines; the matchers must
// agree with them on every line.
var (
	pictureRe = regexp.MustCompile(`(?i)^picture\s*-\s*(\S+)$`)
	viewsRe   = regexp.MustCompile(`(?i)^\d[\d,]*\s*views?\s*\d[\d,]*\s*comments?$`)
)

var lineSeeds = []string{
	"Picture -https://a.example/x.jpg", "Picture - https://a.example/x.jpg", "Picture-https://a.example/",
	"PICTURE\t-\thttp://x", "picture -", "Picture - two words", "Pictures -https://a", "Picture https://a",
	"Picture --x", "Picture - - x", "Pıcture -x", "Picture -x\v", "Picture\f-\rx",
	"2 views0 comments", "1 view0 comments", "1 view 1 comment", "1,234 VIEWS 5 Comments",
	"2 viewſ0 commentſ", "2 views", "views 0 comments", "2 views0 comments!", "12views 3comments",
	"2 views 0 comments\t", "", "-", "Recent Posts", "٣ views0 comments",
}

func checkLine(t *testing.T, line string) {
	t.Helper()
	url, ok := pictureURL(line)
	m := pictureRe.FindStringSubmatch(line)
	if ok != (m != nil) || ok && url != m[1] {
		t.Errorf("pictureURL(%q) = %q, %v; the expression says %q", line, url, ok, m)
	}
	if got, want := isViewsLine(line), viewsRe.MatchString(line); got != want {
		t.Errorf("isViewsLine(%q) = %v, want %v", line, got, want)
	}
}

func TestLineMatchers(t *testing.T) {
	for _, l := range lineSeeds {
		t.Run(l, func(t *testing.T) { checkLine(t, l) })
	}
}

func FuzzLineMatchers(f *testing.F) {
	for _, l := range lineSeeds {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line string) {
		checkLine(t, strings.TrimSpace(Sanitize(line)))
	})
}

var textSeeds = []string{
	"", "plain ascii text\nwith lines\n", "tab\there", "crlf\r\n", "nul\x00", "esc\x1b[2J", "del\x7f",
	"\xc2\x85 next line", "caf\xc3\xa9", "bad \xff byte", "\xef\xbb\xbfbom", "rlo \u202e", "ok\u200bzero width",
	strings.Repeat("a", 7) + "\x01", strings.Repeat("\xff", 10) + strings.Repeat("a", 2000),
	"exactly8", "sixteen bytes!!!", "\u4e2d\u6587 and more text after it",
}

func checkScan(t *testing.T, data []byte) {
	t.Helper()
	isText, clean := scanText(data)
	if want := IsText(data); isText != want {
		t.Errorf("scanText(%q) says text %v, IsText %v", data, isText, want)
	}
	if want := isClean(string(data), true); isText && clean != want {
		t.Errorf("scanText(%q) says clean %v, isClean %v", data, clean, want)
	}
}

func TestScanText(t *testing.T) {
	for _, s := range textSeeds {
		// Every alignment, so that each byte is met in the fast loop and in
		// the slow one.
		for pad := range 8 {
			checkScan(t, []byte(strings.Repeat("x", pad)+s))
		}
	}
}

func FuzzScanText(f *testing.F) {
	for _, s := range textSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkScan(t, data) })
}
