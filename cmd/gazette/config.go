package main

import (
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"github.com/spf13/cobra"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/fetch"
	"github.com/gazette-news/gazette/internal/config"
)

// netState is what a run knows about the config file and the network.
type netState struct {
	// cfg is the config, empty when there is no file; cfgPath is its file.
	cfg     *config.Config
	cfgPath string

	fetch *fetch.Fetcher

	// mu guards the notices, which fetches running in parallel send.
	mu   sync.Mutex
	hold bool
	held []string

	// carriers maps the ID of each article a URL source yielded to the
	// URL that carried it, for following its links; see fullPage.
	carriersMu sync.Mutex
	carriers   map[string]string

	// cacheDir is the cache directory, once checked; "" means none.
	cacheChecked bool
	cacheDir     string
}

// annotCreatesConfig marks commands that may start a config file that
// does not exist yet, even one named by --config.
const annotCreatesConfig = "creates-config"

// loadConfig reads the config file: --config, else the default one. A
// missing default file means no config; a missing --config file is an
// error, except for the commands that create it; a broken file is always
// an error, as a config that is silently ignored would be.
func (a *app) loadConfig(cmd *cobra.Command) error {
	path, explicit := a.configFile, a.configFile != ""
	if !explicit {
		p, err := config.DefaultConfigPath(a.io.getenv)
		if err != nil {
			// No home directory: there is no config to read, and the
			// commands that write one say so themselves.
			return nil
		}
		path = p
	}
	cfg, err := config.LoadConfig(path)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist):
		if explicit && cmd.Annotations[annotCreatesConfig] == "" {
			return fmt.Errorf("--config: %w", err)
		}
	default:
		return err
	}
	a.net.cfg, a.net.cfgPath = cfg, path
	// [keys] is checked with the config, not only when the reader starts.
	_, _, err = a.readerConfig()
	return err
}

// editablePath returns the config file of a command that changes it.
func (a *app) editablePath() (string, error) {
	if a.net.cfgPath == "" {
		return "", errors.New("no config file: set $XDG_CONFIG_HOME or $HOME, or use --config FILE")
	}
	return a.net.cfgPath, nil
}

// fetcher returns the run's fetcher, made on first use: one HTTP client,
// cache and set of limits for every URL.
func (a *app) fetcher() *fetch.Fetcher {
	if a.net.fetch != nil {
		return a.net.fetch
	}
	f := &fetch.Fetcher{
		Timeout:   a.timeout,
		UserAgent: "gazette/" + appVersion(),
		Offline:   a.offline,
		Notice:    a.notice,
	}
	if a.net.cfg != nil {
		f.AllowPrivate = a.net.cfg.AllowPrivateAddresses
	}
	if dir, ok := a.cacheDir(); ok {
		f.Cache = &fetch.Cache{Dir: dir, MaxSize: a.cacheSize()}
	}
	a.net.fetch = f
	return f
}

// notice prints one note about a source on stderr, such as that it was
// read from the cache, or keeps it for later while the reader runs.
func (a *app) notice(source, note string) {
	line := feed.SanitizeLine(fmt.Sprintf("%s: %s", source, note))
	a.net.mu.Lock()
	defer a.net.mu.Unlock()
	if a.net.hold {
		a.net.held = append(a.net.held, line)
		return
	}
	fmt.Fprintf(a.stderr, "gazette: %s\n", line)
}

// holdNotices keeps notices back until releaseNotices.
func (a *app) holdNotices() {
	a.net.mu.Lock()
	a.net.hold = true
	a.net.mu.Unlock()
}

// releaseNotices prints the notices held back.
func (a *app) releaseNotices() {
	a.net.mu.Lock()
	defer a.net.mu.Unlock()
	a.net.hold = false
	for _, line := range a.net.held {
		fmt.Fprintf(a.stderr, "gazette: %s\n", line)
	}
	a.net.held = nil
}

// noteCarrier remembers the URL that carried an article; it suits
// load.Loader.Carried.
func (a *app) noteCarrier(art *feed.Article, carrier string) {
	a.net.carriersMu.Lock()
	defer a.net.carriersMu.Unlock()
	if a.net.carriers == nil {
		a.net.carriers = make(map[string]string)
	}
	a.net.carriers[art.ID] = carrier
}

// carrierOf returns the URL that carried an article, or "" when it came
// from no network source.
func (a *app) carrierOf(art *feed.Article) string {
	a.net.carriersMu.Lock()
	defer a.net.carriersMu.Unlock()
	return a.net.carriers[art.ID]
}
