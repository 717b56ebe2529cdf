package termcheck

import (
	"strings"
	"testing"
)

func TestCheckPasses(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		sgr   int
		links []Link
	}{
		{"plain", "hello\n\tworld ж東🌻\n", 0, nil},
		{"sgr", "\x1b[1;38;5;252mbold\x1b[0m \x1b[38:2::1:2:3mx\x1b[m", 4, nil},
		{"link bel", "\x1b]8;;https://example.org/a\x07https://example.org/a\x1b]8;;\x07 after", 0,
			[]Link{{"https://example.org/a", "https://example.org/a"}}},
		{"link st with id", "\x1b]8;id=1;http://example.org/\x1b\\x\x1b[1my\x1b[0m\x1b]8;;\x1b\\", 2,
			[]Link{{"http://example.org/", "xy"}}},
		{"homoglyphs and zero width are text", "Russi\u0430 Russ\u200bia", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Check([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if rep.SGR != tt.sgr || len(rep.Links) != len(tt.links) {
				t.Fatalf("report %+v", rep)
			}
			for i, l := range tt.links {
				if rep.Links[i] != l {
					t.Errorf("link %d = %+v, want %+v", i, rep.Links[i], l)
				}
			}
		})
	}
}

func TestCheckFails(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"osc 52", "a\x1b]52;c;eA==\x07b", "escape sequence"},
		{"title", "\x1b]0;x\x1b\\", "escape sequence"},
		{"clear", "\x1b[2J", "escape sequence"},
		{"private mode", "\x1b[?1049h", "escape sequence"},
		{"reset", "\x1bc", "escape sequence"},
		{"dcs", "\x1bP$qm\x1b\\", "escape sequence"},
		{"csi report", "\x1b[21t", "escape sequence"},
		{"sgr with private prefix", "\x1b[?1m", "escape sequence"},
		{"javascript link", "\x1b]8;;javascript:alert(1)\x07x\x1b]8;;\x07", "hyperlink"},
		{"file link", "\x1b]8;;file:///etc/passwd\x07x\x1b]8;;\x07", "hyperlink"},
		{"link with user", "\x1b]8;;https://u:p@example.org/\x07x\x1b]8;;\x07", "hyperlink"},
		{"unterminated link", "\x1b]8;;https://example.org/ rest", "escape"},
		{"lone esc", "x\x1b", "escape"},
		{"cr", "fake\roverwrite", "control character"},
		{"bs", "a\bb", "control character"},
		{"bel", "a\x07", "control character"},
		{"nul", "a\x00", "control character"},
		{"del", "a\x7f", "control character"},
		{"c1 csi", "a\u009b2J", "C1"},
		{"c1 osc", "\u009d0;x\u009c", "C1"},
		{"raw 9b", "a\x9b2J", "invalid UTF-8"},
		{"rlo", "gnp\u202eexe", "bidi"},
		{"isolate", "\u2066x\u2069", "bidi"},
		{"arabic mark", "\u061c", "bidi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Check([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check(%q) = %v, want an error about %s", tt.in, err, tt.want)
			}
		})
	}
}

func TestTextLinks(t *testing.T) {
	for _, target := range []string{"http://#.a", "http://@.a", "https://user:pw@bank.example"} {
		out := []byte("\x1b]8;;" + target + "\x07" + target + "\x1b]8;;\x07")
		if _, err := Check(out); err == nil {
			t.Errorf("Check passed a link to %s", target)
		}
		if _, err := (Options{TextLinks: true}).Check(out); err != nil {
			t.Errorf("TextLinks, %s: %v", target, err)
		}
	}
	if _, err := (Options{TextLinks: true}).Check([]byte("\x1b]8;;file:///x\x07x\x1b]8;;\x07")); err == nil {
		t.Error("TextLinks passed a file: link")
	}
}
