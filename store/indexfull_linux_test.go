package store

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestIndexFromFullDisk fills a small file system while IndexFrom writes:
// it returns the store's one-line error saying the disk is full, the
// transactions committed before stay (the read mark made before them
// too), and the database opens whole again once there is room.
func TestIndexFromFullDisk(t *testing.T) {
	mnt, path, s := openOnTmpfs(t, "size=2m")
	ctx := context.Background()
	if err := s.Mark(ctx, OpRead, "c:kept"); err != nil {
		t.Fatal(err)
	}
	docs := make(chan IndexDoc)
	go func() {
		defer close(docs)
		// Words that repeat little, so that the index grows with the text.
		x := uint64(1)
		for i := range 20000 {
			var b strings.Builder
			for range 300 {
				x = x*6364136223846793005 + 1442695040888963407
				fmt.Fprintf(&b, "w%x ", x>>40)
			}
			select {
			case docs <- IndexDoc{Key: fmt.Sprintf("c:%d", i), Stamp: "1", Root: mnt, Text: b.String()}:
			case <-time.After(10 * time.Second):
				return
			}
		}
	}()
	committed := 0
	err := s.IndexFrom(ctx, docs, 50, func(n int) { committed = n })
	for range docs {
		// The sender is let go.
	}
	if err == nil {
		t.Fatal("IndexFrom filled the disk without an error")
	}
	if msg := err.Error(); !strings.Contains(msg, "disk is full") || strings.Contains(msg, "\n") || !strings.Contains(msg, path) {
		t.Errorf("error %q: want one line naming the database and saying the disk is full", msg)
	}
	if committed == 0 {
		t.Fatal("nothing was committed before the disk filled; make the texts smaller")
	}
	s.Close()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", syscall.MS_REMOUNT, "size=64m"); err != nil {
		t.Skipf("cannot grow the tmpfs: %v", err)
	}
	s, err = Open(path, Options{Check: true})
	if err != nil {
		t.Fatalf("reopen after the full disk: %v", err)
	}
	if n := s.Notice(); n != "" {
		t.Errorf("reopen after the full disk: %s", n)
	}
	defer s.Close()
	ix, err := s.Indexed(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ix) != committed {
		t.Errorf("%d documents indexed after the full disk, want the %d committed", len(ix), committed)
	}
	st, err := s.LoadStates(ctx)
	if err != nil || !st["c:kept"].Read {
		t.Errorf("the read mark made before the full disk: %v, %v", st["c:kept"], err)
	}
}
