package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultKeepRead is how long a read item that left its feed is kept when
// the config does not say: 90 days.
const DefaultKeepRead = 90 * 24 * time.Hour

// KeepReadDuration returns how long the store keeps a read item after it
// left its feed, from keep_read: DefaultKeepRead when unset, 0 for
// "forever". Unread and starred items are kept whatever it says.
func (c *Config) KeepReadDuration() (time.Duration, error) {
	if c == nil || c.KeepRead == "" {
		return DefaultKeepRead, nil
	}
	d, err := ParseRetention(c.KeepRead)
	if err != nil {
		return DefaultKeepRead, fmt.Errorf("keep_read: %w", err)
	}
	return d, nil
}

// ParseRetention reads a retention setting: a number of days ("90d"),
// weeks ("12w"), a Go duration ("720h"), or "forever", which is 0.
func ParseRetention(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if s == "forever" {
		return 0, nil
	}
	unit := time.Duration(0)
	switch {
	case strings.HasSuffix(s, "d"):
		unit = 24 * time.Hour
	case strings.HasSuffix(s, "w"):
		unit = 7 * 24 * time.Hour
	}
	if unit > 0 {
		n, err := strconv.Atoi(s[:len(s)-1])
		if err != nil || n <= 0 || n > 100*365 {
			return 0, fmt.Errorf("%q is not a number of days or weeks, such as 90d, 12w or forever", s)
		}
		return time.Duration(n) * unit, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a time such as 90d, 12w, 720h or forever", s)
	}
	return d, nil
}
