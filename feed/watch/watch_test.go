package watch

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// testOpts are quicker than the defaults, to keep the tests short; the
// coalescing tests use the defaults.
var testOpts = Options{Quiet: 60 * time.Millisecond, Latency: 400 * time.Millisecond, Interval: 150 * time.Millisecond}

// start watches roots until the test ends, and waits for the watch to
// let go of everything when it does.
func start(t *testing.T, roots []string, opts Options) <-chan Batch {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch := Watch(ctx, roots, opts)
	t.Cleanup(func() {
		cancel()
		for range ch {
		}
	})
	return ch
}

// merged is every batch's changes for one root, summed up.
type merged struct {
	added, changed, removed []string
	rescan                  []string
	notices                 []string
	batches                 int
}

// add folds b's change for root into m.
func (m *merged) add(b Batch, root string) {
	m.batches++
	m.notices = append(m.notices, b.Notices...)
	for _, c := range b.Changes {
		if c.Root != root {
			continue
		}
		if c.Rescan != "" {
			m.rescan = append(m.rescan, c.Rescan)
		}
		m.added = appendNew(m.added, c.Added...)
		m.changed = appendNew(m.changed, c.Changed...)
		m.removed = appendNew(m.removed, c.Removed...)
	}
}

// appendNew appends what s does not hold yet, keeping s sorted.
func appendNew(s []string, add ...string) []string {
	for _, a := range add {
		if !slices.Contains(s, a) {
			s = append(s, a)
		}
	}
	slices.Sort(s)
	return s
}

// collect takes batches for root until done says so, then for settle
// longer to catch any batch that should not be there; it fails the test
// if done never says so within ten seconds.
func collect(t *testing.T, ch <-chan Batch, root string, settle time.Duration, done func(*merged) bool) *merged {
	t.Helper()
	m := &merged{}
	timeout := time.After(10 * time.Second)
	for !done(m) {
		select {
		case b, ok := <-ch:
			if !ok {
				t.Fatal("watch closed early")
			}
			m.add(b, root)
		case <-timeout:
			t.Fatalf("gave up waiting; have %+v", *m)
		}
	}
	quiet := time.After(settle)
	for {
		select {
		case b := <-ch:
			m.add(b, root)
		case <-quiet:
			return m
		}
	}
}

