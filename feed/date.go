package feed

import (
	"strconv"
	"strings"
	"time"
)

// months maps month names and their usual abbreviations to months.
var months = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
	"april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
	"august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
	"october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

// ParseDate reads a date as article headers write it: "17th January 2022",
// "17 January 2022", "January 17, 2022", "Jan 17 2022" or "2022-01-17".
// It returns the date at midnight UTC.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	// Every form has a year of four digits: most header segments, the
	// tags and the source, are turned away here, before any parsing.
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
	if m, ok := months[f[0]]; ok { // January 17, 2022
		month, day, year = m, f[1], f[2]
	} else if m, ok := months[f[1]]; ok { // 17th January 2022
		month, day, year = m, f[0], f[2]
	} else {
		return time.Time{}, false
	}
	d, ok := dayNumber(day)
	y, err := strconv.Atoi(year)
	if !ok || err != nil || len(year) != 4 {
		return time.Time{}, false
	}
	t := time.Date(y, month, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // 31 February
		return time.Time{}, false
	}
	return t, true
}

// hasDigits reports whether s has at least n ASCII digits.
func hasDigits(s string, n int) bool {
	for i := 0; i < len(s) && n > 0; i++ {
		if '0' <= s[i] && s[i] <= '9' {
			n--
		}
	}
	return n == 0
}

// dayNumber reads "17", "17th", "1st", "2nd", "3rd".
func dayNumber(s string) (int, bool) {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		if strings.HasSuffix(s, suf) {
			s = strings.TrimSuffix(s, suf)
			break
		}
	}
	d, err := strconv.Atoi(s)
	if err != nil || d < 1 || d > 31 || len(s) > 2 {
		return 0, false
	}
	return d, true
}
