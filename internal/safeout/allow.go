package safeout

import (
	"bytes"
	"net/url"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// maxParams is how many parameters a non-SGR control sequence may carry;
// the renderer never writes more than two.
const maxParams = 8

// csi is a parsed control sequence. The parser is ours rather than the
// x/ansi Parser's parameter collection, which indexes past its buffer and
// panics on a sequence with more parameters than the buffer holds.
type csi struct {
	prefix, inter, final byte
	// n is the number of parameters; params holds the first maxParams of
	// them, -1 where a parameter was left empty.
	n      int
	params [maxParams]int
	// sub is set when ':' sub-parameters occur, big when a value exceeds
	// 65535.
	sub, big bool
}

// parseCSI parses an ESC [ sequence as cut by ansi.DecodeSequence. It
// fails on anything outside the ECMA-48 shape gazette emits: at most one
// private prefix, digits and separators, at most one intermediate byte,
// and a final byte.
func parseCSI(seq []byte) (csi, bool) {
	var c csi
	if len(seq) < 3 || len(seq) > maxCSI {
		return c, false
	}
	c.final = seq[len(seq)-1]
	if c.final < 0x40 || c.final > 0x7E {
		return c, false
	}
	b := seq[2 : len(seq)-1]
	if len(b) > 0 && b[0] >= '<' && b[0] <= '?' {
		c.prefix = b[0]
		b = b[1:]
	}
	if len(b) > 0 && (b[0] >= '0' && b[0] <= '9' || b[0] == ';' || b[0] == ':') {
		c.n = 1
		c.params[0] = -1
	}
params:
	for len(b) > 0 {
		d := b[0]
		switch {
		case d >= '0' && d <= '9':
			i := c.n - 1
			if i < maxParams {
				if c.params[i] < 0 {
					c.params[i] = 0
				}
				c.params[i] = c.params[i]*10 + int(d-'0')
				if c.params[i] > 0xFFFF {
					c.big = true
					c.params[i] = 0xFFFF
				}
			}
		case d == ';' || d == ':':
			if d == ':' {
				c.sub = true
			}
			if c.n < maxParams {
				c.params[c.n] = -1
			}
			c.n++
		default:
			break params
		}
		b = b[1:]
	}
	if len(b) > 0 && b[0] >= 0x20 && b[0] <= 0x2F {
		c.inter = b[0]
		b = b[1:]
	}
	return c, len(b) == 0
}

// isSGR reports whether seq is a Select Graphic Rendition sequence: CSI,
// digits and separators only, final m. Styling is most of what gazette
// writes, so it skips the full parse.
func isSGR(seq []byte) bool {
	if len(seq) < 3 || len(seq) > maxCSI || seq[len(seq)-1] != 'm' {
		return false
	}
	for _, c := range seq[2 : len(seq)-1] {
		if (c < '0' || c > '9') && c != ';' && c != ':' {
			return false
		}
	}
	return true
}

// param returns parameter i, or def if it is absent or empty.
func (c *csi) param(i, def int) int {
	if i >= c.n || i >= maxParams || c.params[i] < 0 {
		return def
	}
	return c.params[i]
}

// allowed reports whether mode m lets c through.
func (c *csi) allowed(m Mode) bool {
	if c.prefix == 0 && c.inter == 0 && c.final == 'm' {
		return true // SGR; parseCSI has checked it holds only numbers
	}
	if m != TUI || c.sub || c.big || c.n > maxParams {
		return false
	}
	switch c.prefix {
	case 0:
		switch c.inter {
		case 0:
			return c.plainAllowed()
		case ' ':
			// DECSCUSR cursor shape.
			return c.final == 'q' && c.n <= 1 && c.param(0, 0) <= 6
		}
	case '?':
		switch {
		case c.inter == 0 && (c.final == 'h' || c.final == 'l'):
			if c.n == 0 {
				return false
			}
			for i := 0; i < c.n; i++ {
				if !rendererMode(c.params[i]) {
					return false
				}
			}
			return true
		case c.inter == '$' && c.final == 'p':
			// DECRQM, sent at start for modes 2026 and 2027.
			return c.n == 1 && rendererMode(c.params[0])
		case c.inter == 0 && c.final == 'W':
			// DECST8C: tab stops every eight columns.
			return c.n == 1 && c.params[0] == 5
		case c.inter == 0 && c.final == 'u':
			// Kitty keyboard flags query.
			return c.n == 0
		}
	case '>':
		switch {
		case c.inter == 0 && c.final == 'm':
			// XTMODKEYS modifyOtherKeys: CSI > 4 ; n m, not SGR.
			return c.n >= 1 && c.n <= 2 && c.params[0] == 4 && c.param(1, 0) <= 2
		case c.inter == 0 && c.final == 'u':
			return c.n <= 1 // kitty keyboard push
		}
	case '<':
		return c.inter == 0 && c.final == 'u' && c.n <= 1 // kitty keyboard pop
	case '=':
		return c.inter == 0 && c.final == 'u' && c.n <= 2 // kitty keyboard set
	}
	return false
}

// plainAllowed covers the sequences without prefix or intermediate that the
// renderer writes: cursor movement, erasing, editing, scrolling and the
// start-up queries.
func (c *csi) plainAllowed() bool {
	switch c.final {
	case 'A', 'B', 'C', 'D', // CUU CUD CUF CUB
		'G', '`', 'd', // CHA HPA VPA
		'I', 'Z', // CHT CBT
		'@', 'P', 'X', 'b', // ICH DCH ECH REP
		'L', 'M', 'S', 'T': // IL DL SU SD
		return c.n <= 1
	case 'H', 'f', 'r': // CUP HVP DECSTBM
		return c.n <= 2
	case 'J', 'K': // ED EL, but not ED 3, which erases the scrollback
		return c.n <= 1 && c.param(0, 0) <= 2
	case 'h', 'l': // IRM insert mode only
		return c.n == 1 && c.params[0] == 4
	case 'c': // DA1 request
		return c.n == 0 || c.n == 1 && c.param(0, 0) == 0
	case 'n': // cursor position report request
		return c.n == 1 && c.params[0] == 6
	}
	return false
}

// rendererMode reports whether p is a DEC private mode the Bubble Tea v2
// renderer sets, resets or requests.
func rendererMode(p int) bool {
	switch p {
	case 7, // auto-wrap
		25,                              // cursor visibility
		9, 1000, 1002, 1003, 1006, 1016, // mouse tracking and encodings
		1004, // focus events
		1049, // alternate screen
		2004, // bracketed paste
		2026, // synchronized output
		2027: // grapheme clustering
		return true
	}
	return false
}

// osc appends seq to out if it is a hyperlink to an http or https target
// (or, in TUI mode, a colour query), rebuilding the link when its target
// needs percent-encoding. The sequence must end in BEL or ESC \.
func (w *Writer) osc(out, seq []byte) ([]byte, bool) {
	if len(seq) > maxOSC {
		return out, false
	}
	var body, term []byte
	switch {
	case seq[len(seq)-1] == ansi.BEL:
		body, term = seq[2:len(seq)-1], seq[len(seq)-1:]
	case len(seq) >= 4 && seq[len(seq)-2] == ansi.ESC && seq[len(seq)-1] == '\\':
		body, term = seq[2:len(seq)-2], seq[len(seq)-2:]
	default:
		return out, false
	}
	if w.mode == TUI && len(body) == 4 && body[0] == '1' && body[1] >= '0' && body[1] <= '2' &&
		body[2] == ';' && body[3] == '?' {
		return append(out, seq...), true // OSC 10/11/12 colour query
	}
	rest, ok := bytes.CutPrefix(body, []byte("8;"))
	if !ok {
		return out, false
	}
	params, target, ok := bytes.Cut(rest, []byte(";"))
	if !ok {
		return out, false
	}
	for _, c := range params {
		if c <= ' ' || c >= 0x7F {
			return out, false
		}
	}
	if len(target) == 0 {
		w.linkOpen = false
		return append(out, seq...), true
	}
	if bytes.Equal(target, w.lastLink) {
		w.linkOpen = true
		return append(out, seq...), true
	}
	fixed, ok := linkTarget(target)
	if !ok {
		return out, false
	}
	w.linkOpen = true
	if fixed == nil {
		w.lastLink = append(w.lastLink[:0], target...)
		return append(out, seq...), true
	}
	out = append(out, "\x1b]8;"...)
	out = append(out, params...)
	out = append(out, ';')
	out = append(out, fixed...)
	return append(out, term...), true
}

// linkTarget checks a hyperlink target: an absolute http or https URL with
// a host and no user information, which could make
// https://bank.example@evil.example look like the bank. Printable ASCII
// passes as is (fixed is nil); non-ASCII that is valid and harmless comes
// back percent-encoded; anything with a control character is refused.
func linkTarget(t []byte) (fixed []byte, ok bool) {
	ascii := true
	for _, c := range t {
		if c <= ' ' || c == 0x7F {
			return nil, false
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if !ascii {
		for i := 0; i < len(t); {
			r, size := utf8.DecodeRune(t[i:])
			if r == utf8.RuneError && size <= 1 || forbiddenRune(r) {
				return nil, false
			}
			i += size
		}
		const hex = "0123456789ABCDEF"
		for _, c := range t {
			if c < utf8.RuneSelf {
				fixed = append(fixed, c)
				continue
			}
			fixed = append(fixed, '%', hex[c>>4], hex[c&15])
		}
		t = fixed
	}
	if len(t) < len("http://x") || !hasSchemeFold(t) {
		return nil, false
	}
	u, err := url.Parse(string(t))
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" ||
		u.User != nil || u.Opaque != "" {
		return nil, false
	}
	return fixed, true
}

// hasSchemeFold reports whether t starts with http: or https:, in any
// case, before paying for url.Parse.
func hasSchemeFold(t []byte) bool {
	lower := func(c byte) byte { return c | 0x20 }
	if lower(t[0]) != 'h' || lower(t[1]) != 't' || lower(t[2]) != 't' || lower(t[3]) != 'p' {
		return false
	}
	return t[4] == ':' || lower(t[4]) == 's' && t[5] == ':'
}
