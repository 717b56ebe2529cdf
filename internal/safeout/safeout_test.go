package safeout

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// filterCase is one input with what must come out and how many things the
// filter must report as dropped.
type filterCase struct {
	name    string
	in      string
	want    string
	dropped int
}

// threatCases has one row per terminal threat (threats.md T1, T3, T4, T5,
// C3) for the strict Print mode.
var threatCases = []filterCase{
	{"osc52 clipboard set BEL", "a\x1b]52;c;ZWNobyBwd25lZA==\x07b", "ab", 1},
	{"osc52 clipboard set ST", "a\x1b]52;c;ZWNobyBwd25lZA==\x1b\\b", "ab", 1},
	{"osc52 clipboard query", "a\x1b]52;c;?\x07b", "ab", 1},
	{"osc0 title set", "\x1b]0;pwned\x07news", "news", 1},
	{"osc1 icon set", "\x1b]1;pwned\x07news", "news", 1},
	{"osc2 title set ST", "\x1b]2;pwned\x1b\\news", "news", 1},
	{"csi 21t title report", "x\x1b[21ty", "xy", 1},
	{"csi 20t icon report", "x\x1b[20ty", "xy", 1},
	{"decrqss", "x\x1bP$qm\x1b\\y", "xy", 1},
	{"dcs xtgettcap", "x\x1bP+q544e\x1b\\y", "xy", 1},
	{"da1 request", "x\x1b[cy", "xy", 1},
	{"da2 request", "x\x1b[>cy", "xy", 1},
	{"dsr status", "x\x1b[5ny", "xy", 1},
	{"dsr cursor position", "x\x1b[6ny", "xy", 1},
	{"enq", "x\x05y", "xy", 1},
	{"erase screen", "x\x1b[2Jy", "xy", 1},
	{"erase scrollback", "x\x1b[3Jy", "xy", 1},
	{"reset ris", "x\x1bcy", "xy", 1},
	{"alt screen", "x\x1b[?1049hy", "xy", 1},
	{"mouse tracking", "x\x1b[?1000hy", "xy", 1},
	{"cursor up overwrite", "Total: 100\n\x1b[1ATotal: 999", "Total: 100\nTotal: 999", 1},
	{"cursor position", "x\x1b[1;1Hy", "xy", 1},
	{"carriage return overwrite", "rm -rf /\rls -l   ", "rm -rf /ls -l   ", 1},
	{"backspace overwrite", "evil\b\b\b\bgood", "evilgood", 4},
	{"raw c1 csi byte", "a\x9b2Jb", "a\uFFFD2Jb", 1},
	{"raw c1 osc byte", "a\x9d0;t\x9cb", "a\uFFFD0;t\uFFFDb", 2},
	{"utf8 c1 csi", "a\u009b2Jb", "a2Jb", 1},
	{"utf8 c1 osc with bel", "a\u009d0;t\u0007b", "a0;tb", 2},
	{"utf8 c1 nel", "a\u0085b", "ab", 1},
	{"osc8 javascript", "\x1b]8;;javascript:alert(1)\x07click\x1b]8;;\x07", "click\x1b]8;;\x07", 1},
	{"osc8 file", "\x1b]8;;file:///etc/passwd\x07x\x1b]8;;\x07", "x\x1b]8;;\x07", 1},
	{"osc8 data", "\x1b]8;;data:text/html,hi\x07x\x1b]8;;\x07", "x\x1b]8;;\x07", 1},
	{"osc8 spaced scheme", "\x1b]8;;  JaVaScRiPt\t:alert(1)\x07x\x1b]8;;\x07", "x\x1b]8;;\x07", 1},
	{"osc8 userinfo spoof", "\x1b]8;;https://bank.example@evil.example/\x07x\x1b]8;;\x07", "x\x1b]8;;\x07", 1},
	{"osc8 no host", "\x1b]8;;https:///path\x07x\x1b]8;;\x07", "x\x1b]8;;\x07", 1},
	{"osc8 control in target", "\x1b]8;;https://a.example/\x7f\x07x\x1b]8;;\x07", "x\x1b]8;;\x07", 1},
	{"osc8 c1 ST terminator", "\x1b]8;;https://a.example/\x9cx", "x", 1},
	{"osc8 unterminated to end", "\x1b]8;;https://evil.example/ the rest of the screen", "", 1},
	{"osc8 unterminated before sgr", "\x1b]8;;https://evil.example/\x1b[0mtext", "\x1b[0mtext", 1},
	{"osc8 left open is closed", "\x1b]8;;https://a.example/\x07text", "\x1b]8;;https://a.example/\x07text\x1b]8;;\x1b\\", 0},
	{"bidi rlo", "invoice_\u202Egpj.exe", "invoice_gpj.exe", 1},
	{"bidi isolates and marks", "\u2066a\u2069\u200Eb\u200F\u061Cc\u202A", "abc", 6},
	{"nul bel ff vt del", "a\x00b\x07c\x0cd\x0be\x7f", "abcde", 5},
	{"invalid utf8", "a\xffb\xc3", "a\uFFFDb\uFFFD", 2},
	{"apc pm sos", "\x1b_Gf=100;AAAA\x1b\\\x1b^pm\x1b\\\x1bXsos\x1b\\x", "x", 3},
	{"save restore cursor", "\x1b7x\x1b8", "x", 2},
	{"reverse index in print", "\x1bMx", "x", 1},
	{"charset designation", "\x1b(0lqk\x1b(B", "lqk", 2},
	{"modifyOtherKeys is not sgr", "\x1b[>4;2mx", "x", 1},
	{"kitty keyboard", "\x1b[>1u\x1b[?ux", "x", 2},
	{"osc11 query", "\x1b]11;?\x07x", "x", 1},
	{"too many parameters", "\x1b[" + strings.Repeat("1;", 40) + "Hx", "x", 1},
	{"sgr with colon subparameters", "\x1b[4:3m\x1b[58:2::255:0:0mx\x1b[m", "\x1b[4:3m\x1b[58:2::255:0:0mx\x1b[m", 0},
	{"lone esc then bracket text", "\x1b\n[2J", "\n[2J", 1},
	{"csi cut by control", "\x1b[3\n1m", "\n1m", 1},
	{"link ended by BEL, then a lone esc", "\x1b]8;;https://a.example/\x07l\x1b]8;;\x07\x1b", "\x1b]8;;https://a.example/\x07l\x1b]8;;\x07", 1},
}

