package mapping

import (
	"strings"
	"time"
)

// numLayout is a date layout made only of fixed-width numbers (2006, 01,
// 02, 15, 04, 05) and separators, such as "02.01.2006" or "2006-01-02
// 15:04". parse reads the texts it fits about ten times faster than
// time.Parse and without allocating; whatever it does not accept goes to
// time.Parse, so results never differ.
type numLayout struct {
	parts []numPart
}

type numPart struct {
	width int  // digits of a number; 0 for a separator
	field byte // 'Y', 'M', 'D', 'h', 'm', 's' for numbers; the separator byte otherwise
}

// compileNumLayout returns layout as a numLayout, or nil when it holds
// anything else (month names, 12-hour clock, fractions, zones, one-digit
// fields) or lacks the year, month or day.
func compileNumLayout(layout string) *numLayout {
	l := &numLayout{}
	seen := map[byte]bool{}
	for i := 0; i < len(layout); {
		rest := layout[i:]
		var p numPart
		switch {
		case strings.HasPrefix(rest, "2006"):
			p = numPart{4, 'Y'}
		case strings.HasPrefix(rest, "01"):
			p = numPart{2, 'M'}
		case strings.HasPrefix(rest, "02"):
			p = numPart{2, 'D'}
		case strings.HasPrefix(rest, "15"):
			p = numPart{2, 'h'}
		case strings.HasPrefix(rest, "04"):
			p = numPart{2, 'm'}
		case strings.HasPrefix(rest, "05"):
			p = numPart{2, 's'}
		default:
			c := layout[i]
			if c >= 0x80 || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z' && c != 'T') || c == '_' {
				return nil // a token time.Parse reads differently ('T' never starts one)
			}
			if n := len(l.parts); n > 0 && l.parts[n-1].field == 's' && (c == '.' || c == ',') {
				return nil // time.Parse reads ".5" after seconds as a fraction
			}
			l.parts = append(l.parts, numPart{0, c})
			i++
			continue
		}
		if seen[p.field] {
			return nil
		}
		seen[p.field] = true
		l.parts = append(l.parts, p)
		i += p.width
	}
	if !seen['Y'] || !seen['M'] || !seen['D'] {
		return nil
	}
	return l
}

// parse reads s; ok is false when s does not fit exactly or is not a
// real date and time (then time.Parse decides, and words the error).
func (l *numLayout) parse(s string) (t time.Time, ok bool) {
	var y, mo, d, h, mi, sec int
	i := 0
	for _, p := range l.parts {
		if p.width == 0 {
			if i >= len(s) || s[i] != p.field {
				return time.Time{}, false
			}
			i++
			continue
		}
		if i+p.width > len(s) {
			return time.Time{}, false
		}
		n := 0
		for _, c := range []byte(s[i : i+p.width]) {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			n = n*10 + int(c-'0')
		}
		switch p.field {
		case 'Y':
			y = n
		case 'M':
			mo = n
		case 'D':
			d = n
		case 'h':
			h = n
		case 'm':
			mi = n
		case 's':
			sec = n
		}
		i += p.width
	}
	if i != len(s) {
		return time.Time{}, false
	}
	if mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t = time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)
	if t.Day() != d { // 31.02: time.Parse says "day out of range"
		return time.Time{}, false
	}
	return t, true
}
