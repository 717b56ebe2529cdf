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
		env          map[string]string
		config, cach string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x/cfg", "XDG_CACHE_HOME": "/x/cache", "HOME": "/h"}, "/x/cfg/gazette/config.toml", "/x/cache/gazette"},
		{map[string]string{"HOME": "/h"}, "/h/.config/gazette/config.toml", "/h/.cache/gazette"},
		{map[string]string{"XDG_CONFIG_HOME": "rel", "XDG_CACHE_HOME": "rel", "HOME": "/h"}, "", ""},
		{nil, "", ""},
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
	}
}
