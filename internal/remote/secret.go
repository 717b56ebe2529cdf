package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/gazette-news/gazette/feed"
)

// Secret is a password or token. It prints as "[secret]" with every fmt
// verb, in JSON and in slog records, so that a secret passed to a log or
// an error by mistake still does not show; Reveal gives the value to the
// one place that sends it.
type Secret struct {
	value string
}

// NewSecret wraps a value as a Secret.
func NewSecret(value string) Secret { return Secret{value: value} }

// redacted is how a Secret prints.
const redacted = "[secret]"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.value == "" }

// String returns "[secret]".
func (s Secret) String() string { return redacted }

// GoString returns "[secret]".
func (s Secret) GoString() string { return redacted }

// Format writes "[secret]", whatever the verb.
func (s Secret) Format(f fmt.State, _ rune) { io.WriteString(f, redacted) }

// MarshalText returns "[secret]", so JSON, TOML and the like never hold
// the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue returns "[secret]" for slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// SecretSource says where a secret comes from: an environment variable, or
// the first line a command prints, the command run without a shell.
// Exactly one of the two is set.
type SecretSource struct {
	// Env names the environment variable that holds the secret.
	Env string
	// Command is the program and its arguments, such as
	// ["pass", "show", "rss"]. It is run directly, never through a shell.
	Command []string
}

// Caps on a secret command, which may wait on a passphrase prompt but
// must not hang a sync for ever.
const (
	// SecretTimeout is how long a secret command may run.
	SecretTimeout = 60 * time.Second
	// maxSecretOutput caps what a secret command may print.
	maxSecretOutput = 64 << 10
)

// ErrNoSecret is returned when a source gives an empty secret.
var ErrNoSecret = errors.New("no secret")

// Resolve returns the secret. getenv reads the environment (os.Getenv in
// the program, a map in tests). Errors name the variable or the program,
// never the secret.
func (s SecretSource) Resolve(ctx context.Context, getenv func(string) string) (Secret, error) {
	switch {
	case s.Env != "" && len(s.Command) > 0:
		return Secret{}, errors.New("a secret comes from an environment variable or a command, not both")
	case s.Env != "":
		v := strings.TrimRight(getenv(s.Env), "\r\n")
		if v == "" {
			return Secret{}, fmt.Errorf("environment variable %q: %w", feed.SanitizeLine(s.Env), ErrNoSecret)
		}
		return NewSecret(v), nil
	case len(s.Command) > 0:
		return runSecretCommand(ctx, s.Command)
	}
	return Secret{}, errors.New("no secret source: give an environment variable or a command")
}

// runSecretCommand runs argv and returns the first line it prints.
func runSecretCommand(ctx context.Context, argv []string) (Secret, error) {
	name := fmt.Sprintf("%q", feed.SanitizeLine(argv[0]))
	if argv[0] == "" {
		return Secret{}, errors.New("secret command: empty program name")
	}
	ctx, cancel := context.WithTimeout(ctx, SecretTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stdout, stderr capBuffer
	stdout.max, stderr.max = maxSecretOutput, 4<<10
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// The command's own children (gpg, say) must not keep its pipes
	// open past its end.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	out := stdout.Bytes()
	line, _, _ := bytes.Cut(out, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	secret := string(line)
	if err != nil {
		if ctx.Err() != nil {
			return Secret{}, fmt.Errorf("secret command %s: did not finish within %v", name, SecretTimeout)
		}
		// What the command said on stderr helps ("password store is
		// empty"); whatever it printed on stdout is scrubbed from it.
		why := lastLine(scrub(stderr.String(), secret, string(out)))
		if why != "" {
			return Secret{}, fmt.Errorf("secret command %s: %v: %s", name, err, why)
		}
		return Secret{}, fmt.Errorf("secret command %s: %v", name, err)
	}
	if stdout.over {
		return Secret{}, fmt.Errorf("secret command %s: printed more than %d bytes", name, maxSecretOutput)
	}
	if secret == "" {
		return Secret{}, fmt.Errorf("secret command %s: %w", name, ErrNoSecret)
	}
	return NewSecret(secret), nil
}

// capBuffer keeps the first max bytes written to it and drops the rest,
// so that a command printing without end cannot fill memory. It holds its
// buffer rather than embedding it: an embedded ReadFrom would let io.Copy
// go around the cap.
type capBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (b *capBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); len(p) > room {
		b.over = true
		if room > 0 {
			b.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

// Bytes returns what was kept.
func (b *capBuffer) Bytes() []byte { return b.buf.Bytes() }

// String returns what was kept.
func (b *capBuffer) String() string { return b.buf.String() }

// lastLine returns the last non-empty line of s, sanitized and clipped.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return clipText(feed.SanitizeLine(lines[len(lines)-1]), 200)
}

// scrub replaces every occurrence of the secrets in s.
func scrub(s string, secrets ...string) string {
	for _, v := range secrets {
		v = strings.TrimSpace(v)
		if v != "" {
			s = strings.ReplaceAll(s, v, redacted)
		}
	}
	return s
}

// clipText cuts s to at most n runes, marking the cut.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// CheckPrivate returns an error when the file at path may be read or
// written by anyone but its owner: a secret written in a config file is
// accepted only from a file that is not. The error names the file and
// its mode.
func CheckPrivate(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		return fmt.Errorf("%q holds a secret but other users can access it (mode %04o); make it private (chmod 600) or take the secret from an environment variable or a command", path, mode)
	}
	return nil
}
