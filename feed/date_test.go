package feed

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// parseDateLowered is ParseDate as it read its fields from a lowered
// copy of the text: what reading them in place must come to.
func parseDateLowered(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 8 || len(s) > 40 || !hasDigits(s, 4) {
		return time.Time{}, false
	}
	if len(s) == len("2006-01-02") && s[4] == '-' {
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return t, true
		}
	}
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == ',' || r == '.' || r == '/'
	})
	if len(f) != 3 {
		return time.Time{}, false
	}
	var day, year string
	var month time.Month
	if m, ok := months[f[0]]; ok {
		month, day, year = m, f[1], f[2]
	} else if m, ok := months[f[1]]; ok {
		month, day, year = m, f[0], f[2]
	} else {
		return time.Time{}, false
	}
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		if strings.HasSuffix(day, suf) {
			day = strings.TrimSuffix(day, suf)
			break
		}
	}
	d, err := strconv.Atoi(day)
	if err != nil || d < 1 || d > 31 || len(day) > 2 {
		return time.Time{}, false
	}
	y, err := strconv.Atoi(year)
	if err != nil || len(year) != 4 {
		return time.Time{}, false
	}
	t := time.Date(y, month, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// dateSeeds are dates in every form, and near misses in case, runes
// that lower into ASCII, separators and field counts.
var dateSeeds = []string{
	"17th January 2022", "17TH JANUARY 2022", "January 17, 2022", "JAN 17 2022", "2022-01-17",
	"23rd Sept 2019", "23RD sEPT 2019", "aprİl 3, 2020", "3 \u212aan 2020", "17 january 2022 extra",
	"17//January..2022", " , 17 January 2022 , ", "17ſt January 2022", "1St Mar 2021", "+17 Jan 2022",
	"17 Jan +202", "17 Jan 02022", "Septembers 1 2022", "\xff17 Jan 2022", "17 Jan\xff 2022",
	"31 February 2022", "29 Feb 2024", "SEPTEMBER 9 2019", "Septemberr 9 2019",
}

// TestParseDateAsLowered holds ParseDate to reading a lowered copy.
func TestParseDateAsLowered(t *testing.T) {
	for _, s := range dateSeeds {
		checkDate(t, s)
	}
}

func checkDate(t *testing.T, s string) {
	t.Helper()
	got, ok := ParseDate(s)
	want, wantOK := parseDateLowered(s)
	if ok != wantOK || !got.Equal(want) {
		t.Fatalf("ParseDate(%q) = %v, %v; reading it lowered, %v, %v", s, got, ok, want, wantOK)
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range dateSeeds {
		f.Add(s)
	}
	f.Fuzz(checkDate)
}

// TestParseDateAllocates nothing for a date of ASCII: it is read in
// every article's header.
func TestParseDateAllocates(t *testing.T) {
	for _, s := range []string{"17th January 2022", "January 17, 2022", "Virtual Wire 2022 | x"} {
		if n := testing.AllocsPerRun(100, func() { ParseDate(s) }); n != 0 {
			t.Errorf("ParseDate(%q) allocates %v times", s, n)
		}
	}
}
