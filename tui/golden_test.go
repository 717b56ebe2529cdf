package tui

import (
	"errors"
	"fmt"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// TestGolden compares whole screens, escape sequences stripped, with the
// golden files in testdata/TestGolden. Regenerate them with -update.
func TestGolden(t *testing.T) {
	arts := testArticles(t)
	errs := []error{
		errors.New(`"broken feed.rss": XML syntax error on line 3: unexpected EOF`),
		errors.New(`notes.bin: not text`),
	}
	steps := []struct {
		name string
		do   func(d *driver)
	}{
		{"list", func(d *driver) {}},
		{"picker", func(d *driver) {
			// Tick Russia: the counts become facets of what remains.
			d.keys("t", "r", "space")
		}},
		{"filtered", func(d *driver) {
			d.keys("t", "r", "space", "enter", "/")
			d.typeText("olympics")
			d.keys("enter")
		}},
		{"query", func(d *driver) {
			d.keys("/")
			d.typeText("tag:china -tag:russia")
		}},
		{"reader", func(d *driver) {
			d.keys("G", "enter")
		}},
		{"reader_footnotes", func(d *driver) {
			d.keys("G", "enter", "G")
		}},
		{"help", func(d *driver) {
			d.keys("?")
		}},
		{"reader_help", func(d *driver) {
			d.keys("enter", "?")
		}},
		{"errors", func(d *driver) {
			d.keys("e")
		}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, s := range steps {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				d := newDriver(t, size[0], size[1], arts, errs)
				s.do(d)
				golden.RequireEqual(t, d.screen())
			})
		}
	}
}
