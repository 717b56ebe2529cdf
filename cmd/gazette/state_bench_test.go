package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/state"
	"github.com/gazette-news/gazette/store"
)

// BenchmarkUnread is `gazette unread DIR` on a second launch, with the
// store holding 100,000 articles of DIR, half of them read: the kept
// count is read, and the directory is not.
func BenchmarkUnread(b *testing.B) {
	env, db := stateEnv(b)
	dir := b.TempDir()
	st, err := store.Open(db, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	const n = 100_000
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("c:%016x", i)
	}
	if err := st.Seen(ctx, state.SourceKey(load.Source{Location: dir}), keys, true); err != nil {
		b.Fatal(err)
	}
	if err := st.Mark(ctx, store.OpRead, keys[:n/2]...); err != nil {
		b.Fatal(err)
	}
	st.Close()
	for _, args := range [][]string{{"unread", dir}, {"unread"}} {
		b.Run(strings.Join(args, " "), func(b *testing.B) {
			for b.Loop() {
				var out strings.Builder
				code := run(ctx, args, stdio{in: strings.NewReader(""), out: &out, err: io.Discard, getenv: func(k string) string { return env[k] }})
				if code != 0 || out.String() != fmt.Sprintf("%d\n", n/2) {
					b.Fatalf("exit %d, %q", code, out.String())
				}
			}
		})
	}
}
