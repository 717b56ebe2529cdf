// Package country knows the world's countries: their names, codes and the
// many ways people write them, and how to find them in running text.
//
// The table is data (countries.tsv), read once on first use and never
// changed afterwards, so every function here is safe for concurrent use.
package country

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// Country is one entry of the country table.
type Country struct {
	// Name is the common English news name ("United States", "Russia").
	Name string
	// Alpha2 is the ISO 3166-1 alpha-2 code ("US").
	Alpha2 string
	// Alpha3 is the ISO 3166-1 alpha-3 code ("USA").
	Alpha3 string
	// Aliases are other names for the country: the ISO short and official
	// names, abbreviations and common variants ("U.S.", "America").
	Aliases []string
	// Demonyms are the adjectives and nouns for its people ("American").
	// They are for detection in prose, not for tags.
	Demonyms []string
	// Capitals are its capital cities and the seats of government that news
	// use as metonyms ("Washington", "White House"). They are for
	// detection in prose, not for tags.
	Capitals []string
}

//go:embed countries.tsv
var countriesTSV string

// index is the parsed table with its lookup maps.
type index struct {
	all []Country
	// byKey maps a normalised name, alias or code to a position in all.
	byKey map[string]int
	// byAlpha2 maps an upper-case alpha-2 code to a position in all.
	byAlpha2 map[string]int
}

// table parses the embedded table once. It is a function, not a variable
// holding maps, so that the table cannot be changed after it is built.
var table = sync.OnceValue(func() *index {
	ix, err := parseTable(countriesTSV)
	if err != nil {
		// The table is compiled in and tested; a bad table is a build defect.
		panic(err)
	}
	return ix
})

// parseTable reads the tab-separated table. It rejects a table in which one
// key would name two countries, so that Lookup is never ambiguous.
func parseTable(data string) (*index, error) {
	ix := &index{byKey: make(map[string]int, 2048), byAlpha2: make(map[string]int, 256)}
	for n, line := range strings.Split(data, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			return nil, fmt.Errorf("countries.tsv:%d: %d fields, want 6", n+1, len(f))
		}
		c := Country{
			Alpha2:   f[0],
			Alpha3:   f[1],
			Name:     f[2],
			Aliases:  splitList(f[3]),
			Demonyms: splitList(f[4]),
			Capitals: splitList(f[5]),
		}
		if len(c.Alpha2) != 2 || len(c.Alpha3) != 3 || c.Name == "" {
			return nil, fmt.Errorf("countries.tsv:%d: bad entry %q", n+1, line)
		}
		pos := len(ix.all)
		ix.all = append(ix.all, c)
		if _, dup := ix.byAlpha2[c.Alpha2]; dup {
			return nil, fmt.Errorf("countries.tsv:%d: duplicate code %s", n+1, c.Alpha2)
		}
		ix.byAlpha2[c.Alpha2] = pos
		keys := append([]string{c.Name, c.Alpha2, c.Alpha3}, c.Aliases...)
		for _, k := range keys {
			key := Key(k)
			if key == "" {
				return nil, fmt.Errorf("countries.tsv:%d: %q normalises to nothing", n+1, k)
			}
			if prev, ok := ix.byKey[key]; ok && prev != pos {
				return nil, fmt.Errorf("countries.tsv:%d: %q names both %s and %s", n+1, k, ix.all[prev].Name, c.Name)
			}
			ix.byKey[key] = pos
		}
	}
	return ix, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

// keyBufLen is the stack buffer Lookup normalises into; longer input spills
// to the heap, which only absurd tags do.
const keyBufLen = 96

// Lookup finds a country by name, alias, or ISO alpha-2 or alpha-3 code. It
// ignores case, accents, dots, the style of apostrophes and surrounding
// space, so "u.s.", "USA", "cote d'ivoire", "CÔTE D’IVOIRE", "prc", "RU"
// and "rus" all resolve. Codes are accepted because Lookup is meant for
// tags; to find countries in prose, use Detect.
func Lookup(s string) (Country, bool) {
	var buf [keyBufLen]byte
	key := appendKey(buf[:0], s)
	ix := table()
	if i, ok := ix.byKey[string(key)]; ok {
		return ix.all[i], true
	}
	return Country{}, false
}

// ByCode finds a country by its ISO alpha-2 code, in either case.
func ByCode(alpha2 string) (Country, bool) {
	if len(alpha2) != 2 {
		return Country{}, false
	}
	code := [2]byte{upperASCII(alpha2[0]), upperASCII(alpha2[1])}
	ix := table()
	if i, ok := ix.byAlpha2[string(code[:])]; ok {
		return ix.all[i], true
	}
	return Country{}, false
}

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// All returns every country in table order. The slice is a copy; the
// Country values share their alias lists with the table and must not be
// changed.
func All() []Country {
	ix := table()
	out := make([]Country, len(ix.all))
	copy(out, ix.all)
	return out
}
