package tui

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// openerCandidates lists the programs that may open links, each with its
// leading arguments, in the order they are tried: the configured opener
// alone when there is one, else every entry of $BROWSER (a list separated
// by colons, as its convention has it), else the system's opener. Each is
// the user's own configuration; split on spaces, it may carry arguments.
func openerCandidates(configured, browserEnv string) [][]string {
	if f := strings.Fields(configured); len(f) > 0 {
		return [][]string{f}
	}
	var out [][]string
	for _, b := range strings.Split(browserEnv, ":") {
		if f := strings.Fields(b); len(f) > 0 {
			out = append(out, f)
		}
	}
	if len(out) > 0 {
		return out
	}
	if runtime.GOOS == "darwin" {
		return [][]string{{"open"}}
	}
	return [][]string{{"xdg-open"}}
}

// findOpener returns the first candidate found in $PATH, or the first
// candidate, not found, to name in the message.
func findOpener(candidates [][]string) opener {
	for _, argv := range candidates {
		if path, err := exec.LookPath(argv[0]); err == nil {
			return opener{argv: argv, path: path, name: filepath.Base(argv[0])}
		}
	}
	return opener{argv: candidates[0], name: filepath.Base(candidates[0][0])}
}

// openerArgs returns the arguments an opener gets for a URL: its own
// leading arguments with %s replaced by the URL (and %% by %), as the
// $BROWSER convention has it, or with the URL appended when none holds %s.
// The URL stays one argument: no shell ever sees it.
func openerArgs(argv []string, url string) []string {
	args := make([]string, 0, len(argv))
	found := false
	for _, a := range argv[1:] {
		if strings.Contains(a, "%s") {
			found = true
		}
		args = append(args, expandPercent(a, url))
	}
	if !found {
		args = append(args, url)
	}
	return args
}

// expandPercent replaces %s by url and %% by % in one argument, in one
// pass, so that a URL holding "%s" is never expanded again.
func expandPercent(arg, url string) string {
	if !strings.Contains(arg, "%") {
		return arg
	}
	var b strings.Builder
	for i := 0; i < len(arg); i++ {
		if arg[i] == '%' && i+1 < len(arg) {
			switch arg[i+1] {
			case 's':
				b.WriteString(url)
				i++
				continue
			case '%':
				b.WriteByte('%')
				i++
				continue
			}
		}
		b.WriteByte(arg[i])
	}
	return b.String()
}
