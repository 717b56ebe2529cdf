//go:build unix

package render

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gazette-news/gazette/feed"
)

// TestStyleFileHostile gives --style files that Glamour's own reader
// would hang on, fill memory with or nest without end: each is refused
// quickly as a bad style, and a real style file still works.
func TestStyleFileHostile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"nested 20,000 deep":  write("deep.json", `{"document":{"x":`+strings.Repeat("[", 20_000)+strings.Repeat("]", 20_000)+`}}`),
		"nested 100,000 deep": write("deeper.json", `{"document":{"x":`+strings.Repeat(`{"a":`, 100_000)+"1"+strings.Repeat("}", 100_000)+`}}`),
		"over the size cap":   write("big.json", `{"document":{"x":"`+strings.Repeat("x", maxStyleFile)+`"}}`),
		"a FIFO":              fifo,
		"a device":            "/dev/zero",
		"a directory":         dir,
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- CheckStyle(path) }()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("accepted")
				}
			case <-time.After(10 * time.Second):
				t.Fatal("still reading the style file after 10 s")
			}
			art := &feed.Article{Title: "T", Body: []feed.Block{{Kind: feed.Paragraph, Text: "x"}}}
			if _, err := Lines(context.Background(), art, Options{Width: 40, Style: path}); err == nil {
				t.Error("Lines accepted it")
			}
		})
	}
	good := write("good.json", `{"document":{"margin":1},"heading":{"bold":true}}`)
	if err := CheckStyle(good); err != nil {
		t.Errorf("a real style file: %v", err)
	}
}
