package feed

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
	// Three fields, split where FieldsFunc would split the text lowered
	// (lowering never makes or unmakes these ASCII separators), without
	// a copy: a date is read in every article's header.
	var f [3]string
	n := 0
	for i := 0; i < len(s); {
		if dateSep(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && !dateSep(s[j]) {
			j++
		}
		if n == len(f) {
			return time.Time{}, false
		}
		f[n], n = s[i:j], n+1
		i = j
	}
	if n != len(f) {
		return time.Time{}, false
	}
	var day, year string
	var month time.Month
	if m, ok := monthOf(f[0]); ok { // January 17, 2022
		month, day, year = m, f[1], f[2]
	} else if m, ok := monthOf(f[1]); ok { // 17th January 2022
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

// dateSep reports whether c parts the fields of a date.
func dateSep(c byte) bool {
	return c == ' ' || c == ',' || c == '.' || c == '/'
}

// monthOf returns the month a field names in any case. A field beyond
// ASCII is lowered as Unicode lowers it (the Kelvin sign is a k, a dotted
// capital I an i); one of ASCII is lowered in place.
func monthOf(w string) (time.Month, bool) {
	var b [len("september")]byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			m, ok := months[strings.ToLower(w)]
			return m, ok
		}
		if i < len(b) {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
	}
	if len(w) > len(b) {
		return 0, false
	}
	m, ok := months[string(b[:len(w)])]
	return m, ok
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

// dayNumber reads "17", "17th", "1st", "2nd", "3rd", the suffix in any
// case of ASCII (only an ASCII letter ORed with 0x20 is one of them).
func dayNumber(s string) (int, bool) {
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		if n := len(s); n >= 2 && s[n-2]|0x20 == suf[0] && s[n-1]|0x20 == suf[1] {
			s = s[:n-2]
			break
		}
	}
	d, err := strconv.Atoi(s)
	if err != nil || d < 1 || d > 31 || len(s) > 2 {
		return 0, false
	}
	return d, true
}
