package tui

import (
	"net/url"
	"strings"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/humanize"
)

// maxHeaderSources is how many sources the header names before it counts
// the rest.
const maxHeaderSources = 3

// headerName is how the header names a source: the name the config gives
// it, else a URL's host, else the path as given.
func headerName(s load.Source) string {
	if s.Name != "" {
		return feed.SanitizeLine(s.Name)
	}
	if feed.IsURL(s.Location) {
		if u, err := url.Parse(s.Location); err == nil && u.Host != "" {
			return feed.SanitizeLine(strings.TrimPrefix(u.Hostname(), "www."))
		}
	}
	return feed.SanitizeLine(s.Location)
}

// headerLabel names the sources for the header: the first few by name,
// and how many more ("Example World, lobste.rs, ~/news and 12 more").
func headerLabel(srcs []load.Source) string {
	names := make([]string, 0, min(len(srcs), maxHeaderSources))
	for _, s := range srcs[:min(len(srcs), maxHeaderSources)] {
		names = append(names, headerName(s))
	}
	label := strings.Join(names, ", ")
	if more := len(srcs) - len(names); more > 0 {
		label += " and " + humanize.Plural(more, "more", "more")
	}
	return label
}
