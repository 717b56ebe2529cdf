package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"

	"github.com/BurntSushi/toml"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
	"github.com/gazette-news/gazette/internal/safefile"
)

// MaxConfigSize caps the config file, for reading and for writing alike:
// LoadConfig refuses a larger file, and Update refuses to write one, so
// gazette never writes a config it cannot read back. It holds a full
// import of the most feeds an OPML file may add (about 1.6 MiB for
// 10,000 feeds with names and tags) with room to spare.
const MaxConfigSize = 4 << 20

// maxSourceName caps a source's display name.
const maxSourceName = 200

// Config is the subscriptions file: the sources plain `gazette` opens.
//
//	[[source]]
//	url = "https://example.org/feed.xml"
//	name = "Example News"
//	tags = ["Russia", "Ukraine"]
//
//	[[source]]
//	path = "~/news"
type Config struct {
	// Refresh is how often the reader fetches every feed again; see
	// RefreshPlan.
	Refresh string `toml:"refresh,omitempty"`
	// Source lists the sources in the order they were added.
	Source []SourceConfig `toml:"source"`
	// KeepRead is how long a read item that left its feed is kept; see
	// KeepReadDuration.
	KeepRead string `toml:"keep_read,omitempty"`
	// Account lists the sync accounts (see AccountConfig).
	Account []AccountConfig `toml:"account,omitempty"`
	// Network holds the top-level network and cache keys.
	Network
	// Keys rebinds the reader's actions; see keys.go.
	Keys map[string][]string `toml:"keys,omitempty"`
	// Theme sets the list's colours; see theme.go.
	Theme Theme `toml:"theme,omitempty"`
	// keyLines are the lines of the [keys] table, by action.
	keyLines map[string]int
	// dir is the directory of the file, against which relative paths
	// resolve.
	dir string
}

// SourceConfig is one source in the config: a URL or a path, exactly one
// of the two, with an optional name and tags for all its articles.
type SourceConfig struct {
	// URL is an http or https URL.
	URL string `toml:"url,omitempty"`
	// Path is a file or directory; "~/" means the home directory, and a
	// relative path is relative to the config file.
	Path string `toml:"path,omitempty"`
	// Name is shown instead of the location.
	Name string `toml:"name,omitempty"`
	// Tags are added to every article of the source.
	Tags []string `toml:"tags,omitempty"`
	// Refresh overrides the top-level refresh for this source.
	Refresh string `toml:"refresh,omitempty"`
}

// Location returns the URL or the path as written.
func (s SourceConfig) Location() string {
	if s.URL != "" {
		return s.URL
	}
	return s.Path
}

// ConfigError is a problem in a config file, with the line it is on when
// that is known. Its message is sanitized.
type ConfigError struct {
	// Path is the file.
	Path string
	// Line is the 1-based line number, or 0.
	Line int
	// Msg says what is wrong.
	Msg string
}

// Error returns "file:line: message", the form editors jump to.
func (e *ConfigError) Error() string {
	name, msg := feed.QuoteName(e.Path), clipWords(e.Msg)
	if e.Line > 0 {
		return feed.SanitizeLine(fmt.Sprintf("%s:%d: %s", name, e.Line, msg))
	}
	return feed.SanitizeLine(fmt.Sprintf("%s: %s", name, msg))
}

// LoadConfig reads and checks the config file at path. When the file does
// not exist, or a directory above it is a file, it returns an empty
// config, bound to path, and an error that matches fs.ErrNotExist, so a
// caller can start a new file or fall back to a default.
func LoadConfig(path string) (*Config, error) {
	return loadFrom(path, filepath.Dir(path), path)
}

