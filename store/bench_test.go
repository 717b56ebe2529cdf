//go:build unix

package store

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// benchStore returns a store on disk that lists n articles from one
// source, every other one read.
func benchStore(b *testing.B, n int) (*Store, []string) {
	b.Helper()
	return benchStoreRead(b, n, 2)
}

// benchStoreRead returns a store on disk that lists n articles from one
// source, one in every read (none when every is 0).
func benchStoreRead(b *testing.B, n, every int) (*Store, []string) {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "gazette.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	keys := benchKeys(n)
	ctx := context.Background()
	if err := s.Seen(ctx, "/news", keys, true); err != nil {
		b.Fatal(err)
	}
	if every == 0 {
		return s, keys
	}
	read := make([]string, 0, n/every)
	for i := 0; i < n; i += every {
		read = append(read, keys[i])
	}
	if err := s.Mark(ctx, OpRead, read...); err != nil {
		b.Fatal(err)
	}
	return s, keys
}

// BenchmarkLoadMarked100k reads the states of the articles read, of
// 100,000: none, one in ten, every other and all of them.
func BenchmarkLoadMarked100k(b *testing.B) {
	for _, every := range []int{0, 10, 2, 1} {
		b.Run(fmt.Sprintf("every-%d", every), func(b *testing.B) {
			s, _ := benchStoreRead(b, 100000, every)
			want := 0
			if every > 0 {
				want = 100000 / every
			}
			ctx := context.Background()
			start := cpuTime()
			defer func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e9, "cpu-s/op") }()
			for b.Loop() {
				m, err := s.LoadMarked(ctx)
				if err != nil || len(m) != want {
					b.Fatal(len(m), err)
				}
			}
		})
	}
}

func BenchmarkLoadStates100k(b *testing.B) {
	s, _ := benchStore(b, 100000)
	ctx := context.Background()
	b.ReportAllocs()
	start := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e9, "cpu-s/op") }()
	for b.Loop() {
		m, err := s.LoadStates(ctx)
		if err != nil || len(m) != 100000 {
			b.Fatal(len(m), err)
		}
	}
}

// cpuTime returns the CPU time the process has used, user and system:
// on a shared machine the wall time says more about the neighbours.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkMark100k(b *testing.B) {
	s, keys := benchStore(b, 100000)
	ctx := context.Background()
	op := OpUnread
	start := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e9, "cpu-s/op") }()
	for b.Loop() {
		if err := s.Mark(ctx, op, keys...); err != nil {
			b.Fatal(err)
		}
		if op == OpUnread {
			op = OpRead
		} else {
			op = OpUnread
		}
	}
}

func BenchmarkSeenKnown100k(b *testing.B) {
	s, keys := benchStore(b, 100000)
	ctx := context.Background()
	for b.Loop() {
		if err := s.Seen(ctx, "/news", keys, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeenNew100k measures a source's first record: 100,000 keys
// the store does not know yet, in the order a load gives them.
func BenchmarkSeenNew100k(b *testing.B) {
	keys := benchKeys(100000)
	ctx := context.Background()
	start := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e9, "cpu-s/op") }()
	onFreshStore(b, func(s *Store) error { return s.Seen(ctx, "/news", keys, true) })
}

func BenchmarkUnreadCount(b *testing.B) {
	s, _ := benchStore(b, 100000)
	ctx := context.Background()
	for b.Loop() {
		c, err := s.UnreadCount(ctx, "/news")
		if err != nil || c.Unread != 50000 {
			b.Fatal(c, err)
		}
	}
}

func BenchmarkUnreadCountAll(b *testing.B) {
	s, _ := benchStore(b, 100000)
	ctx := context.Background()
	for b.Loop() {
		c, err := s.UnreadCount(ctx)
		if err != nil || c.Unread != 50000 {
			b.Fatal(c, err)
		}
	}
}

// BenchmarkOpenUnreadCount is `gazette unread` on a second launch: open
// the database and read one source's count.
func BenchmarkOpenUnreadCount(b *testing.B) {
	s, _ := benchStore(b, 100000)
	path := s.Path()
	s.Close()
	ctx := context.Background()
	for b.Loop() {
		s, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		c, err := s.UnreadCount(ctx, "/news")
		if err != nil || c.Unread != 50000 {
			b.Fatal(c, err)
		}
		s.Close()
	}
}

func BenchmarkIndex10k(b *testing.B) {
	docs := make([]IndexDoc, 10000)
	words := []string{"gas", "oil", "pipeline", "kremlin", "coal", "winter", "deal", "samarkand", "talks", "border"}
	for i := range docs {
		text := ""
		for j := 0; j < 60; j++ {
			text += words[(i*7+j*3)%len(words)] + " "
		}
		docs[i] = IndexDoc{Key: fmt.Sprintf("c:%016x", i), Stamp: "1", Text: text}
	}
	ctx := context.Background()
	onFreshStore(b, func(s *Store) error { return s.Index(ctx, docs) })
}

// onFreshStore runs op once a round of b, each time on an empty store on
// disk, and times op alone.
func onFreshStore(b *testing.B, op func(s *Store) error) {
	for b.Loop() {
		b.StopTimer()
		s, err := Open(filepath.Join(b.TempDir(), "gazette.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		err = op(s)
		b.StopTimer()
		s.Close()
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
