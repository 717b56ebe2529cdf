package config

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAccounts(t *testing.T) {
	text := `[[source]]
url = "https://example.org/feed.xml"

[[account]]
name = "home"
kind = "Miniflux"
url = "https://rss.example.org/"
token_env = "GAZETTE_TEST_TOKEN"

[[account]]
name = "fresh"
kind = "greader"
url = "https://fresh.example.org/api/greader.php"
user = "ada"
password_command = ["pass", "show", "rss"]
`
	c, err := ParseConfig([]byte(text), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Account) != 2 || c.Account[0].Kind != KindMiniflux || c.Account[1].PasswordCommand[2] != "rss" {
		t.Fatalf("accounts = %+v", c.Account)
	}
	a, ok := c.FindAccount("HOME")
	if !ok || a.SourceName() != "account:home" {
		t.Fatalf("FindAccount = %+v, %v", a, ok)
	}
	s, err := a.Resolve(context.Background(), func(k string) string { return map[string]string{"GAZETTE_TEST_TOKEN": "tok-123"}[k] })
	if err != nil || s.Token.Reveal() != "tok-123" {
		t.Fatalf("Resolve = %v, %v", s, err)
	}
	if _, err := a.Resolve(context.Background(), func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "GAZETTE_TEST_TOKEN") {
		t.Errorf("Resolve with no variable: %v, want an error naming it", err)
	}
}

func TestAccountErrors(t *testing.T) {
	const secret = "hunter2-secret"
	head := "[[account]]\nname = \"home\"\nkind = \"miniflux\"\n"
	tests := []struct {
		name, text, want string
	}{
		{"no name", "[[account]]\nkind = \"miniflux\"\nurl = \"https://x.org\"\ntoken_env = \"T\"\n", "needs a name"},
		{"bad name", "[[account]]\nname = \"a b\"\nkind = \"miniflux\"\nurl = \"https://x.org\"\ntoken_env = \"T\"\n", "may hold only"},
		{"bad kind", "[[account]]\nname = \"a\"\nkind = \"ttrss\"\nurl = \"https://x.org\"\ntoken_env = \"T\"\n", `kind "ttrss"`},
		{"no url", head + "token_env = \"T\"\n", "needs a url"},
		{"file url", head + "url = \"file:///etc\"\ntoken_env = \"T\"\n", "not an http or https URL"},
		{"credentials in url", head + "url = \"https://ada:" + secret + "@x.org\"\ntoken_env = \"T\"\n", "holds credentials"},
		{"no secret", head + "url = \"https://x.org\"\n", "needs a secret"},
		{"two tokens", head + "url = \"https://x.org\"\ntoken_env = \"T\"\ntoken = \"" + secret + "\"\n", "one way"},
		{"password without user", head + "url = \"https://x.org\"\npassword_env = \"P\"\n", "needs a user"},
		{"greader token", "[[account]]\nname = \"a\"\nkind = \"greader\"\nurl = \"https://x.org\"\nuser = \"u\"\ntoken = \"" + secret + "\"\n", "not a token"},
		{"empty program", head + "url = \"https://x.org\"\ntoken_command = [\"\"]\n", "program name"},
		{"repeated", head + "url = \"https://x.org\"\ntoken_env = \"T\"\n" + head + "url = \"https://y.org\"\ntoken_env = \"T\"\n", "repeats the name"},
		{"unknown key", head + "url = \"https://x.org\"\ntoken_env = \"T\"\npasword = \"x\"\n", "unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tt.text), "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to say %q", err, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q shows the secret", err)
			}
		})
	}
}

func TestAccountSecretInFile(t *testing.T) {
	const secret = "hunter2-secret"
	text := "[[account]]\nname = \"home\"\nkind = \"miniflux\"\nurl = \"https://x.org\"\nuser = \"ada\"\npassword = \"" + secret + "\"\n"
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadConfig(path)
	if err == nil || !strings.Contains(err.Error(), "0644") || !strings.Contains(err.Error(), "config.toml") {
		t.Fatalf("a readable file with a secret: error %v, want one naming the file and its mode", err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("error %q shows the secret", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	a := c.Account[0]
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, a); strings.Contains(s, secret) {
			t.Errorf("Sprintf(%s) shows the secret: %s", verb, s)
		}
	}
	s, err := a.Resolve(context.Background(), os.Getenv)
	if err != nil || s.Password.Reveal() != secret {
		t.Fatalf("Resolve = %v", err)
	}
	// Saving keeps the secret, in a private file.
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	c2, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(c2.Account[0].Password) != secret {
		t.Errorf("the password did not survive Save")
	}
}
