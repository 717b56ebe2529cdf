package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestMarkQueuesForAccounts(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "state.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.PutRemoteEntries(ctx, "home", []RemoteEntry{{ID: "1", Key: "k1"}, {ID: "2", Key: "k2", Starred: true}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRemoteEntries(ctx, "work", []RemoteEntry{{ID: "9", Key: "k2"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Mark(ctx, OpRead, "k2", "local", "k1"); err != nil {
		t.Fatal(err)
	}
	// A sync's own marks are not sent back.
	if err := s.MarkAt(ctx, OpStar, time.Now(), "k1"); err != nil {
		t.Fatal(err)
	}
	home, err := s.Pending(ctx, "home", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(home) != 2 || home[0].Key != "k2" || home[1].Key != "k1" || home[0].Op != OpRead {
		t.Errorf("home queue = %+v, want read k2 then k1", home)
	}
	work, _ := s.Pending(ctx, "work", 10)
	if len(work) != 1 || work[0].Key != "k2" {
		t.Errorf("work queue = %+v, want read k2", work)
	}
	m, err := s.RemoteEntries(ctx, "home")
	if err != nil || len(m) != 2 || !m["2"].Starred || m["1"].Key != "k1" {
		t.Errorf("RemoteEntries = %+v, %v", m, err)
	}
	if err := s.ForgetAccount(ctx, "home"); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.RemoteEntries(ctx, "home"); len(m) != 0 {
		t.Errorf("after ForgetAccount: %+v", m)
	}
	if q, _ := s.Pending(ctx, "home", 10); len(q) != 0 {
		t.Errorf("queue after ForgetAccount: %+v", q)
	}
}
