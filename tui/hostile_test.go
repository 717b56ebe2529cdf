package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/render"
	"github.com/gazette-news/gazette/internal/safeout"
	"github.com/gazette-news/gazette/internal/termcheck"
)

// renderLimit is how long RenderArticle may take on the worst articles
// before the test calls it frozen. RenderArticle gives up on Glamour after
// its own deadline (2 s) and falls back to plain text, so only a renderer
// that cannot be given up on misses this.
const renderLimit = 60 * time.Second

// renderWithin renders a with RenderArticle and fails the test if it has
// not returned within renderLimit.
func renderWithin(t *testing.T, a *feed.Article, opt render.Options) string {
	t.Helper()
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		out, err := render.Article(context.Background(), a, opt)
		done <- result{out, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("RenderArticle: %v", r.err)
		}
		t.Logf("rendered %d bytes in %s", len(r.out), time.Since(start).Round(time.Millisecond))
		return r.out
	case <-time.After(renderLimit):
		t.Fatalf("RenderArticle did not return within %s", renderLimit)
		return ""
	}
}

// paragraphs returns an article body of about size bytes.
func paragraphs(size int) []feed.Block {
	para := strings.Repeat("Paragraph text that goes on and on. ", 30)
	var body []feed.Block
	for n := 0; n < size; n += len(para) {
		body = append(body, feed.Block{Kind: feed.Paragraph, Text: para})
	}
	return body
}

// TestRenderLimits renders the articles that freeze a naive Glamour
// reader: 100 nested quotes (as text, as quote blocks, and as a Markdown
// file's real nesting), a 100 KB word, 16k '[', and a 5 MB article. Each
// must come back, as styled or as plain text with a notice, and hold only
// what a terminal may be sent.
func TestRenderLimits(t *testing.T) {
	nestedMD, err := feed.ParseMarkdown(feed.Doc{Location: "nested.md",
		Data: []byte("# Nested\n\n" + strings.Repeat("> ", 100) + "deep\n\n" + strings.Repeat(">", 100) + " tight\n")})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		a    *feed.Article
	}{
		{"quotes as text", &feed.Article{Title: strings.Repeat("> ", 100), Body: []feed.Block{
			{Kind: feed.Paragraph, Text: strings.Repeat("> ", 100) + "deep"},
			{Kind: feed.Paragraph, Text: strings.Repeat(">", 100) + " tight"},
			{Kind: feed.ListItem, Level: 100, Text: strings.Repeat("> - ", 100)},
		}}},
		{"quote blocks", &feed.Article{Title: "Quotes", Body: []feed.Block{
			{Kind: feed.Quote, Text: strings.Repeat("> ", 100) + "deep"},
			{Kind: feed.Quote, Text: strings.Repeat("> ", 100) + "\n" + strings.Repeat("> ", 100)},
		}}},
		{"quotes from markdown", nestedMD},
		{"100 KB word", &feed.Article{Title: "Word", Body: []feed.Block{
			{Kind: feed.Paragraph, Text: strings.Repeat("w", 100<<10)},
			{Kind: feed.Quote, Text: strings.Repeat("q", 100<<10)},
			{Kind: feed.Code, Text: strings.Repeat("c", 100<<10)},
		}}},
		{"16k brackets", &feed.Article{Title: strings.Repeat("[", 300), Body: []feed.Block{
			{Kind: feed.Paragraph, Text: strings.Repeat("[", 16<<10)},
			{Kind: feed.Paragraph, Text: strings.Repeat("![", 8<<10)},
			{Kind: feed.Paragraph, Text: strings.Repeat("[a](", 4<<10)},
			{Kind: feed.Heading, Level: 2, Text: strings.Repeat("*_`~<", 3<<10)},
		}}},
		{"5 MB article", &feed.Article{Title: "Huge", Body: paragraphs(5 << 20)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.a.Body) > 1000 && os.Getenv("GAZETTE_HEAVY") == "" {
				t.Skip("the 5 MB article renders for seconds; GAZETTE_HEAVY=1 (set by .ci/run) renders it")
			}
			tt.a.ID = "limits"
			opts := []render.Options{{Width: 80, Style: "dark"}, {Width: 20, Style: "notty", BodyOnly: true}}
			if len(tt.a.Body) > 1000 {
				opts = opts[:1] // the 5 MB article costs seconds per rendering
			}
			for _, opt := range opts {
				out := renderWithin(t, tt.a, opt)
				if _, err := termcheck.Check([]byte(out)); err != nil {
					t.Errorf("%s: %v", opt.Style, err)
				}
				if strings.HasPrefix(out, "(shown as plain text") {
					t.Logf("%s: fell back to plain text: %s", opt.Style, out[:strings.IndexByte(out, ')')+1])
				}
				if strings.TrimSpace(out) == "" {
					t.Errorf("%s: nothing rendered", opt.Style)
				}
			}
		})
	}
}

