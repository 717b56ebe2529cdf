package safeout

import (
	"fmt"
	"io"
	"strings"
	"testing"
)

// fullColourFrame builds a 120x40 screen in which every cell carries its
// own true-colour foreground and background, the worst case the renderer
// writes, with a hyperlink and some non-ASCII on each line.
func fullColourFrame() []byte {
	var b strings.Builder
	b.WriteString("\x1b[?2026h\x1b[H")
	for y := range 40 {
		fmt.Fprintf(&b, "\x1b[%d;1H", y+1)
		b.WriteString("\x1b]8;;https://example.com/article/42\x07")
		for x := range 120 {
			fmt.Fprintf(&b, "\x1b[38;2;%d;%d;%d;48;2;%d;%d;%dm", x*2, y*6, 255-x, y, x, 128)
			switch x % 10 {
			case 0:
				b.WriteString("é")
			case 5:
				b.WriteString("─")
			default:
				b.WriteByte(byte('a' + x%26))
			}
		}
		b.WriteString("\x1b]8;;\x07\x1b[m\x1b[K\r\n")
	}
	b.WriteString("\x1b[?2026l")
	return []byte(b.String())
}

func BenchmarkFrame(b *testing.B) {
	frame := fullColourFrame()
	w := writeBench(b, TUI, frame)
	if w.Dropped() != 0 {
		b.Fatalf("dropped %d", w.Dropped())
	}
}

func BenchmarkPlainText(b *testing.B) {
	text := []byte(strings.Repeat("The quick brown fox jumps over the lazy dog – Zürich, 東京.\n", 2000))
	writeBench(b, Print, text)
}

// BenchmarkJSONLines is the output of list --json: indented lines of
// ASCII with some accented letters, in chunks of a few hundred KB.
func BenchmarkJSONLines(b *testing.B) {
	var s strings.Builder
	for s.Len() < 256<<10 {
		s.WriteString("  {\n    \"id\": \"1968ff6a59f031e5\",\n    \"title\": \"Alexander Lukashenko arrives in Montréal for talks\",\n    \"tags\": [\n      \"North Korea\"\n    ],\n")
	}
	text := []byte(s.String())
	writeBench(b, Print, text)
}

// writeBench writes data to a Writer of mode over and over, as a
// benchmark's loop, and returns the Writer.
func writeBench(b *testing.B, mode Mode, data []byte) *Writer {
	w := NewWriter(io.Discard, mode)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.Write(data); err != nil {
			b.Fatal(err)
		}
	}
	return w
}
