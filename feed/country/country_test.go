package country

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTableValid(t *testing.T) {
	ix, err := parseTable(countriesTSV)
	if err != nil {
		t.Fatal(err)
	}
	// Every ISO 3166-1 country, plus Kosovo.
	if got := len(ix.all); got != 250 {
		t.Errorf("table has %d countries, want 250", got)
	}
	a3 := map[string]string{}
	for _, c := range ix.all {
		if c.Alpha2 != strings.ToUpper(c.Alpha2) || c.Alpha3 != strings.ToUpper(c.Alpha3) {
			t.Errorf("%s: codes must be upper case: %s %s", c.Name, c.Alpha2, c.Alpha3)
		}
		if prev, ok := a3[c.Alpha3]; ok {
			t.Errorf("alpha-3 %s used by %s and %s", c.Alpha3, prev, c.Name)
		}
		a3[c.Alpha3] = c.Name
		for _, list := range [][]string{c.Aliases, c.Demonyms, c.Capitals} {
			for _, s := range list {
				if s == "" || strings.TrimSpace(s) != s {
					t.Errorf("%s: blank or padded entry %q", c.Name, s)
				}
			}
		}
	}
}

func TestParseTableRejectsAmbiguity(t *testing.T) {
	tests := []struct{ name, data string }{
		{"alias names two countries", "AA\tAAA\tAland\tFoo\t\t\nBB\tBBB\tBland\tfoo\t\t\n"},
		{"alias is another code", "AA\tAAA\tAland\tBB\t\t\nBB\tBBB\tBland\t\t\t\n"},
		{"duplicate code", "AA\tAAA\tAland\t\t\t\nAA\tBBB\tBland\t\t\t\n"},
		{"short line", "AA\tAAA\tAland\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseTable(tt.data); err == nil {
				t.Errorf("parseTable accepted %q", tt.data)
			}
		})
	}
}

