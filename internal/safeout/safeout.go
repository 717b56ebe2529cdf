// Package safeout is the last filter between gazette and the terminal. It
// parses the outgoing byte stream with the x/ansi decoder and passes only
// what gazette itself means to emit: text, SGR styling, http(s) hyperlinks
// and, for the full-screen interface, the cursor and mode control of the
// Bubble Tea renderer. Everything else is dropped and counted, so a control
// sequence that slipped past ingest never reaches the terminal.
package safeout

import (
	"bytes"
	"encoding/binary"
	"io"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Mode selects what a Writer lets through.
type Mode uint8

const (
	// Print is for show, list and anything else written straight to stdout,
	// which may be a pipe into less -R: printable text, newline, tab, SGR
	// styling and OSC 8 hyperlinks to http and https targets. It is the zero
	// Mode, so a forgotten setting fails closed.
	Print Mode = iota
	// TUI is for the Bubble Tea program: everything Print allows, plus the
	// carriage return, backspace, cursor movement, erasing, scrolling, DEC
	// private modes and start-up queries that the v2 renderer writes.
	TUI
)

// String returns the name of the mode.
func (m Mode) String() string {
	switch m {
	case Print:
		return "print"
	case TUI:
		return "tui"
	}
	return "mode(" + strconv.Itoa(int(m)) + ")"
}

// Limits. A legitimate sequence from gazette is far shorter than these; a
// longer one is hostile or broken and is dropped whole.
const (
	// maxPending bounds the incomplete trailing sequence kept between
	// writes. Past it the sequence is dropped and its remaining bytes are
	// skipped as they arrive.
	maxPending = 64 << 10
	// maxCSI bounds a control sequence that may pass; an SGR with every
	// attribute and three true colours stays well under it.
	maxCSI = 256
	// maxOSC bounds a hyperlink that may pass: a 4 KiB URL plus parameters.
	maxOSC = 8 << 10
	// flushAt is the output size at which Write hands a chunk downstream,
	// so a huge print does not buffer in memory while a TUI frame still
	// goes out in one write.
	flushAt = 1 << 20
)

// Writer filters everything written to it and forwards what is allowed to
// the underlying writer. Sequences may be split across Write calls. A
// Writer is safe for concurrent use.
type Writer struct {
	mu   sync.Mutex
	w    io.Writer
	mode Mode

	// pending holds an incomplete sequence or rune at the end of the last
	// write; pendState is the decoder state it stopped in.
	pending   []byte
	pendState ansi.State
	// skip, when not NormalState, is the state of an over-long sequence
	// whose remaining bytes are being discarded; skipIntro is the byte
	// after its ESC.
	skip      ansi.State
	skipIntro byte

	out, scratch []byte
	dropped      int
	linkOpen     bool
	// final is set while Flush filters a held flag: the stream ends
	// there, so its tag sequence is complete or there is none.
	final bool
	// lastLink is the last hyperlink target that passed unchanged; the
	// renderer repeats a link on every line it spans.
	lastLink []byte
}

// NewWriter returns a Writer that filters for mode and writes to w.
func NewWriter(w io.Writer, mode Mode) *Writer {
	return &Writer{w: w, mode: mode}
}

// Dropped returns how many sequences, control characters and invalid bytes
// the Writer has removed so far.
func (w *Writer) Dropped() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dropped
}

// Write filters p and writes the result. It returns len(p) unless the
// underlying writer fails; bytes that end in the middle of a sequence are
// held until the next Write or Flush.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	data := p
	if w.skip != ansi.NormalState {
		n, done, st := skipSequence(data, w.skip, w.skipIntro)
		data = data[n:]
		w.skip = st
		if !done {
			return len(p), nil
		}
	}
	if len(w.pending) > 0 {
		if ok, st := mayComplete(w.pending, w.pendState, data); !ok {
			if len(w.pending)+len(data) > maxPending {
				w.dropped++
				w.skip, w.skipIntro = st, introducer(w.pending)
				w.pending = w.pending[:0]
			} else {
				w.pending = append(w.pending, data...)
				w.pendState = st
			}
			return len(p), nil
		}
		w.scratch = append(append(w.scratch[:0], w.pending...), data...)
		w.pending = w.pending[:0]
		data = w.scratch
	}
	if err := w.filter(data); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush ends the stream: an incomplete trailing sequence is dropped, a
