package config

import (
	"os"
	"strings"
	"testing"
)

// TestNetworkKeys reads the top-level network keys, and writes them back
// only when they are set.
func TestNetworkKeys(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		private bool
		cache   int64
		err     string
	}{
		{"none", "", false, DefaultCacheSize, ""},
		{"both", "allow_private_addresses = true\ncache_size = \"512MiB\"\n", true, 512 << 20, ""},
		{"decimal", "cache_size = \"500MB\"\n", false, 500_000_000, ""},
		{"bare bytes", "cache_size = \"2097152\"\n", false, 2 << 20, ""},
		{"fraction", "cache_size = \"1.5 GiB\"\n", false, 3 << 29, ""},
		{"bad unit", "\ncache_size = \"12 parsecs\"\n", false, 0, ":2: cache_size: \"12 parsecs\" is not a size"},
		{"too small", "cache_size = \"1KiB\"\n", false, 0, "less than the least"},
		{"wrong type", "allow_private_addresses = \"yes\"\n", false, 0, ":1: incompatible types"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig([]byte(tt.text), t.TempDir())
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want an error with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.CacheBytes()
			if err != nil || got != tt.cache || c.AllowPrivateAddresses != tt.private {
				t.Errorf("cache %d (%v), private %v; want %d, %v", got, err, c.AllowPrivateAddresses, tt.cache, tt.private)
			}
		})
	}
}

// TestNetworkKeysRoundTrip saves a config with the keys and reads it back;
// a config without them is written without them.
func TestNetworkKeysRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/config.toml"
	c := &Config{}
	if _, err := c.Add("https://example.org/feed.xml", "", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	data := readFile(t, path)
	if strings.Contains(data, "allow_private") || strings.Contains(data, "cache_size") {
		t.Errorf("unset keys written:\n%s", data)
	}
	c.AllowPrivateAddresses, c.CacheSize = true, "1GiB"
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if !back.AllowPrivateAddresses || back.CacheSize != "1GiB" || len(back.Source) != 1 {
		t.Errorf("read back %+v", back)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestUnknownKeyNamesNetworkKeys checks that the message for an unknown
// key lists the top-level keys too.
func TestUnknownKeyNamesNetworkKeys(t *testing.T) {
	_, err := ParseConfig([]byte("cache_sise = \"1GiB\"\n"), t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "allow_private_addresses, cache_size") {
		t.Errorf("got %v", err)
	}
}
