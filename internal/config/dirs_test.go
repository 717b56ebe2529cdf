package config

import (
	"runtime"
	"testing"
)

func TestDefaultDirs(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		t.Skip("XDG layout only")
	}
	tests := []struct {
		env                map[string]string
		config, cach, data string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x/cfg", "XDG_CACHE_HOME": "/x/cache", "XDG_DATA_HOME": "/x/data", "HOME": "/h"}, "/x/cfg/gazette/config.toml", "/x/cache/gazette", "/x/data/gazette"},
		{map[string]string{"HOME": "/h"}, "/h/.config/gazette/config.toml", "/h/.cache/gazette", "/h/.local/share/gazette"},
		{map[string]string{"XDG_CONFIG_HOME": "rel", "XDG_CACHE_HOME": "rel", "XDG_DATA_HOME": "rel", "HOME": "/h"}, "", "", ""},
		{nil, "", "", ""},
	}
	for _, tt := range tests {
		getenv := func(k string) string { return tt.env[k] }
		cfg, err := DefaultConfigPath(getenv)
		if cfg != tt.config || (err == nil) != (tt.config != "") {
			t.Errorf("%v: config %q, %v; want %q", tt.env, cfg, err, tt.config)
		}
		cache, err := DefaultCacheDir(getenv)
		if cache != tt.cach || (err == nil) != (tt.cach != "") {
			t.Errorf("%v: cache %q, %v; want %q", tt.env, cache, err, tt.cach)
		}
		data, err := DefaultDataDir(getenv)
		if data != tt.data || (err == nil) != (tt.data != "") {
			t.Errorf("%v: data %q, %v; want %q", tt.env, data, err, tt.data)
		}
	}
}
