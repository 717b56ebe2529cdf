package config

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/internal/remote"
)

// AccountConfig is one sync account in the config:
//
//	[[account]]
//	name = "home"
//	kind = "miniflux"            # or "greader"
//	url = "https://rss.example.org"
//	user = "ada"
//	password_command = ["pass", "show", "rss"]   # or token_env = "GAZETTE_MINIFLUX_TOKEN"
//
// A secret comes from an environment variable (token_env, password_env),
// from a command run without a shell (token_command, password_command),
// or from the file itself (token, password), which is accepted only when
// no other user can read the file.
type AccountConfig struct {
	// Name names the account in commands (--account) and as the source of
	// its articles ("account:NAME").
	Name string `toml:"name"`
	// Kind is "miniflux" (its REST API) or "greader" (the Google Reader
	// API of Miniflux, FreshRSS, Inoreader and others).
	Kind string `toml:"kind"`
	// URL is the server's address, http or https, without credentials.
	URL string `toml:"url"`
	// User is the login, for a password.
	User string `toml:"user,omitempty"`

	// Token is an API token written in the file (miniflux).
	Token FileSecret `toml:"token,omitempty"`
	// TokenEnv names the environment variable holding the token.
	TokenEnv string `toml:"token_env,omitempty"`
	// TokenCommand prints the token: a program and its arguments.
	TokenCommand []string `toml:"token_command,omitempty"`

	// Password is a password written in the file.
	Password FileSecret `toml:"password,omitempty"`
	// PasswordEnv names the environment variable holding the password.
	PasswordEnv string `toml:"password_env,omitempty"`
	// PasswordCommand prints the password: a program and its arguments.
	PasswordCommand []string `toml:"password_command,omitempty"`
}

// FileSecret is a secret written in the config file. It prints as
// "[secret]" with every fmt verb, so that an account printed by mistake
// shows no secret; only the TOML encoder (Save) writes its value back.
type FileSecret string

// String returns "[secret]".
func (s FileSecret) String() string { return "[secret]" }

// GoString returns "[secret]".
func (s FileSecret) GoString() string { return "[secret]" }

// Format writes "[secret]", whatever the verb.
func (s FileSecret) Format(f fmt.State, _ rune) { io.WriteString(f, "[secret]") }

// Account kinds.
const (
	// KindMiniflux is Miniflux's REST API.
	KindMiniflux = "miniflux"
	// KindGReader is the Google Reader API.
	KindGReader = "greader"
)

// accountName is what an account's name may hold: it appears in
// commands, in source names and in the store.
var accountName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// SourceName returns the name the account's articles are listed under:
// "account:NAME".
func (a AccountConfig) SourceName() string { return "account:" + a.Name }

// HasFileSecret reports whether a secret is written in the config file.
func (a AccountConfig) HasFileSecret() bool { return a.Token != "" || a.Password != "" }

// checkAccount validates one account and returns it cleaned. Its errors
// never hold a secret.
func checkAccount(a AccountConfig) (AccountConfig, error) {
	a.Name = strings.TrimSpace(a.Name)
	a.Kind = strings.ToLower(strings.TrimSpace(a.Kind))
	a.URL = strings.TrimSpace(a.URL)
	a.User = strings.TrimSpace(a.User)
	switch {
	case a.Name == "":
		return a, errors.New("needs a name")
	case !accountName.MatchString(a.Name):
		return a, fmt.Errorf("name %q may hold only letters, digits, '.', '_' and '-' (up to 64)", feed.SanitizeLine(a.Name))
	case a.Kind != KindMiniflux && a.Kind != KindGReader:
		return a, fmt.Errorf("kind %q is not %q or %q", feed.SanitizeLine(a.Kind), KindMiniflux, KindGReader)
	}
	u, err := url.Parse(a.URL)
	switch {
	case a.URL == "":
		return a, errors.New("needs a url")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return a, fmt.Errorf("url %s is not an http or https URL", remote.ShowURL(a.URL))
	case u.User != nil:
		return a, fmt.Errorf("url %s holds credentials; give them as user and a password source", remote.ShowURL(a.URL))
	}
	tokens := count(a.Token != "", a.TokenEnv != "", len(a.TokenCommand) > 0)
	passwords := count(a.Password != "", a.PasswordEnv != "", len(a.PasswordCommand) > 0)
	switch {
	case tokens > 1:
		return a, errors.New("give the token one way: token, token_env or token_command")
	case passwords > 1:
		return a, errors.New("give the password one way: password, password_env or password_command")
	case a.Kind == KindGReader && tokens > 0:
		return a, errors.New("a greader account logs in with user and password, not a token")
	case tokens == 0 && passwords == 0:
		return a, errors.New("needs a secret: token_env or token_command (miniflux), or user with password_env or password_command")
	case tokens == 0 && a.User == "":
		return a, errors.New("a password needs a user")
	}
	for _, argv := range [][]string{a.TokenCommand, a.PasswordCommand} {
		if len(argv) > 0 && strings.TrimSpace(argv[0]) == "" {
			return a, errors.New("a secret command needs a program name first")
		}
	}
	return a, nil
}