// split rune becomes U+FFFD, and a hyperlink left open is closed so the
// rest of the terminal does not become a link. The Writer stays usable.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending) > 0 && w.pendState == ansi.NormalState && bytes.HasPrefix(w.pending, blackFlagUTF8) {
		// A flag held for the tags that might follow it: the stream
		// ends here, so they are all there is.
		data := append([]byte(nil), w.pending...)
		w.pending = w.pending[:0]
		w.final = true
		err := w.filter(data)
		w.final = false
		if err != nil {
			return err
		}
	}
	out := w.out[:0]
	if len(w.pending) > 0 {
		if w.pendState == ansi.NormalState {
			out = append(out, string(utf8.RuneError)...)
		}
		w.dropped++
		w.pending = w.pending[:0]
	}
	w.skip = ansi.NormalState
	if w.linkOpen {
		out = append(out, "\x1b]8;;\x1b\\"...)
		w.linkOpen = false
	}
	w.out = out
	return w.emit()
}

// String filters s in one go, as a Writer followed by Flush would.
func String(s string, mode Mode) string {
	var b strings.Builder
	w := NewWriter(&b, mode)
	_, _ = w.Write([]byte(s))
	_ = w.Flush()
	return b.String()
}

// emit writes and clears the output buffer.
func (w *Writer) emit() error {
	if len(w.out) == 0 {
		return nil
	}
	_, err := w.w.Write(w.out)
	w.out = w.out[:0]
	return err
}

// filter processes data, appends what passes to w.out and writes it. An
// incomplete sequence or rune at the end of data goes to w.pending.
func (w *Writer) filter(data []byte) error {
	out := w.out[:0]
	tui := w.mode == TUI
	i := passing(data)
	if i == len(data) {
		// All of it passes as it is, as all of a print usually does: it
		// goes out without a copy.
		if len(data) == 0 {
			return nil
		}
		_, err := w.w.Write(data)
		return err
	}
	out = append(out, data[:i]...)
	for i < len(data) {
		if len(out) >= flushAt {
			w.out = out
			if err := w.emit(); err != nil {
				return err
			}
			out = w.out[:0]
		}
		c := data[i]
		switch {
		case c >= 0x20 && c < 0x7F:
			j := i + 1
			for j < len(data) && data[j] >= 0x20 && data[j] < 0x7F {
				j++
			}
			out = append(out, data[i:j]...)
			i = j
		case c == '\n' || c == '\t' || tui && (c == '\r' || c == '\b'):
			out = append(out, c)
			i++
		case c == ansi.ESC:
			seq, _, n, st := ansi.DecodeSequence(data[i:], ansi.NormalState, nil)
			if splitST(data[i:], seq) {
				st = ansi.StringState
			}
			if st != ansi.NormalState {
				w.hold(data[i:], st)
				i = len(data)
				continue
			}
			if n <= 0 {
				n = 1
			}
			out = w.sequence(out, seq)
			i += n
		case c < utf8.RuneSelf:
			w.dropped++ // other C0 controls and DEL
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			switch {
			case r == utf8.RuneError && size <= 1:
				if !utf8.FullRune(data[i:]) {
					w.hold(data[i:], ansi.NormalState)
					i = len(data)
					continue
				}
				out = append(out, string(utf8.RuneError)...)
				w.dropped++
			case r == blackFlag:
				n, undecided := flagTags(data[i+size:], w.final)
				if undecided {
					// The flag's tag sequence may go on in the next write.
					w.hold(data[i:], ansi.NormalState)
					i = len(data)
					continue
				}
				out = append(out, data[i:i+size+n]...)
				i += n
			case forbiddenRune(r) || tagChar(r):
				w.dropped++
			default:
				out = append(out, data[i:i+size]...)
			}
			i += size
		}
	}
	w.out = out
	return w.emit()
}

