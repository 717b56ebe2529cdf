package query

import (
	"strings"

	"github.com/gazette-news/gazette/feed"
)

// BodyText returns the article's body as the index holds it and as Match
// scans it: the text of its blocks, one line each, without the link
// footnote markers (" [N]") that feed places after link text and without
// URLs, which are addresses, not words. Blocks are plain text already, so
// there is no Markdown to remove. A nil Body gives "". Every token of
// BodyText is a token of one block's text: nothing removed joins words.
func BodyText(a *feed.Article) string {
	return string(AppendBodyText(nil, a))
}

// AppendBodyText appends BodyText(a) to dst.
func AppendBodyText(dst []byte, a *feed.Article) []byte {
	first := true
	for _, b := range a.Body {
		if b.Kind == feed.Image || b.Text == "" {
			continue
		}
		if !first {
			dst = append(dst, '\n')
		}
		first = false
		dst = appendPlain(dst, b.Text, a.Refs)
	}
	return dst
}

// AppendIndexBody appends IndexText(BodyText(a)) to dst, with scratch as
// room for one block's plain text, and returns both for the next article:
// a caller that indexes many articles then makes no copy of their text
// but the one it keeps. A block that is plain already, as most are, is
// read where it is.
func AppendIndexBody(dst, scratch []byte, a *feed.Article) ([]byte, []byte) {
	sep := false
	for _, b := range a.Body {
		if b.Kind == feed.Image || b.Text == "" {
			continue
		}
		text := b.Text
		scratch = appendPlain(scratch[:0], text, a.Refs)
		if string(scratch) != text {
			text = string(scratch)
		}
		// The blocks are lines of BodyText: a line break ends a token.
		dst, sep = appendIndexText(dst, text, sep)
	}
	return dst, scratch
}

// appendPlain appends s without its link markers and URLs.
func appendPlain(dst []byte, s string, refs []feed.Ref) []byte {
	for i := 0; i < len(s); {
		switch {
		case s[i] == ' ' && i+1 < len(s) && s[i+1] == '[':
			// The space stays, so that the words on either side stay
			// apart and every word of the text is one of the block's.
			if end := linkMarker(s, i+1, refs); end > 0 {
				dst = append(dst, ' ')
				i = end
				continue
			}
		case (s[i] == 'h' || s[i] == 'H') && isURLAt(s, i):
			for i < len(s) && !isSpaceAt(s, i) {
				i++
			}
			continue
		}
		dst = append(dst, s[i])
		i++
	}
	return dst
}

// linkMarker returns the end of the footnote marker "[N]" at s[i] when N
// numbers a link footnote, else 0. Numbers in brackets that are not link
// footnotes are the article's own text.
func linkMarker(s string, i int, refs []feed.Ref) int {
	j, n := i+1, 0
	for j < len(s) && '0' <= s[j] && s[j] <= '9' && n <= len(refs) {
		n = n*10 + int(s[j]-'0')
		j++
	}
	if j == i+1 || j >= len(s) || s[j] != ']' || n < 1 || n > len(refs) || refs[n-1].Kind != feed.RefLink {
		return 0
	}
	return j + 1
}

// isURLAt reports whether an http or https URL starts at s[i], at the
// start of a word.
func isURLAt(s string, i int) bool {
	if i > 0 && !isSpaceAt(s, i-1) && s[i-1] != '(' && s[i-1] != '<' {
		return false
	}
	rest := s[i:]
	return len(rest) > 8 && (strings.EqualFold(rest[:7], "http://") || strings.EqualFold(rest[:8], "https://"))
}
