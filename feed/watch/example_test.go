package watch_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gazette-news/gazette/feed/watch"
)

// A reader takes one batch at a time; in a Bubble Tea program, a command
// that waits for the next batch and is issued again once the batch is
// applied.
func ExampleWatch() {
	dir, _ := os.MkdirTemp("", "watch")
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batches := watch.Watch(ctx, []string{dir}, watch.Options{})

	os.WriteFile(filepath.Join(dir, "new.md"), []byte("# New"), 0o644)
	b := <-batches
	for _, c := range b.Changes {
		fmt.Println("added:", c.Added, "changed:", c.Changed, "removed:", c.Removed, "rescan:", c.Rescan != "")
	}
	// Output: added: [new.md] changed: [] removed: [] rescan: false
}
