package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/config"
)

func (a *app) addCommand() *cobra.Command {
	var name, account string
	var tags []string
	cmd := newCommand("add [flags] URL|PATH", "Add a feed, page, file or directory to the config")
	cmd.Long = `Add appends a source to the config file, which plain 'gazette' (and list,
show and the reader with no SOURCE) then opens. A URL must be http or
https; a PATH is stored as an absolute path and must exist.

--tag may repeat: every article of the source then carries those tags.`
	cmd.Example = `  gazette add https://example.org/feed.xml --name "Example News"
  gazette add ~/news --tag Russia --tag Ukraine
  gazette --config ./work.toml add https://example.org/world.rss`
	cmd.Args = oneArg("a URL or a PATH")
	cmd.Annotations = map[string]string{annotCreatesConfig: "yes"}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "a name to show for the source")
	f.StringArrayVarP(&tags, "tag", "t", nil, "a tag for every article of the source (repeatable)")
	f.StringVar(&account, "account", "", "subscribe this sync account to the feed on the server instead (the first --tag is its category)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if account != "" {
			category := ""
			if len(tags) > 0 {
				category = tags[0]
			}
			return a.subscribe(cmd.Context(), account, args[0], category)
		}
		return a.add(args[0], name, tags)
	}
	return cmd
}

func (a *app) add(location, name string, tags []string) error {
	path, err := a.editablePath()
	if err != nil {
		return err
	}
	if location == "-" {
		return usagef("standard input cannot be a configured source")
	}
	if u, others := a.discoverFeed(location); u != "" {
		if len(others) > 1 {
			fmt.Fprintf(a.stdout, "%s names %d feeds; adding the first:\n", feed.SanitizeLine(location), len(others))
			for _, f := range others {
				fmt.Fprintf(a.stdout, "  %s  %s\n", f.URL, f.Title)
			}
		}
		location = u
	}
	// The config is read again, changed and written under its lock, so
	// that adds running at the same time all keep their source.
	var s config.SourceConfig
	err = config.Update(path, func(cfg *config.Config) error {
		var err error
		s, err = cfg.Add(location, name, tags)
		if err != nil && !errors.Is(err, config.ErrDuplicateSource) {
			return usageError{err}
		}
		if err != nil {
			return err
		}
		if s.Path != "" {
			if _, err := os.Stat(s.Path); err != nil {
				return fmt.Errorf("%q: %w", feed.SanitizeLine(s.Path), errors.Unwrap(err))
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, config.ErrDuplicateSource):
		fmt.Fprintf(a.stdout, "%s\n", feed.SanitizeLine(err.Error()))
		return nil
	case err != nil:
		return err
	}
	fmt.Fprintf(a.stdout, "added %s\n", feed.SanitizeLine(s.Location()))
	return nil
}

// discoverFeed fetches an http or https URL that does not look like a
// feed's, and returns the feed to add instead when it is a home page
// that names feeds, with all the feeds it names. Any failure returns "":
// the URL is then added as given, as it is when offline.
func (a *app) discoverFeed(location string) (string, []feed.DiscoveredFeed) {
	u, err := url.Parse(location)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || feedLikePath(u.Path) {
		return "", nil
	}
	doc, err := a.fetcher().Fetch(context.Background(), location)
	if err != nil {
		return "", nil
	}
	first, ok := feed.PageFeed(doc)
	if !ok {
		return "", nil
	}
	return first, feed.DiscoverFeeds(doc.Data, doc.Base)
}

// feedLikePath reports whether a URL path names a feed already, so that
// adding it needs no request.
func feedLikePath(p string) bool {
	p = strings.ToLower(strings.TrimSuffix(p, "/"))
	switch path.Ext(p) {
	case ".xml", ".rss", ".atom", ".json", ".rdf":
		return true
	}
	switch path.Base(p) {
	case "feed", "feeds", "rss", "atom":
		return true
	}
	return false
}

// oneArg accepts exactly one argument, and calls anything else a usage
// mistake.
func oneArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usagef("%s takes exactly one argument: %s", cmd.Name(), what)
		}
		return nil
	}
}
