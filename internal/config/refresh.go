package config

import (
	"fmt"
	"strings"
	"time"
)

// The bounds of a refresh interval: often enough to follow the news, and
// seldom enough that no server is hammered; a longer one is taken as the
// user's and only capped, so that it cannot overflow a timer.
const (
	MinRefresh = time.Minute
	MaxRefresh = 7 * 24 * time.Hour
)

// parseRefresh reads a refresh value: a Go duration such as "15m" or
// "1h30m", or "off" (also "0" or "never") to turn refreshing off. set is
// false for an empty value, which leaves the choice to the level above.
func parseRefresh(s string) (d time.Duration, set bool, err error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "":
		return 0, false, nil
	case "off", "never", "0":
		return 0, true, nil
	}
	d, err = time.ParseDuration(s)
	switch {
	case err != nil:
		return 0, false, fmt.Errorf("refresh %q is not a duration such as \"15m\" or \"off\"", clipValue(s))
	case d < MinRefresh:
		return 0, false, fmt.Errorf("refresh %q is under the least of %s", clipValue(s), MinRefresh)
	}
	return min(d, MaxRefresh), true, nil
}

// checkRefresh checks every refresh value of a parsed config.
func (c *Config) checkRefresh(text string) error {
	if _, _, err := parseRefresh(c.Refresh); err != nil {
		return &ConfigError{Line: keyLine(text, "refresh"), Msg: err.Error()}
	}
	for i, s := range c.Source {
		if _, _, err := parseRefresh(s.Refresh); err != nil {
			return &ConfigError{Line: sourceLine(text, i), Msg: fmt.Sprintf("source %d: %v", i+1, err)}
		}
	}
	return nil
}

// RefreshPlan returns how often the reader fetches feeds again by
// itself: every, from the top-level refresh key, and per source, by the
// location Sources gives it, where a [[source]] sets its own (zero for
// "off"). Zero every means never; refreshing is off unless asked for.
// The values were checked when the config was parsed.
func (c *Config) RefreshPlan() (every time.Duration, sources map[string]time.Duration) {
	every, _, _ = parseRefresh(c.Refresh)
	for _, s := range c.Source {
		d, set, err := parseRefresh(s.Refresh)
		if !set || err != nil {
			continue
		}
		if sources == nil {
			sources = make(map[string]time.Duration)
		}
		sources[c.resolve(s)] = d
	}
	return every, sources
}