// fuzzFormats are the file endings FuzzRender parses its input as.
var fuzzFormats = []string{".txt", ".md", ".rss", ".atom", ".json", ".html"}

// FuzzRender drives any input through the whole path to the terminal:
// parse (as any format) → Article → Markdown → Glamour → output filter.
// The rendering of an ingested article must already hold nothing but
// text, SGR and http(s) hyperlinks; the filtered output must too even when
// the article's fields were never sanitized.
func FuzzRender(f *testing.F) {
	for _, dir := range []string{"../testdata/hostile", "../testdata/sample"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			if len(data) > 64<<10 {
				continue // seeds are kept small; the big cases have tests of their own
			}
			for i, ext := range fuzzFormats {
				if strings.HasSuffix(e.Name(), ext) {
					f.Add(data, uint8(i), uint8(60), false)
				}
			}
		}
	}
	f.Add([]byte("\x1b]8;;javascript:x\x07a\x1b]8;;\x07 \u009b2J \u202e"), uint8(0), uint8(0), true)
	f.Fuzz(func(t *testing.T, data []byte, format, width uint8, raw bool) {
		opt := render.Options{Width: render.MinWidth + int(width)%100, Style: "dark", Deadline: 10 * time.Second}
		var arts []*feed.Article
		if raw {
			// Fields as no parser would leave them: the output filter alone
			// must stop what they hold.
			s := string(data)
			arts = []*feed.Article{{ID: "raw", Title: s, Source: s, DateText: s, Link: s,
				Tags:     []feed.Tag{{Name: s}},
				Refs:     []feed.Ref{{N: 1, URL: s, Kind: feed.RefLink}},
				Body:     []feed.Block{{Kind: feed.Paragraph, Text: s}, {Kind: feed.Code, Text: s}, {Kind: feed.Quote, Text: s}, {Kind: feed.Image, Ref: 1}},
				Mentions: []feed.Mention{{Name: s}}}}
		} else {
			ext := fuzzFormats[int(format)%len(fuzzFormats)]
			arts, _ = feed.ParseDoc(feed.Doc{Location: "fuzz" + ext, Data: data})
		}
		if len(arts) > 3 {
			arts = arts[:3]
		}
		for _, a := range arts {
			out, err := render.Article(context.Background(), a, opt)
			if err != nil {
				t.Fatalf("RenderArticle: %v", err)
			}
			if !raw {
				// Glamour links text that looks like a URL, even "http://#x",
				// which names no host, or "http://@.a", with user
				// information: the filter drops both, as checked below.
				if _, err := (termcheck.Options{TextLinks: true}).Check([]byte(out)); err != nil {
					t.Fatalf("rendering of an ingested article: %v\narticle: %+v", err, a)
				}
			}
			filtered := safeout.String(out, safeout.Print)
			if _, err := termcheck.Check([]byte(filtered)); err != nil {
				t.Fatalf("filtered rendering: %v\nin: %q", err, filtered)
			}
		}
	})
}

// recorder writes a stand-in browser that records how many arguments it
// got, then each on its own line, in dir/args.
func recorder(t *testing.T, dir string) (path, args string) {
	t.Helper()
	path = filepath.Join(dir, "browser")
	args = filepath.Join(dir, "args")
	script := "#!/bin/sh\n{ printf '%s\\n' \"$#\"; for a in \"$@\"; do printf '%s\\n' \"$a\"; done; } > '" + args + "'\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, args
}

