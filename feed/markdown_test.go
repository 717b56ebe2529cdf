package feed

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain words.", "plain words."},
		{"# not a heading", "\\# not a heading"},
		{"> not a quote", "\\> not a quote"},
		{"- not a list", "\\- not a list"},
		{"+ not a list", "\\+ not a list"},
		{"1. not a list", "1\\. not a list"},
		{"12) not a list", "12\\) not a list"},
		{"```go", "\\`\\`\\`go"},
		{"    indented", "indented"},
		{"[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"},
		{"![](file:///etc/passwd)", "!\\[\\](file:///etc/passwd)"},
		{"<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"},
		{"&#27;[2J and &amp;#27;", "&amp;#27;\\[2J and &amp;amp;#27;"},
		{"*bold* _em_ ~~del~~", "\\*bold\\* \\_em\\_ \\~\\~del\\~\\~"},
		{"a | b | c", "a \\| b \\| c"},
		{"line one\n# line two", "line one\n\\# line two"},
		{"2022 was a year. 3. Not a list", "2022 was a year. 3. Not a list"},
		{"write to desk@news.example", "write to desk\\@news.example"},
		{"ftp://files.example/a and FTP: b", "ftp\\://files.example/a and FTP: b"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := EscapeMarkdown(tt.in); got != tt.want {
				t.Errorf("EscapeMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestEscapedTextStaysText parses escaped hostile text as Glamour does, and
// checks that it yields one paragraph of plain text with no links (but the
// http ones GFM makes of bare URLs), images, HTML, code or emphasis.
func TestEscapedTextStaysText(t *testing.T) {
	hostile := []string{
		"# heading", "> quote", "- item", "1. item", "```", "~~~", "---", "***", "===",
		"[x](javascript:alert(1))", "![img](file:///etc/passwd)", "<b>html</b>", "<!-- c -->",
		"https://ok.example/ <http://auto.example>", "`code`", "*em* __strong__", "| a | b |",
		"&#27;[2J", "\\", "[ref]: https://evil.example/", "    four spaces",
		"mail desk@news.example", "ftp://files.example/x", "(ftp://files.example/x)", "~~gone~~", "- [ ] task",
	}
	for _, h := range hostile {
		t.Run(h, func(t *testing.T) {
			src := []byte(EscapeMarkdown(h))
			doc := gfm.Parser().Parse(text.NewReader(src))
			if doc.ChildCount() != 1 || doc.FirstChild().Kind() != ast.KindParagraph {
				t.Fatalf("%q became %d blocks, first %v", src, doc.ChildCount(), doc.FirstChild().Kind())
			}
			if err := literal(src); err != nil {
				t.Error(err)
			}
		})
	}
}

// gfm parses as Glamour does: CommonMark with the GitHub extensions, which
// link bare URLs and addresses.
var gfm = goldmark.New(goldmark.WithExtensions(extension.GFM))

// literal returns an error when escaped text src parses as anything but
// paragraphs of text and links to bare http and https URLs.
func literal(src []byte) error {
	var err error
	doc := gfm.Parser().Parse(text.NewReader(src))
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Document, *ast.Paragraph, *ast.Text, *ast.String:
			return ast.WalkContinue, nil
		case *ast.AutoLink:
			u := strings.ToLower(string(n.URL(src)))
			if n.AutoLinkType == ast.AutoLinkURL && (strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "www.")) {
				return ast.WalkSkipChildren, nil
			}
			err = fmt.Errorf("%q links to %q", src, n.URL(src))
		default:
			err = fmt.Errorf("%q produced a %v node", src, n.Kind())
		}
		return ast.WalkStop, nil
	})
	return err
}

func TestMarkdownFootnotes(t *testing.T) {
	a, err := ParseText("x.txt", []byte("T\n\nRussia | 17 January 2022 | Wire\n\nPicture -https://a.example/1\n\nWords.\n\nPicture -https://b.example/2\n\nPicture -https://a.example/1\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := a.Markdown(MarkdownOptions{})
	want := "# T\n\n*17 January 2022 · Wire · Russia*\n\n\\[Image 1\\]\n\nWords.\n\n\\[Image 2\\]\n\n\\[Image 1\\]\n\n[1]: https://a.example/1 (image)\n[2]: https://b.example/2 (image)\n"
	if got != want {
		t.Errorf("Markdown =\n%s\nwant\n%s", got, want)
	}
	vis := a.Markdown(MarkdownOptions{VisibleFootnotes: true})
	if !strings.Contains(vis, "\\[1\\]: https://a.example/1 (image)  \n\\[2\\]: https://b.example/2 (image)\n") {
		t.Errorf("visible footnotes missing:\n%s", vis)
	}
	txt := a.Text(80)
	wantTxt := "T\n17 January 2022 · Wire · Russia\n\n[Image 1]\n\nWords.\n\n[Image 2]\n\n[Image 1]\n\n[1]: https://a.example/1 (image)\n[2]: https://b.example/2 (image)\n"
	if txt != wantTxt {
		t.Errorf("Text =\n%s\nwant\n%s", txt, wantTxt)
	}
}

func TestTextWraps(t *testing.T) {
	a := &Article{Title: "T", Body: []Block{{Kind: Paragraph, Text: strings.Repeat("word ", 40)}}}
	for _, w := range []int{20, 40, 72} {
		for _, line := range strings.Split(a.Text(w), "\n") {
			if utf8.RuneCountInString(line) > w {
				t.Errorf("width %d: line %q is too long", w, line)
			}
		}
	}
	// Wide characters count double.
	a.Body[0].Text = strings.Repeat("中文 ", 20)
	for _, line := range strings.Split(a.Text(10), "\n") {
		if n := utf8.RuneCountInString(line); n > 8 {
			t.Errorf("CJK line %q has %d runes, more than fit 10 columns", line, n)
		}
	}
}

func FuzzParseText(f *testing.F) {
	for _, path := range []string{"../testdata/sample/000_c5e2517048094a15.txt"} {
		if data, err := readTestFile(path); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("T\n\nA | B | 17th January 2022 | S\n\nPicture -https://x.example/\n\nP\n\n2 views0 comments\n"))
	f.Add([]byte("\ufeffT\r\n\r\n\x1b]52;c;x\x07 | 2022-01-17\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseText("fuzz.txt", data)
		if err != nil {
			return
		}
		for _, s := range articleStrings(a) {
			checkClean(t, s)
		}
		checkClean(t, a.Markdown(MarkdownOptions{}))
		checkClean(t, a.Text(40))
	})
}

func FuzzEscapeMarkdown(f *testing.F) {
	f.Add("# [x](javascript:alert(1)) <b> &#27; ```")
	f.Add("mail desk@news.example or ftp://files.example/ or www.example.com")
	f.Fuzz(func(t *testing.T, s string) {
		s = SanitizeLine(s)
		if err := literal([]byte(EscapeMarkdown(s))); err != nil {
			t.Error(err)
		}
	})
}

// articleStrings returns every string field of an article.
func articleStrings(a *Article) []string {
	out := []string{a.ID, a.Title, a.Source, a.DateText, a.Location, a.Link}
	for _, t := range a.Tags {
		out = append(out, t.Name)
	}
	for _, b := range a.Body {
		out = append(out, b.Text)
	}
	for _, r := range a.Refs {
		out = append(out, r.URL)
	}
	return out
}

// checkClean fails when s is not valid UTF-8 or holds a control character
// other than newline and tab, or a bidi control.
func checkClean(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("invalid UTF-8: %q", s)
	}
	for _, r := range s {
		if dropped(r) {
			t.Fatalf("control %U in %q", r, s)
		}
	}
}
