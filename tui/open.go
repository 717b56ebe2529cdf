package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gazette-news/gazette/feed"
)

// opener is the program that opens links, as looked up in $PATH.
type opener struct {
	// argv is the program as configured and its leading arguments.
	argv []string
	// path is where the program was found; empty when it was not.
	path string
	// name is the program's base name, for messages.
	name string
}

// errNoOpener means neither the configured opener, $BROWSER nor the
// system's opener exists.
var errNoOpener = errors.New("no browser found")

// isTerminalBrowser reports whether a browser takes over the terminal. Such
// a browser gets it: the reader steps aside while it runs, instead of
// running it in the background.
func isTerminalBrowser(name string) bool {
	switch name {
	case "lynx", "w3m", "links", "links2", "elinks", "browsh", "carbonyl", "www-browser":
		return true
	}
	return false
}

// openerCommand returns the first opener tried: see openerCandidates.
func openerCommand(opener, browserEnv string) []string {
	return openerCandidates(opener, browserEnv)[0]
}

// checkURL re-checks a URL before it is handed to a program: only absolute
// http and https URLs pass, re-serialised, and nothing that starts with
// "-" and could pass for an option.
func checkURL(raw string) (string, error) {
	u, ok := feed.SafeURL(raw, nil)
	if !ok || strings.HasPrefix(u, "-") {
		return "", fmt.Errorf("refusing to open %q: only http and https links open", feed.SanitizeLine(raw))
	}
	return u, nil
}

// openWait is how long an opener is watched for a quick failure.
const openWait = 3 * time.Second
