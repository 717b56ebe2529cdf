// Package syncer keeps the store and a sync account in step: it pulls the
// account's unread and starred entries, with their content, into the
// store, and sends the read and star changes made in gazette, which
// store.Mark queues, to the server.
//
// When both sides changed an entry since the last sync, the newer change
// wins, by the time it was made: the time a change was queued against the
// time the server says it last changed the entry (Miniflux's changed_at).
// A server that tells no time loses to a queued change. (What the Google
// Reader API tells is when an entry was last updated, which is taken as
// its change time.)
package syncer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/humanize"
	"github.com/gazette-news/gazette/internal/remote"
	"github.com/gazette-news/gazette/store"
)

// DefaultDeadline bounds one sync of one account, every request and
// retry included: a sync runs in the background, and a server that
// answers slowly must still let it end.
const DefaultDeadline = 2 * time.Minute

// maxQueue caps the queued changes one sync sends; the rest wait for the
// next.
const maxQueue = 10_000

// Options tunes a sync. The zero value is what gazette uses.
type Options struct {
	// Deadline bounds the whole sync; zero means DefaultDeadline.
	Deadline time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Summary is what one sync of one account changed.
type Summary struct {
	// Account names the account.
	Account string
	// Subscriptions counts the account's subscriptions.
	Subscriptions int
	// New counts the entries the store had not had from the account.
	New int
	// Read, Unread, Starred and Unstarred count the articles whose state
	// the server changed in the store.
	Read, Unread, Starred, Unstarred int
	// Sent counts the queued changes the server took.
	Sent int
	// Conflicts counts the queued changes not sent because the server
	// changed the same entry later.
	Conflicts int
	// Rejected says why each change the server refused was dropped.
	Rejected []string
	// Queued counts the changes still waiting to be sent.
	Queued int
}

// String returns the summary on one line:
// "12 new · 30 marked read · 2 starred · queue empty".
func (s Summary) String() string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, humanize.Thousands(n)+" "+what)
		}
	}
	add(s.New, "new")
	add(s.Read, "marked read")
	add(s.Unread, "marked unread")
	add(s.Starred, "starred")
	add(s.Unstarred, "unstarred")
	add(s.Sent, "sent")
	add(s.Conflicts, "overridden by newer changes on the server")
	add(len(s.Rejected), "refused by the server")
	if len(parts) == 0 {
		parts = append(parts, "nothing new")
	}
	if s.Queued == 0 {
		parts = append(parts, "queue empty")
	} else {
		parts = append(parts, humanize.Plural(s.Queued, "change", "changes")+" queued")
	}
	return strings.Join(parts, " · ")
}

// state is an entry's state on the server.
type state struct{ read, starred bool }

// get returns the value of the attribute op changes.
func (s state) get(op store.Op) bool {
	if op == store.OpRead || op == store.OpUnread {
		return s.read
	}
	return s.starred
}

// other returns the value of the attribute op does not change.
func (s state) other(op store.Op) bool {
	if op == store.OpRead || op == store.OpUnread {
		return s.starred
	}
	return s.read
}

// set applies op.
func (s *state) set(op store.Op) {
	switch op {
	case store.OpRead:
		s.read = true
	case store.OpUnread:
		s.read = false
	case store.OpStar:
		s.starred = true
	case store.OpUnstar:
		s.starred = false
	}
}

// on reports whether op sets its attribute (read, star).
func on(op store.Op) bool { return op == store.OpRead || op == store.OpStar }

// sync is one run for one account.
type sync struct {
	name  string
	acct  remote.Account
	st    *store.Store
	start time.Time
	sum   Summary

	base    map[string]store.RemoteEntry // the server's state at the last sync, by ID
	cur     map[string]state             // the server's state now, by ID
	fetched map[string]remote.Entry      // entries read with their content, by ID
	byKey   map[string][]string          // entry IDs by story key
	// pushed holds the attributes of entries this sync sent ("id/read",
	// "id/star"), held those of keys whose changes still wait: the
	// server's state, read before, does not apply to them.
	pushed, held map[string]bool
	// forced holds the attributes whose server state won a conflict: it
	// is applied even where the server's state is as at the last sync.
	forced map[string]bool
	subs   map[string]remote.Subscription
}

// SourceName is the source an account's articles are kept and listed
// under: "account:NAME".
func SourceName(account string) string { return "account:" + account }

