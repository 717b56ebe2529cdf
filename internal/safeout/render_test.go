package safeout

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// TestLipglossPasses checks that what Lip Gloss renders for gazette comes
// through Print mode byte for byte.
func TestLipglossPasses(t *testing.T) {
	styles := map[string]lipgloss.Style{
		"bold colours": lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#ff8800")).
			Background(lipgloss.Color("#112233")),
		"ansi256 italic": lipgloss.NewStyle().Italic(true).Foreground(lipgloss.Color("212")),
		"curly underline": lipgloss.NewStyle().UnderlineStyle(lipgloss.UnderlineCurly).
			UnderlineColor(lipgloss.Color("#00ff00")),
		"border padding": lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1).Width(30),
		"hyperlink":      lipgloss.NewStyle().Hyperlink("https://example.com/news?id=1").Underline(true),
	}
	for name, st := range styles {
		t.Run(name, func(t *testing.T) {
			in := st.Render("Zürich – headline one\nsecond line")
			var b bytes.Buffer
			w := NewWriter(&b, Print)
			if _, err := io.WriteString(w, in); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != in {
				t.Errorf("changed:\n got %q\nwant %q", got, in)
			}
			if w.Dropped() != 0 {
				t.Errorf("Dropped() = %d", w.Dropped())
			}
		})
	}
}

// TestGlamourPasses checks that Glamour's rendering of an ordinary article
// comes through Print mode unchanged, styling and https links included,
// and that a hostile link loses only its OSC 8 target.
func TestGlamourPasses(t *testing.T) {
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle("dark"), glamour.WithWordWrap(72))
	if err != nil {
		t.Fatal(err)
	}
	md := "# Storm reaches the coast\n\n" +
		"Winds of *120 km/h* hit **Brest** on Monday, says [Météo-France](https://meteofrance.com/vigilance?x=1).\n\n" +
		"- one <https://example.org/autolink>\n- two\n\n" +
		"![radar](https://example.org/radar.png)\n\n" +
		"| City | Gust |\n|---|---|\n| Brest | 120 |\n\n" +
		"```go\nfmt.Println(\"hi\")\n```\n\n> A quote.\n"
	out, err := r.Render(md)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, ";https://meteofrance.com/vigilance?x=1\a") || !strings.Contains(out, "\x1b[38;5;") {
		t.Fatalf("expected SGR and OSC 8 in glamour output: %q", out)
	}
	var b bytes.Buffer
	w := NewWriter(&b, Print)
	_, _ = io.WriteString(w, out)
	_ = w.Flush()
	if got := b.String(); got != out {
		t.Errorf("changed:\n got %q\nwant %q", got, out)
	}
	if w.Dropped() != 0 {
		t.Errorf("Dropped() = %d", w.Dropped())
	}

	hostile, err := r.Render("Click [here](javascript:alert(1)) or [there](file:///etc/passwd).\n")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hostile, "javascript:") {
		t.Skip("glamour no longer emits javascript: links; nothing to filter")
	}
	w = NewWriter(&b, Print)
	b.Reset()
	_, _ = io.WriteString(w, hostile)
	_ = w.Flush()
	got := b.String()
	if ansi.Strip(got) != ansi.Strip(hostile) {
		t.Errorf("text changed:\n got %q\nwant %q", ansi.Strip(got), ansi.Strip(hostile))
	}
	if strings.Contains(got, "\x1b]8;;javascript") || strings.Contains(got, "\x1b]8;;file") {
		t.Errorf("hostile link target kept: %q", got)
	}
	if w.Dropped() == 0 || !strings.Contains(got, "\x1b[") {
		t.Errorf("want links dropped and styling kept, got %d dropped: %q", w.Dropped(), got)
	}
}

// rendererModel exercises every terminal feature the TUI may turn on.
type rendererModel struct{ inline bool }

func (m rendererModel) Init() tea.Cmd { return nil }