// loadFrom is LoadConfig reading file, resolving relative paths against
// dir and naming the config path in errors.
func loadFrom(file, dir, path string) (*Config, error) {
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return &Config{dir: dir}, fmt.Errorf("%s: %w", feed.QuoteName(path), fs.ErrNotExist)
	}
	data, err := safefile.ReadFile(file, MaxConfigSize)
	if err != nil {
		return nil, &ConfigError{Path: path, Msg: err.Error()}
	}
	c, err := ParseConfig(data, dir)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			ce.Path = path
		}
		return nil, err
	}
	if err := c.checkPrivate(path); err != nil {
		return nil, err
	}
	return c, nil
}

// ParseConfig parses a config file's contents; relative paths in it
// resolve against dir. Errors are *ConfigError with an empty Path.
func ParseConfig(data []byte, dir string) (*Config, error) {
	if !feed.IsText(data) {
		return nil, &ConfigError{Msg: feed.ErrNotText.Error()}
	}
	text := strings.TrimPrefix(string(data), "\uFEFF")
	if err := checkText(text); err != nil {
		return nil, err
	}
	c := &Config{dir: dir}
	md, err := toml.Decode(text, c)
	if err != nil {
		return nil, tomlError(err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		msg := fmt.Sprintf("unknown key %q", k.String())
		if len(k) > 1 {
			msg = fmt.Sprintf("unknown key %q in [%s]", k[len(k)-1], strings.Join(k[:len(k)-1], "."))
		}
		if len(und) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(und)-1)
		}
		msg += "; known keys are source, account, keep_read, refresh, allow_private_addresses, cache_size, keys and theme, and url, path, name, tags and refresh in each [[source]]"
		return nil, &ConfigError{Line: keyLine(text, k[len(k)-1]), Msg: msg}
	}
	if _, err := c.KeepReadDuration(); err != nil {
		return nil, &ConfigError{Line: keyLine(text, "keep_read"), Msg: err.Error()}
	}
	if err := c.Network.check(); err != nil {
		return nil, &ConfigError{Line: keyLine(text, "cache_size"), Msg: err.Error()}
	}
	if err := c.checkRefresh(text); err != nil {
		return nil, err
	}
	if err := c.checkKeys(text); err != nil {
		return nil, err
	}
	if err := c.checkTheme(text); err != nil {
		return nil, err
	}
	seen := make(map[string]int)
	for i := range c.Source {
		s, err := checkSource(c.Source[i])
		if err != nil {
			return nil, &ConfigError{Line: sourceLine(text, i), Msg: fmt.Sprintf("source %d: %v", i+1, err)}
		}
		key := c.resolve(s)
		if j, ok := seen[key]; ok {
			return nil, &ConfigError{Line: sourceLine(text, i), Msg: fmt.Sprintf("source %d repeats source %d", i+1, j+1)}
		}
		seen[key] = i
		c.Source[i] = s
	}
	if err := c.checkAccounts(text); err != nil {
		return nil, err
	}
	return c, nil
}

// tomlError turns a TOML error into a ConfigError with its line.
func tomlError(err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return &ConfigError{Line: pe.Position.Line, Msg: pe.Message}
	}
	// Type mismatches arrive as plain errors that carry the line in
	// their text: "toml: line 3 (last key ...): incompatible types...".
	msg := strings.TrimPrefix(err.Error(), "toml: ")
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d", &line); scanErr == nil {
		if _, rest, ok := strings.Cut(msg, ": "); ok {
			msg = rest
		}
	}
	return &ConfigError{Line: line, Msg: msg}
}

var sourceHeader = regexp.MustCompile(`^\s*\[\[\s*"?source"?\s*\]\]`)

// sourceLine returns the line of the i-th [[source]] header, or 0.
func sourceLine(text string, i int) int { return headerLine(text, sourceHeader, i) }

// headerLine returns the line of the i-th table header that header
// matches, or 0.
func headerLine(text string, header *regexp.Regexp, i int) int {
	n := 0
	for ln, line := range strings.Split(text, "\n") {
		if header.MatchString(line) {
			if n == i {
				return ln + 1
			}
			n++
		}
	}
	return 0
}

