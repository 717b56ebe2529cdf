package humanize

import (
	"testing"
	"time"
)

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{
		0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567",
		-1: "-1", -1000: "-1,000", -123456: "-123,456",
	} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPlural(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "0 articles"}, {1, "1 article"}, {2, "2 articles"}, {12345, "12,345 articles"},
	}
	for _, tt := range tests {
		if got := Plural(tt.n, "article", "articles"); got != tt.want {
			t.Errorf("Plural(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"},
		{950, "950 bytes"},
		{1 << 10, "1 KiB"},
		{120 << 10, "120 KiB"},
		{64 << 10, "64 KiB"},
		{1 << 20, "1 MiB"},
		{8 << 20, "8 MiB"},
		{1<<20 + 1<<20/5, "1.2 MiB"},
		{9<<20 + 1, "9.0 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Bytes(tt.n); got != tt.want {
				t.Errorf("Bytes(%d) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}

func TestAgo(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Hour: "just now", 0: "just now", 59 * time.Second: "just now", 5 * time.Minute: "5m ago",
		2*time.Hour + 59*time.Minute: "2h ago", 47 * time.Hour: "47h ago", 72 * time.Hour: "3d ago",
	} {
		if got := Ago(d); got != want {
			t.Errorf("Ago(%v) = %q, want %q", d, got, want)
		}
	}
}
