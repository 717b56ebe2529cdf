package tui

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
)

// The config's [keys] table rebinds any action of the key map by name. The
// names come from the keyMap's fields, so that a binding added there can be
// rebound with no change here: "open" for Open, "page_down" for PageDown,
// and a few spelled out below.

// actionNames names the fields whose names are abbreviations.
var actionNames = map[string]string{
	"ForceQ":    "force_quit",
	"ClearFl":   "clear_filter",
	"OpenLink":  "open_link",
	"ClearTags": "clear_tags",
	"Digit":     "footnote_digit",
}

// actionContexts says where each action is heard, for finding two actions
// that share a key on one screen. An action not listed is taken to be heard
// on the list and the article screens.
var actionContexts = map[string][]string{
	"up": {"list", "reader", "picker", "links", "panel"}, "down": {"list", "reader", "picker", "links", "panel"},
	"page_up": {"list", "reader", "picker", "panel"}, "page_down": {"list", "reader", "picker", "panel"},
	"half_up": {"list", "reader"}, "half_down": {"list", "reader"},
	"top": {"list", "reader", "picker", "links", "panel"}, "bottom": {"list", "reader", "picker", "links", "panel"},
	"open": {"list"}, "filter": {"list"}, "tags": {"list"}, "quit": {"list"}, "clear_filter": {"list"},
	"errors": {"list", "reader"}, "help": {"list", "reader"},
	"force_quit": {"list", "reader", "picker", "links", "panel", "filter", "prompt"},
	"back":       {"reader"}, "next": {"reader"}, "prev": {"reader"}, "pipe": {"reader"}, "full": {"reader"},
	"open_link": {"reader", "links"}, "footnote_digit": {"reader", "links"}, "links": {"reader", "links"},
	"toggle": {"picker"}, "mode": {"picker"}, "clear_tags": {"picker"},
	"apply": {"picker", "links", "prompt"}, "close": {"picker", "links", "panel"},
	"accept": {"filter"}, "cancel": {"filter"},
}

// actionName is the [keys] name of a keyMap field: its name in snake case,
// or its entry in actionNames.
func actionName(field string) string {
	if n, ok := actionNames[field]; ok {
		return n
	}
	var b strings.Builder
	for i, r := range field {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// bindings returns the key map's bindings by action name, as pointers
// into k, so that they can be replaced.
func (k *keyMap) bindings() map[string]*key.Binding {
	out := make(map[string]*key.Binding)
	v := reflect.ValueOf(k).Elem()
	bt := reflect.TypeFor[key.Binding]()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.Type == bt && f.IsExported() {
			out[actionName(f.Name)] = v.Field(i).Addr().Interface().(*key.Binding)
		}
	}
	return out
}

// KeyActions lists the names of every action [keys] can rebind, sorted.
func KeyActions() []string {
	k := newKeyMap()
	var names []string
	for n := range k.bindings() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// KeyError is an action in [keys] the reader cannot take: unknown, or
// given a key another action has on the same screen.
type KeyError struct {
	// Action is the action's name in [keys].
	Action string
	// Msg says what is wrong.
	Msg string
}

// Error returns the message.
func (e *KeyError) Error() string { return e.Msg }

// keyMapFrom builds the key map from the defaults and the config's
// rebindings: each action named gets exactly the keys given, and its help
// shows them.
func keyMapFrom(rebind map[string][]string) (keyMap, error) {
	k := newKeyMap()
	if len(rebind) == 0 {
		return k, nil
	}
	bs := k.bindings()
	// In name order, so that the same file always gives the same error.
	actions := make([]string, 0, len(rebind))
	for a := range rebind {
		actions = append(actions, a)
	}
	sort.Strings(actions)
	for _, a := range actions {
		b, ok := bs[a]
		if !ok {
			return k, &KeyError{Action: a, Msg: fmt.Sprintf("%q is no action; the actions are %s", a, strings.Join(KeyActions(), ", "))}
		}
		keys := rebind[a]
		*b = key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKeys(keys), b.Help().Desc))
	}
	// Two actions heard on one screen cannot share a key: one of them
	// would never run. Clashes among the defaults are the reader's own
	// (esc both clears and closes, on different overlays).
	for _, a := range actions {
		for _, ctx := range contextsOf(a) {
			for _, other := range sortedKeys(bs) {
				if other == a || !slices.Contains(contextsOf(other), ctx) {
					continue
				}
				for _, kn := range rebind[a] {
					if slices.Contains(bs[other].Keys(), kn) {
						return k, &KeyError{Action: a, Msg: fmt.Sprintf("%s: %q is bound to %s too (on the %s screen)", a, kn, other, ctx)}
					}
				}
			}
		}
	}
	return k, nil
}

// contextsOf returns where an action is heard.
func contextsOf(action string) []string {
	if c, ok := actionContexts[action]; ok {
		return c
	}
	return []string{"list", "reader"}
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// helpKeys is how help shows a list of keys: "enter/l", arrows as arrows.
func helpKeys(keys []string) string {
	arrows := map[string]string{"up": "↑", "down": "↓", "left": "←", "right": "→"}
	out := make([]string, len(keys))
	for i, k := range keys {
		if a, ok := arrows[k]; ok {
			k = a
		}
		out[i] = k
	}
	return strings.Join(out, "/")
}

// CheckKeys reports whether the reader can take a [keys] table: nil, or a
// *KeyError naming the action at fault.
func CheckKeys(rebind map[string][]string) error {
	_, err := keyMapFrom(rebind)
	return err
}

// keysFor is the key map for the options' rebindings; Run has refused
// rebindings it cannot take, so an error here leaves the defaults.
func keysFor(rebind map[string][]string) keyMap {
	k, err := keyMapFrom(rebind)
	if err != nil {
		return newKeyMap()
	}
	return k
}
