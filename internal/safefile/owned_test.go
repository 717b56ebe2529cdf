//go:build unix

package safefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOwnDir accepts the user's own private directory and refuses one
// others may write to, or one under a shared parent without the sticky
// bit; as root it also refuses a directory of another user.
func TestOwnDir(t *testing.T) {
	base := t.TempDir()
	if err := os.Chmod(base, 0o700); err != nil {
		t.Fatal(err)
	}
	mk := func(name string, mode os.FileMode) string {
		p := filepath.Join(base, name)
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, dir, want string
	}{
		{"own", mk("own", 0o700), ""},
		{"not yet made", filepath.Join(base, "new"), ""},
		{"world-writable", mk("shared", 0o777), "writable by others"},
		{"group-writable, own group", mk("group", 0o770), ""},
		{"under a shared parent", filepath.Join(mk("open", 0o777), "gazette"), "others may write"},
		{"under a sticky parent", filepath.Join(mk("tmp", 0o777|os.ModeSticky), "gazette"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := OwnDir(tt.dir)
			if tt.want == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
	t.Run("group-writable, another group", func(t *testing.T) {
		if os.Getuid() != 0 {
			t.Skip("only root can give a directory to another group")
		}
		d := mk("their-group", 0o770)
		if err := os.Chown(d, os.Getuid(), 12345); err != nil {
			t.Fatal(err)
		}
		if err := OwnDir(d); err == nil || !strings.Contains(err.Error(), "writable by others") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("another user's", func(t *testing.T) {
		if os.Getuid() != 0 {
			t.Skip("only root can give a directory to another user; ownership is not checked here")
		}
		d := mk("theirs", 0o700)
		if err := os.Chown(d, 12345, 12345); err != nil {
			t.Fatal(err)
		}
		if err := OwnDir(d); err == nil || !strings.Contains(err.Error(), "another user") {
			t.Errorf("got %v", err)
		}
	})
}
