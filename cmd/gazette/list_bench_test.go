package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
)

// BenchmarkListJSON is `gazette list --json DIR` on the corpus that
// GAZETTE_CORPUS names (scripts/bench-tui makes one): first with an empty
// cache, as a first launch, then with the cache that left, as every later
// launch. It is skipped without a corpus.
func BenchmarkListJSON(b *testing.B) {
	dir := os.Getenv("GAZETTE_CORPUS")
	if dir == "" {
		b.Skip("set GAZETTE_CORPUS to a corpus directory")
	}
	ctx := context.Background()
	list := func(b *testing.B, env map[string]string) {
		b.Helper()
		var out strings.Builder
		code := run(ctx, []string{"list", "--json", dir}, stdio{in: strings.NewReader(""), out: &out, err: io.Discard, getenv: func(k string) string { return env[k] }})
		if code != 0 || !strings.HasPrefix(out.String(), "[\n  {") {
			b.Fatalf("exit %d, %.80q", code, out.String())
		}
	}
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			env, _ := stateEnv(b)
			b.StartTimer()
			list(b, env)
		}
	})
	b.Run("second", func(b *testing.B) {
		env, _ := stateEnv(b)
		list(b, env)
		b.ResetTimer()
		for b.Loop() {
			list(b, env)
		}
	})
}
