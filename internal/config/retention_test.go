package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseRetention(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{in: "90d", want: 90 * 24 * time.Hour},
		{in: " 12W ", want: 12 * 7 * 24 * time.Hour},
		{in: "720h", want: 720 * time.Hour},
		{in: "forever", want: 0},
		{in: "0d", bad: true},
		{in: "-5d", bad: true},
		{in: "soon", bad: true},
		{in: "d", bad: true},
		{in: "0s", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRetention(tt.in)
			if (err != nil) != tt.bad {
				t.Fatalf("ParseRetention(%q) error = %v, want error %v", tt.in, err, tt.bad)
			}
			if !tt.bad && got != tt.want {
				t.Fatalf("ParseRetention(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestKeepReadInConfig(t *testing.T) {
	c, err := ParseConfig([]byte("keep_read = \"30d\"\n\n[[source]]\npath = \"/news\"\n"), "/")
	if err != nil {
		t.Fatal(err)
	}
	if d, err := c.KeepReadDuration(); err != nil || d != 30*24*time.Hour {
		t.Fatalf("KeepReadDuration = %v, %v; want 720h", d, err)
	}
	c, err = ParseConfig([]byte("[[source]]\npath = \"/news\"\n"), "/")
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := c.KeepReadDuration(); d != DefaultKeepRead {
		t.Fatalf("default KeepReadDuration = %v, want %v", d, DefaultKeepRead)
	}
	_, err = ParseConfig([]byte("# a comment\nkeep_read = \"a while\"\n"), "/")
	var ce *ConfigError
	if err == nil || !strings.Contains(err.Error(), "keep_read") {
		t.Fatalf("a bad keep_read gave %v, want an error naming it", err)
	}
	if ok := asConfigError(err, &ce); !ok || ce.Line != 2 {
		t.Fatalf("error %v is not on line 2", err)
	}
}

func asConfigError(err error, ce **ConfigError) bool {
	e, ok := err.(*ConfigError)
	*ce = e
	return ok
}
