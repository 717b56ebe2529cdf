package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gazette-news/gazette/feed"
	"github.com/gazette-news/gazette/feed/load"
)

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	text := `# my sources
[[source]]
url = "https://example.org/feed.xml"
name = "Example\u001b]0;x\u0007 News"
tags = ["russia", "Ukraine"]

[[source]]
path = "news"

[[source]]
path = "/srv/news/"
`
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []load.Source{
		{Location: "https://example.org/feed.xml", Name: "Example]0;x News", Tags: []string{"Russia", "Ukraine"}, ArticleSource: "Example]0;x News"},
		{Location: filepath.Join(dir, "news")},
		{Location: "/srv/news"},
	}
	if got := c.Sources(); !reflect.DeepEqual(got, want) {
		t.Errorf("Sources() = %#v\nwant %#v", got, want)
	}
}

func TestLoadConfigMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none", "config.toml")
	c, err := LoadConfig(path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("error %v, want fs.ErrNotExist", err)
	}
	if c == nil || len(c.Source) != 0 {
		t.Fatalf("config %+v, want an empty one", c)
	}
	if _, err := c.Add("https://example.org/a", "", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadConfig(path)
	if err != nil || len(back.Source) != 1 {
		t.Fatalf("reloaded %+v, %v", back, err)
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		want       string
	}{
		{"syntax", "[[source]]\nurl = \"https://a.example/\"\nname = \"unterminated\n", 3, "strings cannot contain newlines"},
		{"bad table", "[[source]]\nurl = 'https://a.example/'\n[source]\n", 3, "source"},
		{"wrong type", "[[source]]\nurl = \"https://a.example/\"\ntags = 5\n", 3, "incompatible types"},
		{"unknown key", "[[source]]\nurl = \"https://a.example/\"\n\nurll = \"x\"\n", 4, `unknown key "urll" in [source]`},
		{"unknown top key", "timeout = 5\n", 1, `unknown key "timeout"`},
		{"no location", "[[source]]\nurl = \"https://a.example/\"\n[[source]]\nname = \"x\"\n", 3, "source 2: needs a url or a path"},
		{"both", "[[source]]\nurl = \"https://a.example/\"\npath = \"/x\"\n", 1, "has both url and path"},
		{"file url", "\n[[source]]\nurl = \"file:///etc/passwd\"\n", 2, `url "file:///etc/passwd" is not an http or https URL`},
		{"exec url", "[[source]]\nurl = \"exec:rm -rf ~\"\n", 1, "is not an http or https URL"},
		{"empty tag", "[[source]]\nurl = \"https://a.example/\"\ntags = [\"\u200b\"]\n", 1, "is empty once cleaned"},
		{"repeat", "[[source]]\nurl = \"https://a.example/\"\n[[source]]\nurl = \"https://a.example/\"\n", 3, "source 2 repeats source 1"},
		{"binary", "\x00\x01\x02", 0, "not text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.toml")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConfig(path)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T), want a *ConfigError", err, err)
			}
			if ce.Line != tt.line || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q (line %d), want line %d and %q", err, ce.Line, tt.line, tt.want)
			}
			if !strings.HasPrefix(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

func TestConfigAdd(t *testing.T) {
	wd, _ := os.Getwd()
	c := &Config{}
	tests := []struct {
		loc, name string
		tags      []string
		want      SourceConfig
		wantErr   string
	}{
		{loc: "https://example.org/feed", name: "Ex", tags: []string{"prc"}, want: SourceConfig{URL: "https://example.org/feed", Name: "Ex", Tags: []string{"China"}}},
		{loc: "https://example.org/feed", wantErr: "already configured"},
		{loc: "HTTP://Example.org/other", want: SourceConfig{URL: "http://Example.org/other"}},
		{loc: "news", want: SourceConfig{Path: filepath.Join(wd, "news")}},
		{loc: "./news/", wantErr: "already configured"},
		{loc: "file:///etc/passwd", wantErr: "only http and https"},
		{loc: "javascript:alert(1)", wantErr: "only http and https"},
		{loc: "exec:~/bin/feed.sh", wantErr: "only http and https"},
		{loc: "https://", wantErr: "not an http or https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.loc, func(t *testing.T) {
			got, err := c.Add(tt.loc, tt.name, tt.tags)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if len(c.Source) != 3 {
		t.Errorf("%d sources, want 3", len(c.Source))
	}
}

func TestConfigSaveRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gazette", "config.toml")
	c := &Config{}
	for _, s := range []struct {
		loc, name string
		tags      []string
	}{
		{"https://example.org/a?x=1&y=\"2\"", `Quote " and \ backslash`, []string{"Russia", "Côte d'Ivoire"}},
		{"/srv/news", "", nil},
	} {
		if _, err := c.Add(s.loc, s.name, s.tags); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Source, c.Source) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back.Source, c.Source)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if e.Name() != "config.toml" && e.Name() != ".config.toml.lock" {
			t.Errorf("%s left beside the config", e.Name())
		}
	}
}

func FuzzConfig(f *testing.F) {
	f.Add("[[source]]\nurl = \"https://example.org/feed.xml\"\nname = \"x\"\ntags = [\"Russia\"]\n")
	f.Add("[[source]]\npath = \"~/news\"\n")
	f.Add("[[source]]\nurl = 'javascript:alert(1)'\n")
	f.Add("[source]\nurl = 1\n")
	f.Add("x = [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseConfig([]byte(text), "/cfg")
		if err != nil {
			if strings.ContainsAny(err.Error(), "\x1b\x07\n") {
				t.Errorf("unsanitized error %q", err)
			}
			return
		}
		for _, s := range c.Sources() {
			if s.Location == "" {
				t.Error("empty location")
			}
			if feed.IsURL(s.Location) {
				if _, ok := feed.SafeURL(s.Location, nil); !ok {
					t.Errorf("unsafe URL %q", s.Location)
				}
			}
		}
	})
}
