package safeout

import (
	"bytes"
	"net/url"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// FuzzWriter checks, for any input, split anywhere and in either mode,
// that the output holds only what the mode allows, as seen by both x/ansi
// decoders; that it is valid UTF-8; that splitting does not change it; and
// that filtering it again changes nothing; and that the prefix the fast
// path takes as passing unchanged does pass unchanged.
func FuzzWriter(f *testing.F) {
	for _, tc := range allCases() {
		f.Add([]byte(tc.in), uint16(len(tc.in)/2), tc.mode == TUI)
	}
	f.Fuzz(func(t *testing.T, data []byte, cut uint16, tui bool) {
		mode := Print
		if tui {
			mode = TUI
		}
		whole, _ := filterChunks(mode, string(data))
		k := 0
		if len(data) > 0 {
			k = int(cut) % (len(data) + 1)
		}
		split, _ := filterChunks(mode, string(data[:k]), string(data[k:]))
		if split != whole {
			t.Fatalf("split at %d changes output:\n%q\n%q", k, split, whole)
		}
		if n := passing(data); whole[:min(n, len(whole))] != string(data[:n]) {
			t.Fatalf("passing claims %q, which the filter changes to %q", data[:n], whole)
		}
		checkOutput(t, []byte(whole), mode)
		checkTags(t, whole)
		if again := String(whole, mode); again != whole {
			t.Fatalf("not idempotent:\n%q\n%q", whole, again)
		}
	})
}

// sgrRE matches an SGR sequence, the only CSI that Print mode may emit.
var sgrRE = regexp.MustCompile(`^\x1b\[[0-9;:]*m$`)

// linkRE matches an OSC 8 hyperlink start or end.
var linkRE = regexp.MustCompile(`^\x1b\]8;([!-:<-~]*);([!-~]*)(?:\x07|\x1b\\)$`)

// colourQueryRE matches the OSC 10/11/12 colour queries of TUI mode.
var colourQueryRE = regexp.MustCompile(`^\x1b\]1[0-2];\?(?:\x07|\x1b\\)$`)

// checkOutput fails t if out holds anything mode does not allow.
func checkOutput(t *testing.T, out []byte, mode Mode) {
	t.Helper()
	if !utf8.Valid(out) {
		t.Fatalf("invalid UTF-8 in %q", out)
	}
	controls := "\n\t"
	if mode == TUI {
		controls += "\r\b"
	}

	// Framing as the x/ansi decoder cuts it.
	var state byte
	for rest := out; len(rest) > 0; {
		seq, _, n, st := ansi.DecodeSequence(rest, state, nil)
		if st != ansi.NormalState {
			t.Fatalf("incomplete sequence %q at end of %q", seq, out)
		}
		state = st
		switch c := seq[0]; {
		case c == ansi.ESC:
			if !allowedSequence(seq, mode) {
				t.Fatalf("disallowed sequence %q in %q", seq, out)
			}
		case c < 0x20 || c == ansi.DEL:
			if !bytes.ContainsRune([]byte(controls), rune(c)) {
				t.Fatalf("control %q in %q", c, out)
			}
		case c >= 0x80 && c < 0xC0:
			t.Fatalf("C1 or stray byte %q in %q", c, out)
		default:
			for _, r := range string(seq) {
				if forbiddenRune(r) {
					t.Fatalf("forbidden rune %U in %q", r, out)
				}
			}
		}
		rest = rest[n:]
	}

	// Actions as a terminal-style state machine performs them.
	var bad []string
	p := ansi.NewParser()
	p.SetHandler(ansi.Handler{
		Print: func(r rune) {
			if forbiddenRune(r) {
				bad = append(bad, "print "+string(r))
			}
		},
		Execute: func(b byte) {
			if b != ansi.ESC && !bytes.ContainsRune([]byte(controls), rune(b)) {
				bad = append(bad, "execute "+string(rune(b)))
			}
		},
		HandleCsi: func(cmd ansi.Cmd, _ ansi.Params) {
			if cmd.Final() == 'm' && cmd.Prefix() == 0 && cmd.Intermediate() == 0 {
				return
			}
			if mode != TUI {
				bad = append(bad, "csi "+string(rune(cmd.Final())))
			}
		},
		HandleEsc: func(cmd ansi.Cmd) {
			// ESC \ is the string terminator after an OSC.
			if cmd.Final() == '\\' || mode == TUI && cmd.Final() == 'M' {
				return
			}
			bad = append(bad, "esc "+string(rune(cmd.Final())))
		},
		HandleOsc: func(cmd int, _ []byte) {
			if cmd == 8 || mode == TUI && cmd >= 10 && cmd <= 12 {
				return
			}
			bad = append(bad, "osc")
		},
		HandleDcs: func(ansi.Cmd, ansi.Params, []byte) { bad = append(bad, "dcs") },
		HandleSos: func([]byte) { bad = append(bad, "sos") },
		HandlePm:  func([]byte) { bad = append(bad, "pm") },
		HandleApc: func([]byte) { bad = append(bad, "apc") },
	})
	for _, b := range out {
		p.Advance(b)
	}
	if len(bad) > 0 {
		t.Fatalf("terminal would perform %q for %q", bad, out)
	}
}

// allowedSequence is the fuzz oracle for one escape sequence. For Print
// mode it is independent of the filter's own parser.
func allowedSequence(seq []byte, mode Mode) bool {
	if sgrRE.Match(seq) {
		return true
	}
	if m := linkRE.FindSubmatch(seq); m != nil {
		if len(m[2]) == 0 {
			return true
		}
		u, err := url.Parse(string(m[2]))
		return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
	}
	if mode != TUI {
		return false
	}
	if string(seq) == ansi.ReverseIndex || colourQueryRE.Match(seq) {
		return true
	}
	c, ok := parseCSI(seq)
	return seq[1] == '[' && ok && c.allowed(TUI)
}