// printKeeps is output gazette itself writes to stdout, which must pass
// unchanged.
var printKeeps = []filterCase{
	{"plain", "Hello, world.\n\tIndented\n", "Hello, world.\n\tIndented\n", 0},
	{"unicode", "Zürich – 東京 – 👩‍👩‍👧 ⚠️\n", "Zürich – 東京 – 👩‍👩‍👧 ⚠️\n", 0},
	{"sgr", "\x1b[1;38;5;252;48;2;10;20;30mbold\x1b[0m", "\x1b[1;38;5;252;48;2;10;20;30mbold\x1b[0m", 0},
	{"osc8 https", "\x1b]8;;https://example.com/a?b=c#d\x07link\x1b]8;;\x07", "\x1b]8;;https://example.com/a?b=c#d\x07link\x1b]8;;\x07", 0},
	{"osc8 http with id ST", "\x1b]8;id=7;HTTP://Example.com/\x1b\\l\x1b]8;;\x1b\\", "\x1b]8;id=7;HTTP://Example.com/\x1b\\l\x1b]8;;\x1b\\", 0},
	{"osc8 non-ascii encoded", "\x1b]8;;https://example.com/ü?q=ü\x07l\x1b]8;;\x07", "\x1b]8;;https://example.com/%C3%BC?q=%C3%BC\x07l\x1b]8;;\x07", 0},
}

