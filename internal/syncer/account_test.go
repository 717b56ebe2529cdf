package syncer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gazette-news/gazette/internal/config"
	"github.com/gazette-news/gazette/internal/remote"
)

func TestHook(t *testing.T) {
	st := openStore(t)
	getenv := func(k string) string { return map[string]string{"TOKEN": "tok-secret-1"}[k] }
	accts := []config.AccountConfig{
		{Name: "down", Kind: config.KindMiniflux, URL: closedURL(t), TokenEnv: "TOKEN"},
		{Name: "nosecret", Kind: config.KindMiniflux, URL: closedURL(t), TokenEnv: "MISSING"},
		{Name: "fresh", Kind: config.KindGReader, URL: closedURL(t), User: "ada", PasswordEnv: "TOKEN"},
	}
	if rs := Hook(context.Background(), st, Config{Getenv: getenv}, time.Minute)(); rs != nil {
		t.Errorf("no accounts: %v", rs)
	}
	rs := Hook(context.Background(), st, Config{Accounts: accts, Getenv: getenv}, time.Minute)()
	if len(rs) != 3 {
		t.Fatalf("%d results, want one per account", len(rs))
	}
	if !errors.Is(rs[0].Err, remote.ErrUnreachable) || !errors.Is(rs[2].Err, remote.ErrUnreachable) {
		t.Errorf("results %v, want the servers unreachable", rs)
	}
	if rs[1].Err == nil || !strings.Contains(rs[1].Err.Error(), `"MISSING"`) {
		t.Errorf("no secret: %v, want an error naming the variable", rs[1].Err)
	}
	line := Summarize(rs)
	if strings.Contains(line, "tok-secret-1") || !strings.Contains(line, "down: nothing new · queue empty · failed: sync down:") {
		t.Errorf("Summarize = %q", line)
	}
}