func count(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// checkAccounts validates the accounts of a parsed config.
func (c *Config) checkAccounts(text string) error {
	seen := map[string]int{}
	for i := range c.Account {
		a, err := checkAccount(c.Account[i])
		if err != nil {
			return &ConfigError{Line: accountLine(text, i), Msg: fmt.Sprintf("account %d: %v", i+1, err)}
		}
		if j, ok := seen[strings.ToLower(a.Name)]; ok {
			return &ConfigError{Line: accountLine(text, i), Msg: fmt.Sprintf("account %d repeats the name of account %d", i+1, j+1)}
		}
		seen[strings.ToLower(a.Name)] = i
		c.Account[i] = a
	}
	return nil
}

// checkPrivate refuses a file that holds a secret and that other users
// can read.
func (c *Config) checkPrivate(path string) error {
	for _, a := range c.Account {
		if a.HasFileSecret() {
			if err := remote.CheckPrivate(path); err != nil {
				return &ConfigError{Path: path, Msg: fmt.Sprintf("account %q: %v", a.Name, err)}
			}
			return nil
		}
	}
	return nil
}

var accountHeader = regexp.MustCompile(`^\s*\[\[\s*"?account"?\s*\]\]`)

// accountLine returns the line of the i-th [[account]] header, or 0.
func accountLine(text string, i int) int { return headerLine(text, accountHeader, i) }

// FindAccount returns the account with this name (case-insensitive).
func (c *Config) FindAccount(name string) (AccountConfig, bool) {
	for _, a := range c.Account {
		if strings.EqualFold(a.Name, name) {
			return a, true
		}
	}
	return AccountConfig{}, false
}

// Secrets are an account's resolved credentials.
type Secrets struct {
	// Token is the API token, if the account has one.
	Token remote.Secret
	// Password is the password, if the account has one.
	Password remote.Secret
}

// Resolve reads the account's secrets: from the file, the environment
// (getenv; os.Getenv in the program) or a command. Errors name the
// variable or the program, never a secret.
func (a AccountConfig) Resolve(ctx context.Context, getenv func(string) string) (Secrets, error) {
	var s Secrets
	var err error
	switch {
	case a.Token != "":
		s.Token = remote.NewSecret(string(a.Token))
	case a.TokenEnv != "" || len(a.TokenCommand) > 0:
		s.Token, err = remote.SecretSource{Env: a.TokenEnv, Command: a.TokenCommand}.Resolve(ctx, getenv)
		if err != nil {
			return s, fmt.Errorf("account %q: token: %w", a.Name, err)
		}
	}
	switch {
	case a.Password != "":
		s.Password = remote.NewSecret(string(a.Password))
	case a.PasswordEnv != "" || len(a.PasswordCommand) > 0:
		s.Password, err = remote.SecretSource{Env: a.PasswordEnv, Command: a.PasswordCommand}.Resolve(ctx, getenv)
		if err != nil {
			return s, fmt.Errorf("account %q: password: %w", a.Name, err)
		}
	}
	return s, nil
}