// tuiCases are sequences the Bubble Tea v2 renderer writes, which TUI mode
// keeps, and threats it still drops.
var tuiCases = []filterCase{
	{"cr lf bs tab", "a\r\nb\b\tc", "a\r\nb\b\tc", 0},
	{"alt screen and cursor", "\x1b[?1049h\x1b[?25l\x1b[?25h\x1b[?1049l", "\x1b[?1049h\x1b[?25l\x1b[?25h\x1b[?1049l", 0},
	{"mouse focus paste", "\x1b[?1002h\x1b[?1003h\x1b[?1006h\x1b[?1004h\x1b[?2004h", "\x1b[?1002h\x1b[?1003h\x1b[?1006h\x1b[?1004h\x1b[?2004h", 0},
	{"sync and grapheme modes", "\x1b[?2026h\x1b[?2026l\x1b[?2027h\x1b[?2026$p\x1b[?2027$p", "\x1b[?2026h\x1b[?2026l\x1b[?2027h\x1b[?2026$p\x1b[?2027$p", 0},
	{"movement", "\x1b[H\x1b[5;10H\x1b[3A\x1b[B\x1b[2C\x1b[D\x1b[7G\x1b[4d\x1b[9`\x1b[2I\x1b[Z\x1bM", "\x1b[H\x1b[5;10H\x1b[3A\x1b[B\x1b[2C\x1b[D\x1b[7G\x1b[4d\x1b[9`\x1b[2I\x1b[Z\x1bM", 0},
	{"erase edit scroll", "\x1b[2J\x1b[J\x1b[K\x1b[1K\x1b[3X\x1b[2@\x1b[P\x1b[4b\x1b[2L\x1b[M\x1b[S\x1b[2T\x1b[1;24r\x1b[r", "\x1b[2J\x1b[J\x1b[K\x1b[1K\x1b[3X\x1b[2@\x1b[P\x1b[4b\x1b[2L\x1b[M\x1b[S\x1b[2T\x1b[1;24r\x1b[r", 0},
	{"modes", "\x1b[?7l\x1b[?7h\x1b[4h\x1b[4l\x1b[?5W\x1b[2 q\x1b[ q", "\x1b[?7l\x1b[?7h\x1b[4h\x1b[4l\x1b[?5W\x1b[2 q\x1b[ q", 0},
	{"keyboard", "\x1b[>4;2m\x1b[>4m\x1b[>11u\x1b[<u\x1b[<1u\x1b[=0;1u\x1b[?u", "\x1b[>4;2m\x1b[>4m\x1b[>11u\x1b[<u\x1b[<1u\x1b[=0;1u\x1b[?u", 0},
	{"queries", "\x1b]11;?\x07\x1b]10;?\x1b\\\x1b[c\x1b[6n", "\x1b]11;?\x07\x1b]10;?\x1b\\\x1b[c\x1b[6n", 0},
	{"query ended by BEL, then a lone esc", "x\x1b]10;?\x07\x1b", "x\x1b]10;?\x07", 1},
	{"query ended by ST, then a lone esc", "x\x1b]10;?\x1b\\\x1b", "x\x1b]10;?\x1b\\", 1},
	{"osc52 dropped", "\x1b]52;c;ZXZpbA==\x07x", "x", 1},
	{"title dropped", "\x1b]2;t\x07\x1b[21tx", "x", 2},
	{"osc11 set dropped", "\x1b]11;#ff0000\x07x", "x", 1},
	{"dcs dropped", "\x1bP$qm\x1b\\x", "x", 1},
	{"ris dropped", "\x1bcx", "x", 1},
	{"scrollback erase dropped", "\x1b[3Jx", "x", 1},
	{"unknown dec mode dropped", "\x1b[?1047h\x1b[?9999hx", "x", 2},
	{"c1 and bidi dropped", "\u009b2J\u202Ex", "2Jx", 2},
	{"osc8 javascript dropped", "\x1b]8;;javascript:x\x07a", "a", 1},
	{"window ops dropped", "\x1b[8;100;100t\x1b[14tx", "x", 2},
}

// check runs one case through a fresh Writer in mode.
func check(t *testing.T, tc filterCase, mode Mode) {
	t.Helper()
	var b bytes.Buffer
	w := NewWriter(&b, mode)
	n, err := w.Write([]byte(tc.in))
	if err != nil || n != len(tc.in) {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(tc.in))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != tc.want {
		t.Errorf("output\n got %q\nwant %q", got, tc.want)
	}
	if got := w.Dropped(); got != tc.dropped {
		t.Errorf("Dropped() = %d, want %d", got, tc.dropped)
	}
}

func TestPrintThreats(t *testing.T) {
	for _, tc := range threatCases {
		t.Run(tc.name, func(t *testing.T) { check(t, tc, Print) })
	}
}

