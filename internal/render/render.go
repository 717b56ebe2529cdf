// Package render turns an Article into styled terminal lines with Glamour,
// under a deadline past which the article's plain text is shown instead,
// and holds the one policy that picks the article style. The reader and
// `gazette show --format ansi` both render through it.
package render

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/gazette-news/gazette/feed"
)

// DefaultDeadline is how long Glamour may take over one article before
// the plain-text rendering is shown instead.
const DefaultDeadline = 2 * time.Second

// maxToken is the longest run of non-space bytes handed to Glamour; longer
// runs are broken, because word wrapping a huge token is slow and useless.
const maxToken = 1024

// MinWidth is the narrowest width articles are wrapped to.
const MinWidth = 20

// Options say how an article is rendered for a terminal.
type Options struct {
	// Width is the number of columns to wrap to.
	Width int
	// Style is a Glamour style name ("dark", "light", "notty", "ascii", ...)
	// or the path of a JSON style file. Empty means "dark".
	Style string
	// Deadline bounds the time Glamour may take; past it the article is
	// rendered as plain text with a notice. Zero means
	// DefaultDeadline.
	Deadline time.Duration
	// BodyOnly leaves out the title and metadata lines, for screens that
	// show them in a header of their own.
	BodyOnly bool
}

// Result is the outcome of rendering one article.
type Result struct {
	// Lines are the rendered lines, trailing padding trimmed.
	Lines []string
	// Plain is true when Glamour missed the deadline or failed and the
	// plain-text rendering is shown instead.
	Plain bool
	// Notice explains a plain rendering to the reader.
	Notice string
}

// Article renders an article's Markdown, footnotes included, as
// styled terminal text. When Glamour takes longer than the deadline or
// fails, the article comes back as plain text wrapped to the width, after a
// one-line notice; the error is then nil. It fails only for a style that
// cannot be loaded or a cancelled ctx.
func Article(ctx context.Context, a *feed.Article, opt Options) (string, error) {
	r, err := Lines(ctx, a, opt)
	if err != nil {
		return "", err
	}
	out := strings.Join(r.Lines, "\n")
	if r.Plain {
		out = "(" + r.Notice + ")\n\n" + out
	}
	return strings.TrimRight(out, "\n") + "\n", nil
}

// Lines renders an article as Article does, as lines, and says whether
// the plain-text fallback was taken. Glamour runs in its own goroutine
// under the deadline. Glamour cannot be interrupted, so a render past the deadline is
// left to finish on its own; the Markdown it gets is bounded (escaped text,
// no nesting, broken tokens), so it does finish.
func Lines(ctx context.Context, a *feed.Article, opt Options) (Result, error) {
	width := max(opt.Width, MinWidth)
	style := opt.Style
	if style == "" {
		style = "dark"
	}
	deadline := opt.Deadline
	if deadline <= 0 {
		deadline = DefaultDeadline
	}
	// The renderer is built first, outside the deadline: a bad style is an
	// error to report, not a reason to fall back.
	styleOpt, err := styleOption(style)
	if err != nil {
		return Result{}, fmt.Errorf("style %q: %w", style, err)
	}
	tr, err := glamour.NewTermRenderer(styleOpt, glamour.WithWordWrap(width))
	if err != nil {
		return Result{}, fmt.Errorf("style %q: %w", style, err)
	}
	md := articleMarkdown(a, opt.BodyOnly)

	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("renderer failed: %v", p)}
			}
		}()
		out, err := tr.Render(md)
		done <- result{out: out, err: err}
	}()

	timer := time.NewTimer(deadline)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case res := <-done:
		if res.err != nil {
			return plainRendering(a, width, opt.BodyOnly, fmt.Sprintf("shown as plain text: %s", feed.SanitizeLine(res.err.Error()))), nil
		}
		return Result{Lines: trimLines(res.out)}, nil
	case <-timer.C:
		return plainRendering(a, width, opt.BodyOnly, fmt.Sprintf("shown as plain text: formatting took longer than %s", deadline)), nil
	}
}