// shellBait returns URL paths that run `touch pwned` if a shell ever sees
// them. They survive URL re-serialisation ($, ;, ( ) and & stay as they
// are) and need no space: $IFS splits the words.
func shellBait(pwned string) []string {
	return []string{
		"$(touch$IFS" + pwned + ")",
		";touch$IFS" + pwned + ";",
		"&touch$IFS" + pwned + "&",
		"`touch$IFS" + pwned + "`",
		"'$(touch$IFS" + pwned + ")'",
		"\"$(touch$IFS" + pwned + ")\"",
		"|touch$IFS" + pwned,
	}
}

// TestOpenHostileURLs opens URLs built to run a command in a shell. The
// stand-in browser must get each as exactly one argument, equal to the
// checked URL, and no command may run. URLs that are not http(s), or that
// could pass for an option, are refused before any program starts.
func TestOpenHostileURLs(t *testing.T) {
	dir := t.TempDir()
	browser, args := recorder(t, dir)
	pwned := filepath.Join(dir, "PWNED")
	for _, bait := range shellBait(pwned) {
		for _, raw := range []string{"https://example.org/" + bait, "https://example.org/x?q=" + bait, "http://example.org/#" + bait} {
			t.Run(raw, func(t *testing.T) {
				os.Remove(args)
				want, err := checkURL(raw)
				if err != nil {
					t.Skipf("refused at the check, so never opened: %v", err)
				}
				msg := openURL(raw, lookupOpener(browser, ""))().(openedMsg)
				if msg.err != nil || msg.refused {
					t.Fatalf("open: %+v", msg)
				}
				got, err := os.ReadFile(args)
				if err != nil {
					t.Fatalf("the browser did not run: %v", err)
				}
				if string(got) != "1\n"+want+"\n" {
					t.Errorf("browser got %q, want the one argument %q", got, want)
				}
				if _, err := os.Stat(pwned); err == nil {
					t.Fatal("a shell ran the URL")
				}
			})
		}
	}
	refused := []string{
		"-https://example.org/", "--help", "-", "-oProxyCommand=touch$IFS" + pwned,
		"javascript:alert(1)", " JaVaScRiPt\t:alert(1)", "file:///etc/passwd", "data:text/html,x",
		"ftp://example.org/", "mailto:a@example.org", "//example.org/x", "https://", "https:///x",
		"vbscript:x", "https://example.org/a b", "",
	}
	for _, raw := range refused {
		t.Run(fmt.Sprintf("refuse %q", raw), func(t *testing.T) {
			os.Remove(args)
			msg := openURL(raw, lookupOpener(browser, ""))().(openedMsg)
			if !msg.refused || msg.err == nil {
				t.Fatalf("not refused: %+v", msg)
			}
			if _, err := os.Stat(args); err == nil {
				t.Error("the browser ran")
			}
			if strings.ContainsAny(msg.err.Error(), "\x1b\n") {
				t.Errorf("refusal message holds controls: %q", msg.err)
			}
		})
	}
	if _, err := os.Stat(pwned); err == nil {
		t.Fatal("a shell ran a URL")
	}
}