func TestPrintKeeps(t *testing.T) {
	for _, tc := range printKeeps {
		t.Run(tc.name, func(t *testing.T) { check(t, tc, Print) })
	}
}

func TestTUI(t *testing.T) {
	for _, tc := range tuiCases {
		t.Run(tc.name, func(t *testing.T) { check(t, tc, TUI) })
	}
}

// TestThreatsInTUI checks that the threats TUI mode does not need for its
// renderer are dropped there too.
func TestThreatsInTUI(t *testing.T) {
	renderer := map[string]bool{ // rows whose sequence the renderer also writes
		"da1 request": true, "dsr cursor position": true, "erase screen": true,
		"alt screen": true, "mouse tracking": true, "cursor up overwrite": true,
		"cursor position": true, "carriage return overwrite": true,
		"backspace overwrite": true, "reverse index in print": true,
		"modifyOtherKeys is not sgr": true, "kitty keyboard": true, "osc11 query": true,
	}
	for _, tc := range threatCases {
		if renderer[tc.name] {
			continue
		}
		t.Run(tc.name, func(t *testing.T) { check(t, tc, TUI) })
	}
}

// allCases returns every table row with its mode.
func allCases() []struct {
	filterCase
	mode Mode
} {
	var all []struct {
		filterCase
		mode Mode
	}
	for _, tc := range append(append(append([]filterCase{}, threatCases...), printKeeps...), tagCases...) {
		all = append(all, struct {
			filterCase
			mode Mode
		}{tc, Print})
	}
	for _, tc := range tuiCases {
		all = append(all, struct {
			filterCase
			mode Mode
		}{tc, TUI})
	}
	return all
}

// TestSplitWrites checks that a stream split anywhere, or fed a byte at a
// time, filters exactly as when written whole.
func TestSplitWrites(t *testing.T) {
	for _, tc := range allCases() {
		t.Run(tc.name, func(t *testing.T) {
			whole, wholeDropped := filterChunks(tc.mode, tc.in)
			for cut := 1; cut < len(tc.in); cut++ {
				got, dropped := filterChunks(tc.mode, tc.in[:cut], tc.in[cut:])
				if got != whole || dropped != wholeDropped {
					t.Errorf("cut at %d: %q (%d dropped), whole: %q (%d)", cut, got, dropped, whole, wholeDropped)
				}
			}
			var bytewise []string
			for i := range len(tc.in) {
				bytewise = append(bytewise, tc.in[i:i+1])
			}
			if got, dropped := filterChunks(tc.mode, bytewise...); got != whole || dropped != wholeDropped {
				t.Errorf("byte at a time: %q (%d dropped), whole: %q (%d)", got, dropped, whole, wholeDropped)
			}
		})
	}
}

// filterChunks writes each chunk in turn, flushes, and returns the output
// and the drop count.
func filterChunks(mode Mode, chunks ...string) (string, int) {
	var b bytes.Buffer
	w := NewWriter(&b, mode)
	for _, c := range chunks {
		if n, err := w.Write([]byte(c)); err != nil || n != len(c) {
			panic("short write")
		}
	}
	_ = w.Flush()
	return b.String(), w.Dropped()
}

// TestLongSequence checks that an over-long sequence is dropped whole,
// however it is split, and that the text after it survives.
func TestLongSequence(t *testing.T) {
	payload := strings.Repeat("QUFBQUFB", 20<<10) // 160 KiB of base64
	cases := []struct {
		name string
		seq  string
	}{
		{"osc52 bel", "\x1b]52;c;" + payload + "\x07"},
		{"osc52 st", "\x1b]52;c;" + payload + "\x1b\\"},
		{"dcs", "\x1bP" + payload + "\x1b\\"},
		{"csi digits", "\x1b[" + strings.Repeat("1", 100<<10) + "m"},
		{"csi separators", "\x1b[" + strings.Repeat(";", 100<<10) + "H"},
	}
	for _, tc := range cases {
		for _, size := range []int{len(tc.seq), 4096, 1000, 1} {
			in := "before" + tc.seq + "after"
			var chunks []string
			for i := 0; i < len(in); i += size {
				chunks = append(chunks, in[i:min(i+size, len(in))])
			}
			got, dropped := filterChunks(TUI, chunks...)
			if got != "beforeafter" || dropped < 1 {
				t.Errorf("%s in chunks of %d: %q..., %d dropped", tc.name, size, got[:min(len(got), 40)], dropped)
			}
		}
	}
}

