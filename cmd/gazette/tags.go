package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/query"
	"github.com/gazette-news/gazette/internal/cells"
	"github.com/gazette-news/gazette/internal/chart"
	"github.com/gazette-news/gazette/internal/humanize"
)

// tagsOptions are the flags of `gazette tags`.
type tagsOptions struct {
	tags     []string
	query    string
	json     bool
	detected bool
	by       string
	top      int
}

// defaultTop is how many countries --by month shows unless told.
const defaultTop = 10

func (a *app) tagsCommand() *cobra.Command {
	var opt tagsOptions
	cmd := newCommand("tags [SOURCE...]", "Count the articles of every tag, as a bar chart")
	cmd.Long = `Tags prints every tag with the number of articles that carry it, and a
bar: countries first, each in the colour of its badge in the reader, then
the other tags in grey; by count, then by name.

Countries the source declared count, and so do countries detected in the
text of articles whose source declared none, as the reader and
'list --tag' count them. Bars shade (░) the part that detection found.
--detected counts detected countries in every article, and lets --tag
and --query match them there too.

--by month prints a table of the top countries (--top, 10 unless told)
against the months of the articles' dates, with a sparkline of the latest
24 months; articles without a date go in an "undated" column.

In a pipe, or with --color never or NO_COLOR, the output has no colour
but the same columns. In a pipe the chart is 80 cells wide and the month
table keeps every month, unless $COLUMNS gives a width. Scripts should read
--json: an array in the chart's order of
  {"tag": "Russia", "country": true, "code": "RU", "count": 9, "detected": 1}
where detected is how many of count were found by detection, and code is
left out for tags that are no country. With --by month each entry also
has "months" ({"2022-01": 4}, months without articles left out) and, when
some articles have no date, "undated".

--tag and --query choose the articles counted, as in 'list'.`
	cmd.Example = `  gazette tags
  gazette tags --by month --top 5 ~/news
  gazette tags --detected --query 'after:2022-02-01'
  gazette tags --json | jq -r '.[] | select(.country) | "\(.code) \(.count)"'`
	cmd.Args = cobra.ArbitraryArgs
	f := cmd.Flags()
	f.StringArrayVarP(&opt.tags, "tag", "t", nil, "count only articles carrying this tag (repeatable; all must match)")
	f.StringVarP(&opt.query, "query", "q", "", "count only articles matching this query (see 'Query language' in the README)")
	f.BoolVar(&opt.json, "json", false, "print the counts as a JSON array")
	f.BoolVar(&opt.detected, "detected", false, "count detected countries in every article, not only where the source declared none")
	f.StringVar(&opt.by, "by", "", "break the counts down: month")
	f.IntVar(&opt.top, "top", defaultTop, "with --by month, show this many countries (0: all)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if opt.by != "" && opt.by != "month" {
			return usagef("--by must be month, not %q", opt.by)
		}
		if cmd.Flags().Changed("top") && opt.by == "" {
			return usagef("--top needs --by month")
		}
		if opt.top < 0 {
			return usagef("--top must not be negative")
		}
		return a.tags(cmd.Context(), args, opt)
	}
	return cmd
}

func (a *app) tags(ctx context.Context, args []string, opt tagsOptions) error {
	match, err := a.matcher(opt.tags, opt.query, opt.detected)
	if err != nil {
		return err
	}
	q, _ := query.Parse(opt.query) // matcher has read it already
	q.Detected = opt.detected
	arts, failed, match, _ := a.loadMatching(ctx, args, opt.tags, q, false, match)
	var counted []*feed.Article
	for _, art := range arts {
		if match(art) {
			counted = append(counted, art)
		}
	}
	byMonth := opt.by == "month"
	counts := countTags(counted, opt.detected, byMonth)
	if byMonth {
		counts = slices.DeleteFunc(counts, func(c *tagCount) bool { return !c.Country })
		if opt.top > 0 && len(counts) > opt.top {
			counts = counts[:opt.top]
		}
	}
	switch {
	case opt.json:
		err = a.tagsJSON(counts)
	case byMonth:
		a.monthTable(counts, len(counted))
	default:
		a.tagChart(counts, len(counted))
	}
	if err != nil {
		return err
	}
	if failed {
		return errSourcesFailed
	}
	return nil
}

// tagCount is one tag's counts, as --json writes them.
type tagCount struct {
	Tag     string `json:"tag"`
	Country bool   `json:"country"`
	Code    string `json:"code,omitempty"`
	Count   int    `json:"count"`
	// Detected is how many of Count were found by detection in the text.
	Detected int `json:"detected"`
	// Months and Undated break Count down by month (YYYY-MM); only --by
	// month fills them.
	Months  map[string]int `json:"months,omitempty"`
	Undated int            `json:"undated,omitempty"`
}