// keyLine returns the first line that sets key, or 0. TOML's metadata
// keeps no positions for keys, so this looks for "key =" in the text.
func keyLine(text, key string) int {
	re, err := regexp.Compile(`^\s*("?)` + regexp.QuoteMeta(key) + `("?)\s*=`)
	if err != nil {
		return 0
	}
	for ln, line := range strings.Split(text, "\n") {
		if re.MatchString(line) {
			return ln + 1
		}
	}
	return 0
}

// checkSource validates one source and returns it cleaned: URL
// re-serialised, name and tags sanitized.
func checkSource(s SourceConfig) (SourceConfig, error) {
	s.URL = strings.TrimSpace(s.URL)
	s.Path = strings.TrimSpace(s.Path)
	switch {
	case s.URL != "" && s.Path != "":
		return s, errors.New("has both url and path; give one")
	case s.URL == "" && s.Path == "":
		return s, errors.New("needs a url or a path")
	case s.URL != "":
		u, ok := feed.SafeURL(s.URL, nil)
		if !ok || !feed.IsURL(s.URL) {
			return s, fmt.Errorf("url %q is not an http or https URL", feed.SanitizeLine(s.URL))
		}
		s.URL = u
	case strings.ContainsRune(s.Path, 0):
		return s, errors.New("path holds a NUL byte")
	}
	s.Name = feed.Clip(feed.SanitizeLine(s.Name), maxSourceName)
	var tags []string
	for _, t := range s.Tags {
		tag, ok := feed.MakeTag(t)
		if !ok {
			return s, fmt.Errorf("tag %q is empty once cleaned", feed.SanitizeLine(t))
		}
		tags = append(tags, tag.Name)
	}
	s.Tags = tags
	return s, nil
}

// resolve returns where a source is read from: its URL, or its path with
// "~/" expanded and made absolute against the config's directory.
func (c *Config) resolve(s SourceConfig) string {
	if s.URL != "" {
		return s.URL
	}
	p := s.Path
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if !filepath.IsAbs(p) && c.dir != "" {
		p = filepath.Join(c.dir, p)
	}
	return filepath.Clean(p)
}

// Sources returns the configured sources, ready for a Loader.
func (c *Config) Sources() []load.Source {
	out := make([]load.Source, len(c.Source))
	for i, s := range c.Source {
		out[i] = load.Source{Location: c.resolve(s), Name: s.Name, Tags: s.Tags, ArticleSource: s.Name}
	}
	return out
}

// ErrDuplicateSource is returned by Add for a source already configured.
var ErrDuplicateSource = errors.New("already configured")

// Add appends a source given as a URL or a path, with an optional name
// and tags, and returns it as stored. A relative path is stored absolute,
// resolved against the working directory. Only http and https URLs are
// accepted; anything else with a scheme is refused rather than taken for
// a file name.
func (c *Config) Add(location, name string, tags []string) (SourceConfig, error) {
	s := SourceConfig{Name: name, Tags: tags}
	switch {
	case feed.IsURL(location):
		s.URL = location
	case looksLikeURL(location):
		return s, fmt.Errorf("%s: only http and https URLs can be sources", feed.QuoteName(location))
	default:
		abs, err := filepath.Abs(location)
		if err != nil {
			return s, fmt.Errorf("%s: %w", feed.QuoteName(location), err)
		}
		s.Path = abs
	}
	s, err := checkSource(s)
	if err != nil {
		return s, err
	}
	key := c.resolve(s)
	for _, old := range c.Source {
		if c.resolve(old) == key {
			return s, fmt.Errorf("%s: %w", feed.QuoteName(key), ErrDuplicateSource)
		}
	}
	c.Source = append(c.Source, s)
	return s, nil
}

// urlScheme matches a URL scheme at the start of a string.
var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

// looksLikeURL reports whether s starts with a scheme such as "file:",
// "javascript:" or "exec:" (but not a Windows drive letter).
func looksLikeURL(s string) bool {
	s = strings.TrimSpace(s)
	m := urlScheme.FindString(s)
	return len(m) > 2
}
