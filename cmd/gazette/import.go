package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/config"
	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/internal/safefile"
)

func (a *app) importCommand() *cobra.Command {
	cmd := newCommand("import FILE.opml", "Add every feed of an OPML file to the config")
	cmd.Long = `Import reads an OPML subscription list, as other feed readers export it,
and adds each feed to the config. Folder names and categories become tags.
Only http and https feeds are taken: other entries, such as newsboat's
exec: and filter: commands, are skipped with a warning and never run.
FILE may be - for standard input.`
	cmd.Example = `  gazette import subscriptions.opml
  newsboat -e | gazette import -`
	cmd.Args = oneArg("an OPML file")
	cmd.Annotations = map[string]string{annotCreatesConfig: "yes"}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return a.importOPML(args[0])
	}
	return cmd
}

func (a *app) importOPML(file string) error {
	path, err := a.editablePath()
	if err != nil {
		return err
	}
	var data []byte
	if file == "-" {
		if a.io.in == nil {
			return errors.New("no standard input")
		}
		data, err = readAllCapped(a.io.in, config.MaxOPMLSize)
	} else {
		data, err = safefile.ReadFile(file, config.MaxOPMLSize)
	}
	if err != nil {
		return fmt.Errorf("%q: %w", feed.SanitizeLine(file), err)
	}
	feeds, skipped, err := config.ParseOPML(data)
	if err != nil {
		return fmt.Errorf("%q: %w", feed.SanitizeLine(file), err)
	}
	for _, e := range skipped {
		a.warn(e)
	}
	var added, dup int
	var warnings []error
	err = config.Update(path, func(cfg *config.Config) error {
		// Counted afresh on each call: the config is read under the lock.
		added, dup, warnings = 0, 0, nil
		for _, s := range feeds {
			_, err := cfg.Add(s.URL, s.Name, s.Tags)
			switch {
			case errors.Is(err, config.ErrDuplicateSource):
				dup++
			case err != nil:
				warnings = append(warnings, err)
			default:
				added++
			}
		}
		if added == 0 {
			return errNothingAdded
		}
		return nil
	})
	if err != nil && !errors.Is(err, errNothingAdded) {
		return err
	}
	for _, w := range warnings {
		a.warn(w)
	}
	msg := fmt.Sprintf("imported %s", humanize.Plural(added, "feed", "feeds"))
	if dup > 0 {
		msg += fmt.Sprintf(", %d already configured", dup)
	}
	if len(skipped) > 0 {
		msg += fmt.Sprintf(", %d skipped", len(skipped))
	}
	fmt.Fprintln(a.stdout, msg)
	return nil
}

// errNothingAdded leaves the config file as it is when an import adds
// nothing.
var errNothingAdded = errors.New("nothing to add")

// readAllCapped reads all of r, failing rather than truncating past max
// bytes.
func readAllCapped(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("larger than the %d MiB limit", max>>20)
	}
	return data, nil
}