// TestStringMatchesWriter checks the one-shot helper against the Writer.
func TestStringMatchesWriter(t *testing.T) {
	for _, tc := range allCases() {
		got, _ := filterChunks(tc.mode, tc.in)
		if s := String(tc.in, tc.mode); s != got {
			t.Errorf("%s: String = %q, Writer = %q", tc.name, s, got)
		}
	}
}

// writesRecorder keeps each slice written to it.
type writesRecorder struct{ writes [][]byte }

func (r *writesRecorder) Write(p []byte) (int, error) {
	r.writes = append(r.writes, p)
	return len(p), nil
}

// TestCleanWriteGoesThrough checks that a write of which every byte
// passes, however long, goes downstream as it is, in one write and
// without a copy, and that one byte to remove sends the rest through the
// filter as before.
func TestCleanWriteGoesThrough(t *testing.T) {
	clean := []byte(strings.Repeat("  \"title\": \"Talks in Montréal, 東京 and Zürich\",\n", 3*flushAt/40))
	for _, mode := range []Mode{Print, TUI} {
		var rec writesRecorder
		w := NewWriter(&rec, mode)
		if n, err := w.Write(clean); err != nil || n != len(clean) {
			t.Fatalf("%v: Write = %d, %v", mode, n, err)
		}
		if len(rec.writes) != 1 || &rec.writes[0][0] != &clean[0] || len(rec.writes[0]) != len(clean) {
			t.Errorf("%v: %d writes downstream; want the caller's %d bytes in one", mode, len(rec.writes), len(clean))
		}
	}
	dirty := append(append(clean[:len(clean)/2:len(clean)/2], '\x07'), clean[len(clean)/2:]...)
	var out bytes.Buffer
	w := NewWriter(&out, Print)
	if _, err := w.Write(dirty); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), clean) || w.Dropped() != 1 {
		t.Errorf("one BEL in %d bytes: %d bytes out, %d dropped; want the text without it", len(dirty), out.Len(), w.Dropped())
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	w := NewWriter(failWriter{}, Print)
	if n, err := w.Write([]byte("hello")); err == nil || n == len("hello") {
		t.Errorf("Write = %d, %v; want a short write and the error", n, err)
	}
	// Nothing to write: no error.
	dropped := []byte("\x1b]52;c;x\x07")
	if n, err := w.Write(dropped); err != nil || n != len(dropped) {
		t.Errorf("Write of a dropped sequence = %d, %v", n, err)
	}
}

func TestModeString(t *testing.T) {
	for m, want := range map[Mode]string{Print: "print", TUI: "tui", Mode(7): "mode(7)"} {
		if got := m.String(); got != want {
			t.Errorf("Mode(%d).String() = %q, want %q", m, got, want)
		}
	}
}

// fakeTTY records what the Terminal does with the file it wraps.
type fakeTTY struct {
	bytes.Buffer
	closed bool
}

func (f *fakeTTY) Close() error { f.closed = true; return nil }
func (f *fakeTTY) Fd() uintptr  { return 42 }

func TestTerminal(t *testing.T) {
	f := &fakeTTY{}
	f.WriteString("typed")
	term := NewTerminal(f, TUI)
	if term.Fd() != 42 {
		t.Errorf("Fd = %d", term.Fd())
	}
	buf := make([]byte, 5)
	if n, err := term.Read(buf); err != nil || string(buf[:n]) != "typed" {
		t.Errorf("Read = %q, %v", buf[:n], err)
	}
	if _, err := term.Write([]byte("\x1b[?25lok\x1b]52;c;eA==\x07")); err != nil {
		t.Fatal(err)
	}
	if err := term.Close(); err != nil || !f.closed {
		t.Errorf("Close = %v, closed %v", err, f.closed)
	}
	if got := f.String(); got != "\x1b[?25lok" {
		t.Errorf("terminal got %q", got)
	}
	var _ File = term
}
