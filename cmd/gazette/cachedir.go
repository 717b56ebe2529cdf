package main

import (
	"fmt"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/config"
	"github.com/gazette-news/gazette/internal/safefile"
)

// cacheDir returns the cache directory of the run, or false when there is
// none to use: no home to put it in, or a directory that is not the
// user's own (another user's, or one others may write to), where a forged
// entry would become an article. That is said once, on stderr.
func (a *app) cacheDir() (string, bool) {
	if a.net.cacheChecked {
		return a.net.cacheDir, a.net.cacheDir != ""
	}
	a.net.cacheChecked = true
	dir, err := config.DefaultCacheDir(a.io.getenv)
	if err != nil {
		return "", false
	}
	if err := safefile.OwnDir(dir); err != nil {
		a.warn(fmt.Errorf("cache directory %s is not used: %w", feed.QuoteName(dir), err))
		return "", false
	}
	a.net.cacheDir = dir
	return dir, true
}

// cacheSize returns the cap of the fetched-document cache: cache_size in
// the config, else the default.
func (a *app) cacheSize() int64 {
	if a.net.cfg != nil {
		if n, err := a.net.cfg.CacheBytes(); err == nil {
			return n
		}
	}
	return config.DefaultCacheSize
}
