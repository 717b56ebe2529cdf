package feed

import (
	"strings"
	"testing"
)

// The reader's options: the body alone, and footnotes as paragraphs, so
// that no renderer has to take the Markdown apart again.
func TestMarkdownReaderOptions(t *testing.T) {
	a, err := ParseText("x.txt", []byte("T\n\nRussia | 17 January 2022 | Wire\n\nPicture -https://a.example/1\n\nWords.\n\nPicture -https://b.example/2\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opt  MarkdownOptions
		want string
	}{
		{"body only", MarkdownOptions{BodyOnly: true},
			"\\[Image 1\\]\n\nWords.\n\n\\[Image 2\\]\n\n[1]: https://a.example/1 (image)\n[2]: https://b.example/2 (image)\n"},
		{"terminal footnotes", MarkdownOptions{TerminalFootnotes: true},
			"# T\n\n*17 January 2022 · Wire · Russia*\n\n\\[Image 1\\]\n\nWords.\n\n\\[Image 2\\]\n\n\\[1\\]: https://a.example/1 (image)\n\n\\[2\\]: https://b.example/2 (image)\n"},
		{"both, as the reader asks", MarkdownOptions{TerminalFootnotes: true, VisibleFootnotes: true, BodyOnly: true},
			"\\[Image 1\\]\n\nWords.\n\n\\[Image 2\\]\n\n\\[1\\]: https://a.example/1 (image)\n\n\\[2\\]: https://b.example/2 (image)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.Markdown(tt.opt); got != tt.want {
				t.Errorf("Markdown =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
	// The full Markdown is the head followed by the body alone.
	full := a.Markdown(MarkdownOptions{TerminalFootnotes: true})
	body := a.Markdown(MarkdownOptions{TerminalFootnotes: true, BodyOnly: true})
	if !strings.HasSuffix(full, body) || !strings.HasPrefix(full, "# T\n\n") {
		t.Errorf("full and body-only Markdown disagree:\n%s\n---\n%s", full, body)
	}
}
