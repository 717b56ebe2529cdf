package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkWatchStart measures what a reader pays at each start to watch
// a directory of many files: the listing that finds its subdirectories.
func BenchmarkWatchStart(b *testing.B) {
	dir := b.TempDir()
	for i := range 20000 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%06d.txt", i)), nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		ctx, cancel := context.WithCancel(context.Background())
		ch := Watch(ctx, []string{dir}, Options{})
		cancel()
		for range ch {
		}
	}
}
