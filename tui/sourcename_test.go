package tui

import (
	"testing"

	"github.com/gazette-news/gazette/feed/load"
)

func TestHeaderLabel(t *testing.T) {
	tests := []struct {
		name string
		srcs []load.Source
		want string
	}{
		{"names first", []load.Source{{Location: "https://example.org/feed.xml", Name: "Example World"}, {Location: "https://www.lobste.rs/rss"}}, "Example World, lobste.rs"},
		{"path as given", []load.Source{{Location: "testdata/articles"}}, "testdata/articles"},
		{"many", []load.Source{{Location: "https://a.org/x"}, {Location: "https://b.org/x"}, {Location: "/news"}, {Location: "https://c.org/x"}, {Location: "https://d.org/x"}}, "a.org, b.org, /news and 2 more"},
		{"hostile name", []load.Source{{Location: "/x", Name: "evil\x1b]0;t\x07name"}}, "evil]0;tname"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := headerLabel(tt.srcs); got != tt.want {
				t.Errorf("headerLabel = %q, want %q", got, tt.want)
			}
		})
	}
}
