package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testSecret = "hunter2-Qx7"

func TestSecretNeverPrints(t *testing.T) {
	s := NewSecret(testSecret)
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s", "%T"} {
		outs = append(outs, fmt.Sprintf(verb, s))
	}
	outs = append(outs, fmt.Sprint(s), fmt.Sprintf("%v", struct{ S Secret }{s}), fmt.Sprintf("%+v", &struct{ S Secret }{s}))
	j, err := json.Marshal(struct{ S Secret }{s})
	if err != nil {
		t.Fatal(err)
	}
	outs = append(outs, string(j), fmt.Errorf("wrap: %w", errors.New(s.String())).Error())
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("login", "password", s)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("login", "password", s)
	outs = append(outs, buf.String())
	for _, o := range outs {
		if strings.Contains(o, testSecret) || strings.Contains(o, fmt.Sprintf("%x", testSecret)) {
			t.Errorf("secret shown: %q", o)
		}
	}
	if s.Reveal() != testSecret || s.IsZero() || !NewSecret("").IsZero() {
		t.Error("Reveal or IsZero")
	}
}

// script writes an executable shell script, to stand for a password
// manager. The script is run directly, as any program would be.
func script(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret-cmd")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestResolve(t *testing.T) {
	env := map[string]string{"GZ_TOKEN": testSecret + "\n", "GZ_EMPTY": ""}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name    string
		src     func(t *testing.T) SecretSource
		want    string
		wantErr string
	}{
		{"env", func(*testing.T) SecretSource { return SecretSource{Env: "GZ_TOKEN"} }, testSecret, ""},
		{"env unset", func(*testing.T) SecretSource { return SecretSource{Env: "GZ_NONE"} }, "", `"GZ_NONE": no secret`},
		{"env empty", func(*testing.T) SecretSource { return SecretSource{Env: "GZ_EMPTY"} }, "", "no secret"},
		{"command: first line", func(t *testing.T) SecretSource {
			return SecretSource{Command: []string{script(t, "printf '"+testSecret+"\\nuser: ada\\n'")}}
		}, testSecret, ""},
		{"command with arguments, no shell", func(*testing.T) SecretSource {
			// Were a shell involved, ";" and "$(...)" would run.
			return SecretSource{Command: []string{"echo", testSecret + ";", "$(id)"}}
		}, testSecret + "; $(id)", ""},
		{"command fails: its stderr, scrubbed", func(t *testing.T) SecretSource {
			return SecretSource{Command: []string{script(t, "echo "+testSecret+"; echo 'store is locked for "+testSecret+"' >&2; exit 3")}}
		}, "", "exit status 3: store is locked for [secret]"},
		{"command prints nothing", func(t *testing.T) SecretSource {
			return SecretSource{Command: []string{script(t, "exit 0")}}
		}, "", "no secret"},
		{"command missing", func(*testing.T) SecretSource {
			return SecretSource{Command: []string{"/nonexistent/gazette-pass"}}
		}, "", `"/nonexistent/gazette-pass"`},
		{"command prints without end", func(t *testing.T) SecretSource {
			return SecretSource{Command: []string{script(t, "head -c 200000 /dev/zero | tr '\\0' a")}}
		}, "", "printed more than"},
		{"both", func(*testing.T) SecretSource { return SecretSource{Env: "GZ_TOKEN", Command: []string{"echo"}} }, "", "not both"},
		{"neither", func(*testing.T) SecretSource { return SecretSource{} }, "", "no secret source"},
		{"empty program", func(*testing.T) SecretSource { return SecretSource{Command: []string{""}} }, "", "empty program"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tt.src(t).Resolve(t.Context(), getenv)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want one with %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), testSecret) {
					t.Errorf("error %q holds the secret", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Reveal() != tt.want {
				t.Errorf("secret %q, want %q", s.Reveal(), tt.want)
			}
		})
	}
}

func TestResolveCommandDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := SecretSource{Command: []string{"sleep", "30"}}.Resolve(ctx, os.Getenv)
	if err == nil || !strings.Contains(err.Error(), "did not finish") {
		t.Errorf("err %v, want a deadline", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("waited %v for a hung command", time.Since(start))
	}
}

func TestCheckPrivate(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		mode os.FileMode
		ok   bool
	}{{0o600, true}, {0o400, true}, {0o700, true}, {0o640, false}, {0o644, false}, {0o602, false}} {
		p := filepath.Join(dir, fmt.Sprintf("config-%o.toml", tt.mode))
		if err := os.WriteFile(p, []byte("password = 'x'\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, tt.mode); err != nil {
			t.Fatal(err)
		}
		err := CheckPrivate(p)
		if (err == nil) != tt.ok {
			t.Errorf("mode %04o: %v", tt.mode, err)
		}
		if err != nil && (!strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), fmt.Sprintf("%04o", tt.mode))) {
			t.Errorf("error %q names neither the file nor its mode", err)
		}
	}
	if CheckPrivate(filepath.Join(dir, "missing")) == nil {
		t.Error("a missing file passed")
	}
}
