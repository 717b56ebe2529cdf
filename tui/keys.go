package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// keyMap holds every key binding of the reader. The same bindings drive
// dispatch (key.Matches) and the help views, so help cannot drift from what
// the keys do. Its help.KeyMap methods describe the screen and overlay it
// was made for.
type keyMap struct {
	screen  screen
	overlay overlay

	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	HalfUp   key.Binding
	HalfDown key.Binding
	Top      key.Binding
	Bottom   key.Binding

	Open    key.Binding
	Filter  key.Binding
	Tags    key.Binding
	Errors  key.Binding
	Help    key.Binding
	Quit    key.Binding
	ForceQ  key.Binding
	ClearFl key.Binding
	Refresh key.Binding

	Back     key.Binding
	Next     key.Binding
	Prev     key.Binding
	OpenLink key.Binding
	Digit    key.Binding
	Links    key.Binding
	Pipe     key.Binding
	Full     key.Binding
	// NextMatch and PrevMatch move between the filter's matches in an
	// article; n and p move between articles.
	NextMatch key.Binding
	PrevMatch key.Binding

	Toggle    key.Binding
	Apply     key.Binding
	Mode      key.Binding
	ClearTags key.Binding
	Close     key.Binding

	Accept key.Binding
	Cancel key.Binding

	// The state keys, enabled only when a store keeps state.
	Mark       key.Binding
	Star       key.Binding
	MarkAll    key.Binding
	Undo       key.Binding
	UnreadOnly key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("b/pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "space"), key.WithHelp("space/pgdn", "page down")),
		HalfUp:   key.NewBinding(key.WithKeys("ctrl+u", "u"), key.WithHelp("u/ctrl+u", "½ page up")),
		HalfDown: key.NewBinding(key.WithKeys("ctrl+d", "d"), key.WithHelp("d/ctrl+d", "½ page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "bottom")),

		Open:    key.NewBinding(key.WithKeys("enter", "right"), key.WithHelp("enter/→", "read")),
		Filter:  key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Tags:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "tags")),
		Errors:  key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "errors")),
		Help:    key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:    key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQ:  key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		ClearFl: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Refresh: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),

		Back:     key.NewBinding(key.WithKeys("esc", "q", "left", "h"), key.WithHelp("esc/q/h/←", "back")),
		Next:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next article")),
		Prev:     key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "previous article")),
		OpenLink: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open in browser")),
		Digit: key.NewBinding(key.WithKeys("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
			key.WithHelp("12o", "open footnote 12")),
		Links: key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "links")),
		Pipe:  key.NewBinding(key.WithKeys("|"), key.WithHelp("|", "pipe to command")),
		Full:  key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "fetch full page")),

		NextMatch: key.NewBinding(key.WithKeys("]"), key.WithHelp("]/[", "next/prev match")),
		PrevMatch: key.NewBinding(key.WithKeys("["), key.WithHelp("[", "previous match")),

		Toggle:    key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space/x", "toggle")),
		Apply:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		Mode:      key.NewBinding(key.WithKeys("a", "tab"), key.WithHelp("a/tab", "all/any")),
		ClearTags: key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "clear")),
		Close:     key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "close")),

		Accept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),

		Mark:    key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "read/unread")),
		Star:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "star")),
		MarkAll: key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "mark all read")),
		// u is half a page up in the article; in the list, where ctrl+u
		// still scrolls, it undoes.
		Undo:       key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo marking")),
		UnreadOnly: key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "unread only")),
	}
}

// enableMarks turns the state keys on or off: without a store they do
// nothing, and help leaves them out.
func (k *keyMap) enableMarks(on bool) {
	for _, b := range []*key.Binding{&k.Mark, &k.Star, &k.MarkAll, &k.Undo, &k.UnreadOnly} {
		b.SetEnabled(on)
	}
}

// forState returns the key map describing a screen under an overlay in
// help.
func (k keyMap) forState(s screen, o overlay) keyMap {
	k.screen, k.overlay = s, o
	return k
}

// ShortHelp implements help.KeyMap: the help bar of the overlay, else of
// the screen.
func (k keyMap) ShortHelp() []key.Binding {
	switch k.overlay {
	case overlayFilter:
		return []key.Binding{k.Accept, k.Cancel, k.ForceQ}
	case overlayPicker:
		return []key.Binding{k.Toggle, k.Apply, k.Mode, k.ClearTags, k.Close}
	case overlayLinks:
		return []key.Binding{k.Down, k.Up, k.Apply, k.Close}
	case overlayPrompt:
		return []key.Binding{k.Apply, k.Close}
	case overlayPanel:
		return []key.Binding{k.Down, k.Up, k.Close}
	}
	if k.screen == screenReader {
		return []key.Binding{k.Down, k.Up, k.Next, k.OpenLink, k.Links, k.Pipe, k.Back, k.Help}
	}
	return []key.Binding{k.Down, k.Up, k.Open, k.Filter, k.Tags, k.Help, k.Quit}
}

// FullHelp implements help.KeyMap: every key of the screen, in columns.
func (k keyMap) FullHelp() [][]key.Binding {
	if k.screen == screenReader {
		return [][]key.Binding{
			{k.Down, k.Up, k.PageDown, k.PageUp, k.HalfDown, k.HalfUp, k.Top, k.Bottom},
			{k.Next, k.Prev, k.NextMatch, k.OpenLink, k.Digit, k.Links, k.Pipe, k.Full},
			{k.Mark, k.Star, k.Back, k.Errors, k.Refresh, k.Help, k.ForceQ},
		}
	}
	return [][]key.Binding{
		{k.Down, k.Up, k.PageDown, k.PageUp, k.Top, k.Bottom},
		{k.Open, k.Filter, k.ClearFl, k.Tags, k.Errors, k.Refresh},
		{k.Mark, k.Star, k.MarkAll, k.Undo, k.UnreadOnly},
		{k.Help, k.Quit, k.ForceQ},
	}
}

var _ help.KeyMap = keyMap{}
