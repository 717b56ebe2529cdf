package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/cells"
)

// listOptions are the flags of `gazette list`.
type listOptions struct {
	tags     []string
	query    string
	json     bool
	limit    int
	detected bool
	sort     string
}

func (a *app) listCommand() *cobra.Command {
	var opt listOptions
	cmd := newCommand("list [SOURCE...]", "List articles, newest first")
	cmd.Long = `List prints one line per article, newest first: short ID, date, tags and
title. Columns are aligned on a terminal and tab-separated in a pipe.

--tag may repeat: an article must carry every tag given. Tags match
canonically, so --tag usa finds United States and --tag prc finds China.
--query takes the same query language as the reader's filter box.

Where an article declares no country, the countries detected in its text
stand in: they match --tag, and the tags column shows them with a leading
"~". --detected lets detected countries match in every article.`
	cmd.Example = `  gazette list
  gazette list --tag russia --tag china ~/news
  gazette list --query 'tag:china -tag:russia after:2022-01-15'
  gazette list --tag russia --json | jq -r '.[].title'
  gazette list ~/news | cut -f2 | cut -c1-7 | uniq -c    # articles per month`
	cmd.Args = cobra.ArbitraryArgs
	f := cmd.Flags()
	f.StringArrayVarP(&opt.tags, "tag", "t", nil, "only articles carrying this tag (repeatable; all must match)")
	f.StringVarP(&opt.query, "query", "q", "", "only articles matching this query (see 'Query language' in the README)")
	f.BoolVar(&opt.json, "json", false, "print a JSON array")
	f.IntVarP(&opt.limit, "limit", "n", 0, "print at most this many articles (0: all)")
	f.StringVar(&opt.sort, "sort", "", "order: date (newest first, the default) or relevance (best match first, as sort:relevance)")
	f.BoolVar(&opt.detected, "detected", false, "let --tag and tag: also match countries detected in the text of articles that declare other countries")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return a.list(cmd.Context(), args, opt)
	}
	return cmd
}

func (a *app) list(ctx context.Context, args []string, opt listOptions) error {
	if opt.limit < 0 {
		return usagef("--limit must not be negative")
	}
	match, err := a.matcher(opt.tags, opt.query, opt.detected)
	if err != nil {
		return err
	}
	switch opt.sort {
	case "", "date", "relevance":
	default:
		return usagef("--sort must be date or relevance, not %q", opt.sort)
	}
	q, _ := query.Parse(opt.query) // matcher has read it already
	q.Detected = opt.detected
	relevance := opt.sort == "relevance" || q.Relevance && opt.sort == ""
	arts, failed, match, score := a.loadMatching(ctx, args, opt.tags, q, relevance, match)
	// The matches are kept in place, in arts: a list of 100,000 needs no
	// second array. Without a filter, every article is one.
	shown := arts
	if len(opt.tags) > 0 || !q.Empty() {
		shown = arts[:0]
		for _, art := range arts {
			if match(art) {
				shown = append(shown, art)
				if !relevance && opt.limit > 0 && len(shown) == opt.limit {
					break
				}
			}
		}
	} else if !relevance && opt.limit > 0 && len(shown) > opt.limit {
		shown = shown[:opt.limit]
	}
	var scores []float64
	if relevance {
		shown, scores = rankByRelevance(shown, score)
		if opt.limit > 0 && len(shown) > opt.limit {
			shown, scores = shown[:opt.limit], scores[:opt.limit]
		}
	}
	if opt.json {
		err = a.listJSON(shown, scores)
	} else {
		a.listLines(shown)
	}
	if err != nil {
		return err
	}
	if failed {
		return errSourcesFailed
	}
	return nil
}

// loadMatching loads the sources for a command that filters them with q
// (and the --tag values tags), whose whole filter is match: the articles,
// each story once and with its state, newest first; whether a source
// failed; the filter and the relevance to use, which weighs the bodies'
// words only when ranked. A query with words to find in the bodies is
// answered from the search index, or by reading the bodies again, and its
// filter and relevance are those answers.
func (a *app) loadMatching(ctx context.Context, args, tags []string, q query.Query, ranked bool, match func(*feed.Article) bool) (arts []*feed.Article, failed bool, _ func(*feed.Article) bool, score func(*feed.Article) float64) {
	score = func(art *feed.Article) float64 { return q.Score(art, nil) }
	// The state is filled in before the filter, which may ask for it
	// (is:unread).
	st := a.openStore(readState)
	a.state.prune = st != nil
	if !q.NeedsBody() {
		arts, failed = a.loadState(ctx, a.headLoader(), a.sources(args), st)
		return arts, failed, match, score
	}
	var bs bodySearch
	arts, failed, bs = a.searchBodies(ctx, a.sources(args), q, ranked, st)
	tagged, _ := a.matcher(tags, "", q.Detected)
	return arts, failed, func(art *feed.Article) bool { return tagged(art) && bs.match(art) }, bs.score
}

// matcher builds the article filter from --tag and --query. With detected,
// tags also match the countries detected in an article's text.
func (a *app) matcher(tags []string, text string, detected bool) (func(*feed.Article) bool, error) {
	var want []string
	for _, t := range tags {
		tag, ok := feed.MakeTag(t)
		if !ok {
			return nil, usagef("--tag needs a tag name")
		}
		want = append(want, tag.Name)
	}
	q, err := query.Parse(text)
	if err != nil {
		return nil, usagef("--query: %v", err)
	}
	q.Detected = detected
	return func(art *feed.Article) bool {
		for _, t := range want {
			if !art.HasTag(t, detected) {
				return false
			}
		}
		return q.Match(art)
	}, nil
}