// Run syncs the account named name once: it sends the queued changes and
// pulls the server's state. The summary is filled in as far as the sync
// went, even when it fails; the error names the server and never holds a
// secret.
func Run(ctx context.Context, st *store.Store, name string, acct remote.Account, opts Options) (Summary, error) {
	deadline := opts.Deadline
	if deadline <= 0 {
		deadline = DefaultDeadline
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	s := &sync{name: name, acct: acct, st: st, start: now(), sum: Summary{Account: name},
		fetched: map[string]remote.Entry{}, byKey: map[string][]string{}, pushed: map[string]bool{}, held: map[string]bool{}, forced: map[string]bool{}}
	err := s.run(ctx)
	// The queue is counted whatever happened, so that a failed sync
	// still says what waits. A context already ended must not stop it.
	if q, qerr := st.Pending(context.WithoutCancel(ctx), name, maxQueue); qerr == nil {
		s.sum.Queued = len(q)
	}
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			// The request's own message would name its timeout, not
			// the sync's, which ended it.
			where := ""
			if re := (*remote.Error)(nil); errors.As(err, &re) {
				where = " (" + re.Server + ": " + re.Op + ")"
			}
			err = fmt.Errorf("sync %s: did not finish within %v%s: %w", name, deadline, where, remote.ErrTimeout)
		} else {
			err = fmt.Errorf("sync %s: %w", name, err)
		}
	}
	return s.sum, err
}

func (s *sync) run(ctx context.Context) error {
	subs, err := s.acct.Subscriptions(ctx)
	if err != nil {
		return err
	}
	s.sum.Subscriptions = len(subs)
	s.subs = make(map[string]remote.Subscription, len(subs))
	for _, sub := range subs {
		s.subs[sub.ID] = sub
	}
	unread, err := s.acct.EntryIDs(ctx, remote.Filter{Unread: true})
	if err != nil {
		return err
	}
	starred, err := s.acct.EntryIDs(ctx, remote.Filter{Starred: true})
	if err != nil {
		return err
	}
	if s.base, err = s.st.RemoteEntries(ctx, s.name); err != nil {
		return err
	}
	pending, err := s.st.Pending(ctx, s.name, maxQueue)
	if err != nil {
		return err
	}

	// The server's state now: an entry known from the last sync that is
	// neither unread nor starred any more is read and not starred.
	s.cur = make(map[string]state, len(s.base)+len(unread))
	for id, e := range s.base {
		s.cur[id] = state{read: true}
		s.byKey[e.Key] = append(s.byKey[e.Key], id)
	}
	for _, id := range unread {
		st := s.cur[id]
		st.read = false
		s.cur[id] = st
	}
	for _, id := range starred {
		st, ok := s.cur[id]
		if !ok {
			st.read = true
		}
		st.starred = true
		s.cur[id] = st
	}

	// Content is read only for entries the store lacks: a sync that
	// finds nothing new makes three small requests.
	if err := s.fetchNew(ctx, unread, remote.Filter{Unread: true}); err != nil {
		return err
	}
	if err := s.fetchNew(ctx, starred, remote.Filter{Starred: true}); err != nil {
		return err
	}
	// The entries changed since the oldest queued change, with the time
	// of their change, settle the conflicts.
	if len(pending) > 0 {
		since := pending[0].At
		for _, c := range pending {
			if c.At.Before(since) {
				since = c.At
			}
		}
		changed, err := s.acct.Entries(ctx, remote.Filter{Since: since.Add(-time.Second)})
		if err != nil {
			return err
		}
		s.add(changed)
	}

	pushErr := s.push(ctx, pending)
	if err := s.apply(ctx); err != nil {
		return err
	}
	return pushErr
}

// fetchNew reads the entries the filter selects when ids holds one the
// store does not know.
func (s *sync) fetchNew(ctx context.Context, ids []string, f remote.Filter) error {
	if !slices.ContainsFunc(ids, func(id string) bool {
		_, known := s.base[id]
		_, got := s.fetched[id]
		return !known && !got
	}) {
		return nil
	}
	entries, err := s.acct.Entries(ctx, f)
	if err != nil {
		return err
	}
	s.add(entries)
	return nil
}