func (m rendererModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(tea.WindowSizeMsg); ok {
		quit := tea.Tick(50*time.Millisecond, func(time.Time) tea.Msg { return tea.QuitMsg{} })
		if m.inline {
			return m, tea.Sequence(tea.Println("printed above"), quit)
		}
		return m, quit
	}
	return m, nil
}

func (m rendererModel) View() tea.View {
	title := lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("#ff8800")).Render("Gazette")
	link := lipgloss.NewStyle().Hyperlink("https://example.com/a").Render("a link")
	body := strings.Repeat("Zürich – 東京 ✓ "+link+"\n", 10)
	v := tea.NewView(title + "\n" + body)
	v.AltScreen = !m.inline
	v.MouseMode = tea.MouseModeAllMotion
	v.ReportFocus = true
	v.KeyboardEnhancements.ReportEventTypes = true
	return v
}

// TestBubbleTeaRendererPasses runs a real Bubble Tea v2 program, full
// screen and inline, through a TUI-mode Writer and checks that nothing the
// renderer writes is dropped.
func TestBubbleTeaRendererPasses(t *testing.T) {
	for _, inline := range []bool{false, true} {
		t.Run(map[bool]string{false: "alt screen", true: "inline"}[inline], func(t *testing.T) {
			var b bytes.Buffer
			w := NewWriter(&b, TUI)
			in, inw := io.Pipe()
			defer inw.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			p := tea.NewProgram(rendererModel{inline: inline},
				tea.WithContext(ctx),
				tea.WithInput(in),
				tea.WithOutput(w),
				tea.WithWindowSize(120, 40),
				tea.WithColorProfile(colorprofile.TrueColor),
				tea.WithEnvironment([]string{"TERM=xterm-256color", "COLORTERM=truecolor"}),
				tea.WithoutSignals(),
			)
			if _, err := p.Run(); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			wants := []string{"\x1b[?1003h", "\x1b[?1004h", "\x1b[?2026$p", "Gazette", ";https://example.com/a\a", "\x1b[38;2;255;136;0;1mGazette"}
			if inline {
				wants = append(wants, "printed above")
			} else {
				wants = append(wants, "\x1b[?1049h")
			}
			for _, want := range wants {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q: %q", want, out)
				}
			}
			if w.Dropped() != 0 {
				t.Errorf("renderer output had %d sequences dropped; filtered output: %q", w.Dropped(), out)
			}
		})
	}
}

// TestSmuggledThroughGlamour feeds Glamour text that ingest should have
// cleaned but did not, in prose and in a code block, where Glamour keeps
// escape sequences intact, and checks that the filter stops all of it.
func TestSmuggledThroughGlamour(t *testing.T) {
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle("dark"), glamour.WithWordWrap(72))
	if err != nil {
		t.Fatal(err)
	}
	payload := "\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b]0;pwned\x07\x1b[2J\x1bc\x1b[?1049h\u009b31m\u202egpj.exe\x1bP$qm\x1b\\"
	md := "Prose " + payload + " end.\n\n```\n" + payload + "\n```\n\n`" + payload + "`\n"
	out, err := r.Render(md)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "\x1b]52;") {
		t.Fatalf("glamour no longer passes OSC 52; the test needs a new carrier: %q", out)
	}
	for _, mode := range []Mode{Print, TUI} {
		t.Run(mode.String(), func(t *testing.T) {
			var b bytes.Buffer
			w := NewWriter(&b, mode)
			_, _ = io.WriteString(w, out)
			_ = w.Flush()
			checkOutput(t, b.Bytes(), mode)
			if w.Dropped() == 0 {
				t.Error("nothing dropped")
			}
			if !strings.Contains(ansi.Strip(b.String()), "gpj.exe") || !strings.Contains(b.String(), "\x1b[38;5;") {
				t.Errorf("text or styling lost: %q", b.String())
			}
		})
	}
}
