package config

import (
	"fmt"
	"strings"

	"github.com/gazette-news/gazette/internal/humanize"
)

// maxNesting caps how deeply a config may nest tables, arrays and the
// parts of dotted keys, counted together. A real config nests three deep
// ([[source]], then tags = [...]). The TOML decoder's cost grows with the
// square of the depth: 6,000 inline tables took it seconds and 8,000
// gigabytes, so the depth is measured by checkNesting before the decoder
// sees the text.
const maxNesting = 32

// checkNesting scans TOML text for how deeply it nests, without decoding
// it: brackets and braces outside strings and comments, and the dots of a
// key. It returns a *ConfigError with the line where the text first nests
// deeper than maxNesting, or nil. It is no validator: anything it lets
// through, the decoder still checks.
func checkNesting(text string) error {
	type frame struct {
		kind  byte // '[' or '{'
		depth int  // how deep the array or inline table itself is
	}
	// stack holds the open arrays and inline tables; it never grows past
	// maxNesting.
	var stack []frame
	line := 1
	// inKey is true where a key may be: at the start of a line outside
	// any bracket, in a table header, and after '{' or ',' in an inline
	// table. parts counts the dotted parts of the key so far.
	inKey, parts := true, 1
	// base is how deep the last table header put the keys under it;
	// header counts the open brackets of a header being read, and
	// arrayHeader marks [[...]]. value is how deep a value starting here
	// would be.
	base, header, arrayHeader, value := 0, 0, false, 0
	keyBase := func() int {
		switch {
		case header > 0:
			return 0
		case len(stack) == 0:
			return base
		}
		return stack[len(stack)-1].depth
	}
	popped := func() {
		if len(stack) > 0 {
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].kind == '[' {
			value = stack[len(stack)-1].depth + 1
		}
		inKey = false
	}
	deep := func() error {
		return &ConfigError{Line: line, Msg: fmt.Sprintf("nested more than %d deep (tables, arrays and dotted keys together); nothing this deep is a gazette config", maxNesting)}
	}
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '\n':
			line++
			if len(stack) == 0 && header == 0 {
				inKey, parts = true, 1
			}
		case '#':
			end := strings.IndexByte(text[i:], '\n')
			if end < 0 {
				return nil
			}
			i += end - 1
		case '"', '\'':
			n, lines := skipString(text[i:])
			i += n - 1
			line += lines
		case '.':
			if inKey {
				// The key of an array header [[a.b]] ends in an array
				// of tables: one level more than its parts.
				extra := 0
				if header > 0 && arrayHeader {
					extra = 1
				}
				if parts++; keyBase()+parts+extra > maxNesting {
					return deep()
				}
			}
		case '=':
			if inKey {
				value, inKey = keyBase()+parts, false
			}
		case '[':
			switch {
			case header > 0:
				header, arrayHeader = header+1, true
			case len(stack) == 0 && inKey:
				header, arrayHeader, parts = 1, false, 1
			default:
				if value+1 > maxNesting {
					return deep()
				}
				stack = append(stack, frame{'[', value})
				value++
				inKey = false
			}
		case '{':
			if value+1 > maxNesting {
				return deep()
			}
			stack = append(stack, frame{'{', value})
			inKey, parts = true, 1
		case ']':
			if header > 0 {
				if header--; header == 0 {
					base, inKey = parts, false
					if arrayHeader {
						base++
					}
				}
				continue
			}
			popped()
		case '}':
			popped()
		case ',':
			switch {
			case len(stack) == 0:
			case stack[len(stack)-1].kind == '{':
				inKey, parts = true, 1
			default:
				value, inKey = stack[len(stack)-1].depth+1, false
			}
		}
	}
	return nil
}

// checkText refuses, before the decoder sees it, a config larger than
// MaxConfigSize or nested deeper than maxNesting: the decoder's time and
// memory grow with both.
func checkText(text string) error {
	if len(text) > MaxConfigSize {
		return &ConfigError{Msg: fmt.Sprintf("%s bytes, over the %s-byte limit", humanize.Thousands(len(text)), humanize.Thousands(MaxConfigSize))}
	}
	return checkNesting(text)
}

// skipString returns the length of the TOML string that starts s (basic
// or literal, single- or multi-line), or all of s when it is not closed,
// and how many line breaks it spans.
func skipString(s string) (n, lines int) {
	q := s[0]
	if strings.HasPrefix(s, strings.Repeat(string(q), 3)) {
		delim := s[:3]
		for i := 3; i < len(s); i++ {
			switch {
			case s[i] == '\n':
				lines++
			case s[i] == '\\' && q == '"':
				if i+1 < len(s) && s[i+1] == '\n' {
					lines++
				}
				i++
			case strings.HasPrefix(s[i:], delim):
				// Up to two more quotes may end the string's content.
				end := i + 3
				for end < len(s) && end < i+5 && s[end] == q {
					end++
				}
				return end, lines
			}
		}
		return len(s), lines
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\n':
			// A single-line string cannot span lines: leave the error to
			// the decoder, and the line break to the scan.
			return i, lines
		case '\\':
			if q == '"' {
				i++
			}
		case q:
			return i + 1, lines
		}
	}
	return len(s), lines
}

// maxQuoted caps how much of one word, such as a key or a value, an error
// message quotes.
const maxQuoted = 80

// maxMessage caps a whole error message, for a key of many short words.
const maxMessage = 4 * maxQuoted

// clipWords shortens every word of msg longer than maxQuoted characters,
// and msg itself past maxMessage, so that an error about a key of 16,000
// characters is one readable line.
func clipWords(msg string) string {
	if len(msg) <= maxQuoted {
		return msg
	}
	var b strings.Builder
	for i, w := range strings.Split(msg, " ") {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(clipRunes(w, maxQuoted))
	}
	return clipRunes(b.String(), maxMessage)
}

// clipRunes cuts s to n characters, marking the cut with an ellipsis.
func clipRunes(s string, n int) string {
	count := 0
	for j := range s {
		if count == n {
			return s[:j] + "…"
		}
		count++
	}
	return s
}
