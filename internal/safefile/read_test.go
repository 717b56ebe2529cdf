package safefile

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// readSized reads what is there whatever size the file said it had, and
// fails past the cap rather than cutting the text.
func TestReadSized(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		size, max int64
		err       string
	}{
		{"as measured", "twenty bytes of text", 20, 100, ""},
		{"grew since", strings.Repeat("x", 5000), 5, 10000, ""},
		{"shrank since", "short", 100, 1000, ""},
		{"measured as empty", strings.Repeat("y", 3000), 0, 10000, ""},
		{"at the cap", strings.Repeat("z", 100), 100, 100, ""},
		{"grew past the cap", strings.Repeat("z", 5000), 10, 1000, "larger than the 1000 bytes limit"},
		{"empty", "", 0, 10, ""},
	}
	// A buffer of the worker's, too small or large enough, holding the
	// last file's bytes.
	buffers := map[string][]byte{
		"no buffer":    nil,
		"small buffer": []byte("leftover"),
		"large buffer": bytes.Repeat([]byte("leftover "), 1000),
	}
	for _, tt := range tests {
		for name, buf := range buffers {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				got, err := readSized(strings.NewReader(tt.data), tt.size, tt.max, slices.Clone(buf)[:0])
				switch {
				case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
					t.Errorf("error %v, want %q", err, tt.err)
				case tt.err == "" && (err != nil || !bytes.Equal(got, []byte(tt.data))):
					t.Errorf("read %d bytes, %v; want %d", len(got), err, len(tt.data))
				}
			})
		}
	}
}