// write makes a file under dir, with its directories.
func write(t *testing.T, dir, rel, body string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestEvents(t *testing.T) {
	tests := []struct {
		name string
		// before makes the tree the watch starts on; act changes it.
		before, act             func(t *testing.T, dir string)
		added, changed, removed []string
		rescan                  bool
	}{
		{
			name:  "add",
			act:   func(t *testing.T, dir string) { write(t, dir, "a.md", "new") },
			added: []string{"a.md"},
		},
		{
			name:    "change",
			before:  func(t *testing.T, dir string) { write(t, dir, "a.md", "old") },
			act:     func(t *testing.T, dir string) { write(t, dir, "a.md", "new") },
			changed: []string{"a.md"},
		},
		{
			name:    "remove",
			before:  func(t *testing.T, dir string) { write(t, dir, "a.md", "old") },
			act:     func(t *testing.T, dir string) { must(t, os.Remove(filepath.Join(dir, "a.md"))) },
			removed: []string{"a.md"},
		},
		{
			// The way most programs save atomically: a temporary file
			// renamed over the old one. The rename looks like a creation.
			name:   "rename over",
			before: func(t *testing.T, dir string) { write(t, dir, "a.md", "old") },
			act: func(t *testing.T, dir string) {
				write(t, dir, "a.md.tmp123", "new")
				must(t, os.Rename(filepath.Join(dir, "a.md.tmp123"), filepath.Join(dir, "a.md")))
			},
			added: []string{"a.md"},
		},
		{
			// vim's save with backupcopy=no: it probes with 4913, moves the
			// file to a backup, writes anew and drops the backup.
			name:   "vim save",
			before: func(t *testing.T, dir string) { write(t, dir, "a.md", "old") },
			act: func(t *testing.T, dir string) {
				write(t, dir, "4913", "")
				must(t, os.Remove(filepath.Join(dir, "4913")))
				write(t, dir, ".a.md.swp", "swap")
				must(t, os.Rename(filepath.Join(dir, "a.md"), filepath.Join(dir, "a.md~")))
				write(t, dir, "a.md", "new")
				must(t, os.Remove(filepath.Join(dir, "a.md~")))
			},
			changed: []string{"a.md"},
		},
		{
			name:   "emacs autosave",
			before: func(t *testing.T, dir string) { write(t, dir, "a.md", "old") },
			act: func(t *testing.T, dir string) {
				must(t, os.Symlink("user@host.123", filepath.Join(dir, ".#a.md")))
				write(t, dir, "#a.md#", "draft")
				write(t, dir, "a.md", "new")
				must(t, os.Remove(filepath.Join(dir, "#a.md#")))
				must(t, os.Remove(filepath.Join(dir, ".#a.md")))
			},
			changed: []string{"a.md"},
		},
		{
			name: "new subdirectory with files",
			act: func(t *testing.T, dir string) {
				write(t, dir, "sub/a.md", "a")
				write(t, dir, "sub/deeper/still/b.md", "b")
				write(t, dir, "sub/.hidden/c.md", "c")
			},
			added: []string{"sub/a.md", "sub/deeper/still/b.md"},
		},
		{
			name:    "subdirectory removed",
			before:  func(t *testing.T, dir string) { write(t, dir, "sub/deeper/a.md", "a") },
			act:     func(t *testing.T, dir string) { must(t, os.RemoveAll(filepath.Join(dir, "sub"))) },
			removed: []string{"sub"},
		},
		{
			name:   "subdirectory moved",
			before: func(t *testing.T, dir string) { write(t, dir, "sub/deeper/a.md", "a") },
			act: func(t *testing.T, dir string) {
				must(t, os.Rename(filepath.Join(dir, "sub"), filepath.Join(dir, "moved")))
			},
			added:   []string{"moved/deeper/a.md"},
			removed: []string{"sub"},
		},
		{
			name:   "subdirectory moved in",
			before: func(t *testing.T, dir string) { write(t, filepath.Dir(dir), "outside/x/a.md", "a") },
			act: func(t *testing.T, dir string) {
				must(t, os.Rename(filepath.Join(filepath.Dir(dir), "outside"), filepath.Join(dir, "in")))
			},
			added: []string{"in/x/a.md"},
		},
		{
			name:   "subdirectory removed and made again",
			before: func(t *testing.T, dir string) { write(t, dir, "sub/a.md", "a") },
			act: func(t *testing.T, dir string) {
				must(t, os.RemoveAll(filepath.Join(dir, "sub")))
				write(t, dir, "sub/b.md", "b")
			},
			rescan: true,
		},
		{
			name:   "hidden files",
			before: func(t *testing.T, dir string) { write(t, dir, ".git/HEAD", "a") },
			act: func(t *testing.T, dir string) {
				write(t, dir, ".git/HEAD", "b")
				write(t, dir, ".draft.md", "b")
				write(t, dir, "a.md", "a")
			},
			added: []string{"a.md"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "root")
			must(t, os.Mkdir(dir, 0o755))
			if tt.before != nil {
				tt.before(t, dir)
			}
			ch := start(t, []string{dir}, testOpts)
			tt.act(t, dir)
			m := collect(t, ch, dir, 300*time.Millisecond, func(m *merged) bool { return m.batches > 0 })
			if tt.rescan != (len(m.rescan) > 0) {
				t.Errorf("rescan = %q, want rescan %v", m.rescan, tt.rescan)
			}
			if tt.rescan {
				return
			}
			for _, c := range []struct {
				what      string
				got, want []string
			}{{"added", m.added, tt.added}, {"changed", m.changed, tt.changed}, {"removed", m.removed, tt.removed}} {
				if !slices.Equal(c.got, c.want) {
					t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
				}
			}
			if len(m.notices) > 0 {
				t.Errorf("notices %q", m.notices)
			}
		})
	}
}

