package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/cells"
	"github.com/gazette-news/gazette/internal/chart"
	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/internal/render"
)

func TestStatusText(t *testing.T) {
	tests := []struct {
		name    string
		loading bool
		vis     int
		total   int
		tags    []string
		any     bool
		query   string
		want    string
	}{
		{"all", false, 312, 312, nil, false, "", "312 articles"},
		{"filtered", false, 37, 312, []string{"Russia", "China"}, false, "olympics", `37/312 articles · Russia + China · "olympics"`},
		{"any", false, 40, 312, []string{"Russia", "China"}, true, "", "40/312 articles · Russia or China"},
		{"loading", true, 1234, 1234, nil, false, "", "loading… 1,234"},
		{"loading filtered", true, 3, 1234, []string{"Russia"}, false, "", "loading… 3/1,234 · Russia"},
		{"big", false, 100000, 100000, nil, false, "", "100,000 articles"},
		{"one", false, 1, 1, nil, false, "", "1 article"},
		{"one of many", false, 1, 3, nil, false, "x", `1/3 articles · "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := statusText(tt.loading, tt.vis, tt.total, tt.tags, tt.any, tt.query, false)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if tt.loading && strings.Contains(got, "articles") {
				t.Errorf("%q says articles while loading", got)
			}
		})
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4321: "-4,321"} {
		if got := humanize.Thousands(n); got != want {
			t.Errorf("humanize.Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// Every row of the list is exactly as wide as the terminal, whatever the
// script of its title: CJK, emoji and accents keep the columns aligned.
func TestRowsAlign(t *testing.T) {
	arts := testArticles(t)
	for _, w := range []int{60, 80, 100, 120, 200} {
		d := newDriver(t, w, 24, arts, nil)
		lines := strings.Split(d.m.View().Content, "\n")
		rows := lines[1 : 1+len(arts)]
		lay := layoutFor(w)
		for i, row := range rows {
			if got := ansi.StringWidth(row); got != w {
				t.Errorf("width %d: row %d is %d cells wide: %q", w, i, got, ansi.Strip(row))
			}
			// The source column starts at the same cell on every row.
			if lay.source > 0 {
				start := w - 1 - lay.source
				got := ansi.Cut(ansi.Strip(row), start, start+lay.source)
				if want := cells.Fit(d.m.list.visible[i].a.Source, lay.source); got != want {
					t.Errorf("width %d: row %d has %q in the source column, want %q", w, i, got, want)
				}
			}
		}
	}
}

func TestTruncateByDisplayWidth(t *testing.T) {
	tests := []struct {
		in   string
		w    int
		want string
	}{
		{"東京都知事選", 7, "東京都…"},
		{"Café 🌻 terraces", 8, "Café 🌻…"},
		{"short", 10, "short"},
	}
	for _, tt := range tests {
		got := cells.Truncate(tt.in, tt.w)
		if got != tt.want || ansi.StringWidth(got) > tt.w {
			t.Errorf("cells.Truncate(%q, %d) = %q (%d cells), want %q", tt.in, tt.w, got, ansi.StringWidth(got), tt.want)
		}
		if f := cells.Fit(tt.in, tt.w); ansi.StringWidth(f) != tt.w {
			t.Errorf("cells.Fit(%q, %d) is %d cells", tt.in, tt.w, ansi.StringWidth(f))
		}
	}
}

// Badge colours depend on the country alone: the same every run, and
// different for the countries seen together most.
func TestBadgeColours(t *testing.T) {
	if chart.PaletteIndex("RU", "Russia") != chart.PaletteIndex("ru", "Russia") {
		t.Error("colour depends on the case of the code")
	}
	seen := map[int]string{}
	for _, c := range []string{"RU", "CN", "US", "UA", "IN", "IR", "PK", "JP", "DE", "FR", "GB", "TR", "IL", "TW", "SA", "KP"} {
		i := chart.PaletteIndex(c, "")
		if other, ok := seen[i]; ok {
			t.Errorf("%s and %s share a colour", c, other)
		}
		seen[i] = c
	}
	if i := chart.PaletteIndex("", "Atlantis"); i < 0 || i >= chart.PaletteSize {
		t.Errorf("colour %d out of the palette", i)
	}
	st := newStyles(true, false)
	ru := st.badges[chart.PaletteIndex("RU", "")].Render(" RU ")
	cn := st.badges[chart.PaletteIndex("CN", "")].Render(" CN ")
	if ansi.Strip(ru) == ru || ru[:strings.Index(ru, "RU")] == cn[:strings.Index(cn, "CN")] {
		t.Errorf("badges not coloured apart: %q %q", ru, cn)
	}
}

// Detected countries never pass for declared tags.
func TestDetectedBadge(t *testing.T) {
	arts := testArticles(t)
	a := *arts[0]
	a.Tags = a.Tags[:1]
	a.Mentions = []feed.Mention{{Name: "Korea, Republic of", Code: "KR", Score: 1}}
	d := newDriver(t, 120, 24, []*feed.Article{&a}, nil)
	row := ansi.Strip(strings.Split(d.m.View().Content, "\n")[1])
	if !strings.Contains(row, "~KR") && !strings.Contains(row, "~Korea") {
		t.Errorf("detected country not marked with ~: %q", row)
	}
}

func TestNoColor(t *testing.T) {
	arts := testArticles(t)
	for _, env := range []map[string]string{{"NO_COLOR": "1", "TERM": "xterm"}, {"TERM": "dumb"}} {
		opt := Options{Getenv: testEnv(env)}
		m := newModel(context.Background(), opt)
		next, _ := m.Update(tea.WindowSizeMsg{Width: 100, Height: 20})
		next, _ = next.(model).Update(loadBatchMsg{arts: arts, done: true})
		m = next.(model)
		out := m.View().Content
		if regexp.MustCompile(`\x1b\[[0-9;]*(38|48);`).MatchString(out) {
			t.Errorf("%v: colour in the output", env)
		}
		if !strings.Contains(out, "[RU]") {
			t.Errorf("%v: badges lost their brackets:\n%s", env, ansi.Strip(out))
		}
		want := "notty"
		if env["TERM"] == "dumb" {
			want = "ascii"
		}
		if got := m.glamourStyle(); got != want {
			t.Errorf("%v: style %q, want %q", env, got, want)
		}
	}
}

func TestStyleChoice(t *testing.T) {
	tests := []struct {
		name  string
		opt   string
		env   map[string]string
		light bool
		want  string
	}{
		{"dark background", "", nil, false, "dark"},
		{"light background", "", nil, true, "light"},
		{"env", "", map[string]string{"GLAMOUR_STYLE": "dracula"}, true, "dracula"},
		{"flag beats env", "pink", map[string]string{"GLAMOUR_STYLE": "dracula"}, false, "pink"},
		{"auto", "auto", nil, true, "light"},
		{"flag beats no colour", "dark", map[string]string{"NO_COLOR": "1"}, false, "dark"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"TERM": "xterm-256color"}
			for k, v := range tt.env {
				env[k] = v
			}
			m := newModel(context.Background(), Options{Style: tt.opt, Getenv: testEnv(env)})
			if tt.light {
				next, _ := m.Update(tea.BackgroundColorMsg{Color: lipgloss.Color("#ffffff")})
				m = next.(model)
			}
			if got := m.glamourStyle(); got != tt.want {
				t.Errorf("style %q, want %q", got, tt.want)
			}
		})
	}
	if err := render.CheckStyle("no-such-style"); err == nil {
		t.Error("CheckStyle accepted an unknown style")
	}
	if err := render.CheckStyle("light"); err != nil {
		t.Errorf("render.CheckStyle(light): %v", err)
	}
}

// The cursor stays on its article while newer articles stream in above it.
func TestCursorKeepsArticleWhileLoading(t *testing.T) {
	arts := testArticles(t)
	old, newer := arts[len(arts)/2:], arts[:len(arts)/2]
	d := newDriver(t, 80, 24, nil, nil)
	d.m.list.loading = true
	d.send(loadBatchMsg{arts: old})
	if st := statusLine(d.screen()); !strings.Contains(st, "loading… 5") || strings.Contains(st, "articles") {
		t.Errorf("status while loading: %q", st)
	}
	d.keys("j")
	sel := d.m.list.visible[d.m.list.scroll.cursor].a
	d.send(loadBatchMsg{arts: newer, done: true})
	if got := d.m.list.visible[d.m.list.scroll.cursor].a; got != sel {
		t.Errorf("cursor moved from %q to %q", sel.Title, got.Title)
	}
	if st := statusLine(d.screen()); st != " "+humanize.Thousands(len(arts))+" articles" {
		t.Errorf("status after loading: %q", st)
	}
}

// A filter set while loading also applies to articles that arrive later.
func TestFilterWhileLoading(t *testing.T) {
	arts := testArticles(t)
	d := newDriver(t, 80, 24, nil, nil)
	d.m.list.loading = true
	d.send(loadBatchMsg{arts: arts[:3]})
	d.keys("/")
	d.typeText("tag:china")
	d.keys("enter")
	d.send(loadBatchMsg{arts: arts[3:], done: true})
	want := 0
	for _, a := range arts {
		if a.HasTag("China", false) {
			want++
		}
	}
	if len(d.m.list.visible) != want {
		t.Fatalf("%d visible, want %d", len(d.m.list.visible), want)
	}
	for _, e := range d.m.list.visible {
		if !e.a.HasTag("China", false) {
			t.Errorf("%q has no China tag", e.a.Title)
		}
	}
}

// A query that does not parse keeps the last good list and says why.
func TestQueryError(t *testing.T) {
	d := newDriver(t, 100, 24, testArticles(t), nil)
	d.keys("/")
	d.typeText("tag:china ")
	n := len(d.m.list.visible)
	d.send(tea.PasteMsg{Content: "nosuch:x"})
	if len(d.m.list.visible) != n || d.m.list.fltErr == "" {
		t.Errorf("visible %d (want %d), error %q", len(d.m.list.visible), n, d.m.list.fltErr)
	}
	if !strings.Contains(d.screen(), "nosuch") {
		t.Errorf("error not shown:\n%s", d.screen())
	}
	d.keys("esc")
	if d.m.list.flt.active() || len(d.m.list.visible) != len(d.m.list.all) {
		t.Errorf("esc did not clear the filter: %d of %d", len(d.m.list.visible), len(d.m.list.all))
	}
}

func TestPickerAnyMode(t *testing.T) {
	arts := testArticles(t)
	d := newDriver(t, 100, 30, arts, nil)
	d.keys("t", "r", "space")
	d.keys("t") // "t" jumps to the next tag starting with t: Taiwan
	if got := d.m.picker.items[d.m.picker.scroll.cursor].info.name; got != "Taiwan" {
		t.Fatalf("cursor on %q, want Taiwan", got)
	}
	d.keys("space", "a", "enter")
	want := 0
	for _, a := range arts {
		if a.HasTag("Russia", false) || a.HasTag("Taiwan", false) {
			want++
		}
	}
	if len(d.m.list.visible) != want {
		t.Errorf("%d visible, want %d", len(d.m.list.visible), want)
	}
	if !strings.Contains(d.screen(), "Russia or Taiwan") {
		t.Errorf("status does not show the mode:\n%s", d.screen())
	}
	// esc on the list clears the tags.
	d.keys("esc")
	if len(d.m.list.visible) != len(arts) {
		t.Errorf("esc left %d of %d", len(d.m.list.visible), len(arts))
	}
}

// n and p walk the filtered list; back returns to the list at the article
// last read, with the filter kept.
func TestReaderNextPrevBack(t *testing.T) {
	d := newDriver(t, 100, 30, testArticles(t), nil)
	d.keys("/")
	d.typeText("tag:russia")
	d.keys("enter", "enter")
	first := d.m.reader.e
	d.keys("n", "n")
	if d.m.reader.idx != 2 || d.m.reader.e == first {
		t.Fatalf("after n n: row %d", d.m.reader.idx)
	}
	if !d.m.reader.e.a.HasTag("Russia", false) {
		t.Errorf("n left the filtered list: %q", d.m.reader.e.a.Title)
	}
	d.keys("p", "q")
	if !d.at(screenList, overlayNone) || d.m.list.scroll.cursor != 1 {
		t.Errorf("back: at %s, cursor %d", d.where(), d.m.list.scroll.cursor)
	}
	if d.m.list.flt.text != "tag:russia" {
		t.Errorf("filter lost: %q", d.m.list.flt.text)
	}
}

// Resizing reflows the article to the new width, from the cache when it
// has been rendered at that width before.
func TestReaderResize(t *testing.T) {
	d := newDriver(t, 120, 30, testArticles(t), nil)
	d.keys("enter")
	for _, w := range []int{60, 120, 60} {
		d.send(tea.WindowSizeMsg{Width: w, Height: 30})
		for i, l := range strings.Split(d.m.View().Content, "\n") {
			if lw := ansi.StringWidth(l); lw > w {
				t.Fatalf("width %d: line %d is %d wide: %q", w, i, lw, ansi.Strip(l))
			}
		}
		if d.m.reader.shown.width != readerWidth(w) {
			t.Errorf("width %d: shown at %d", w, d.m.reader.shown.width)
		}
	}
	n := 0
	for k := range d.m.reader.cache.items {
		if k.id == d.m.reader.e.a.ID {
			n++
		}
	}
	if n != 2 {
		t.Errorf("cache holds %d renderings of the article, want 2", n)
	}
}

// Opening an article renders the next one ahead, so n finds it cached.
func TestPrefetchNext(t *testing.T) {
	d := newDriver(t, 100, 30, testArticles(t), nil)
	d.keys("enter")
	next := d.m.list.visible[1].a.ID
	k := renderKey{id: next, width: readerWidth(100), style: d.m.glamourStyle()}
	if _, ok := d.m.reader.cache.peek(k); !ok {
		t.Fatal("the next article was not rendered ahead")
	}
	if len(d.m.reader.rendering) != 0 {
		t.Errorf("renderings still marked under way: %v", d.m.reader.rendering)
	}
}

// An article that came without its body gets it before it is shown, and
// its footnotes and links come from the full article.
func TestBodyLoadedOnOpen(t *testing.T) {
	full := reference(t)
	bare := *full
	bare.Body, bare.Refs, bare.Images = nil, nil, nil
	d := newDriver(t, 100, 30, []*feed.Article{&bare}, nil)
	calls := 0
	d.m.opt.Body = func(_ context.Context, a *feed.Article) (*feed.Article, error) {
		calls++
		if a.ID != full.ID {
			t.Errorf("asked for the body of %q", a.Title)
		}
		return full, nil
	}
	d.keys("enter", "G")
	if calls != 1 {
		t.Errorf("body loaded %d times", calls)
	}
	if s := d.screen(); !strings.Contains(s, "[2]: https://storage.googleapis.com/ (image)") {
		t.Errorf("footnotes missing:\n%s", s)
	}
	d.keys("l")
	if !d.at(screenReader, overlayLinks) {
		t.Errorf("no links from the full article: at %s", d.where())
	}
}

// A local file's article is listed without its footnotes, which come
// with its body: the list keeps none, the reader shows and opens them
// once the article is rendered, and says they are coming before.
func TestFootnotesComeWithTheBody(t *testing.T) {
	full := reference(t)
	full.File = feed.FileStamp{Size: 2048, ModTime: 1}
	bare := *full
	bare.Body = nil
	remote := *full
	remote.ID, remote.Key, remote.Title, remote.File = "remote", "remote", "A feed's item", feed.FileStamp{}
	d := newDriver(t, 100, 30, []*feed.Article{&bare, &remote}, nil)
	d.m.opt.Body = func(_ context.Context, a *feed.Article) (*feed.Article, error) {
		if a.ID == full.ID {
			return full, nil
		}
		return a, nil
	}
	for _, e := range d.m.list.all {
		file := e.a.ID == full.ID
		if e.refsLater != file || (e.a.Refs == nil) != file || (e.a.Images == nil) != file {
			t.Errorf("%s: refsLater %v, %d refs, %d images kept", e.a.Title, e.refsLater, len(e.a.Refs), len(e.a.Images))
		}
	}
	i := slices.IndexFunc(d.m.list.visible, func(e *entry) bool { return e.a.ID == full.ID })
	next, cmd := d.m.open(i)
	d.m = next
	d.run(cmd)
	if !d.at(screenReader, overlayNone) || d.m.reader.refsPending() {
		t.Fatalf("at %s, footnotes pending %v", d.where(), d.m.reader.refsPending())
	}
	d.keys("l")
	if !d.at(screenReader, overlayLinks) || len(d.m.links.items) != len(linkItems(full)) || len(full.Refs) == 0 {
		t.Fatalf("links of the rendered article: at %s, %d items", d.where(), len(d.m.links.items))
	}
	d.keys("esc")

	// Before its rendering comes, the keys for footnotes say so.
	d.m.reader.full = nil
	for _, k := range [][]string{{"l"}, {"2", "o"}} {
		d.keys(k...)
		if !d.at(screenReader, overlayNone) || !strings.Contains(d.screen(), refsPendingNotice) {
			t.Errorf("%v before the rendering: at %s\n%s", k, d.where(), d.screen())
		}
	}
}

func TestRenderCacheEvicts(t *testing.T) {
	c := newRenderCache(2)
	a, b, x := renderKey{id: "a"}, renderKey{id: "b"}, renderKey{id: "x"}
	c.put(a, rendered{Result: render.Result{Lines: []string{"a"}}})
	c.put(b, rendered{Result: render.Result{Lines: []string{"b"}}})
	c.get(a)
	c.put(x, rendered{Result: render.Result{Lines: []string{"x"}}})
	if _, ok := c.get(b); ok {
		t.Error("least recently used entry kept")
	}
	if _, ok := c.get(a); !ok {
		t.Error("recently used entry evicted")
	}
}

func TestPanicInCommand(t *testing.T) {
	msg := safeCmd(func() tea.Msg { panic("boom") })()
	fail, ok := msg.(cmdFailedMsg)
	if !ok || !strings.Contains(fail.err.Error(), "boom") {
		t.Fatalf("got %#v", msg)
	}
	d := newDriver(t, 80, 24, testArticles(t), nil)
	d.send(fail)
	if !strings.Contains(d.screen(), "boom") || len(d.m.errs) != 1 {
		t.Errorf("the failure is not shown:\n%s", d.screen())
	}
}

func TestCheckURL(t *testing.T) {
	for _, u := range []string{"javascript:alert(1)", "file:///etc/passwd", "-https://x.org", " JaVaScRiPt:x", "data:text/html,x", "https://"} {
		if got, err := checkURL(u); err == nil {
			t.Errorf("checkURL(%q) = %q, want refusal", u, got)
		}
	}
	if got, err := checkURL("https://example.org/a b"); err == nil {
		t.Errorf("URL with a space passed: %q", got)
	}
	if got, err := checkURL("https://example.org/x?a=1"); err != nil || got != "https://example.org/x?a=1" {
		t.Errorf("good URL: %q, %v", got, err)
	}
}

func TestOpenerCommand(t *testing.T) {
	tests := []struct {
		opener, browser string
		want            string
	}{
		{"firefox --new-tab", "chromium", "firefox --new-tab"},
		{"", "w3m:lynx", "w3m"},
		{"", "", "xdg-open"},
	}
	for _, tt := range tests {
		if got := strings.Join(openerCommand(tt.opener, tt.browser), " "); got != tt.want && !(tt.want == "xdg-open" && got == "open") {
			t.Errorf("openerCommand(%q, %q) = %q, want %q", tt.opener, tt.browser, got, tt.want)
		}
	}
}

// writeOpener writes a fake browser that records its arguments, one per
// line, in dir/args.
func writeOpener(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "opener")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + filepath.Join(dir, "args") + "\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// Links open with exec, one argument, no shell: a link or title holding
// shell syntax runs nothing. Footnote N opens with N then o.
func TestOpenFootnoteWithoutShell(t *testing.T) {
	dir := t.TempDir()
	opener := writeOpener(t, dir)
	pwned := filepath.Join(dir, "pwned")
	evil := "https://example.org/$(touch%20" + pwned + ")`touch%20" + pwned + "`;touch%20" + pwned + "'\""
	a := &feed.Article{
		ID: "e", Title: "$(touch " + pwned + ") `touch " + pwned + "`; '\"",
		Date: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), Link: evil,
		Refs: []feed.Ref{{N: 1, URL: "https://example.org/one", Kind: feed.RefImage}, {N: 2, URL: evil, Kind: feed.RefLink}},
		Body: []feed.Block{{Kind: feed.Paragraph, Text: "Text [2]"}},
	}
	d := newDriver(t, 100, 24, []*feed.Article{a}, nil)
	d.m.opt.Opener = opener
	d.keys("enter", "2", "o")
	args, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		t.Fatalf("opener not run: %v\n%s", err, d.screen())
	}
	want, _ := checkURL(evil)
	if got := strings.TrimSuffix(string(args), "\n"); got != want {
		t.Errorf("opener got %q, want the one argument %q", got, want)
	}
	d.keys("o")
	if _, err := os.Stat(pwned); err == nil {
		t.Fatal("a shell ran feed data")
	}
	d.keys("9", "o")
	if !strings.Contains(d.screen(), "no footnote 9") {
		t.Errorf("missing footnote not reported:\n%s", d.screen())
	}
}

// Without a browser the URL is shown, whole, to be copied.
func TestNoOpenerShowsURL(t *testing.T) {
	d := newDriver(t, 80, 24, testArticles(t), nil)
	d.keys("G", "enter", "1", "o")
	url := d.m.reader.e.a.Refs[0].URL
	if !d.at(screenReader, overlayPanel) || d.m.panel.kind != panelURL {
		t.Fatalf("at %s, panel %s", d.where(), d.m.panel.kind)
	}
	if !strings.Contains(d.screen(), url) {
		t.Errorf("URL %q not on screen:\n%s", url, d.screen())
	}
	if d.m.View().MouseMode != tea.MouseModeNone {
		t.Error("mouse still captured: the URL cannot be selected")
	}
}

// statusLine returns the status line of a list screen: the line above the
// help bar.
func statusLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	return lines[len(lines)-2]
}

// A country only detected in the text is no tag to pick, unless the
// filter counts detected countries; then it is, and it filters.
func TestPickerDetected(t *testing.T) {
	// The list takes the articles it is given: each driver has its own.
	articles := func() []*feed.Article {
		arts := testArticles(t)
		a := *arts[0]
		a.Mentions = []feed.Mention{{Name: "Mongolia", Code: "MN", Score: 1}}
		arts[0] = &a
		return arts
	}
	arts := articles()
	a := *arts[0]
	names := func(p pickerModel) string {
		var s []string
		for _, it := range p.items {
			s = append(s, it.info.name)
		}
		return strings.Join(s, ",")
	}
	d := newDriver(t, 100, 30, articles(), nil)
	d.keys("t")
	if strings.Contains(names(d.m.picker), "Mongolia") {
		t.Errorf("a detected country is offered: %s", names(d.m.picker))
	}
	d = newDriver(t, 100, 30, nil, nil)
	d.m.opt.Detected, d.m.list.flt.detected = true, true
	d.send(loadBatchMsg{arts: arts, done: true})
	d.keys("t", "m")
	if got := d.m.picker.items[d.m.picker.scroll.cursor].info.name; got != "Mongolia" {
		t.Fatalf("cursor on %q, want Mongolia among %s", got, names(d.m.picker))
	}
	d.keys("space", "enter")
	if len(d.m.list.visible) != 1 || d.m.list.visible[0].a.ID != a.ID {
		t.Errorf("%d visible for the detected Mongolia", len(d.m.list.visible))
	}
}

// Where the source declared no country, the detected ones stand in for
// tags, as they do for `gazette list --tag`: the picker offers them and
// they filter.
func TestPickerDetectionFillsIn(t *testing.T) {
	arts := testArticles(t)
	a := feed.Article{ID: "ffff000000000001", Title: "Herders move south early", Tags: []feed.Tag{{Name: "Climate"}},
		Mentions: []feed.Mention{{Name: "Mongolia", Code: "MN", Score: 3}}}
	if !a.HasTag("Mongolia", false) {
		t.Fatal("feed.HasTag does not fill in: the test premise is wrong")
	}
	arts = append(arts, &a)
	d := newDriver(t, 100, 30, arts, nil)
	d.keys("t", "m")
	if got := d.m.picker.items[d.m.picker.scroll.cursor].info.name; got != "Mongolia" {
		t.Fatalf("cursor on %q, want the detected Mongolia offered", got)
	}
	d.keys("space", "enter")
	if len(d.m.list.visible) != 1 || d.m.list.visible[0].a.ID != a.ID {
		t.Errorf("%d visible for Mongolia, want the one article that mentions it", len(d.m.list.visible))
	}
}

// f fetches the web page of a summary and shows it in place, through the
// FullPage function; a failure is a notice, and the summary stays.
func TestFetchFullPage(t *testing.T) {
	summary := &feed.Article{ID: "aaaa000000000001", Title: "Summit ends", Link: "https://news.example/summit",
		Partial: true, Body: []feed.Block{{Kind: feed.Paragraph, Text: "Only the summary."}}}
	full := *summary
	full.Partial = false
	full.Body = []feed.Block{{Kind: feed.Paragraph, Text: "The whole story, fetched from the page."}}

	d := newDriver(t, 100, 30, []*feed.Article{summary}, nil)
	d.keys("enter", "f")
	if !strings.Contains(d.screen(), "Full pages cannot be fetched here") {
		t.Errorf("no notice without a FullPage function:\n%s", d.screen())
	}

	d = newDriver(t, 100, 30, []*feed.Article{summary}, nil)
	var asked []string
	fail := true
	d.m.opt.FullPage = func(_ context.Context, a *feed.Article) (*feed.Article, error) {
		asked = append(asked, a.Link)
		if fail {
			return nil, errors.New("HTTP 503 \"Busy\x1b]0;x\x07\"")
		}
		return &full, nil
	}
	d.keys("enter", "f")
	s := d.screen()
	if !strings.Contains(s, "Could not fetch the full page: HTTP 503") || !strings.Contains(s, "Only the summary.") {
		t.Errorf("failure not shown, or the summary lost:\n%s", s)
	}
	if strings.Contains(d.m.notice, "\x1b") {
		t.Errorf("notice holds an escape: %q", d.m.notice)
	}
	fail = false
	d.keys("f")
	s = d.screen()
	if !strings.Contains(s, "The whole story, fetched from the page.") || strings.Contains(s, "Only the summary.") {
		t.Errorf("full page not shown:\n%s", s)
	}
	d.keys("f")
	if len(asked) != 2 || !strings.Contains(d.m.notice, "full page already") {
		t.Errorf("fetched %d times (%v), notice %q", len(asked), asked, d.m.notice)
	}
	// Back and in again: the full page stays.
	d.keys("esc", "enter")
	if !strings.Contains(d.screen(), "The whole story") {
		t.Errorf("full page lost after going back:\n%s", d.screen())
	}
}

// TestNoFrameBeforeTheSize checks that the reader draws nothing until it
// knows the terminal's size, articles loaded or not, or has waited for it
// long enough; that a size too small for the list says so, and one large
// enough shows the articles.
func TestNoFrameBeforeTheSize(t *testing.T) {
	d := newSizelessDriver(t)
	if got := d.m.View().Content; got != "" {
		t.Fatalf("before the size, the view is %q, want nothing", got)
	}
	arts := testArticles(t)
	d.send(loadBatchMsg{arts: arts, done: true})
	if got := d.m.View().Content; got != "" {
		t.Fatalf("loaded, before the size, the view is %q, want nothing", got)
	}
	d.send(tea.WindowSizeMsg{Width: 10, Height: 3})
	if got := d.screen(); !strings.Contains(got, "too small") {
		t.Fatalf("at 10x3 the screen is %q, want it to say it is too small", got)
	}
	d.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	if want, got := fmt.Sprintf("%d articles", len(arts)), d.screen(); !strings.Contains(got, want) {
		t.Fatalf("at 100x30 the screen does not say %q:\n%s", want, got)
	}

	// A terminal that never tells its size gets a frame of the size
	// assumed once the wait is over.
	d = newSizelessDriver(t)
	d.send(loadBatchMsg{arts: arts, done: true})
	d.send(sizeWaitMsg{})
	if want, got := fmt.Sprintf("%d articles", len(arts)), d.screen(); !strings.Contains(got, want) {
		t.Fatalf("after the wait for the size, the screen does not say %q:\n%s", want, got)
	}
}
