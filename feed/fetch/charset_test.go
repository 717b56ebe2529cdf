package fetch

import (
	"bytes"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/gazette-news/gazette/feed"
)

// TestToUTF8SharesTheRule checks that a fetched page is decoded by the one
// charset rule of package feed, whatever its Content-Type says.
func TestToUTF8SharesTheRule(t *testing.T) {
	enc := func(e encoding.Encoding, s string) []byte {
		b, err := e.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name, ct string
		data     []byte
	}{
		{"valid UTF-8 beats meta", "text/html", []byte(`<meta charset="windows-1251"><p>Café</p>`)},
		{"stray byte in UTF-8", "text/html", []byte("<p>Caf\xe9 “x” déjà</p>")},
		{"Latin-1 without meta", "text/html", enc(charmap.Windows1252, "<p>Café crème brûlée à la carte</p>")},
		{"meta charset", "text/html", enc(charmap.Windows1251, `<meta charset="windows-1251"><p>Новости</p>`)},
		{"header charset", "text/html; charset=windows-1251", enc(charmap.Windows1251, `<p>Новости</p>`)},
		{"UTF-16 with BOM", "text/html", enc(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), "<p>Новости</p>")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, _ := feed.HTMLToUTF8(tt.data, tt.ct)
			got, _ := toUTF8(tt.data, tt.ct)
			if !bytes.Equal(got, want) {
				t.Errorf("toUTF8 = %q, feed.HTMLToUTF8 = %q", got, want)
			}
		})
	}
}