// add records entries read from the server.
func (s *sync) add(entries []remote.Entry) {
	for _, e := range entries {
		if e.Article == nil || e.Article.Key == "" {
			continue
		}
		if sub, ok := s.subs[e.SubscriptionID]; ok {
			// The subscription's categories are the article's tags too.
			a := *e.Article
			names := make([]string, len(sub.Tags))
			for i, t := range sub.Tags {
				names[i] = t.Name
			}
			a.Tags = feed.MergeTags(slices.Clone(a.Tags), names)
			if a.Source == "" {
				a.Source = sub.Title
			}
			e.Article = &a
		}
		if _, ok := s.fetched[e.ID]; !ok {
			if _, known := s.base[e.ID]; !known {
				s.byKey[e.Article.Key] = append(s.byKey[e.Article.Key], e.ID)
			}
		}
		s.fetched[e.ID] = e
		// The entry's own state is as fresh as the ID lists'.
		s.cur[e.ID] = state{read: e.Read, starred: e.Starred}
	}
}

// serverWins reports whether the server changed the entry's attribute
// that c changes after c was made. Miniflux keeps one change time for
// both read and starred: when what the server changed since the last
// sync is plainly the other one, the time is not this attribute's.
func (s *sync) serverWins(c store.Change, id string) bool {
	e, ok := s.fetched[id]
	if !ok || e.Changed.IsZero() || !e.Changed.After(c.At) {
		return false
	}
	cur := s.cur[id]
	b, known := s.base[id]
	if !known {
		return true
	}
	base := state{read: b.Read, starred: b.Starred}
	changedThis := cur.get(c.Op) != base.get(c.Op)
	changedOther := cur.other(c.Op) != base.other(c.Op)
	return changedThis || !changedOther
}

// attr names an entry's attribute that op changes.
func attr(id string, op store.Op) string {
	if op == store.OpRead || op == store.OpUnread {
		return id + "/read"
	}
	return id + "/star"
}

// permanent reports whether the server refused a change for good, so
// that sending it again would fail again.
func permanent(err error) bool {
	return errors.Is(err, remote.ErrRejected) || errors.Is(err, remote.ErrNotFound)
}

// push sends the queued changes in order, those of one kind in a row in
// one request. A change the server refuses is reported and dropped; a
// failure that may pass (the server down, slow or failing, or refusing
// the credentials) stops the sending and leaves the rest queued.
func (s *sync) push(ctx context.Context, pending []store.Change) error {
	type item struct {
		c   store.Change
		ids []string
	}
	var (
		batch []item
		done  []int64
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		op := batch[0].c.Op
		var ids []string
		for _, it := range batch {
			ids = append(ids, it.ids...)
		}
		err := s.acct.Mark(ctx, opChange(op), ids)
		if err != nil && permanent(err) && len(batch) > 1 {
			// Which of them was refused: each alone.
			err = nil
			for _, it := range batch {
				if e := s.acct.Mark(ctx, opChange(op), it.ids); e != nil {
					if !permanent(e) {
						err = e
						break
					}
					s.sum.Rejected = append(s.sum.Rejected, fmt.Sprintf("%s %s: %v", op, feed.SanitizeLine(it.c.Key), e))
				} else {
					s.sent(it.c, it.ids)
				}
				done = append(done, it.c.ID)
			}
		} else if err != nil && permanent(err) {
			s.sum.Rejected = append(s.sum.Rejected, fmt.Sprintf("%s %s: %v", op, feed.SanitizeLine(batch[0].c.Key), err))
			done = append(done, batch[0].c.ID)
			err = nil
		} else if err == nil {
			for _, it := range batch {
				s.sent(it.c, it.ids)
				done = append(done, it.c.ID)
			}
		}
		if err != nil {
			// What was not sent stays queued, and as the user left it.
			for _, it := range batch {
				s.st.Retry(context.WithoutCancel(ctx), it.c.ID)
				s.held[it.c.Key] = true
			}
		}
		batch = batch[:0]
		return err
	}
	var pushErr error
	for i, c := range pending {
		if len(batch) > 0 && batch[0].c.Op != c.Op {
			if pushErr = flush(); pushErr != nil {
				s.hold(pending[i:])
				break
			}
		}
		var ids []string
		lost := false
		for _, id := range s.byKey[c.Key] {
			cur := s.cur[id]
			if cur.get(c.Op) == on(c.Op) {
				continue
			}
			if s.serverWins(c, id) {
				lost = true
				s.forced[attr(id, c.Op)] = true
				continue
			}
			ids = append(ids, id)
			// Later changes of the queue see this one made.
			cur.set(c.Op)
			s.cur[id] = cur
		}
		if lost {
			s.sum.Conflicts++
		}
		if len(ids) == 0 {
			done = append(done, c.ID)
			continue
		}
		batch = append(batch, item{c, ids})
	}
	if pushErr == nil {
		pushErr = flush()
	}
	if err := s.st.Dequeue(context.WithoutCancel(ctx), done...); err != nil {
		return err
	}
	return pushErr
}