// passes marks the bytes that pass unchanged in every mode and need no
// look at the bytes after them: printable ASCII, newline and tab.
var passes = func() (t [256]bool) {
	for c := 0x20; c < 0x7F; c++ {
		t[c] = true
	}
	t['\n'], t['\t'] = true, true
	return t
}()

// passing returns the length of the longest prefix of data that filter
// would pass unchanged whatever its mode and whatever followed it: bytes
// that passes marks, and whole runes that are neither forbidden nor tags
// nor a black flag, which may begin a tag sequence.
func passing(data []byte) int { return passingBy(data, true) }

// passingBy is passing, taking eight bytes at a time where they all pass
// when words is set, and a byte or a rune at a time otherwise.
func passingBy(data []byte, words bool) int {
	i := 0
	for i < len(data) {
		if words && i+8 <= len(data) && wordPasses(binary.LittleEndian.Uint64(data[i:])) {
			i += 8
			continue
		}
		if passes[data[i]] {
			i++
			continue
		}
		if data[i] < utf8.RuneSelf {
			return i
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 || r == blackFlag || forbiddenRune(r) || tagChar(r) {
			return i
		}
		i += size
	}
	return i
}

// Masks of a byte repeated in each of a word's eight lanes.
const (
	lanes = 0x0101010101010101
	highs = 0x8080808080808080
)

// wordPasses reports whether each of the eight bytes of x is one that
// passes marks: printable ASCII, newline or tab. Each test sets the high
// bit of a lane alone, without a carry into the next: a lane below 0x80
// plus at most 0x80 stays below 0x100. It lets passing take most of a
// text eight bytes at a time.
func wordPasses(x uint64) bool {
	if x&highs != 0 {
		return false
	}
	printable := (x + 0x60*lanes) &^ (x + 0x01*lanes) & highs // 0x20 <= b < 0x7F
	return printable|isByte(x, '\n')|isByte(x, '\t') == highs
}

// isByte sets the high bit of each lane of x, all of them below 0x80,
// that holds c, and no other bit.
func isByte(x uint64, c byte) uint64 {
	y := x ^ uint64(c)*lanes
	return ^(y + 0x7f*lanes) & highs
}

// hold keeps an incomplete tail for the next write, or starts skipping it
// if it is already too long. NormalState marks a split rune.
func (w *Writer) hold(tail []byte, st ansi.State) {
	if len(tail) > maxPending {
		w.dropped++
		if st == ansi.StringState && tail[len(tail)-1] == ansi.ESC {
			// The string is over; its ESC may still begin a new sequence.
			w.pending = append(w.pending[:0], ansi.ESC)
			w.pendState = ansi.EscapeState
			return
		}
		w.skip, w.skipIntro = st, introducer(tail)
		return
	}
	w.pending = append(w.pending[:0], tail...)
	w.pendState = st
}

// introducer returns the byte after the ESC that starts seq.
func introducer(seq []byte) byte {
	if len(seq) < 2 {
		return 0
	}
	return seq[1]
}

// splitST reports whether seq is a string sequence that the decoder cut at
// an ESC which is the last byte of data: the ESC may be the first half of
// an ST whose backslash arrives in the next write. A string that a BEL or
// an ST ended is whole, and the ESC after it starts the next sequence.
func splitST(data, seq []byte) bool {
	return len(seq) >= 2 && len(seq) == len(data)-1 && data[len(data)-1] == ansi.ESC &&
		isStringIntro(seq[1]) && !terminated(seq)
}

// terminated reports whether a string sequence ends with its terminator:
// BEL, ST, or ESC \.
func terminated(seq []byte) bool {
	switch last := seq[len(seq)-1]; {
	case last == ansi.BEL || last == ansi.ST:
		return true
	case last == '\\':
		return len(seq) >= 4 && seq[len(seq)-2] == ansi.ESC
	}
	return false
}

// isStringIntro reports whether ESC b starts a string sequence: DCS, SOS,
// OSC, PM or APC.
func isStringIntro(b byte) bool {
	return b == 'P' || b == 'X' || b == ']' || b == '^' || b == '_'
}

// mayComplete reports whether data can end the pending sequence, which
// stopped in state st, and if not, the state after data. While data cannot
// end it, Write only appends, so a long sequence fed a byte at a time costs
// linear time. It follows ansi.DecodeSequence, erring towards true: a
// false true costs a re-decode, a false false would change the output.
func mayComplete(pending []byte, st ansi.State, data []byte) (bool, ansi.State) {
	if st == ansi.NormalState || pending[len(pending)-1] == ansi.ESC {
		return true, st // a split rune, or an ESC that may begin an ST
	}
	for _, c := range data {
		switch st {
		case ansi.StringState:
			if c == ansi.BEL || c == ansi.ESC || c == ansi.ST || c == ansi.CAN || c == ansi.SUB {
				return true, st
			}
		case ansi.EscapeState:
			if c < 0x20 || c > 0x2F {
				return true, st
			}
		case ansi.PrefixState, ansi.ParamsState, ansi.IntermedState:
			var param bool
			if st, param = csiParam(st, c); param {
				continue
			}
			if c < 0x20 || c > 0x2F {
				return true, st
			}
		default:
			return true, st
		}
	}
	return false, st
}

// skipSequence discards the rest of an over-long sequence that stopped in
// state st and was introduced by ESC intro. It returns how many bytes of
// data belong to the sequence, whether its end was found, and the state
// to carry on in if not. Like ansi.DecodeSequence, it leaves a byte that
// cancels the sequence for the caller.
func skipSequence(data []byte, st ansi.State, intro byte) (int, bool, ansi.State) {
	for i, c := range data {
		switch st {
		case ansi.StringState:
			switch {
			case c == ansi.BEL && intro == ']', c == ansi.ST:
				return i + 1, true, ansi.NormalState
			case c == ansi.CAN || c == ansi.SUB || c == ansi.ESC:
				return i, true, ansi.NormalState
			}
		case ansi.EscapeState:
			if c >= 0x30 && c <= 0x7E {
				return i + 1, true, ansi.NormalState
			}
			if c < 0x20 || c > 0x2F {
				return i, true, ansi.NormalState
			}
		default:
			var param bool
			if st, param = csiParam(st, c); param {
				continue
			}
			if c >= 0x20 && c <= 0x2F {
				continue
			}
			if c < 0x40 || c > 0x7E {
				return i, true, ansi.NormalState
			}
			if intro != 'P' {
				return i + 1, true, ansi.NormalState
			}
			st = ansi.StringState // DCS data follows its final byte
		}
	}
	return len(data), false, st
}

// csiParam reads byte c of a control sequence that stopped in state st:
// it returns the state after c, and whether c was a prefix or parameter
// byte. Any other byte moves a sequence in the prefix or parameter state
// on to its intermediate bytes, to be read there; other states are kept.
func csiParam(st ansi.State, c byte) (ansi.State, bool) {
	switch st {
	case ansi.PrefixState:
		if c >= '<' && c <= '?' {
			return st, true
		}
		fallthrough
	case ansi.ParamsState:
		if c >= '0' && c <= '9' || c == ';' || c == ':' {
			return ansi.ParamsState, true
		}
		return ansi.IntermedState, false
	}
	return st, false
}

// forbiddenRune reports whether r is a C1 control or a bidirectional
// formatting control, neither of which may reach the terminal as text.
func forbiddenRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9F:
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}

// sequence appends seq to out if the mode allows it, and counts it as
// dropped otherwise.
func (w *Writer) sequence(out, seq []byte) []byte {
	if len(seq) >= 2 {
		switch seq[1] {
		case '[':
			if isSGR(seq) {
				return append(out, seq...)
			}
			if c, ok := parseCSI(seq); ok && c.allowed(w.mode) {
				return append(out, seq...)
			}
		case ']':
			if o, ok := w.osc(out, seq); ok {
				return o
			}
		case 'M':
			// Reverse index: the renderer scrolls down with it.
			if w.mode == TUI && len(seq) == 2 {
				return append(out, seq...)
			}
		}
	}
	w.dropped++
	return out
}
