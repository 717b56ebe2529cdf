// Package config reads and writes gazette's config file (TOML) and OPML
// lists of feeds, and knows where the config, cache and data live.
package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultConfigPath returns where the config file lives by default:
// $XDG_CONFIG_HOME/gazette/config.toml, else ~/.config/gazette/config.toml,
// or the platform's equivalent, as os.UserConfigDir has it. The
// environment is read through getenv (nil means os.Getenv), so that a test
// or a caller with its own environment never touches the real one.
func DefaultConfigPath(getenv func(string) string) (string, error) {
	dir, err := userDir(getenv, "XDG_CONFIG_HOME", ".config", "Library/Application Support", "AppData")
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "gazette", "config.toml"), nil
}

// DefaultCacheDir returns where fetched documents are cached by default:
// $XDG_CACHE_HOME/gazette, else ~/.cache/gazette, or the platform's
// equivalent, as os.UserCacheDir has it. getenv is as for
// DefaultConfigPath.
func DefaultCacheDir(getenv func(string) string) (string, error) {
	dir, err := userDir(getenv, "XDG_CACHE_HOME", ".cache", "Library/Caches", "LocalAppData")
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "gazette"), nil
}

// DefaultDataDir returns where what the user made is kept by default (the
// store's database of read marks and stars): $XDG_DATA_HOME/gazette, else
// ~/.local/share/gazette; on macOS ~/Library/Application Support/gazette,
// on Windows %LocalAppData%\gazette. Unlike the cache dir, it is not
// disposable. getenv is as for DefaultConfigPath.
func DefaultDataDir(getenv func(string) string) (string, error) {
	dir, err := userDir(getenv, "XDG_DATA_HOME", ".local/share", "Library/Application Support", "LocalAppData")
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "gazette"), nil
}

// userDir follows os.UserConfigDir and os.UserCacheDir, reading the
// environment through getenv.
func userDir(getenv func(string) string, xdg, unixDir, darwinDir, windowsVar string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	switch runtime.GOOS {
	case "windows":
		if d := getenv(windowsVar); d != "" {
			return d, nil
		}
		return "", errors.New("%" + windowsVar + "% is not set")
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, darwinDir), nil
		}
		return "", errors.New("$HOME is not set")
	}
	if d := getenv(xdg); d != "" {
		if !filepath.IsAbs(d) {
			return "", errors.New("$" + xdg + " is not an absolute path")
		}
		return d, nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, unixDir), nil
	}
	return "", errors.New("neither $" + xdg + " nor $HOME is set")
}
