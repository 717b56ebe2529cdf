package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/gazette-news/gazette/internal/humanize"
)

// nest builds text that nests n deep in one of the ways TOML can.
func nest(kind string, n int) string {
	switch kind {
	case "inline tables":
		return "x = " + strings.Repeat("{a = ", n) + "1" + strings.Repeat("}", n) + "\n"
	case "arrays":
		return "x = " + strings.Repeat("[", n) + "1" + strings.Repeat("]", n) + "\n"
	case "header":
		return "[" + strings.Repeat("a.", n-1) + "a]\n"
	case "array header":
		return "[[" + strings.Repeat("a.", n-1) + "a]]\n"
	case "dotted key":
		return strings.Repeat("a.", n-1) + "a = 1\n"
	case "header then dotted key":
		return "[" + strings.Repeat("a.", n/2-1) + "a]\n" + strings.Repeat("b.", n-n/2-1) + "b = 1\n"
	case "inline tables in an array":
		return "x = [" + strings.Repeat("{a = [", n/2) + "1" + strings.Repeat("]}", n/2) + "]\n"
	case "dotted keys in inline tables":
		return "x = " + strings.Repeat("{a.b = ", n/2) + "1" + strings.Repeat("}", n/2) + "\n"
	}
	panic(kind)
}

// TestCheckNesting refuses every kind of nesting past the cap, quickly and
// with the line, and lets real configs and brackets in strings and
// comments through.
func TestCheckNesting(t *testing.T) {
	kinds := []string{"inline tables", "arrays", "header", "array header", "dotted key",
		"header then dotted key", "inline tables in an array", "dotted keys in inline tables"}
	for _, kind := range kinds {
		for _, n := range []int{40, 6_000, 20_000} {
			t.Run(kind, func(t *testing.T) {
				text := "# deep\n\n" + nest(kind, n)
				err := checkNesting(text)
				line := 3
				if kind == "header then dotted key" && n == 40 {
					line = 4
				}
				var ce *ConfigError
				if !errors.As(err, &ce) || ce.Line != line || !strings.Contains(ce.Msg, "nested more than 32 deep") {
					t.Fatalf("%d deep: %v, want a refusal on line %d", n, err, line)
				}
			})
		}
		t.Run(kind+" within the cap", func(t *testing.T) {
			if err := checkNesting(nest(kind, 20)); err != nil {
				t.Fatalf("20 deep: %v", err)
			}
		})
	}
	for _, text := range []string{
		"[[source]]\nurl = \"https://example.org/feed.xml\"\nname = \"x\"\ntags = [\"Russia\", \"Ukraine\"]\n",
		"# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ not nesting\n[[source]]\npath = '~/news'\n",
		"[[source]]\nname = \"" + strings.Repeat("[{.", 50) + "\"\nurl = 'https://a.example/" + strings.Repeat("[", 50) + "'\n",
		"[[source]]\nname = \"\"\"\n" + strings.Repeat("[", 50) + "\n\"\"\"\npath = '''" + strings.Repeat("{", 50) + "'''\n",
		"[[source]]\nname = \"a \\\" [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\npath = \"/x\"\n",
		"x = 1.5\ny = 1979-05-27T07:32:00.999Z\n\"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.a.b.c.d.e.f.g\" = 1\n",
		// Many tables one after another: depth, not length, is capped.
		strings.Repeat("[[source]]\npath = \"/a\"\ntags = [\"x\"]\n", 500),
		strings.Repeat("x"+strings.Repeat(".a", 20)+" = 1\n", 100),
	} {
		if err := checkNesting(text); err != nil {
			t.Errorf("%.60q: %v", text, err)
		}
	}
}

// TestConfigErrorQuotesLittle caps what an error quotes of a key or a
// value: a header 8,000 keys deep made a 16 KB error line.
func TestConfigErrorQuotesLittle(t *testing.T) {
	for name, text := range map[string]string{
		"long key":          strings.Repeat("k", 20_000) + " = 1\n",
		"long header":       "[" + strings.Repeat("h", 20_000) + "]\nx = 1\n",
		"long source key":   "[[source]]\n" + strings.Repeat("k", 20_000) + " = 1\n",
		"long value":        "[[source]]\nurl = \"" + strings.Repeat("v", 20_000) + "\"\n",
		"long bad value":    "[[source]]\nurl = " + strings.Repeat("v", 20_000) + "\n",
		"deep header (old)": "[" + strings.Repeat("a.", 7999) + "a]\n",
		"key of many words": "\"" + strings.Repeat("w ", 10_000) + "\" = 1\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseConfig([]byte(text), "/cfg")
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); len(msg) > 400 {
				t.Errorf("error of %d bytes: %.200q", len(msg), msg)
			}
		})
	}
}

// decodedDepth is how deeply a decoded TOML value nests.
func decodedDepth(v any) int {
	d := 0
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			d = max(d, decodedDepth(e))
		}
		return d + 1
	case []map[string]any:
		for _, e := range v {
			d = max(d, decodedDepth(e))
		}
		return d + 1
	case []any:
		for _, e := range v {
			d = max(d, decodedDepth(e))
		}
		return d + 1
	}
	return 0
}

// FuzzCheckNesting holds the scan against the decoder: whatever the scan
// lets through and the decoder reads nests no deeper than the cap, so the
// scan never undercounts; and the scan never panics.
func FuzzCheckNesting(f *testing.F) {
	for _, kind := range []string{"inline tables", "arrays", "header", "array header", "dotted key",
		"header then dotted key", "inline tables in an array", "dotted keys in inline tables"} {
		f.Add(nest(kind, 30))
		f.Add(nest(kind, 33))
	}
	f.Add("[[source]]\nname = \"\"\"\n[[[\n\"\"\"\npath = '''{{{'''\n# [[[\n")
	f.Add("[a]\nb.c = {d = [{e.f = 1}]}\n[[g.h]]\ni = [[1], [2]]\n")
	// An array header of as many parts as the cap: found by the fuzzer.
	f.Add("[[0" + strings.Repeat(".0", maxNesting-1) + "]]")
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 4096 || checkNesting(text) != nil {
			return
		}
		var v map[string]any
		if _, err := toml.Decode(text, &v); err != nil {
			return
		}
		if d := decodedDepth(v); d > maxNesting+1 {
			t.Fatalf("the scan let through %d deep: %q", d, text)
		}
	})
}

// BenchmarkRefuseDeep measures ParseConfig refusing configs of inline
// tables nested 6,000, 8,000 and 20,000 deep, which cost the decoder
// seconds and gigabytes when it saw them.
func BenchmarkRefuseDeep(b *testing.B) {
	for _, n := range []int{6_000, 8_000, 20_000} {
		data := []byte(nest("inline tables", n))
		b.Run(strings.ReplaceAll(humanize.Thousands(n), ",", "_"), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseConfig(data, "/cfg"); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}
