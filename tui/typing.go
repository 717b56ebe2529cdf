package tui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// A paste into a terminal that does not bracket pastes, or over ssh,
// arrives as one key message per character: 200 KB of them. Each message
// costs an Update and a View, so the reader keeps them cheap: the filter
// box takes at most maxQuery characters and the keys past it are dropped
// before they reach Update, and the list is filtered once per frame, not
// once per key, so that a ctrl+c behind the paste is read, and obeyed,
// soon.

// maxQuery caps the filter box.
const maxQuery = 500

// filterFrame is how often a query being typed is filtered at most. It is
// the wait between the first key and the first filter run, too, so it is
// short: the keys of a burst (a paste, keys a program sends) come within
// a few milliseconds of each other, a person's a hundred apart, and a run
// overtaken by the next frame's stops at once.
const filterFrame = 8 * time.Millisecond

// filterFrameMsg is the frame timer of the query being typed.
type filterFrameMsg struct{}

// filterInput is the program's message filter, which runs on every
// message before Update: ctrl+c quits at once, and a printable key that
// the full filter box would refuse is dropped without an Update or a
// frame. It reads only what Update left in common, through a pointer:
// the model itself is too large to copy once per key.
func (c *common) filterInput(msg tea.Msg) tea.Msg {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return msg
	}
	c.index.noteKey(k)
	if key.Matches(k, c.keys.ForceQ) {
		return tea.QuitMsg{}
	}
	if c.queryFull && k.Text != "" && k.Mod&^tea.ModShift == 0 {
		return nil
	}
	return msg
}

// noteInput leaves in common what filterInput needs: whether the filter
// box has the keys, is full, and says so.
func (m *model) noteInput() {
	m.queryFull = m.overlay == overlayFilter && m.notice != "" &&
		len([]rune(m.list.input.Value())) >= maxQuery
}

// queueFilter filters with f at the next frame; what is typed until then
// joins it, so a burst of keys costs one run.
func (l *listModel) queueFilter(f filter) tea.Cmd {
	l.fltNext, l.fltQueued = f, true
	if l.fltArmed {
		return nil
	}
	l.fltArmed = true
	return tea.Tick(filterFrame, func(time.Time) tea.Msg { return filterFrameMsg{} })
}

// flushFilter runs the query typed since the last frame.
func (l *listModel) flushFilter() tea.Cmd {
	l.fltArmed = false
	if !l.fltQueued {
		return nil
	}
	l.fltQueued = false
	return l.runFilter(l.fltNext, true, true)
}

// noteFull says so when the filter box is full.
func (l *listModel) noteFull() {
	if len([]rune(l.input.Value())) >= maxQuery {
		l.setNotice("The query is full: it takes 500 characters at most.", true)
	}
}