func TestEveryKeyResolves(t *testing.T) {
	for _, c := range All() {
		keys := append([]string{c.Name, c.Alpha2, c.Alpha3, strings.ToLower(c.Alpha3)}, c.Aliases...)
		for _, k := range keys {
			got, ok := Lookup(k)
			if !ok || got.Alpha2 != c.Alpha2 {
				t.Errorf("Lookup(%q) = %q, %v; want %s", k, got.Name, ok, c.Name)
			}
			got, ok = Lookup("  " + strings.ToUpper(k) + "\t")
			if !ok || got.Alpha2 != c.Alpha2 {
				t.Errorf("Lookup(upper %q) = %q, %v; want %s", k, got.Name, ok, c.Name)
			}
		}
		if got, ok := ByCode(strings.ToLower(c.Alpha2)); !ok || got.Name != c.Name {
			t.Errorf("ByCode(%q) = %q, %v", c.Alpha2, got.Name, ok)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct{ in, want string }{
		{"u.s.", "US"},
		{"U.S.", "US"},
		{"USA", "US"},
		{"U.S.A.", "US"},
		{"us", "US"},
		{"United States of America", "US"},
		{"america", "US"},
		{"UK", "GB"},
		{"u.k.", "GB"},
		{"Great Britain", "GB"},
		{"britain", "GB"},
		{"cote d'ivoire", "CI"},
		{"CÔTE D’IVOIRE", "CI"},
		{"Côte d'Ivoire", "CI"},
		{"Côte d\u02bcIvoire", "CI"},
		{"Ivory Coast", "CI"},
		{"prc", "CN"},
		{"People's Republic of China", "CN"},
		{"People’s Republic of China", "CN"},
		{"RU", "RU"},
		{"rus", "RU"},
		{"Russian Federation", "RU"},
		{"Burma", "MM"},
		{"Holland", "NL"},
		{"the Netherlands", "NL"},
		{"DPRK", "KP"},
		{"ROK", "KR"},
		{"Korea, Republic of", "KR"},
		{"Türkiye", "TR"},
		{"turkiye", "TR"},
		{"TÜRKIYE", "TR"},
		{"Turkey", "TR"},
		{"São Tomé and Príncipe", "ST"},
		{"Sao Tome & Principe", "ST"},
		{"Guinea-Bissau", "GW"},
		{"guinea bissau", "GW"},
		{"Guinea", "GN"},
		{"Equatorial Guinea", "GQ"},
		{"Papua New Guinea", "PG"},
		{"Niger", "NE"},
		{"Nigeria", "NG"},
		{"Dominica", "DM"},
		{"Dominican Republic", "DO"},
		{"Congo", "CG"},
		{"DR Congo", "CD"},
		{"D.R. Congo", "CD"},
		{"Democratic Republic of the Congo", "CD"},
		{"Congo, The Democratic Republic of the", "CD"},
		{"Czech Republic", "CZ"},
		{"Viet Nam", "VN"},
		{"Lao People's Democratic Republic", "LA"},
		{"Syrian Arab Republic", "SY"},
		{"Iran, Islamic Republic of", "IR"},
		{"Taiwan", "TW"},
		{"Åland", "AX"},
		{"aland islands", "AX"},
		{"Swaziland", "SZ"},
		{"East Timor", "TL"},
		{"Timor-Leste", "TL"},
		{"St. Lucia", "LC"},
		{"Saint Lucia", "LC"},
		{"Kosovo", "XK"},
		{"Curaçao", "CW"},
		{"Réunion", "RE"},
		{"Österreich", "AT"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := Lookup(tt.in)
			if !ok || got.Alpha2 != tt.want {
				t.Errorf("Lookup(%q) = %s %q, %v; want %s", tt.in, got.Alpha2, got.Name, ok, tt.want)
			}
		})
	}
}

func TestLookupMisses(t *testing.T) {
	// Demonyms, capitals and near misses are not tags of a country.
	for _, in := range []string{"", "  ", "Russian", "Moscow", "Kremlin", "x", "Atlantis", "U S", "Scotland", "Virgin Islands", "Korea, Democratic", "...", "'s"} {
		t.Run(in, func(t *testing.T) {
			if got, ok := Lookup(in); ok {
				t.Errorf("Lookup(%q) = %s, want no match", in, got.Name)
			}
		})
	}
}

func TestByCode(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"US", "United States", true},
		{"gb", "United Kingdom", true},
		{"Ci", "Côte d'Ivoire", true},
		{"XK", "Kosovo", true},
		{"USA", "", false},
		{"ZZ", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ByCode(tt.in)
			if ok != tt.ok || got.Name != tt.want {
				t.Errorf("ByCode(%q) = %q, %v; want %q, %v", tt.in, got.Name, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestAllIsACopy(t *testing.T) {
	a := All()
	first := a[0].Name
	a[0].Name = "changed"
	if All()[0].Name != first {
		t.Error("All returned the table itself")
	}
}

func TestKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Côte   d’Ivoire ", "cote d ivoire"},
		{"U.S.A.", "usa"},
		{"St. Lucia", "st lucia"},
		{"Russia's", "russia"},
		{"Trinidad & Tobago", "trinidad and tobago"},
		{"Guinea–Bissau", "guinea bissau"},
		{"İstanbul", "istanbul"},
		{"Straße", "strasse"},
		{"Łódź", "lodz"},
		{"Москва", "москва"},
		{"e\u0301tat", "etat"},
		{"N'Djamena", "n djamena"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Key(tt.in); got != tt.want {
				t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLookupASCIIDoesNotAllocate(t *testing.T) {
	table()
	for _, in := range []string{"USA", "u.s.", "United Kingdom", "Russia", "cote d'ivoire", "not a country"} {
		if n := testing.AllocsPerRun(100, func() { Lookup(in) }); n != 0 {
			t.Errorf("Lookup(%q) allocates %v times", in, n)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	tags := []string{"Russia", "USA", "u.s.", "United Kingdom", "Côte d’Ivoire", "technology", "Politics", "cn"}
	table()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Lookup(tags[i%len(tags)])
	}
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"U.S.A.", "Côte d’Ivoire", "Russia's", "a.b.c.d", "'s", "&&", "\xff\xfe", "e\u0301", "İ", "U.S.'s", "..."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if !utf8.ValidString(k) {
			t.Fatalf("Key(%q) = %q, not valid UTF-8", s, k)
		}
		if strings.HasPrefix(k, " ") || strings.HasSuffix(k, " ") || strings.Contains(k, "  ") {
			t.Fatalf("Key(%q) = %q: stray spaces", s, k)
		}
		if k2 := Key(k); k2 != k {
			t.Fatalf("Key is not idempotent: %q -> %q -> %q", s, k, k2)
		}
		Lookup(s)
	})
}
