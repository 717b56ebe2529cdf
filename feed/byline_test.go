package feed

import (
	"os"
	"strings"
	"testing"
)

func TestDropBylineBlock(t *testing.T) {
	para := func(s string) Block { return Block{Kind: Paragraph, Text: s} }
	long := "Steppe Times staff spent three weeks on the embankment with the engineers, who explained how the culverts and the new fill would keep the water away from the track."
	tests := []struct {
		name   string
		blocks []Block
		byline string
		want   int // blocks left
	}{
		{"byline line", []Block{para("By Steppe Times staff · 5 March 2022"), para("Text.")}, "Steppe Times staff", 1},
		{"after an image", []Block{{Kind: Image, Ref: 1}, para("by steppe times staff"), para("Text.")}, "Steppe Times staff", 2},
		{"prose naming the author stays", []Block{para(long), para("Text.")}, "Steppe Times staff", 2},
		{"too far down", []Block{para("a"), para("b"), para("c"), para("By Steppe Times staff")}, "Steppe Times staff", 4},
		{"no byline", []Block{para("By Steppe Times staff")}, "", 1},
		{"headings stay", []Block{{Kind: Heading, Text: "Steppe Times staff"}}, "Steppe Times staff", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dropBylineBlock(tt.blocks, tt.byline); len(got) != tt.want {
				t.Errorf("%d blocks left, want %d: %+v", len(got), tt.want, got)
			}
		})
	}
}

// TestImageAltText checks that an image's alt text reaches the text and
// Markdown outputs and the JSON, and that an image without one is
// written as before.
func TestImageAltText(t *testing.T) {
	data, err := os.ReadFile("testdata/pages/byline-amur.html")
	if err != nil {
		t.Fatal(err)
	}
	arts, err := ParseDoc(Doc{Location: "byline-amur.html", Data: data})
	if err != nil || len(arts) != 1 {
		t.Fatalf("%d articles, err %v", len(arts), err)
	}
	a := arts[0]
	text, md := a.Text(0), a.Markdown(MarkdownOptions{})
	for _, want := range []string{
		"[Image 3: The Amur bridge]", "[3]: https://steppe.example/img/bridge-3.jpg (image: The Amur bridge)",
		"[Image 2]\n", "[2]: https://steppe.example/img/bridge-2.jpg (image)\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{
		`\[Image 3: The Amur bridge\]`, "[3]: https://steppe.example/img/bridge-3.jpg (image: The Amur bridge)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(text, "By Steppe Times staff") {
		t.Errorf("the byline stayed in the body:\n%s", text)
	}
	if j := a.ToJSON(true); j.Footnotes[2].Alt != "The Amur bridge" || j.Footnotes[1].Alt != "" {
		t.Errorf("JSON footnotes %+v", j.Footnotes)
	}
}

func TestRefLabelEscapes(t *testing.T) {
	r := Ref{N: 1, URL: "https://x.example/a.png", Kind: RefImage, Alt: `a (b) \ *c*`}
	for style, want := range map[footnoteStyle]string{
		footnotePlain: `image: a (b) \ *c*`,
		footnoteTitle: `image: a \(b\) \\ *c*`,
		footnoteText:  "image: " + EscapeMarkdown(`a (b) \ *c*`),
	} {
		if got := refLabel(r, style); got != want {
			t.Errorf("style %d: %q, want %q", style, got, want)
		}
	}
}