// hold keeps the server's state from overriding the keys of changes that
// wait to be sent.
func (s *sync) hold(rest []store.Change) {
	for _, c := range rest {
		s.held[c.Key] = true
	}
}

// sent records a change the server took.
func (s *sync) sent(c store.Change, ids []string) {
	s.sum.Sent++
	for _, id := range ids {
		s.pushed[attr(id, c.Op)] = true
	}
}

// opChange turns a store change into a server's.
func opChange(op store.Op) remote.Change {
	switch op {
	case store.OpRead:
		return remote.MarkRead
	case store.OpUnread:
		return remote.MarkUnread
	case store.OpStar:
		return remote.Star
	case store.OpUnstar:
		return remote.Unstar
	}
	return 0
}

// apply writes the server's state into the store: new entries kept with
// their content, the state the server changed since the last sync marked
// at the time the server changed it, and the new base.
func (s *sync) apply(ctx context.Context) error {
	var arts []*feed.Article
	var put []store.RemoteEntry
	type mark struct {
		op store.Op
		at time.Time
	}
	marks := map[mark][]string{}
	var touched []string
	for id, cur := range s.cur {
		b, known := s.base[id]
		e, got := s.fetched[id]
		key := b.Key
		if !known {
			if !got {
				continue
			}
			key = e.Article.Key
			s.sum.New++
			arts = append(arts, e.Article)
		}
		if s.held[key] {
			continue
		}
		at := s.start
		if got && !e.Changed.IsZero() && e.Changed.Before(s.start) {
			at = e.Changed
		}
		changed := false
		if (!known || b.Read != cur.read || s.forced[attr(id, store.OpRead)]) && !s.pushed[attr(id, store.OpRead)] {
			op := store.OpUnread
			if cur.read {
				op = store.OpRead
			}
			marks[mark{op, at}] = append(marks[mark{op, at}], key)
			changed = true
		}
		if (!known || b.Starred != cur.starred || s.forced[attr(id, store.OpStar)]) && !s.pushed[attr(id, store.OpStar)] {
			op := store.OpUnstar
			if cur.starred {
				op = store.OpStar
			}
			marks[mark{op, at}] = append(marks[mark{op, at}], key)
			changed = true
		}
		if changed || !known || b.Read != cur.read || b.Starred != cur.starred {
			put = append(put, store.RemoteEntry{ID: id, Key: key, Read: cur.read, Starred: cur.starred})
			touched = append(touched, key)
		}
	}
	if len(touched) == 0 {
		return nil
	}
	before, err := s.st.States(ctx, touched)
	if err != nil {
		return err
	}
	if len(arts) > 0 {
		if err := s.st.Keep(ctx, SourceName(s.name), arts); err != nil {
			return err
		}
	}
	// Oldest first, so that the store sees the changes in their order.
	order := make([]mark, 0, len(marks))
	for m := range marks {
		order = append(order, m)
	}
	slices.SortFunc(order, func(a, b mark) int { return a.at.Compare(b.at) })
	for _, m := range order {
		if err := s.st.MarkAt(ctx, m.op, m.at, marks[m]...); err != nil {
			return err
		}
	}
	if err := s.st.PutRemoteEntries(ctx, s.name, put); err != nil {
		return err
	}
	after, err := s.st.States(ctx, touched)
	if err != nil {
		return err
	}
	for _, k := range unique(touched) {
		was, had := before[k]
		now := after[k]
		if !had {
			// An article new to the store arrives in the server's state;
			// only what differs from a new article's counts.
			was = feed.State{}
		}
		switch {
		case now.Read && !was.Read:
			s.sum.Read++
		case !now.Read && was.Read:
			s.sum.Unread++
		}
		switch {
		case now.Starred && !was.Starred:
			s.sum.Starred++
		case !now.Starred && was.Starred:
			s.sum.Unstarred++
		}
	}
	return nil
}

func unique(keys []string) []string {
	slices.Sort(keys)
	return slices.Compact(keys)
}
