package chart

import (
	"fmt"
	"image/color"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestChartScale(t *testing.T) {
	tests := []struct {
		n, top, cells, want int
	}{
		{10, 10, 10, 80},
		{5, 10, 10, 40},
		{1, 10, 10, 8},
		{3, 7, 5, 17},   // 17.14 eighths
		{1, 100, 10, 1}, // 0.8 rounds up to one eighth
		{1, 1000, 10, 1},
		{0, 10, 10, 0},
		{-3, 10, 10, 0},
		{4, 0, 10, 0},
		{4, 4, 0, 0},
		{12, 10, 10, 80}, // never longer than the room
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d/%d in %d", tt.n, tt.top, tt.cells), func(t *testing.T) {
			if got := barEighths(tt.n, tt.top, tt.cells); got != tt.want {
				t.Errorf("scale = %d eighths, want %d", got, tt.want)
			}
		})
	}
}

func TestChartBlocks(t *testing.T) {
	tests := []struct {
		eighths int
		want    string
	}{
		{0, ""},
		{1, "▏"},
		{2, "▎"},
		{3, "▍"},
		{4, "▌"},
		{5, "▋"},
		{6, "▊"},
		{7, "▉"},
		{8, "█"},
		{17, "██▏"},
		{23, "██▉"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.eighths), func(t *testing.T) {
			if got := eighthBlocks(tt.eighths); got != tt.want {
				t.Errorf("eighthBlocks(%d) = %q, want %q", tt.eighths, got, tt.want)
			}
		})
	}
}

// TestChartBarFits checks every bar over a range of counts and widths: it
// fits its cells, grows with the count, and shows any count above zero.
func TestChartBarFits(t *testing.T) {
	for _, noColor := range []bool{true, false} {
		st := ChartStyle{NoColor: noColor}
		for cells := 1; cells <= 30; cells++ {
			prev := 0
			for n := 0; n <= 40; n++ {
				for det := 0; det <= n; det += max(1, n/3) {
					r := ChartRow{Label: "Chad", Count: n, Detected: det, Country: true, Code: "TD"}
					s, w := st.bar(r, 40, cells)
					if got := ansi.StringWidth(s); got != w || w > cells {
						t.Fatalf("count %d (%d detected) in %d cells: %q is %d wide, reported %d", n, det, cells, ansi.Strip(s), got, w)
					}
					if n > 0 && w == 0 {
						t.Fatalf("count %d in %d cells draws nothing", n, cells)
					}
					if det > 0 && !strings.Contains(s, shadeBlock) {
						t.Fatalf("count %d with %d detected in %d cells has no shaded part: %q", n, det, cells, s)
					}
					if det == 0 {
						if e := barEighths(n, 40, cells); e < prev {
							t.Fatalf("count %d in %d cells is shorter than count %d", n, cells, n-1)
						} else {
							prev = e
						}
					}
					padded := ChartBar(r, 40, cells, st)
					if got := ansi.StringWidth(padded); got != cells {
						t.Fatalf("ChartBar(%d, 40, %d) is %d cells wide", n, cells, got)
					}
				}
			}
		}
	}
}

func TestChartBarDetected(t *testing.T) {
	st := ChartStyle{NoColor: true}
	tests := []struct {
		count, detected int
		want            string
	}{
		{8, 0, "████████"},
		{8, 8, "░░░░░░░░"},
		{8, 2, "██████░░"},
		{5, 1, "████░"},
		{3, 1, "██░"},
		{1, 1, "░"},
		{8, 9, "░░░░░░░░"}, // more detected than counted: all of it
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d of %d", tt.detected, tt.count), func(t *testing.T) {
			r := ChartRow{Label: "Peru", Count: tt.count, Detected: tt.detected, Country: true, Code: "PE"}
			if got, _ := st.bar(r, 8, 8); got != tt.want {
				t.Errorf("bar = %q, want %q", got, tt.want)
			}
		})
	}
}

