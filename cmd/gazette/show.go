package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/render"
)

// showOptions are the flags of `gazette show`.
type showOptions struct {
	format string
	width  int
	ids    []string
	full   bool
}

// Output formats of `gazette show`.
const (
	formatMarkdown = "markdown"
	formatText     = "text"
	formatANSI     = "ansi"
	formatJSON     = "json"
)

// defaultWidth is the wrap width when stdout is not a terminal, and
// maxReadWidth the widest a terminal line of prose grows.
const (
	defaultWidth  = 80
	maxReadWidth  = 100
	maxShowWidth  = 1000
	showSeparator = "---"
)

func (a *app) showCommand() *cobra.Command {
	var opt showOptions
	cmd := newCommand("show [flags] ARTICLE...", "Print articles as Markdown, text, ANSI or JSON")
	cmd.Long = `Show prints articles. ARTICLE is a file, a directory or feed (every
article it holds, in list order), - for standard input, or an ID or unique
ID prefix from 'gazette list'. IDs are looked up in the other sources given,
or in the default sources when there are none.

Formats:
  markdown  Markdown with numbered image and link footnotes
  text      plain text wrapped to --width, footnotes kept
  ansi      styled for a terminal with Glamour, as the reader shows it
  json      the article as JSON (an array when there are several)

The default is ansi on a terminal and markdown in a pipe.`
	cmd.Example = `  gazette show 3f2a9c1
  gazette show article.txt | wc -w
  gazette show --format text --width 72 article.txt | less
  cat article.txt | gazette show -
  gazette show --format json ~/news --id 3f2a | jq .footnotes
  gazette show --full https://example.org/feed.xml --id 3f2a`
	cmd.Args = needArgs(1, "an ARTICLE: a file, a directory, - for stdin, or an ID")
	f := cmd.Flags()
	f.StringVarP(&opt.format, "format", "f", "", "output format: markdown, text, ansi or json")
	f.IntVarP(&opt.width, "width", "w", 0, "wrap text to this many columns (default: the terminal's, at most 100; 80 in a pipe)")
	f.StringArrayVar(&opt.ids, "id", nil, "print only the article with this ID or unique ID prefix (repeatable)")
	f.BoolVar(&opt.full, "full", false, "fetch the web page of articles that came as a summary, and print its text")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return a.show(cmd.Context(), args, opt)
	}
	return cmd
}

func (a *app) show(ctx context.Context, args []string, opt showOptions) error {
	format, err := a.showFormat(opt.format)
	if err != nil {
		return err
	}
	width, err := a.showWidth(opt.width)
	if err != nil {
		return err
	}
	var paths, ids []string
	for _, arg := range args {
		if isID(arg) && !exists(arg) {
			ids = append(ids, strings.ToLower(arg))
		} else {
			paths = append(paths, arg)
		}
	}
	for _, id := range opt.ids {
		if !isIDPrefix(id) {
			return usagef("--id %q is not an article ID", id)
		}
		ids = append(ids, strings.ToLower(id))
	}
	arts, failed := a.load(ctx, a.sources(paths))
	if len(ids) > 0 {
		arts, err = pickIDs(arts, ids)
		if err != nil {
			return err
		}
	}
	if opt.full {
		var fullFailed bool
		arts, fullFailed = a.withFullPages(ctx, arts)
		failed = failed || fullFailed
	}
	if err := a.printArticles(ctx, arts, format, width); err != nil {
		return err
	}
	if failed {
		return errSourcesFailed
	}
	return nil
}

func (a *app) showFormat(f string) (string, error) {
	switch f {
	case "":
		if a.io.outTTY {
			return formatANSI, nil
		}
		return formatMarkdown, nil
	case formatMarkdown, "md":
		return formatMarkdown, nil
	case formatText, formatANSI, formatJSON:
		return f, nil
	}
	return "", usagef("--format must be markdown, text, ansi or json, not %q", f)
}

func (a *app) showWidth(w int) (int, error) {
	switch {
	case w < 0 || w > maxShowWidth:
		return 0, usagef("--width must be between 1 and %d", maxShowWidth)
	case w > 0:
		return w, nil
	}
	if tw := a.termWidth(); tw > 0 {
		return min(tw, maxReadWidth), nil
	}
	return defaultWidth, nil
}

// isID reports whether s looks like an article ID or ID prefix.
func isID(s string) bool {
	if len(s) < 4 || len(s) > feed.IDLen {
		return false
	}
	for _, c := range strings.ToLower(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// isIDPrefix reports whether s can begin an article ID. --id takes any
// prefix, however short: one that matches several articles is told so,
// with the candidates, rather than refused as no ID at all.
func isIDPrefix(s string) bool {
	if s == "" || len(s) > feed.IDLen {
		return false
	}
	return strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// maxCandidates is how many articles an ambiguous ID lists.
const maxCandidates = 10

// pickIDs returns, in the order asked, the article each ID prefix names.
// A prefix that names none, or several, is an error.
func pickIDs(arts []*feed.Article, ids []string) ([]*feed.Article, error) {
	out, missing, ambiguous := findIDs(arts, ids)
	switch {
	case len(missing) > 0:
		return nil, fmt.Errorf("no article with ID %s", missing[0])
	case len(ambiguous) > 0:
		return nil, ambiguous[0]
	}
	return out, nil
}

// findIDs returns, in the order asked, the article each ID prefix names;
// the prefixes that name none; and an error for each that names several,
// listing them.
func findIDs(arts []*feed.Article, ids []string) (out []*feed.Article, missing []string, ambiguous []error) {
	for _, id := range ids {
		var found []*feed.Article
		for _, art := range arts {
			if strings.HasPrefix(art.ID, id) {
				found = append(found, art)
			}
		}
		switch len(found) {
		case 0:
			missing = append(missing, id)
		case 1:
			out = append(out, found[0])
		default:
			// One line: the error printer keeps messages to one.
			var names []string
			for _, f := range found[:min(len(found), maxCandidates)] {
				names = append(names, f.ID[:min(len(f.ID), len(id)+4)]+" "+feed.SanitizeLine(f.Title))
			}
			if len(found) > maxCandidates {
				names = append(names, fmt.Sprintf("and %d more", len(found)-maxCandidates))
			}
			ambiguous = append(ambiguous, fmt.Errorf("ID %s matches %d articles; give more digits: %s", id, len(found), strings.Join(names, "; ")))
		}
	}
	return out, missing, ambiguous
}

// printArticles writes the articles in one format, separated by a rule.
func (a *app) printArticles(ctx context.Context, arts []*feed.Article, format string, width int) error {
	if format == formatJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if len(arts) == 1 {
			return enc.Encode(arts[0])
		}
		if arts == nil {
			arts = []*feed.Article{}
		}
		return enc.Encode(arts)
	}
	for i, art := range arts {
		if i > 0 {
			a.stdout.WriteString("\n" + showSeparator + "\n\n")
		}
		switch format {
		case formatText:
			a.stdout.WriteString(art.Text(width))
		case formatANSI:
			out, err := render.Article(ctx, art, render.Options{Width: width, Style: a.glamourStyle()})
			if err != nil {
				return fmt.Errorf("render %s: %w", art.ShortID(), err)
			}
			a.stdout.WriteString(out)
		default:
			a.stdout.WriteString(art.Markdown(feed.MarkdownOptions{}))
		}
	}
	return nil
}