// plainRendering is the fallback: the article's own plain text, wrapped.
func plainRendering(a *feed.Article, width int, bodyOnly bool, notice string) Result {
	text := a.Text(max(width-4, MinWidth-4))
	if bodyOnly {
		// The first lines are the title and the metadata, up to the first
		// blank line; the header already shows them.
		if _, rest, ok := strings.Cut(text, "\n\n"); ok {
			text = rest
		}
	}
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	out := make([]string, 0, len(lines)+2)
	out = append(out, "")
	for _, l := range lines {
		if l == "" {
			out = append(out, "")
			continue
		}
		out = append(out, "  "+l)
	}
	return Result{Lines: out, Plain: true, Notice: notice}
}

// articleMarkdown is the Markdown Glamour gets: the article's own, with
// footnotes as paragraphs Glamour shows, without the title and metadata
// when the screen shows them in a header, and with over-long tokens broken.
func articleMarkdown(a *feed.Article, bodyOnly bool) string {
	md := a.Markdown(feed.MarkdownOptions{TerminalFootnotes: true, BodyOnly: bodyOnly})
	return breakLongTokens(md, maxToken)
}

// breakLongTokens inserts a space into every run of more than n bytes
// without a space or a line break. It never splits a UTF-8 sequence, a
// backslash escape or an HTML entity.
func breakLongTokens(s string, n int) string {
	run := 0
	longest := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ' ' || c == '\n' || c == '\t' {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	if longest <= n {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/n + 1)
	start := 0 // start of the current run in s
	for i := 0; i < len(s); {
		c := s[i]
		if c == ' ' || c == '\n' || c == '\t' {
			b.WriteString(s[start : i+1])
			i++
			start = i
			continue
		}
		if i-start < n {
			i++
			continue
		}
		cut := safeCut(s, start, i)
		b.WriteString(s[start:cut])
		b.WriteByte(' ')
		start = cut
		i = cut + 1
	}
	b.WriteString(s[start:])
	return b.String()
}

// safeCut moves a cut at s[i] back so that it falls on a rune boundary,
// not after a backslash that escapes the next character, and not inside an
// entity such as "&amp;". It never moves to or before start.
func safeCut(s string, start, i int) int {
	cut := i
	for cut > start+1 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if cut > start+1 && s[cut-1] == '\\' {
		cut--
	}
	if amp := strings.LastIndexByte(s[max(start, cut-8):cut], '&'); amp >= 0 {
		amp += max(start, cut-8)
		if amp > start && !strings.Contains(s[amp:cut], ";") {
			cut = amp
		}
	}
	if cut <= start {
		return i
	}
	return cut
}

// trimLines splits Glamour's output into lines and trims the padding it
// adds to the wrap width on every line: scrolling then moves less text, and
// selecting text in the terminal picks no trailing blanks.
func trimLines(out string) []string {
	out = strings.TrimRight(out, "\n")
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = trimRightANSI(l)
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// trimRightANSI removes trailing spaces from a styled line, including
// spaces wrapped in escape sequences. The escape sequences after the last
// visible character are kept, so that resets and hyperlink ends still close
// what the line opened.
func trimRightANSI(line string) string {
	if !strings.Contains(line, "\x1b") {
		return strings.TrimRight(line, " ")
	}
	// end is the offset just past the last printable non-space character.
	end := 0
	var state byte
	for i := 0; i < len(line); {
		seq, width, n, newState := ansi.DecodeSequence(line[i:], state, nil)
		state = newState
		if width > 0 && strings.TrimSpace(seq) != "" {
			end = i + n
		}
		i += n
	}
	var b strings.Builder
	b.WriteString(line[:end])
	state = 0
	for i := end; i < len(line); {
		seq, width, n, newState := ansi.DecodeSequence(line[i:], state, nil)
		state = newState
		if width == 0 && ansi.HasEscPrefix(seq) {
			b.WriteString(seq)
		}
		i += n
	}
	return b.String()
}

// HardWrap breaks lines wider than w, such as long URLs, so that a
// viewport never has to wrap or cut them.
func HardWrap(lines []string, w int) []string {
	var out []string
	for i, l := range lines {
		if ansi.StringWidth(l) <= w {
			if out != nil {
				out = append(out, l)
			}
			continue
		}
		if out == nil {
			out = append(make([]string, 0, len(lines)+8), lines[:i]...)
		}
		out = append(out, strings.Split(ansi.Hardwrap(l, w, true), "\n")...)
	}
	if out == nil {
		return lines
	}
	return out
}
