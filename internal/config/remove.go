package config

import (
	"path/filepath"
	"strings"
)

// Remove removes the source that location names: its URL, its path (as
// written, or resolved: relative to the working directory, "~/" for the
// home directory), or its name, compared without case. It returns the
// source removed, and false when none matched.
func (c *Config) Remove(location string) (SourceConfig, bool) {
	location = strings.TrimSpace(location)
	if location == "" {
		return SourceConfig{}, false
	}
	abs := location
	if !strings.HasPrefix(location, "~") {
		if p, err := filepath.Abs(location); err == nil {
			abs = p
		}
	}
	want := c.resolve(SourceConfig{Path: abs})
	for i, s := range c.Source {
		match := s.URL != "" && strings.EqualFold(strings.TrimRight(s.URL, "/"), strings.TrimRight(location, "/"))
		match = match || s.Path != "" && (s.Path == location || c.resolve(s) == want)
		match = match || s.Name != "" && strings.EqualFold(s.Name, location)
		if match {
			c.Source = append(c.Source[:i:i], c.Source[i+1:]...)
			return s, true
		}
	}
	return SourceConfig{}, false
}