// TestRootRemovedAndMadeAgain: a root that goes is a rescan, and so is its
// coming back, after which it is watched by events again.
func TestRootRemovedAndMadeAgain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "root")
	write(t, dir, "sub/a.md", "a")
	ch := start(t, []string{dir}, testOpts)
	must(t, os.RemoveAll(dir))
	m := collect(t, ch, dir, 0, func(m *merged) bool { return len(m.rescan) > 0 })
	t.Logf("on removal: %q", m.rescan)
	write(t, dir, "b.md", "b")
	m = collect(t, ch, dir, 0, func(m *merged) bool { return len(m.rescan) > 0 })
	t.Logf("on return: %q", m.rescan)
	write(t, dir, "sub/c.md", "c")
	collect(t, ch, dir, 0, func(m *merged) bool { return slices.Contains(m.added, "sub/c.md") })
}

// TestSymlinkLoop: links are reported as files and never followed, so a
// loop, or a link back up the tree, neither hangs the watch nor makes a
// file show under two names.
func TestSymlinkLoop(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "root")
	write(t, dir, "sub/a.md", "a")
	ch := start(t, []string{dir}, testOpts)
	must(t, os.Symlink("loop", filepath.Join(dir, "loop")))
	must(t, os.Symlink("..", filepath.Join(dir, "sub", "up")))
	must(t, os.Symlink(".", filepath.Join(dir, "sub", "self")))
	must(t, os.Symlink(dir, filepath.Join(dir, "abs")))
	m := collect(t, ch, dir, 300*time.Millisecond, func(m *merged) bool { return len(m.added) >= 4 })
	if want := []string{"abs", "loop", "sub/self", "sub/up"}; !slices.Equal(m.added, want) {
		t.Errorf("added %q, want %q", m.added, want)
	}
	write(t, dir, "sub/b.md", "b")
	m = collect(t, ch, dir, 300*time.Millisecond, func(m *merged) bool { return m.batches > 0 })
	if want := []string{"sub/b.md"}; !slices.Equal(m.added, want) || len(m.changed)+len(m.removed) > 0 {
		t.Errorf("got %+v, want only %q added", *m, want)
	}
}

// TestNestedRoots: a directory inside two roots reports to both.
func TestNestedRoots(t *testing.T) {
	outer := t.TempDir()
	inner := filepath.Join(outer, "inner")
	must(t, os.Mkdir(inner, 0o755))
	ch := start(t, []string{outer, inner}, testOpts)
	write(t, inner, "a.md", "a")
	var got []Change
	timeout := time.After(10 * time.Second)
	for len(got) < 2 {
		select {
		case b := <-ch:
			got = append(got, b.Changes...)
		case <-timeout:
			t.Fatalf("got %+v", got)
		}
	}
	for _, c := range got {
		want := "a.md"
		if c.Root == outer {
			want = filepath.Join("inner", "a.md")
		}
		if !slices.Equal(c.Added, []string{want}) {
			t.Errorf("root %s: added %q, want %q", c.Root, c.Added, want)
		}
	}
}

// TestMatch: files Match turns down are never reported.
func TestMatch(t *testing.T) {
	dir := t.TempDir()
	opts := testOpts
	opts.Match = func(rel string) bool { return strings.HasSuffix(rel, ".md") }
	ch := start(t, []string{dir}, opts)
	write(t, dir, "a.txt~", "x")
	write(t, dir, "sub/b.pdf", "x")
	write(t, dir, "sub/c.md", "x")
	m := collect(t, ch, dir, 300*time.Millisecond, func(m *merged) bool { return m.batches > 0 })
	if want := []string{"sub/c.md"}; !slices.Equal(m.added, want) {
		t.Errorf("added %q, want %q", m.added, want)
	}
}

// TestBurst: a thousand files written at once come in a bounded number of
// batches: one per Latency the writing lasted, and one more.
func TestBurst(t *testing.T) {
	dir := t.TempDir()
	ch := start(t, []string{dir}, Options{})
	begin := time.Now()
	for i := range 1000 {
		write(t, dir, filepath.Join("unpacked", "d"+itoa3(i/100), "f"+itoa3(i)+".md"), "body")
	}
	took := time.Since(begin)
	m := collect(t, ch, dir, 2*DefaultQuiet, func(m *merged) bool { return len(m.added) >= 1000 })
	limit := int(took/DefaultLatency) + 2
	t.Logf("1,000 files written in %v came in %d batches", took.Round(time.Millisecond), m.batches)
	if len(m.added) != 1000 || m.batches > limit {
		t.Errorf("%d added in %d batches; want 1000 in at most %d", len(m.added), m.batches, limit)
	}
}

