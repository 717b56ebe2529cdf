package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestOpenerArgs(t *testing.T) {
	const u = "https://example.org/a%sb?q=%25"
	tests := []struct {
		argv []string
		want []string
	}{
		{[]string{"firefox"}, []string{u}},
		{[]string{"firefox", "--new-tab"}, []string{"--new-tab", u}},
		{[]string{"w3m", "%s"}, []string{u}},
		{[]string{"x", "--url=%s", "--tab"}, []string{"--url=" + u, "--tab"}},
		{[]string{"x", "100%%", "%s"}, []string{"100%", u}},
		{[]string{"x", "50%"}, []string{"50%", u}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.argv, " "), func(t *testing.T) {
			if got := openerArgs(tt.argv, u); !slices.Equal(got, tt.want) {
				t.Errorf("openerArgs(%q) = %q, want %q", tt.argv, got, tt.want)
			}
		})
	}
}

// $BROWSER is a list tried in order: the first program found opens the
// link, with %s replaced by the URL, never through a shell.
func TestBrowserListTriedInOrder(t *testing.T) {
	dir := t.TempDir()
	opener := writeOpener(t, dir)
	browser := "gazette-no-such-browser --x %s:" + opener + " --flag=%s -- :" + filepath.Join(dir, "never")
	o := lookupOpener("", browser)
	if o.path != opener {
		t.Fatalf("opener %q found, want the second entry %q", o.path, opener)
	}
	const u = "https://example.org/x?a=1&b=$(id)"
	msg := openURL(u, o)().(openedMsg)
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "--flag=" + u + "\n--\n"; string(got) != want {
		t.Errorf("the browser got %q, want %q", got, want)
	}

	if o := lookupOpener("", "gazette-none-1:gazette-none-2"); o.path != "" || o.name != "gazette-none-1" {
		t.Errorf("no browser found: %+v", o)
	}
	if o := lookupOpener(opener+" %s", "gazette-none-1"); o.path != opener {
		t.Errorf("the configured opener does not come first: %+v", o)
	}
}
