package feed

import (
	"strings"
	"time"
	"unicode/utf8"
)

// The kinds of story key. The kind is part of the key, so that a GUID,
// a URL and a title never stand for one another by chance.
const (
	// keyGUID is a feed item's GUID.
	keyGUID = "g"
	// keyURL is an address: a link, or a GUID that is a URL.
	keyURL = "u"
	// keyContent is what an article says about itself: title, date and
	// source.
	keyContent = "c"
)

// StoryKey returns an article's Key: what makes it the same story on
// every launch, from every source that carries it. It is the one rule
// every parser follows, in order:
//
//   - A feed item's GUID. A GUID that is a URL counts as the item's link,
//     so that one feed giving the permalink as GUID and another giving it
//     as link agree. A weak GUID (all digits, or under 8 characters: a
//     number the feed counts up) is unique within its feed only, and
//     the feed's title (feed) joins it.
//   - Else the item's link: a web page fetched from its URL passes its
//     URL here.
//   - Else the article's content: its title, date and source, with case
//     and runs of spaces ignored. Files are always keyed so, never by
//     their path, which a move or a rename changes. When neither a date
//     nor a source says anything, the body's text joins the title, which
//     alone says too little.
//
// The key is the kind (g, u or c), a colon, and MakeID of the parts.
func StoryKey(guid, link, feed string, a *Article) string {
	guid = strings.TrimSpace(guid)
	switch {
	case guid != "" && isURL(guid):
		if u, ok := SafeURL(guid, nil); ok {
			guid = u
		}
		return keyURL + ":" + MakeID(guid)
	case guid != "" && weakGUID(guid):
		return keyGUID + ":" + MakeID(guid, fold(feed))
	case guid != "":
		return keyGUID + ":" + MakeID(guid)
	case link != "":
		return keyURL + ":" + MakeID(link)
	}
	// MakeID of the folded parts, folded into its buffer: every file is
	// keyed so, and the parts need not be strings of their own.
	var arr [512]byte
	b := appendFold(arr[:0], a.Title)
	b = append(b, 0)
	mark := len(b)
	if a.Date.IsZero() {
		b = appendFold(b, a.DateText)
	} else {
		// RFC 3339 in UTC is ASCII without spaces: folding it lowers
		// its T and Z.
		start := len(b)
		b = a.Date.UTC().AppendFormat(b, time.RFC3339)
		for i := start; i < len(b); i++ {
			if 'A' <= b[i] && b[i] <= 'Z' {
				b[i] += 'a' - 'A'
			}
		}
	}
	b = append(b, 0)
	b = appendFold(b, a.Source)
	if len(b) == mark+1 {
		// No date and no source: the body joins the title.
		var text strings.Builder
		for _, blk := range a.Body {
			text.WriteString(blk.Text)
			text.WriteByte('\n')
		}
		b = append(b, 0)
		b = appendFold(b, text.String())
	}
	b = append(b, 0)
	return hashID(keyContent+":", b)
}

// weakGUID reports whether a GUID is likely unique within its feed only.
func weakGUID(guid string) bool {
	if len(guid) < 8 {
		return true
	}
	return strings.Trim(guid, "0123456789") == ""
}

// fold lowers the case of s and collapses its runs of spaces, so that a
// re-saved file whose title gained a space is still the same story.
func fold(s string) string { return string(appendFold(nil, s)) }

// appendFold appends fold(s) to dst.
func appendFold(dst []byte, s string) []byte {
	// Keys are kept in the store: whatever the path, the result must be
	// foldFields's, byte for byte. ASCII text, nearly every title, is
	// folded in one pass, with nothing allocated.
	start := len(dst)
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return append(dst[:start], foldFields(s)...)
		case c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			space = len(dst) > start
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		dst = append(dst, c)
	}
	return dst
}

// foldFields is fold for any text.
func foldFields(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
