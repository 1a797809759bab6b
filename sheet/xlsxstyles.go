package sheet

import (
	"strings"
)

// numFormat says how a cell style's number format shows a number.
type numFormat uint8

// The number formats that matter to a reader; the rest show numbers.
const (
	fmtNumber     numFormat = iota
	fmtDate                 // a date, or a date and time of day
	fmtClock                // a time of day, hours and minutes
	fmtClockSec             // a time of day with seconds
	fmtElapsed              // a duration in hours and minutes: [h]:mm
	fmtElapsedSec           // a duration with seconds: [h]:mm:ss, [mm]:ss
)

// readNumFormats returns, per cell style index, how the style's number
// format shows a number.
func readNumFormats(files parts, name string) ([]numFormat, error) {
	if name == "" || files.get(name) == nil {
		return nil, nil
	}
	var st struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := readXMLPart(files, name, &st); err != nil {
		return nil, err
	}
	custom := map[int]string{}
	for _, f := range st.NumFmts {
		custom[f.ID] = f.Code
	}
	out := make([]numFormat, len(st.Xfs))
	for i, xf := range st.Xfs {
		if code, ok := custom[xf.NumFmtID]; ok {
			out[i] = classifyFormat(code)
		} else {
			out[i] = builtinFormat(xf.NumFmtID)
		}
	}
	return out, nil
}

// builtinFormat classifies a built-in number format id (ECMA-376 18.8.30,
// plus the East Asian ids Excel uses).
func builtinFormat(id int) numFormat {
	switch id {
	case 18, 20, 32, 34: // h:mm AM/PM, h:mm, and the East Asian h"時"mm"分"
		return fmtClock
	case 19, 21, 33, 35, 45, 47: // h:mm:ss AM/PM, h:mm:ss, mm:ss, mmss.0
		return fmtClockSec
	case 46: // [h]:mm:ss
		return fmtElapsedSec
	}
	if (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58) || (id >= 71 && id <= 81) {
		return fmtDate
	}
	return fmtNumber
}

// isBuiltinDateFormat reports whether a built-in number format id is a
// date or time.
func isBuiltinDateFormat(id int) bool { return builtinFormat(id) != fmtNumber }

// isDateFormat reports whether a custom number format code shows a date or
// time.
func isDateFormat(code string) bool { return classifyFormat(code) != fmtNumber }

// classifyFormat says how a custom number format code shows a number: its
// first section, after removing quoted text, escapes and [colour]/[$-locale]
// parts, is a date when it has d, y (or a month m), a time of day when it
// has only h, m (minutes: after h or before s) and s, a duration when an
// [h], [m] or [s] part counts elapsed time (as openpyxl and excelize
// decide dates; Excel shows the rest as numbers).
func classifyFormat(code string) numFormat {
	if sec, _, _ := strings.Cut(code, ";"); sec != "" {
		code = sec
	}
	var b strings.Builder
	inQuote, elapsed := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case inQuote:
			if c == '"' {
				inQuote = false
			}
		case c == '"':
			inQuote = true
		case c == '\\' || c == '_' || c == '*':
			i++
		case c == '[':
			end := strings.IndexByte(code[i:], ']')
			if end < 0 {
				i = len(code)
				break
			}
			inner := strings.ToLower(code[i+1 : i+end])
			if inner != "" && strings.Trim(inner, "hms") == "" { // elapsed time [h] [mm] [ss]
				b.WriteString(inner)
				elapsed = true
			}
			i += end
		default:
			b.WriteByte(c)
		}
	}
	s := strings.ToLower(b.String())
	if s == "general" || s == "@" {
		return fmtNumber
	}
	s = strings.NewReplacer("am/pm", " ", "a/p", " ").Replace(s)
	// Letter runs: "yyyy", "mm", "dd", "h", "ss"; an m run is minutes
	// after an h run or before an s run, else a month.
	var runs []string
	for i := 0; i < len(s); {
		c := s[i]
		if c < 'a' || c > 'z' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == c {
			j++
		}
		runs = append(runs, s[i:j])
		i = j
	}
	date, clock, secs := false, false, false
	for k, r := range runs {
		switch r[0] {
		case 'd', 'y', 'e', 'g', 'b':
			date = true
		case 'h':
			clock = true
		case 's':
			clock, secs = true, true
		case 'm':
			if (k > 0 && runs[k-1][0] == 'h') || (k+1 < len(runs) && runs[k+1][0] == 's') {
				clock = true
			} else {
				date = true
			}
		}
	}
	switch {
	case date:
		return fmtDate
	case elapsed && secs:
		return fmtElapsedSec
	case elapsed:
		return fmtElapsed
	case secs:
		return fmtClockSec
	case clock:
		return fmtClock
	}
	return fmtNumber
}