// listJSON prints the articles as one indented JSON array. The elements
// are encoded a chunk at a time, on every core, and written in order: a
// few chunks are in memory at once, never the whole array. scores, when
// not nil, are the articles' relevance, written as "score".
func (a *app) listJSON(arts []*feed.Article, scores []float64) error {
	if len(arts) == 0 {
		_, err := a.stdout.WriteString("[]\n")
		return err
	}
	chunks := (len(arts) + jsonChunk - 1) / jsonChunk
	workers := runtime.GOMAXPROCS(0)
	type encoded struct {
		data []byte
		err  error
	}
	results := make([]chan encoded, chunks)
	for i := range results {
		results[i] = make(chan encoded, 1)
	}
	// ahead bounds the chunks encoded but not yet written, and free holds
	// the buffers of those written, for the next chunks: the output of
	// 100,000 articles passes through a few buffers, not 400 that the
	// collector must find again.
	ahead := make(chan struct{}, 2*workers)
	free := make(chan []byte, 2*workers+workers)
	next := make(chan int)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(next)
		for i := range chunks {
			select {
			case ahead <- struct{}{}:
			case <-done:
				return
			}
			next <- i
		}
	}()
	for range workers {
		go func() {
			for i := range next {
				var sc []float64
				if scores != nil {
					sc = scores[i*jsonChunk : min((i+1)*jsonChunk, len(arts))]
				}
				var buf []byte
				select {
				case buf = <-free:
				default:
				}
				data, err := encodeJSONChunk(buf, arts[i*jsonChunk:min((i+1)*jsonChunk, len(arts))], sc)
				results[i] <- encoded{data, err}
			}
		}()
	}
	a.stdout.WriteString("[\n")
	for i := range chunks {
		r := <-results[i]
		<-ahead
		if r.err != nil {
			return r.err
		}
		if i > 0 {
			a.stdout.WriteString(",\n")
		}
		a.stdout.Write(r.data)
		select {
		case free <- r.data[:0]:
		default:
		}
	}
	_, err := a.stdout.WriteString("\n]\n")
	return err
}

// jsonChunk is how many articles one goroutine of listJSON encodes at a
// time: few enough that what they read stays in the processor's cache
// from their prefetch to their encoding.
const jsonChunk = 256

// encodeJSONChunk appends to dst[:0] the articles as elements of
// listJSON's array, indented and separated by commas, byte for byte as
// json.Encoder with SetIndent("  ", "  ") would (see
// feed.Article.AppendJSONIndent). With scores, a ranking by relevance,
// each object also carries its "score", and goes through encoding/json.
// The articles are prefetched first (see feed.Prefetch): sorted, they lie
// all over memory.
func encodeJSONChunk(dst []byte, arts []*feed.Article, scores []float64) ([]byte, error) {
	out := dst[:0]
	if out == nil {
		out = make([]byte, 0, 1024*len(arts))
	}
	feed.Prefetch(arts)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	var err error
	for i, art := range arts {
		if i > 0 {
			out = append(out, ",\n"...)
		}
		out = append(out, "  "...)
		if scores == nil {
			if out, err = art.AppendJSONIndent(out, false, "  ", "  "); err != nil {
				return nil, err
			}
			continue
		}
		buf.Reset()
		if err := enc.Encode(scoredJSON{JSONArticle: art.ToJSON(false), Score: scores[i]}); err != nil {
			return nil, err
		}
		out = append(out, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
	}
	return out, nil
}

// listColumns are the widest the tags column grows on a terminal.
const maxTagsColumn = 32

// listLines prints one line per article: tab-separated in a pipe, aligned
// columns on a terminal.
func (a *app) listLines(arts []*feed.Article) {
	rows := make([][4]string, len(arts))
	tagsWidth := 0
	for i, art := range arts {
		date := "-"
		if !art.Date.IsZero() {
			date = art.Date.Format("2006-01-02")
		}
		rows[i] = [4]string{art.ShortID(), date, strings.Join(tagColumn(art), ", "), art.Title}
		tagsWidth = max(tagsWidth, min(ansi.StringWidth(rows[i][2]), maxTagsColumn))
	}
	if !a.io.outTTY {
		for _, r := range rows {
			fmt.Fprintf(a.stdout, "%s\t%s\t%s\t%s\n", r[0], r[1], r[2], r[3])
		}
		return
	}
	width := a.termWidth()
	bold := a.colorOn()
	for i, r := range rows {
		tags := cells.Truncate(r[2], maxTagsColumn)
		line := fmt.Sprintf("%s  %-10s  %s%s  %s", r[0], r[1], tags,
			strings.Repeat(" ", max(0, tagsWidth-ansi.StringWidth(tags))), r[3])
		if width > 0 {
			line = cells.Truncate(line, width)
		}
		if bold {
			line = unreadStyle(arts[i], line)
		}
		fmt.Fprintln(a.stdout, line)
	}
}

// tagColumn returns the tags a list line shows: the declared ones, and
// where the source declared no country, the detected countries marked
// with a leading "~".
func tagColumn(art *feed.Article) []string {
	names := make([]string, 0, len(art.Tags))
	hasCountry := false
	for _, t := range art.Tags {
		names = append(names, t.Name)
		hasCountry = hasCountry || t.Country
	}
	if !hasCountry {
		for _, m := range art.Mentions {
			names = append(names, "~"+m.Name)
		}
	}
	return names
}
