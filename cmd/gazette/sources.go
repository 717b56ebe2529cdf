package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/config"
)

func (a *app) sourcesCommand() *cobra.Command {
	var asJSON bool
	cmd := newCommand("sources", "List the sources in the config")
	cmd.Long = `Sources lists the configured sources, one per line: location, name,
tags, the number of articles, when a URL was last fetched, the error
reading it gives, if any, and how many articles are unread (once the
reader or a command has recorded the source); tab-separated in a pipe,
with the fetch time in RFC 3339. URLs are read from the cache, never the network. These are what plain 'gazette' opens; with
none, it opens the embedded sample feed.`
	cmd.Example = `  gazette sources
  gazette sources --json | jq -r '.[].location'`
	cmd.Args = cobra.NoArgs
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return a.listSources(cmd.Context(), asJSON)
	}
	return cmd
}

// sourceJSON is one source as `gazette sources --json` prints it.
type sourceJSON struct {
	// Location is where the source is read from: the URL, or the path
	// resolved.
	Location string   `json:"location"`
	URL      string   `json:"url,omitempty"`
	Path     string   `json:"path,omitempty"`
	Name     string   `json:"name,omitempty"`
	Tags     []string `json:"tags"`
	sourceStat
}

func (a *app) listSources(ctx context.Context, asJSON bool) error {
	var conf []config.SourceConfig
	var srcs []load.Source
	if cfg := a.net.cfg; cfg != nil {
		conf, srcs = cfg.Source, cfg.Sources()
	}
	stats := a.sourceStats(ctx, srcs)
	if asJSON {
		out := make([]sourceJSON, len(conf))
		for i, s := range conf {
			out[i] = sourceJSON{Location: srcs[i].Location, URL: s.URL, Path: s.Path, Name: s.Name, Tags: s.Tags, sourceStat: stats[i]}
			if out[i].Tags == nil {
				out[i].Tags = []string{}
			}
		}
		enc := json.NewEncoder(a.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(conf) == 0 {
		where := "no config file"
		if a.net.cfgPath != "" {
			where = "no sources in " + a.net.cfgPath
		}
		fmt.Fprintf(a.stderr, "gazette: %s; add some with 'gazette add URL|PATH'\n", feed.SanitizeLine(where))
		return nil
	}
	w := a.stdout
	var tw *tabwriter.Writer
	if a.io.outTTY {
		tw = tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	}
	now := time.Now()
	for i, s := range conf {
		st := stats[i]
		if tw != nil {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", srcs[i].Location, s.Name, strings.Join(s.Tags, ", "),
				st.articlesText(), st.fetchedText(s.URL != "", now), st.Error)
		} else {
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", srcs[i].Location, s.Name, strings.Join(s.Tags, ", "),
				st.Articles, st.fetchedStamp(), st.Error, st.unreadField())
		}
	}
	if tw != nil {
		return tw.Flush()
	}
	return nil
}
