package feed

import (
	"os"
	"strings"
	"testing"
)

// TestFeedOtherBodies checks the bodies and dates feeds give outside the
// usual elements: media:description, xhtml:body, fullitem, an object's
// fallback content, base64 Atom 0.3 content, Dublin Core terms and
// Atom 0.3 <created>.
func TestFeedOtherBodies(t *testing.T) {
	tests := []struct {
		file, title, text, date string
	}{
		{"media-video.atom", "Inside the rebuilt Amur bridge", "Engineers explain how the new culverts", "2026-03-05"},
		{"bodies.rss", "XHTML body", "Dockers returned to work at dawn.", "2026-03-01"},
		{"bodies.rss", "Full item", "Grain exports through Aktau doubled", "2026-03-02"},
		{"bodies.rss", "Media description", "A short film about the Caspian", "2026-03-03"},
		{"bodies.rss", "Embedded player", "The minister said the talks would resume", ""},
		{"atom03.atom", "Base64 content", "The first Atom feeds were written in 2003.", "2004-05-30"},
		{"atom03.atom", "Escaped content", "Escaped HTML in Atom 0.3.", "2004-05-31"},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.title, func(t *testing.T) {
			data, err := os.ReadFile("testdata/pages/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			arts, err := ParseDoc(Doc{Location: tt.file, Data: data})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range arts {
				if strings.Contains(allText(a), "Transcript") {
					t.Errorf("an iframe's content, which browsers never show, was kept")
				}
				if a.Title != tt.title {
					continue
				}
				if got := allText(a); !strings.Contains(got, tt.text) {
					t.Errorf("text %q lacks %q", got, tt.text)
				}
				if got := a.Date.Format("2006-01-02"); tt.date != "" && got != tt.date {
					t.Errorf("date %s, want %s", got, tt.date)
				}
				return
			}
			t.Fatalf("no item %q in %q", tt.title, titles(arts))
		})
	}
}
