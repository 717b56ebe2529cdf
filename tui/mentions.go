package tui

import "github.com/gazette-news/gazette/feed"

// An entry keeps its detected countries as their alpha-2 codes, two bytes
// each, rather than as feed.Mention values, forty bytes each: at 100,000
// articles of three or four mentions that is about 13 MB less held while
// the reader runs. The list needs only which countries were found and in
// what order (the scores order them, and only list --json prints them),
// and a query's tag: terms read them back through appendMentions.

// packable reports whether ms can be kept as codes: each mention is the
// one the country table gives back from its code alone.
func packable(ms []feed.Mention) bool {
	for _, m := range ms {
		back, found := feed.MentionOf(m.Code)
		if !found || back.Name != m.Name || back.Code != m.Code {
			return false
		}
	}
	return true
}

// appendMentions appends to dst the mentions that codes names, in order,
// with no scores.
func appendMentions(dst []feed.Mention, codes string) []feed.Mention {
	for i := 0; i+1 < len(codes); i += 2 {
		if m, ok := feed.MentionOf(codes[i : i+2]); ok {
			dst = append(dst, m)
		}
	}
	return dst
}
