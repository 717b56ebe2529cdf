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
// before they reach Update, and the list is filtered once per frame at
// most, not once per key, so that a ctrl+c behind the paste is read, and
// obeyed, soon.

// maxQuery caps the filter box.
const maxQuery = 500

// A query being typed is filtered once the keys pause for keyPause, or
// filterFrame after the first key it has not been filtered for, whichever
// comes first. The keys of a burst (a paste, keys a program sends) come
// within a fraction of a millisecond of each other, a person's a hundred
// apart: a word a program types is filtered as its last key is in, a
// person's keys each as it comes, and a paste once a frame. A run
// overtaken by the next one stops at once.
const (
	keyPause    = 2 * time.Millisecond
	filterFrame = 8 * time.Millisecond
)

// filterFrameMsg is the timer of the query being typed, which fired at
// at.
type filterFrameMsg struct{ at time.Time }

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

// queueFilter filters with f, typed at now, once the keys pause or the
// frame is up (see keyPause); what is typed until then joins it, so a
// burst of keys costs one run.
func (l *listModel) queueFilter(f filter, now time.Time) tea.Cmd {
	if !l.fltQueued {
		l.fltFirst = now
	}
	l.fltLast = now
	l.fltNext, l.fltQueued = f, true
	if l.fltArmed {
		return nil
	}
	return l.armFilter(keyPause)
}

// armFilter starts the timer that flushes the query typed, after d.
func (l *listModel) armFilter(d time.Duration) tea.Cmd {
	l.fltArmed = true
	return tea.Tick(d, func(at time.Time) tea.Msg { return filterFrameMsg{at: at} })
}

// flushFilter runs the query typed, at now, if its keys have paused or
// its frame is up; else it waits for that.
func (l *listModel) flushFilter(now time.Time) tea.Cmd {
	l.fltArmed = false
	if !l.fltQueued {
		return nil
	}
	if due := filterDue(l.fltFirst, l.fltLast); now.Before(due) {
		return l.armFilter(due.Sub(now))
	}
	l.fltQueued = false
	return l.runFilter(l.fltNext, true, true)
}

// filterDue is when a query is filtered whose first key not filtered
// for came at first and last key at last.
func filterDue(first, last time.Time) time.Time {
	due := last.Add(keyPause)
	if frame := first.Add(filterFrame); frame.Before(due) {
		return frame
	}
	return due
}

// noteFull says so when the filter box is full.
func (l *listModel) noteFull() {
	if len([]rune(l.input.Value())) >= maxQuery {
		l.setNotice("The query is full: it takes 500 characters at most.", true)
	}
}
