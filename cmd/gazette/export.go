package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette/internal/config"
	"github.com/gazette-news/gazette/internal/humanize"
)

func (a *app) exportCommand() *cobra.Command {
	cmd := newCommand("export", "Write the configured feeds as OPML")
	cmd.Long = `Export writes the URL sources of the config as an OPML 2.0 subscription
list on standard output, for other feed readers; each source's tags go in
its category. Files and directories have no place in OPML and are left out.`
	cmd.Example = `  gazette export > subscriptions.opml`
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var srcs []config.SourceConfig
		if a.net.cfg != nil {
			srcs = a.net.cfg.Source
		}
		skipped, err := config.WriteOPML(a.stdout, "gazette sources", srcs)
		if err != nil {
			return err
		}
		if skipped > 0 {
			fmt.Fprintf(a.stderr, "gazette: left out %s: OPML lists only URLs\n", humanize.Plural(skipped, "file source", "file sources"))
		}
		return nil
	}
	return cmd
}