// itoa3 formats n in three digits.
func itoa3(n int) string {
	return string([]byte{byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)})
}

// TestRapidRewrite: a file rewritten 100 times a second for 2 s shows in
// batches while it lasts (Latency caps the wait) and ends with a batch
// after the last write, and far fewer batches than writes.
func TestRapidRewrite(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.md", "0")
	ch := start(t, []string{dir}, Options{})
	batches := make(chan time.Time, 100)
	go func() {
		for b := range ch {
			for _, c := range b.Changes {
				if slices.Contains(c.Changed, "a.md") {
					batches <- time.Now()
				}
			}
		}
	}()
	tick := time.NewTicker(10 * time.Millisecond)
	end := time.Now().Add(2 * time.Second)
	writes := 0
	for time.Now().Before(end) {
		<-tick.C
		write(t, dir, "a.md", strings.Repeat("x", writes%50))
		writes++
	}
	tick.Stop()
	last := time.Now()
	var during, after int
	timeout := time.After(5 * time.Second)
	for after == 0 {
		select {
		case at := <-batches:
			if at.Before(last) {
				during++
			} else {
				after++
			}
		case <-timeout:
			t.Fatalf("no batch after the last write (%d during)", during)
		}
	}
	t.Logf("%d writes in 2 s: %d batches during, %d after the last", writes, during, after)
	if during == 0 {
		t.Error("no batch while the writes went on: Latency does not cap the wait")
	}
	if during+after > writes/10 {
		t.Errorf("%d batches for %d writes", during+after, writes)
	}
}

// TestNoLeak: once ctx is done the channel closes and every goroutine
// the watch started (its own and fsnotify's) is gone.
func TestNoLeak(t *testing.T) {
	for _, poll := range []bool{false, true} {
		before := runtime.NumGoroutine()
		dir := t.TempDir()
		write(t, dir, "sub/a.md", "a")
		ctx, cancel := context.WithCancel(context.Background())
		ch := Watch(ctx, []string{dir}, Options{Poll: poll, Interval: 50 * time.Millisecond})
		write(t, dir, "b.md", "b")
		time.Sleep(100 * time.Millisecond)
		cancel()
		for range ch {
		}
		n := runtime.NumGoroutine()
		for i := 0; i < 100 && n > before; i++ {
			time.Sleep(10 * time.Millisecond)
			n = runtime.NumGoroutine()
		}
		if n > before {
			buf := make([]byte, 1<<16)
			t.Errorf("poll=%v: %d goroutines before, %d after\n%s", poll, before, n, buf[:runtime.Stack(buf, true)])
		}
	}
}

// TestIdle: nothing is sent while nothing changes.
func TestIdle(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.md", "a")
	ch := start(t, []string{dir}, testOpts)
	select {
	case b := <-ch:
		t.Errorf("batch while idle: %+v", b)
	case <-time.After(time.Second):
	}
}

