package feed

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func parseMD(t *testing.T, src string) *Article {
	t.Helper()
	a, err := ParseMarkdown(Doc{Location: "note.md", Key: "note.md", Data: []byte(src)})
	if err != nil {
		t.Fatalf("ParseMarkdown: %v", err)
	}
	return a
}

func TestMarkdownFrontMatter(t *testing.T) {
	tests := []struct {
		name, src                 string
		title, date, source, link string
		tags                      string
	}{
		{"full", "---\ntitle: \"Deal: agreed\"\ndate: 2022-01-28\ntags: [Norway, Fisheries]\ncountries: \"Russian Federation, PRC\"\nsource: North Sea Notes\nurl: https://n.example/a\n---\nBody.\n",
			"Deal: agreed", "2022-01-28", "North Sea Notes", "https://n.example/a", "[Norway Fisheries* Russia China]"},
		{"title from the first heading", "# The heading *title*\n\nBody.\n", "The heading title", "", "", "", "[]"},
		{"front matter title wins", "---\ntitle: Front\n---\n# Heading\n\nBody.\n", "Front", "", "", "", "[]"},
		{"dates", "---\ntitle: T\ndate: 2022-01-28T10:30:00+02:00\n---\n", "T", "2022-01-28", "", "", "[]"},
		{"text date", "---\ntitle: T\ndate: 17th January 2022\n---\n", "T", "2022-01-17", "", "", "[]"},
		{"author as source, tag list", "---\ntitle: T\nauthor: A. Writer\ntags:\n  - UK\n  - \"  \"\n  - [nested]\n---\n", "T", "", "A. Writer", "", "[United Kingdom]"},
		{"hostile names", "---\ntitle: \"Evil\\e]0;pwned\\a title\\u202e\"\nsource: \"S\\x9b31m\"\ntags: [\"Rus\\u200bsia\", \"\\e[2J\"]\nurl: javascript:alert(1)\n---\n",
			"Evil]0;pwned title", "", "S31m", "", "[Russia [2J*]"},
		{"unterminated front matter is body", "---\ntitle: T\n\nNo closing line.\n", "title: T", "", "", "", "[]"},
		{"aliases are not followed twice", "---\nbase: &b Norway\nlist: &l [*b, *b]\ntitle: *b\ntags: *l\n---\n", "Norway", "", "", "", "[Norway]"},
		{"crlf", "---\r\ntitle: Windows\r\ndate: 2022-01-02\r\n---\r\nBody.\r\n", "Windows", "2022-01-02", "", "", "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := parseMD(t, tt.src)
			date := ""
			if !a.Date.IsZero() {
				date = a.Date.Format("2006-01-02")
			}
			got := []string{a.Title, date, a.Source, a.Link, fmt.Sprint(tagNames(a.Tags))}
			want := []string{tt.title, tt.date, tt.source, tt.link, tt.tags}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("title, date, source, link, tags =\n %q\nwant\n %q", got, want)
					break
				}
			}
			for _, s := range articleStrings(a) {
				checkClean(t, s)
			}
		})
	}
}

func TestMarkdownBadFrontMatter(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"syntax", "---\ntitle: ok\ntags: [a, b\ndate: 2022-01-01\n---\nBody\n", "front matter, line "},
		{"bad mapping", "---\ntitle: a\n  bad: indent: here\n---\n", "front matter, line 3"},
		{"not a mapping", "---\n- a\n- b\n---\n", "front matter, line 2: not a list of names and values"},
		{"too long", "---\ntitle: x\n" + strings.Repeat("# comment\n", maxFrontMatter/10+10) + "---\n", "longer than 64 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMarkdown(Doc{Location: "bad.md", Data: []byte(tt.src)})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one with %q", err, tt.want)
			}
		})
	}
}

func TestMarkdownBody(t *testing.T) {
	src := `---
title: T
url: https://m.example/notes/t
images: [lead.jpg, "https://m.example/also.png"]
---

Intro with [a link](https://a.example/x "title"), [a relative one](../y), <https://auto.example/z>,
a [js link](javascript:alert(1)) and ![inline](img/i.png) an image.

> quoted
> > nested

- one
- two
  - three

1. first
2. second

` + "```go\nx := `raw` &amp; <b>\n```" + `

    indented code

<div>raw html block</div>

Inline <span>html</span> and a<br>break, \*escaped\*, &copy; &#27;[2J &amp;#27;, &bogus; entities.

***

| A | B |
|---|---|
| 1 | [2](https://t.example/) |

![also](https://m.example/also.png)
`
	a := parseMD(t, src)
	wantBody := "i:1|p:Intro with a link [2], a relative one [3], https://auto.example/z [4], a js link and|i:5|p:an image." +
		"|q:quoted|q:nested|l0:one|l0:two|l1:three|l0:first|l0:second|c:x := `raw` &amp; <b>|c:indented code" +
		"|p:Inline html and a\nbreak, *escaped*, © [2J &#27;, &bogus; entities.|p:A | B|p:1 | 2 [6]|i:7"
	if got := blockTexts(a.Body); got != wantBody {
		t.Errorf("body\n got %q\nwant %q", got, wantBody)
	}
	wantRefs := "1 image https://m.example/notes/lead.jpg|2 link https://a.example/x|3 link https://m.example/y|4 link https://auto.example/z" +
		"|5 image https://m.example/notes/img/i.png|6 link https://t.example/|7 image https://m.example/also.png"
	if got := refList(a.Refs); got != wantRefs {
		t.Errorf("refs\n got %q\nwant %q", got, wantRefs)
	}
}

func TestUnescapeMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{`plain`, "plain"},
		{`\*not em\*`, "*not em*"},
		{`\a stays`, `\a stays`},
		{`&amp; &lt; &#65; &#x41; &copy;`, "& < A A ©"},
		{`&#27; &#x1B;`, "\x1b \x1b"},
		{`&amp;#27;`, "&#27;"},
		{`&bogus; &#; &#x; &#12345678901; & ;`, "&bogus; &#; &#x; &#12345678901; & ;"},
		{`\&amp;`, "&amp;"},
	}
	for _, tt := range tests {
		if got := unescapeMarkdown([]byte(tt.in)); got != tt.want {
			t.Errorf("unescapeMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCollapseSpace(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  a \t b  ", "a b"},
		{"a\u00a0\u00a0b", "a b"},
		{"\n\n a \n\n b \n", "a\nb"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := collapseSpace(tt.in); got != tt.want {
			t.Errorf("collapseSpace(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMarkdownDefused feeds the Markdown parser inputs that take it
// seconds to minutes unguarded, and checks that each is read in a bounded
// time. The bound is generous: it catches a return of quadratic time, not
// a slow machine.
func TestMarkdownDefused(t *testing.T) {
	tests := map[string]string{
		"unclosed links":    strings.Repeat("[a](", 20000),
		"unclosed images":   strings.Repeat("![a](", 20000),
		"angle links":       strings.Repeat("[a](<", 20000),
		"brackets":          strings.Repeat("[", 50000) + strings.Repeat("]", 50000),
		"brackets, lines":   strings.Repeat("[\n", 50000) + strings.Repeat("]\n", 50000),
		"backticks":         backtickRuns(2000),
		"less-than":         strings.Repeat("<a ", 50000),
		"emphasis":          strings.Repeat("*a _b ", 50000),
		"nested quotes":     strings.Repeat("> ", 100000) + "deep\n",
		"deep list":         deepList(3000),
		"quote lines":       strings.Repeat(strings.Repeat(">", 200)+" x\n", 2000),
		"fenced, untouched": "```\n" + strings.Repeat("[a](", 300) + "\n```\n",
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			done := make(chan *Article, 1)
			go func() {
				a, _ := ParseMarkdown(Doc{Location: "slow.md", Data: []byte(src)})
				done <- a
			}()
			select {
			case a := <-done:
				if a == nil {
					t.Fatal("no article")
				}
				for _, s := range articleStrings(a) {
					checkClean(t, s)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("still parsing after 20 s")
			}
		})
	}
	a := parseMD(t, tests["fenced, untouched"])
	if len(a.Body) != 1 || a.Body[0].Kind != Code || strings.Contains(a.Body[0].Text, `\`) {
		t.Errorf("fenced code was changed: %q", blockTexts(a.Body))
	}
	a = parseMD(t, strings.Repeat("> ", 40)+"deep\n")
	if blockTexts(a.Body) != "q:deep" {
		t.Errorf("deep quote: %q", blockTexts(a.Body))
	}
}

func backtickRuns(n int) string {
	var b strings.Builder
	for i := 1; i < n; i++ {
		b.WriteString(strings.Repeat("`", i%300+1))
		b.WriteString("a ")
	}
	return b.String()
}

func deepList(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat("  ", i))
		b.WriteString("- x\n")
	}
	return b.String()
}

func FuzzMarkdownFile(f *testing.F) {
	if data, err := os.ReadFile("../testdata/feeds/fisheries-talks.md"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("---\ntitle: \"\\e]52;c;x\\a\"\ntags: [a, *b]\n---\n# H\n\n[x](javascript:y) &#27;[2J ~~&**#27;**[31m~~\n> > > q\n"))
	f.Add([]byte("---\n- [\n---\n"))
	f.Add([]byte("| a |\n|---|\n| ![i](file:///etc/passwd) |\n\n<https://x.example/\x1b>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseMarkdown(Doc{Location: "fuzz.md", Data: data})
		if err != nil {
			checkClean(t, SanitizeLine(err.Error()))
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
		checkClean(t, a.Text(50))
	})
}

// TestMarkdownLateEntities checks entities that decode to controls, and
// an entity split by emphasis, which must stay literal text.
func TestMarkdownLateEntities(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a &#27;[2J b", "a [2J b"},
		{"a &amp;#27;[2J b", "a &#27;[2J b"},
		{"~~&**#27;**[31m~~", "&#27;[31m"},
		// HTML maps references to 0x80-0x9F to Windows-1252: no C1.
		{"x &#x9b;31m &#x202e;gnp.exe &#0; &#xd800;", "x ›31m gnp.exe \ufffd \ufffd"},
		{"[&#27;(2J c](https://a.example/&#27;x)", "(2J c [1]"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			a := parseMD(t, tt.src+"\n")
			if len(a.Body) != 1 || a.Body[0].Text != tt.want {
				t.Errorf("body %q, want %q", blockTexts(a.Body), tt.want)
			}
			for _, s := range append(articleStrings(a), a.Markdown(MarkdownOptions{}), a.Text(40)) {
				checkClean(t, s)
			}
		})
	}
}