// chartRows mixes widths: ASCII, accents, CJK wide characters and a
// combining mark, countries and other tags, and a zero count.
func chartRows() []ChartRow {
	return []ChartRow{
		{Label: "Russia", Count: 12, Country: true, Code: "RU"},
		{Label: "中国", Count: 9, Country: true, Code: "CN"},
		{Label: "Côte d'Ivoire", Count: 3, Detected: 1, Country: true, Code: "CI"},
		{Label: "Türkiye", Count: 1, Country: true, Code: "TR"},
		{Label: "São Tome\u0301", Count: 0, Country: true, Code: "ST"},
		{Label: "Energy", Count: 5},
		{Label: "日本語のタグ", Count: 2},
	}
}

func TestTagChartMonochrome(t *testing.T) {
	got := TagChart(chartRows(), 40, ChartStyle{NoColor: true})
	want := strings.Join([]string{
		"Russia         12 ██████████████████████",
		"中国            9 ████████████████▌",
		"Côte d'Ivoire   3 ███▋░░",
		"Türkiye         1 █▉",
		"São Tome\u0301        0",
		"",
		"Energy          5 █████████▏",
		"日本語のタグ    2 ███▋",
	}, "\n")
	if got != want {
		t.Errorf("chart:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "\x1b") {
		t.Error("a chart without colour holds an escape sequence")
	}
}

// TestTagChartAligned checks that the counts end in the same column on
// every line, whatever the labels' scripts, at any width.
func TestTagChartAligned(t *testing.T) {
	rows := chartRows()
	for _, width := range []int{0, 20, 25, 30, 40, 80, 200} {
		limit := width
		if width <= 0 {
			limit = DefaultChartWidth
		}
		for _, noColor := range []bool{true, false} {
			out := TagChart(rows, width, ChartStyle{NoColor: noColor})
			col, k := -1, 0
			for _, line := range strings.Split(out, "\n") {
				if line == "" {
					continue
				}
				plain := ansi.Strip(line)
				if w := ansi.StringWidth(line); w > limit {
					t.Errorf("width %d: line %q is %d cells", width, plain, w)
				}
				if strings.HasSuffix(plain, " ") {
					t.Errorf("width %d: line %q ends in a space", width, plain)
				}
				head := plain
				if i := strings.IndexAny(plain, "▏▎▍▌▋▊▉█░"); i >= 0 {
					head = plain[:i]
				}
				head = strings.TrimRight(head, " ")
				if want := fmt.Sprint(rows[k].Count); !strings.HasSuffix(head, want) {
					t.Errorf("width %d: line %q does not show the count %s before its bar", width, plain, want)
				}
				end := ansi.StringWidth(head)
				if col < 0 {
					col = end
				} else if end != col {
					t.Errorf("width %d: count of %q ends at column %d, not %d:\n%s", width, rows[k].Label, end, col, ansi.Strip(out))
				}
				k++
			}
			if k != len(rows) {
				t.Errorf("width %d: %d lines for %d rows", width, k, len(rows))
			}
		}
	}
}

func TestTagChartNarrow(t *testing.T) {
	rows := chartRows()
	for width := 1; width <= 24; width++ {
		out := TagChart(rows, width, ChartStyle{})
		for _, line := range strings.Split(out, "\n") {
			if w := ansi.StringWidth(line); w > width {
				t.Errorf("width %d: line %q is %d cells", width, ansi.Strip(line), w)
			}
		}
	}
	// At 20 cells the labels give way to the bars, down to eight cells.
	got := ansi.Strip(TagChart(rows[:3], 20, ChartStyle{}))
	want := "Russia    12 ███████\n中国       9 █████▎\nCôte d'…   3 █▏░"
	if got != want {
		t.Errorf("narrow chart:\n%s\nwant:\n%s", got, want)
	}
	if TagChart(nil, 80, ChartStyle{}) != "" {
		t.Error("a chart of no rows is not empty")
	}
}

// sgrForeground returns the 24-bit foreground SGR sequence for c.
func sgrForeground(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("38;2;%d;%d;%d", r>>8, g>>8, b>>8)
}

func TestTagChartColours(t *testing.T) {
	rows := chartRows()
	out := TagChart(rows, 60, ChartStyle{})
	lines := strings.Split(out, "\n")
	k := 0
	for _, line := range lines {
		if line == "" {
			continue
		}
		r := rows[k]
		k++
		if r.Count == 0 {
			if strings.Contains(line, "\x1b") {
				t.Errorf("%s has no bar but is painted: %q", r.Label, line)
			}
			continue
		}
		var want string
		if r.Country {
			badge := lipgloss.Color(Palette(PaletteIndex(r.Code, r.Label)).BG)
			if barColor(r) != badge {
				t.Errorf("%s: bar colour %v, badge colour %v", r.Label, barColor(r), badge)
			}
			want = sgrForeground(badge)
		} else {
			want = sgrForeground(barColor(ChartRow{}))
		}
		if !strings.Contains(line, want) {
			t.Errorf("%s: line %q lacks the colour %s", r.Label, line, want)
		}
	}
	// Countries that share a screen most often must not share a colour.
	seen := map[string]string{}
	for _, c := range []ChartRow{{Label: "Russia", Code: "RU"}, {Label: "China", Code: "CN"}, {Label: "United States", Code: "US"}, {Label: "Ukraine", Code: "UA"}} {
		c.Country = true
		s := sgrForeground(barColor(c))
		if other, ok := seen[s]; ok {
			t.Errorf("%s and %s share the bar colour %s", c.Label, other, s)
		}
		seen[s] = c.Label
	}
}

func TestSparkline(t *testing.T) {
	tests := []struct {
		in   []int
		want string
	}{
		{nil, ""},
		{[]int{0, 0}, "  "},
		{[]int{3}, "█"},
		{[]int{0, 1, 2, 3, 4, 5, 6, 7, 8}, " ▁▂▃▄▅▆▇█"},
		{[]int{1, 100}, "▁█"},
		{[]int{-1, 4, 2}, " █▄"},
		{[]int{9, 10}, "██"}, // 9 of 10 rounds up to the top
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.in), func(t *testing.T) {
			if got := Sparkline(tt.in); got != tt.want {
				t.Errorf("Sparkline(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func monthRows() ([]string, []MonthRow) {
	months := []string{"2022-01", "2022-02", "2022-03"}
	return months, []MonthRow{
		{ChartRow{Label: "Russia", Count: 10, Country: true, Code: "RU"}, []int{5, 4, 1}, 0},
		{ChartRow{Label: "中国", Count: 7, Country: true, Code: "CN"}, []int{2, 1, 3}, 1},
		{ChartRow{Label: "Ukraine", Count: 1, Country: true, Code: "UA"}, []int{0, 1, 0}, 0},
	}
}

func TestMonthTable(t *testing.T) {
	months, rows := monthRows()
	got := MonthTable(months, rows, 0, ChartStyle{NoColor: true})
	want := strings.Join([]string{
		"         trend  2022-01  2022-02  2022-03  undated  total",
		"Russia   █▇▂          5        4        1        ·     10",
		"中国     ▆▃█          2        1        3        1      7",
		"Ukraine   █           ·        1        ·        ·      1",
	}, "\n")
	if got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "\x1b") {
		t.Error("a table without colour holds an escape sequence")
	}

	// Narrow: the oldest months go first, the trend keeps them.
	got = MonthTable(months, rows, 48, ChartStyle{NoColor: true})
	want = strings.Join([]string{
		"         trend  2022-02  2022-03  undated  total",
		"Russia   █▇▂          4        1        ·     10",
		"中国     ▆▃█          1        3        1      7",
		"Ukraine   █           1        ·        ·      1",
	}, "\n")
	if got != want {
		t.Errorf("table at 48 cells:\n%s\nwant:\n%s", got, want)
	}
	for _, line := range strings.Split(MonthTable(months, rows, 20, ChartStyle{}), "\n") {
		if w := ansi.StringWidth(line); w > 20 {
			t.Errorf("line %q is %d cells, more than 20", ansi.Strip(line), w)
		}
	}

	// Colour paints each sparkline as the country's badge.
	got = MonthTable(months, rows, 0, ChartStyle{})
	for i, line := range strings.Split(got, "\n")[1:] {
		if want := sgrForeground(barColor(rows[i].ChartRow)); !strings.Contains(line, want) {
			t.Errorf("%s: sparkline lacks its colour %s: %q", rows[i].Label, want, line)
		}
	}
	if MonthTable(months, nil, 80, ChartStyle{}) != "" {
		t.Error("a table of no rows is not empty")
	}
}
