package render

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/gazette-news/gazette/feed"
)

func TestBreakLongTokens(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"ascii", strings.Repeat("a", 5000)},
		{"runes", strings.Repeat("ж東🌻", 900)},
		{"escapes", strings.Repeat(`\*`, 3000)},
		{"entities", strings.Repeat("&amp;", 1000)},
		{"mixed", "short words " + strings.Repeat("x&amp;\\[é", 700) + " tail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := breakLongTokens(tt.in, 1024)
			if !utf8.ValidString(out) {
				t.Fatal("split a rune")
			}
			if strings.ReplaceAll(out, " ", "") != strings.ReplaceAll(tt.in, " ", "") {
				t.Fatal("changed more than spaces")
			}
			for _, f := range strings.Fields(out) {
				if len(f) > 1024 {
					t.Fatalf("token of %d bytes left", len(f))
				}
				if strings.HasSuffix(f, `\`) && !strings.HasSuffix(f, `\\`) {
					t.Fatalf("split an escape: %q", f[max(0, len(f)-8):])
				}
				if i := strings.LastIndexByte(f, '&'); i >= 0 && !strings.Contains(f[i:], ";") {
					t.Fatalf("split an entity: %q", f[i:])
				}
			}
		})
	}
	if s := "no long tokens here"; breakLongTokens(s, 1024) != s {
		t.Error("changed short text")
	}
}

func TestTrimRightANSI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain   ", "plain"},
		{"\x1b[1mbold\x1b[0m\x1b[38;5;252m    \x1b[0m", "\x1b[1mbold\x1b[0m\x1b[38;5;252m\x1b[0m"},
		// The hyperlink end after the padding is kept.
		{"\x1b]8;;https://x.org\x07link  \x1b]8;;\x07  ", "\x1b]8;;https://x.org\x07link\x1b]8;;\x07"},
		{"\x1b[31m   \x1b[0m", "\x1b[31m\x1b[0m"},
		{"東京  ", "東京"},
	}
	for _, tt := range tests {
		if got := trimRightANSI(tt.in); got != tt.want {
			t.Errorf("trimRightANSI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// reference is an article with a metadata line, images and footnotes.
func reference(t testing.TB) *feed.Article {
	t.Helper()
	data, err := os.ReadFile("testdata/reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	arts, err := feed.ParseDoc(feed.Doc{Location: "testdata/reference.txt", Data: data})
	if err != nil || len(arts) != 1 || !strings.HasPrefix(arts[0].Title, "Putin and Xi") {
		t.Fatalf("reference article: %v", err)
	}
	return arts[0]
}

// The rendering keeps the footnotes, each on its own line, and trims
// Glamour's padding.
func TestArticle(t *testing.T) {
	a := reference(t)
	out, err := Article(context.Background(), a, Options{Width: 80, Style: "dark"})
	if err != nil {
		t.Fatal(err)
	}
	plain := ansi.Strip(out)
	for _, want := range []string{a.Title, "[Image 1]", "[1]: https://cdn1.i-scmp.com/ (image)", "[2]: https://storage.googleapis.com/ (image)"} {
		if !strings.Contains(plain, want) {
			t.Errorf("missing %q in:\n%s", want, plain)
		}
	}
	for i, l := range strings.Split(plain, "\n") {
		if strings.HasSuffix(l, " ") {
			t.Errorf("line %d keeps trailing blanks: %q", i, l)
		}
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line %d is %d wide", i, ansi.StringWidth(l))
		}
	}
	if _, err := Article(context.Background(), a, Options{Width: 80, Style: "no-such-style"}); err == nil {
		t.Error("unknown style rendered")
	}
}

// Past the deadline the plain text shows, with a notice.
func TestRenderDeadline(t *testing.T) {
	a := reference(t)
	r, err := Lines(context.Background(), a, Options{Width: 80, Deadline: time.Nanosecond, BodyOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Plain || !strings.Contains(r.Notice, "longer than") {
		t.Fatalf("plain %v, notice %q", r.Plain, r.Notice)
	}
	text := strings.Join(r.Lines, "\n")
	if strings.Contains(text, a.Title) || !strings.Contains(text, "[1]: https://cdn1.i-scmp.com/") {
		t.Errorf("fallback text:\n%s", text)
	}
	out, err := Article(context.Background(), a, Options{Width: 80, Deadline: time.Nanosecond})
	if err != nil || !strings.HasPrefix(out, "(shown as plain text") || !strings.Contains(out, a.Title) {
		t.Errorf("RenderArticle fallback: %v\n%s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Article(ctx, a, Options{Width: 80}); err == nil {
		t.Error("rendered under a cancelled context")
	}
}

// A huge token and a huge article render in bounded time and width.
func TestRenderHuge(t *testing.T) {
	a := &feed.Article{ID: "h", Title: "Huge", Body: []feed.Block{
		{Kind: feed.Paragraph, Text: strings.Repeat("x", 200_000)},
		{Kind: feed.Quote, Text: strings.Repeat("> ", 2000)},
		{Kind: feed.Code, Text: strings.Repeat("y", 50_000)},
	}}
	start := time.Now()
	r, err := Lines(context.Background(), a, Options{Width: 100, Deadline: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if r.Plain {
		t.Errorf("fell back to plain text after %s: %s", time.Since(start), r.Notice)
	}
	lines := HardWrap(r.Lines, 100)
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 100 {
			t.Fatalf("line %d is %d wide", i, w)
		}
	}
}