// TestPollFallback: when no event source can be made (here one failing
// as a full watch table does), the rescan reports the same changes, and
// the watch says so once.
func TestPollFallback(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "root")
	write(t, dir, "keep.md", "k")
	write(t, dir, "gone.md", "g")
	write(t, dir, "edit.md", "e")
	write(t, dir, "swap.md", "1234")
	write(t, dir, "sub/deep.md", "d")
	opts := testOpts
	opts.newWatcher = func() (*fsnotify.Watcher, error) { return nil, syscall.ENOSPC }
	ch := start(t, []string{dir}, opts)
	m := collect(t, ch, dir, 0, func(m *merged) bool { return len(m.notices) > 0 })
	if len(m.notices) != 1 || !strings.Contains(m.notices[0], "watch limit") {
		t.Fatalf("notices %q", m.notices)
	}
	must(t, os.Remove(filepath.Join(dir, "gone.md")))
	write(t, dir, "edit.md", "edited")
	write(t, dir, "new/n.md", "n")
	must(t, os.RemoveAll(filepath.Join(dir, "sub")))
	// Same size and time, new inode: only the inode tells.
	fi, err := os.Stat(filepath.Join(dir, "swap.md"))
	must(t, err)
	write(t, dir, "swap.tmp", "abcd")
	must(t, os.Chtimes(filepath.Join(dir, "swap.tmp"), fi.ModTime(), fi.ModTime()))
	must(t, os.Rename(filepath.Join(dir, "swap.tmp"), filepath.Join(dir, "swap.md")))
	m = collect(t, ch, dir, 400*time.Millisecond, func(m *merged) bool { return len(m.removed) >= 2 && len(m.changed) >= 2 })
	want := merged{added: []string{"new/n.md"}, changed: []string{"edit.md", "swap.md"}, removed: []string{"gone.md", "sub/deep.md"}}
	if !slices.Equal(m.added, want.added) || !slices.Equal(m.changed, want.changed) || !slices.Equal(m.removed, want.removed) || len(m.notices) > 0 {
		t.Errorf("got %+v\nwant %+v", *m, want)
	}
}

// TestForcedPoll: Options.Poll polls, saying so once.
func TestForcedPoll(t *testing.T) {
	dir := t.TempDir()
	opts := testOpts
	opts.Poll = true
	ch := start(t, []string{dir}, opts)
	write(t, dir, "a.md", "a")
	m := collect(t, ch, dir, 400*time.Millisecond, func(m *merged) bool { return len(m.added) > 0 })
	if len(m.notices) != 1 || !strings.Contains(m.notices[0], "as configured") || !slices.Equal(m.added, []string{"a.md"}) {
		t.Errorf("got %+v", *m)
	}
}

// TestOverflow: when the kernel's queue overflows, every root is
// rescanned and its watches follow the directories made and removed
// meanwhile.
func TestOverflow(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "old/a.md", "a")
	w := &watcher{opts: testOpts, dirs: make(map[string][]ref)}
	w.opts.newWatcher = fsnotify.NewWatcher
	w.setup([]string{dir})
	w.live = true
	defer w.fsw.Close()
	r := w.roots[0]
	// Changes whose events are never read, as if the queue had dropped them.
	must(t, os.RemoveAll(filepath.Join(dir, "old")))
	write(t, dir, "new/deeper/b.md", "b")
	w.eventError(fsnotify.ErrEventOverflow)
	b := w.build()
	if len(b.Changes) != 1 || b.Changes[0].Rescan == "" {
		t.Fatalf("batch %+v, want a rescan", b)
	}
	var dirs []string
	for d := range r.dirs {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	if want := []string{"", "new", "new/deeper"}; !slices.Equal(dirs, want) {
		t.Errorf("watching %q, want %q", dirs, want)
	}
	if got := len(w.fsw.WatchList()); got != 3 {
		t.Errorf("%d inotify watches, want 3", got)
	}
}

func TestPending(t *testing.T) {
	type op struct {
		do  func(*pending, string, time.Time)
		rel string
	}
	var (
		created = (*pending).created
		changed = (*pending).changed
		removed = (*pending).removed
		rmdir   = (*pending).removedDir
	)
	tests := []struct {
		name                    string
		ops                     []op
		added, changed, removed []string
	}{
		{"written", []op{{changed, "a"}, {changed, "a"}}, nil, []string{"a"}, nil},
		{"created and written", []op{{created, "a"}, {changed, "a"}}, []string{"a"}, nil, nil},
		{"temporary", []op{{created, "a~"}, {changed, "a~"}, {removed, "a~"}}, nil, nil, nil},
		{"removed and made again", []op{{removed, "a"}, {created, "a"}}, nil, []string{"a"}, nil},
		{"written then removed", []op{{changed, "a"}, {removed, "a"}}, nil, nil, []string{"a"}},
		{"directory takes its files", []op{{created, "d/a"}, {changed, "d/b"}, {changed, "dd"}, {rmdir, "d"}}, nil, []string{"dd"}, []string{"d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p pending
			for _, o := range tt.ops {
				o.do(&p, o.rel, time.Time{})
			}
			c := p.change("r")
			if !slices.Equal(c.Added, tt.added) || !slices.Equal(c.Changed, tt.changed) || !slices.Equal(c.Removed, tt.removed) {
				t.Errorf("got %+v", c)
			}
		})
	}
	t.Run("too many", func(t *testing.T) {
		var p pending
		for i := range maxPending + 1 {
			p.created(string(rune('a'+i%26))+itoa3(i%1000)+itoa3(i/1000), time.Time{})
		}
		if c := p.change("r"); c.Rescan == "" || len(c.Added) > 0 {
			t.Errorf("got %d added, rescan %q", len(c.Added), c.Rescan)
		}
	})
}