// TestOpenAndPipeHostileArticle drives the reader: an article whose link,
// footnotes and title are shell bait is opened with o and with N o, and
// piped to a command. The browser gets one argument each time; the pipe
// gets the article on stdin byte for byte, never in its arguments or
// environment; nothing runs.
func TestOpenAndPipeHostileArticle(t *testing.T) {
	dir := t.TempDir()
	browser, args := recorder(t, dir)
	pwned := filepath.Join(dir, "PWNED")
	bait := shellBait(pwned)
	link, _ := feed.SafeURL("https://example.org/"+bait[0], nil)
	ref, _ := feed.SafeURL("https://example.org/"+bait[1], nil)
	if link == "" || ref == "" {
		t.Fatal("bait URLs did not pass SafeURL")
	}
	a := &feed.Article{
		ID: "bait", Title: strings.Join(bait, " "), Source: bait[3], Link: link,
		Date: time.Date(2022, 1, 17, 0, 0, 0, 0, time.UTC),
		Refs: []feed.Ref{{N: 1, URL: ref, Kind: feed.RefLink}},
		Body: []feed.Block{{Kind: feed.Paragraph, Text: bait[4] + " [1]"}, {Kind: feed.Code, Text: bait[5]}},
	}
	d := newDriver(t, 100, 30, []*feed.Article{a}, nil)
	d.m.opt.Opener = browser
	for _, tc := range []struct {
		keys []string
		want string
	}{{[]string{"o"}, link}, {[]string{"1", "o"}, ref}} {
		os.Remove(args)
		if !d.at(screenReader, overlayNone) {
			d.keys("enter")
		}
		d.keys(tc.keys...)
		got, err := os.ReadFile(args)
		if err != nil {
			t.Fatalf("keys %v: the browser did not run: %v\n%s", tc.keys, err, d.screen())
		}
		if string(got) != "1\n"+tc.want+"\n" {
			t.Errorf("keys %v: browser got %q, want the one argument %q", tc.keys, got, tc.want)
		}
	}

	stdin := filepath.Join(dir, "stdin")
	env := filepath.Join(dir, "env")
	d.keys("esc")
	if !d.at(screenReader, overlayNone) {
		d.keys("enter")
	}
	d.keys("|")
	d.typeText("cat > '" + stdin + "'; env > '" + env + "'; echo piped")
	d.keys("enter")
	got, err := os.ReadFile(stdin)
	if err != nil {
		t.Fatalf("the pipe did not run: %v\n%s", err, d.screen())
	}
	if want := a.Markdown(feed.MarkdownOptions{}); string(got) != want {
		t.Errorf("the pipe got\n%q\nwant the article's Markdown\n%q", got, want)
	}
	envText, err := os.ReadFile(env)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(envText), "touch$IFS") {
		t.Error("the article reached the command's environment")
	}
	if _, err := os.Stat(pwned); err == nil {
		t.Fatal("a shell ran feed data")
	}
}

// TestScreensHostileCorpus loads the whole hostile corpus into the reader
// and looks at every screen: the list, each article, the error panel. A
// frame may hold nothing but text, SGR and http(s) links before the
// terminal filter even sees it, and no hostile title, tag or body may
// break the layout: every line fits the width, the frame the height.
func TestScreensHostileCorpus(t *testing.T) {
	l := &load.Loader{}
	arts, errs := l.LoadAll(context.Background(), []load.Source{{Location: "../testdata/hostile"}})
	if len(arts) < 50 || len(errs) == 0 {
		t.Fatalf("%d articles, %d errors from the corpus", len(arts), len(errs))
	}
	const w, h = 80, 24
	d := newDriver(t, w, h, arts, errs)
	check := func(where string) {
		t.Helper()
		frame := d.m.View().Content
		if _, err := termcheck.Check([]byte(frame)); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		lines := strings.Split(strings.TrimSuffix(frame, "\n"), "\n")
		if len(lines) > h {
			t.Errorf("%s: %d lines in a %d-line terminal", where, len(lines), h)
		}
		for i, line := range lines {
			if lw := ansi.StringWidth(line); lw > w {
				t.Errorf("%s: line %d is %d wide: %q", where, i, lw, ansi.Strip(line))
			}
		}
	}
	check("list")
	d.keys("e")
	check("errors")
	d.keys("esc")
	seen := map[string]bool{}
	for i := range arts {
		d.keys("enter")
		if !d.at(screenReader, overlayNone) {
			t.Fatalf("article %d: at %s", i, d.where())
		}
		seen[d.m.reader.article().ID] = true
		check(fmt.Sprintf("article %d (%s)", i, d.m.reader.article().Location))
		d.keys("l")
		check(fmt.Sprintf("links of article %d", i))
		for !d.at(screenList, overlayNone) {
			d.keys("esc")
		}
		d.keys("down")
	}
	if len(seen) != len(arts) {
		t.Errorf("opened %d of %d articles", len(seen), len(arts))
	}
}
