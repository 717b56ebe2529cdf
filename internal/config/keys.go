package config

import (
	"fmt"
	"regexp"
	"strings"
)

// The [keys] table rebinds the reader's actions, each to a list of keys
// named as the reader names them ("enter", "ctrl+d", "l", "space"):
//
//	[keys]
//	open = ["enter", "l"]
//	quit = ["q", "ctrl+q"]
//
// ParseConfig checks the table's form; which actions exist, and which keys
// clash on one screen, only the reader knows: cmd/gazette asks it, and
// KeyError places what it finds on the table's lines.

// maxKeysPerAction caps the keys one action may take.
const maxKeysPerAction = 16

// keyName is what a key's name may hold: letters, digits, punctuation and
// the "+" of a modifier, no spaces or controls.
var keyName = regexp.MustCompile(`^[\x21-\x7e]{1,20}$|^.$`)

// checkKeys checks the [keys] table's form: action names in lower case,
// each with one to maxKeysPerAction keys, no key twice for one action.
func (c *Config) checkKeys(text string) error {
	c.keyLines = make(map[string]int, len(c.Keys))
	for action, keys := range c.Keys {
		line := tableKeyLine(text, "keys", action)
		c.keyLines[action] = line
		switch {
		case !actionName.MatchString(action):
			return &ConfigError{Line: line, Msg: fmt.Sprintf("[keys]: %q is no action name", action)}
		case len(keys) == 0:
			return &ConfigError{Line: line, Msg: fmt.Sprintf("[keys] %s: give at least one key", action)}
		case len(keys) > maxKeysPerAction:
			return &ConfigError{Line: line, Msg: fmt.Sprintf("[keys] %s: at most %d keys", action, maxKeysPerAction)}
		}
		seen := make(map[string]bool, len(keys))
		for _, k := range keys {
			if !keyName.MatchString(k) || strings.ContainsAny(k, " \t") {
				return &ConfigError{Line: line, Msg: fmt.Sprintf("[keys] %s: %q is no key name", action, k)}
			}
			if seen[k] {
				return &ConfigError{Line: line, Msg: fmt.Sprintf("[keys] %s: %q is given twice", action, k)}
			}
			seen[k] = true
		}
	}
	return nil
}

// actionName is the form of an action's name in [keys].
var actionName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// KeyError returns a ConfigError about action's line in the [keys] table,
// for what the reader finds wrong with it: an unknown action, a key bound
// to two actions on one screen.
func (c *Config) KeyError(path, action, msg string) error {
	return &ConfigError{Path: path, Line: c.keyLines[action], Msg: "[keys] " + msg}
}

// tableKeyLine returns the line that sets key inside [table], or 0.
func tableKeyLine(text, table, key string) int {
	header := regexp.MustCompile(`^\s*\[\s*"?` + regexp.QuoteMeta(table) + `"?\s*\]\s*(#.*)?$`)
	anyHeader := regexp.MustCompile(`^\s*\[`)
	set := regexp.MustCompile(`^\s*("?)` + regexp.QuoteMeta(key) + `("?)\s*=`)
	in := false
	for ln, line := range strings.Split(text, "\n") {
		switch {
		case header.MatchString(line):
			in = true
		case anyHeader.MatchString(line):
			in = false
		case in && set.MatchString(line):
			return ln + 1
		}
	}
	return 0
}