// TestSplit: a batch sent at its latency leaves behind what is still
// moving, unless that has waited its own latency.
func TestSplit(t *testing.T) {
	const quiet, latency = 100 * time.Millisecond, time.Second
	t0 := time.Now()
	var p pending
	p.changed("stream.md", t0)
	p.changed("stream.md", t0.Add(990*time.Millisecond))
	p.removed("saving.md", t0.Add(950*time.Millisecond))
	p.created("saving.md~", t0.Add(950*time.Millisecond))
	p.created("done.md", t0.Add(500*time.Millisecond))
	ready := p.split(t0.Add(latency), quiet, latency)
	if got := ready.change("r"); !slices.Equal(got.Added, []string{"done.md"}) || !slices.Equal(got.Changed, []string{"stream.md"}) || len(got.Removed) > 0 {
		t.Errorf("sent %+v", got)
	}
	if first, last := p.times(); !first.Equal(t0.Add(950*time.Millisecond)) || !last.Equal(first) {
		t.Errorf("left times %v, %v", first.Sub(t0), last.Sub(t0))
	}
	p.created("saving.md", t0.Add(1100*time.Millisecond))
	p.removed("saving.md~", t0.Add(1100*time.Millisecond))
	ready = p.split(t0.Add(1300*time.Millisecond), quiet, latency)
	if got := ready.change("r"); !slices.Equal(got.Changed, []string{"saving.md"}) || len(got.Added)+len(got.Removed) > 0 {
		t.Errorf("then sent %+v", got)
	}
	p.setRescan("lost")
	p.changed("x", t0)
	if got := p.split(t0, quiet, latency); got.rescan != "lost" || !p.empty() {
		t.Errorf("rescan not sent whole: %+v, left %+v", got, p)
	}
}

// TestSaveAcrossLatency: a save in the middle of its steps when a stream
// of writes elsewhere makes a batch go at its latency is not cut in two:
// the saved file is never reported removed, nor its backup added.
func TestSaveAcrossLatency(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.md", "old")
	write(t, dir, "stream.md", "0")
	ctx, cancel := context.WithCancel(context.Background())
	ch := Watch(ctx, []string{dir}, Options{})
	var got merged
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range ch {
			got.add(b, dir)
		}
	}()
	t0 := time.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	saved := false
	for time.Since(t0) < 1500*time.Millisecond {
		<-tick.C
		write(t, dir, "stream.md", time.Now().String())
		// Moved away at 750 ms, written anew at 850: the batch that
		// goes at 800 ms falls in between.
		if !saved && time.Since(t0) >= 750*time.Millisecond {
			saved = true
			must(t, os.Rename(filepath.Join(dir, "a.md"), filepath.Join(dir, "a.md~")))
			time.Sleep(100 * time.Millisecond)
			write(t, dir, "a.md", "new")
			must(t, os.Remove(filepath.Join(dir, "a.md~")))
		}
	}
	tick.Stop()
	time.Sleep(time.Second)
	cancel()
	<-done
	if !slices.Equal(got.changed, []string{"a.md", "stream.md"}) || len(got.added)+len(got.removed) > 0 {
		t.Errorf("got %+v", got)
	}
	t.Logf("%d batches", got.batches)
}