// countTags counts the articles of each tag: the declared tags, and the
// detected countries not declared where the source declared no country or
// detected is set, which is what Article.HasTag matches. The result is in
// chart order: countries first, then by count, then by name.
func countTags(arts []*feed.Article, detected, byMonth bool) []*tagCount {
	byName := map[string]*tagCount{}
	var out []*tagCount
	add := func(art *feed.Article, name, code string, country, found bool) {
		c := byName[name]
		if c == nil {
			c = &tagCount{Tag: name, Country: country, Code: code}
			byName[name] = c
			out = append(out, c)
		}
		c.Count++
		if found {
			c.Detected++
		}
		switch {
		case !byMonth:
		case art.Date.IsZero():
			c.Undated++
		default:
			if c.Months == nil {
				c.Months = map[string]int{}
			}
			c.Months[art.Date.Format("2006-01")]++
		}
	}
	for _, art := range arts {
		for _, t := range art.Tags {
			add(art, t.Name, t.Code, t.Country, false)
		}
		if detected || len(art.Countries()) == 0 {
			for _, m := range art.DetectedOnly() {
				add(art, m.Name, m.Code, true, true)
			}
		}
	}
	slices.SortFunc(out, func(a, b *tagCount) int {
		if a.Country != b.Country {
			if a.Country {
				return -1
			}
			return 1
		}
		if a.Count != b.Count {
			return cmp.Compare(b.Count, a.Count)
		}
		return cmp.Compare(a.Tag, b.Tag)
	})
	return out
}

func (a *app) tagsJSON(counts []*tagCount) error {
	if counts == nil {
		counts = []*tagCount{}
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(counts)
}

// chartRow turns a count into a row of the chart.
func chartRow(c *tagCount) chart.ChartRow {
	return chart.ChartRow{Label: c.Tag, Count: c.Count, Detected: c.Detected, Country: c.Country, Code: c.Code}
}

// tagChart prints the bar chart, and a key to the shading when some of it
// is shaded.
func (a *app) tagChart(counts []*tagCount, articles int) {
	if len(counts) == 0 {
		fmt.Fprintf(a.stdout, "No tags in %s.\n", humanize.Plural(articles, "article", "articles"))
		return
	}
	rows := make([]chart.ChartRow, len(counts))
	shaded := false
	for i, c := range counts {
		rows[i] = chartRow(c)
		shaded = shaded || c.Detected > 0
	}
	width := a.chartWidth()
	fmt.Fprintln(a.chartOut(), chart.TagChart(rows, width, a.chartStyle()))
	if shaded {
		fmt.Fprintf(a.stdout, "\n%s\n", cells.Truncate("░ detected in the text, not declared", width))
	}
}

// monthTable prints the countries against the months of their articles,
// every month from the first to the last, so that sparklines keep time.
func (a *app) monthTable(counts []*tagCount, articles int) {
	if len(counts) == 0 {
		fmt.Fprintf(a.stdout, "No countries in %s.\n", humanize.Plural(articles, "article", "articles"))
		return
	}
	var first, last string
	for _, c := range counts {
		for m := range c.Months {
			if first == "" || m < first {
				first = m
			}
			last = max(last, m)
		}
	}
	months := monthRange(first, last)
	rows := make([]chart.MonthRow, len(counts))
	for i, c := range counts {
		per := make([]int, len(months))
		for j, m := range months {
			per[j] = c.Months[m]
		}
		rows[i] = chart.MonthRow{ChartRow: chartRow(c), Months: per, Undated: c.Undated}
	}
	// In a pipe the table keeps every month unless $COLUMNS sets a width:
	// a file or a pager holds wide lines better than lost months.
	width := a.termWidth()
	if w, err := strconv.Atoi(a.io.getenv("COLUMNS")); width == 0 && err == nil && w > 0 {
		width = w
	}
	fmt.Fprintln(a.chartOut(), chart.MonthTable(months, rows, width, a.chartStyle()))
}

// monthRange lists the months from first to last, both YYYY-MM, with
// none left out; it is empty when either is.
func monthRange(first, last string) []string {
	from, err1 := time.Parse("2006-01", first)
	to, err2 := time.Parse("2006-01", last)
	if err1 != nil || err2 != nil {
		return nil
	}
	var out []string
	for t := from; !t.After(to); t = t.AddDate(0, 1, 0) {
		out = append(out, t.Format("2006-01"))
	}
	return out
}

func (a *app) chartStyle() chart.ChartStyle {
	return chart.ChartStyle{NoColor: !a.colorOn()}
}

// chartWidth is the terminal's width, else $COLUMNS, else the default.
func (a *app) chartWidth() int {
	if w := a.termWidth(); w > 0 {
		return w
	}
	if w, err := strconv.Atoi(a.io.getenv("COLUMNS")); err == nil && w > 0 {
		return w
	}
	return chart.DefaultChartWidth
}

// chartOut is stdout with the chart's 24-bit colours brought down to what
// the terminal shows, judged from $TERM and $COLORTERM. When those say
// nothing of colour but colour was asked for, the colours stay as they
// are.
func (a *app) chartOut() io.Writer {
	if !a.colorOn() {
		return a.stdout
	}
	var env []string
	for _, k := range []string{"TERM", "COLORTERM", "WT_SESSION", "GOOGLE_CLOUD_SHELL"} {
		if v := a.io.getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	p := colorprofile.Env(env)
	if p <= colorprofile.ASCII {
		p = colorprofile.TrueColor
	}
	return &colorprofile.Writer{Forward: a.stdout, Profile: p}
}
