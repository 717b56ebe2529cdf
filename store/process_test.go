//go:build linux

package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
)

// The tests below run the test binary again as child processes, each
// opening the same database, to test what only real processes show:
// locking between them, a kill in the middle of a write, a file size
// limit. GAZETTE_STORE_CHILD names what the child does.
func TestMain(m *testing.M) {
	if mode := os.Getenv("GAZETTE_STORE_CHILD"); mode != "" {
		os.Exit(child(mode, os.Getenv("GAZETTE_STORE_DB"), os.Getenv("GAZETTE_STORE_ARG")))
	}
	os.Exit(m.Run())
}

// child runs one child process's part and returns its exit code.
func child(mode, path, arg string) int {
	ctx := context.Background()
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if mode == "full" {
		// Writes past the limit fail with EFBIG instead of killing the
		// process, as a full disk fails them with ENOSPC.
		signal.Ignore(syscall.SIGXFSZ)
		limit, _ := strconv.ParseUint(arg, 10, 64)
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
			return fail(err)
		}
	}
	s, err := Open(path, Options{})
	if err != nil {
		return fail(err)
	}
	defer s.Close()
	switch mode {
	case "mark":
		for j := 0; j < 200; j += 10 {
			var keys []string
			for k := j; k < j+10; k++ {
				keys = append(keys, fmt.Sprintf("p%s-%d", arg, k))
			}
			if err := s.Seen(ctx, "/shared", keys, false); err != nil {
				return fail(err)
			}
			if err := s.Mark(ctx, OpRead, keys...); err != nil {
				return fail(err)
			}
			if err := s.Mark(ctx, OpStar, keys[0]); err != nil {
				return fail(err)
			}
		}
	case "markall":
		fmt.Println("ready")
		if err := s.Mark(ctx, Op(arg), benchKeys(100000)...); err != nil {
			return fail(err)
		}
		fmt.Println("done")
	case "full":
		err := s.Keep(ctx, "https://wire.example/rss", bigArticles(200))
		if err == nil {
			fmt.Println("the write succeeded")
			return 3
		}
		fmt.Println(err)
	}
	return 0
}

// bigArticles returns n articles with bodies of about 50 KB each.
func bigArticles(n int) []*feed.Article {
	text := strings.Repeat("The pipeline talks went on through the night. ", 1100)
	arts := make([]*feed.Article, n)
	for i := range arts {
		arts[i] = &feed.Article{ID: fmt.Sprintf("%016x", i), Key: fmt.Sprintf("g:big%d", i), Title: "Big", Body: []feed.Block{{Text: text}}}
	}
	return arts
}

// childCmd returns a command that runs this test binary as a child.
func childCmd(mode, path, arg string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GAZETTE_STORE_CHILD="+mode, "GAZETTE_STORE_DB="+path, "GAZETTE_STORE_ARG="+arg)
	return cmd
}

func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 20 processes")
	}
	// The children race to create the database, too.
	path := filepath.Join(t.TempDir(), "gazette", "gazette.db")
	const n = 20
	cmds := make([]*exec.Cmd, n)
	outs := make([]*strings.Builder, n)
	for i := range cmds {
		cmds[i] = childCmd("mark", path, strconv.Itoa(i))
		outs[i] = new(strings.Builder)
		cmds[i].Stderr = outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("process %d: %v: %s", i, err, outs[i])
		}
	}
	s, err := Open(path, Options{Check: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, err := s.LoadStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	read, starred := 0, 0
	for _, st := range m {
		if st.Read {
			read++
		}
		if st.Starred {
			starred++
		}
	}
	if len(m) != n*200 || read != n*200 || starred != n*20 {
		t.Errorf("%d articles, %d read, %d starred; want %d, %d, %d", len(m), read, starred, n*200, n*200, n*20)
	}
	c, err := s.UnreadCount(context.Background(), "/shared")
	if err != nil || c.Total != n*200 || c.Unread != 0 {
		t.Errorf("count %+v, %v", c, err)
	}
	checkCounts(t, s)
}

func TestKillDuringMarkAll(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100,000 articles several times")
	}
	path := filepath.Join(t.TempDir(), "gazette.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	keys := benchKeys(100000)
	if err := s.Seen(context.Background(), "/news", keys, true); err != nil {
		t.Fatal(err)
	}
	s.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	read := false
	killed, committed := 0, 0
	for round := 0; round < 5; round++ {
		op := OpRead
		if read {
			op = OpUnread
		}
		cmd := childCmd("markall", path, string(op))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		if !lines.Scan() || lines.Text() != "ready" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: the child did not start: %q", round, lines.Text())
		}
		// Some kills land before the commit, some after; on a slow machine
		// more of them land before.
		time.Sleep(time.Duration(rng.IntN(4000)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		s, err := Open(path, Options{Check: true})
		if err != nil {
			t.Fatalf("round %d: open after kill -9: %v", round, err)
		}
		if s.Notice() != "" {
			t.Fatalf("round %d: %s", round, s.Notice())
		}
		var integrity string
		if err := s.db.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
			t.Fatalf("round %d: integrity_check: %q, %v", round, integrity, err)
		}
		var n int
		s.db.QueryRow("SELECT count(*) FROM articles WHERE read = 1").Scan(&n)
		switch {
		case n == 0 && !read || n == len(keys) && read:
			killed++
		case n == 0 || n == len(keys):
			read = !read
			committed++
		default:
			t.Fatalf("round %d: %d of %d articles read after a kill in the middle of marking them all", round, n, len(keys))
		}
		checkCounts(t, s)
		s.Close()
	}
	t.Logf("%d marks killed before their commit, %d committed", killed, committed)
}

func TestDiskFull(t *testing.T) {
	// before writes a database with marks that must survive.
	before := func(t *testing.T, path string) {
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Seen(context.Background(), "/news", benchKeys(200), true); err != nil {
			t.Fatal(err)
		}
		if err := s.Mark(context.Background(), OpStar, benchKeys(100)...); err != nil {
			t.Fatal(err)
		}
		s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	after := func(t *testing.T, path string) {
		s, err := Open(path, Options{Check: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		m, err := s.LoadStates(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		starred := 0
		for _, st := range m {
			if st.Starred {
				starred++
			}
		}
		if len(m) != 200 || starred != 100 {
			t.Errorf("after the failed write: %d articles, %d starred; want 200, 100", len(m), starred)
		}
		checkCounts(t, s)
	}
	t.Run("file size limit", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "gazette.db")
		before(t, path)
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		out, err := childCmd("full", path, strconv.FormatInt(fi.Size()+256<<10, 10)).CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v: %s", err, out)
		}
		msg := strings.TrimSpace(string(out))
		if strings.Contains(msg, "\n") || !strings.Contains(msg, "keep the items of https://wire.example/rss") {
			t.Errorf("message %q; want one line naming the write", msg)
		}
		t.Log(msg)
		after(t, path)
	})
	t.Run("full file system", func(t *testing.T) {
		mnt := t.TempDir()
		if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=640k"); err != nil {
			t.Skipf("cannot mount a small tmpfs here (needs root): %v", err)
		}
		defer syscall.Unmount(mnt, 0)
		path := filepath.Join(mnt, "gazette.db")
		before(t, path)
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Keep(context.Background(), "https://wire.example/rss", bigArticles(200))
		s.Close()
		if err == nil || !strings.Contains(err.Error(), "disk is full") || strings.Contains(err.Error(), "\n") {
			t.Errorf("error %v; want one line saying the disk is full", err)
		}
		t.Log(err)
		after(t, path)
	})
}
