package mapping

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/crmport/crmport/sheet"
)

// The transforms a mapping may name. String transforms (trim, lower, upper,
// digits, email, phone, country) run in the order given; date, number and
// bool choose the final conversion of the value, whatever their place in
// the chain.
var transformNames = map[string]bool{
	"trim": true, "lower": true, "upper": true, "digits": true,
	"email": true, "phone": true, "country": true,
	"date": true, "number": true, "bool": true,
}

var transformList = []string{"trim", "lower", "upper", "digits", "email", "phone", "country", "date", "number", "bool"}

// Errors returned by the transforms; the text follows the quoted value in
// a sheet.CellError (`row 3, column "E-mail": "jan@" is not an e-mail address`).
var (
	ErrNotEmail   = errors.New("is not an e-mail address")
	ErrNotPhone   = errors.New("is not a phone number (expected e.g. +48 601 234 567)")
	ErrNotCountry = errors.New("is not a country (expected a name such as Polska, Germany, Россия or a code such as PL)")
	ErrNotNumber  = errors.New("is not a number (expected e.g. 1234,56 or 1 234,56)")
	ErrNotBool    = errors.New("is not yes/no (expected tak/nie, да/нет, yes/no, true/false or 1/0)")
)

// stringStep is one string transform of a chain: a switch on op rather
// than a closure, so Apply's text buffer does not escape to the heap.
type stringStep struct {
	op     string // trim, lower, upper, digits, email, phone, country
	region string // phone: default region
}

// TransformFunc returns the string transform called name (trim, lower,
// upper, digits, email, phone, country), with region as the default phone
// region, or an error for an unknown or non-string transform.
func TransformFunc(name, region string) (func(string) (string, error), error) {
	st, err := stringTransform(name, region)
	if err != nil {
		return nil, err
	}
	return func(s string) (string, error) { return st.run(s, nil) }, nil
}

func stringTransform(name, region string) (stringStep, error) {
	switch name {
	case "trim", "lower", "upper", "digits", "email", "country":
		return stringStep{op: name}, nil
	case "phone":
		if region == "" {
			region = "PL"
		}
		return stringStep{op: name, region: region}, nil
	}
	return stringStep{}, fmt.Errorf("unknown string transform %q", name)
}

// run applies the step to s. New text is written to w and returned as a
// slice of it (one buffer for a whole row); w may be nil.
func (st stringStep) run(s string, w *strings.Builder) (string, error) {
	switch st.op {
	case "trim":
		return trimSpace(s), nil
	case "lower":
		return asciiCase(s, w, false), nil
	case "upper":
		return asciiCase(s, w, true), nil
	case "digits":
		return digitsTo(s, w), nil
	case "email":
		return checkEmail(s)
	case "phone":
		return phoneE164(s, st.region, w)
	case "country":
		return CountryCode(s)
	}
	return "", fmt.Errorf("unknown string transform %q", st.op)
}

// asciiCase returns s in lower (or upper) case: s itself when nothing
// changes, written to w when s is ASCII, else via the strings package.
func asciiCase(s string, w *strings.Builder, upper bool) string {
	lo, hi := byte('A'), byte('Z')
	if upper {
		lo, hi = 'a', 'z'
	}
	change := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			if upper {
				return strings.ToUpper(s)
			}
			return strings.ToLower(s)
		}
		change = change || (c >= lo && c <= hi)
	}
	if !change {
		return s
	}
	if w == nil {
		if upper {
			return strings.ToUpper(s)
		}
		return strings.ToLower(s)
	}
	start := w.Len()
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= lo && c <= hi {
			c ^= 0x20
		}
		w.WriteByte(c)
	}
	return w.String()[start:]
}

// digitsTo returns the digits of s: s itself when it has nothing else,
// else written to w (or a new string when w is nil).
func digitsTo(s string, w *strings.Builder) string {
	if w == nil {
		return digitsOnly(s)
	}
	all := true
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			all = false
			break
		}
	}
	if all {
		return s
	}
	start := w.Len()
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			w.WriteByte(s[i])
		}
	}
	return w.String()[start:]
}

// trimSpace removes surrounding white space, non-breaking spaces included.
func trimSpace(s string) string {
	if len(s) == 0 || (!trimStart(s) && !trimEnd(s)) {
		return s
	}
	return strings.TrimFunc(s, isTrimRune)
}

func isTrimRune(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' }

// trimStart reports whether s (not empty) starts with a rune trimSpace
// removes; the common case, a letter or digit, costs one comparison.
func trimStart(s string) bool {
	if c := s[0]; c < utf8.RuneSelf {
		return c <= ' '
	}
	r, _ := utf8.DecodeRuneInString(s)
	return isTrimRune(r)
}

// trimEnd is trimStart for the end of s ("Łódź" ends in a 2-byte letter).
func trimEnd(s string) bool {
	if c := s[len(s)-1]; c < utf8.RuneSelf {
		return c <= ' '
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return isTrimRune(r)
}

func digitsOnly(s string) string {
	all := true
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			all = false
			break
		}
	}
	if all {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// checkEmail trims s (and a "mailto:" prefix) and checks that it looks like
// an e-mail address: one @, a non-empty local part of allowed characters and
// a domain with a dot, no spaces.
func checkEmail(s string) (string, error) {
	s = trimSpace(s)
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at > 64 || len(s)-at-1 > 253 || at == len(s)-1 {
		return "", ErrNotEmail
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "", ErrNotEmail
	}
	for _, r := range local {
		if r < utf8.RuneSelf && !(isAlnum(byte(r)) || strings.ContainsRune("!#$%&'*+/=?^_`{|}~.-", r)) {
			return "", ErrNotEmail
		}
		if r >= utf8.RuneSelf && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return "", ErrNotEmail
		}
	}
	labels := 0
	for len(domain) > 0 {
		dot := strings.IndexByte(domain, '.')
		label := domain
		if dot >= 0 {
			label, domain = domain[:dot], domain[dot+1:]
			if domain == "" {
				return "", ErrNotEmail
			}
		} else {
			domain = ""
		}
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return "", ErrNotEmail
		}
		for _, r := range label {
			if r < utf8.RuneSelf && !isAlnum(byte(r)) && r != '-' {
				return "", ErrNotEmail
			}
			if r >= utf8.RuneSelf && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return "", ErrNotEmail
			}
		}
		labels++
		if domain == "" && utf8.RuneCountInString(label) < 2 {
			return "", ErrNotEmail
		}
	}
	if labels < 2 {
		return "", ErrNotEmail
	}
	return s, nil
}

func isAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

// validRegion reports whether r is a region phonenumbers knows ("PL", "RU").
func validRegion(r string) bool {
	return len(r) == 2 && phonenumbers.GetCountryCodeForRegion(r) != 0
}

// fastRegion describes a country whose national numbers have one length,
// so the common case needs no full parse.
type fastRegion struct {
	code  string // country calling code
	nsn   int    // digits of a national significant number
	trunk byte   // national trunk prefix digit (0 if none)
	first string // digits a valid national number starts with
}

// fastRegions are checked without a closure, so the digits stay on the
// stack.
var fastRegions = map[string]fastRegion{
	// mobile 45, 5, 6, 7, 8x; fixed lines by area code; 80x/70x services.
	"PL": {code: "48", nsn: 9, first: "123456789"},
	"RU": {code: "7", nsn: 10, trunk: '8', first: "3489"},
}

var (
	phoneCache    sync.Map     // "region|text" → E.164 or "" (invalid), for numbers the fast path does not take
	phoneCacheLen atomic.Int64 // entries stored, capped so memory stays bounded
)

// PhoneE164 returns s as an E.164 number ("+48601234567"), reading numbers
// without a country code as numbers of region ("PL"). Several numbers in
// one cell must be split first (`split:`).
func PhoneE164(s, region string) (string, error) {
	return phoneE164(s, region, nil)
}

// phoneE164 is PhoneE164 writing a new number to w (a new string when w
// is nil).
func phoneE164(s, region string, w *strings.Builder) (string, error) {
	var buf [32]byte
	n := 0
	plus := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == len(buf) {
				return "", ErrNotPhone
			}
			buf[n] = c
			n++
		case c == '+' && n == 0 && !plus:
			plus = true
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '/':
		default:
			return phoneSlow(s, region)
		}
	}
	d := buf[:n]
	if !plus && n > 2 && d[0] == '0' && d[1] == '0' {
		plus, d = true, d[2:]
	}
	fr, ok := fastRegions[region]
	if ok {
		var nat []byte
		switch {
		case !plus && len(d) == fr.nsn:
			nat = d
		case !plus && fr.trunk != 0 && len(d) == fr.nsn+1 && d[0] == fr.trunk:
			nat = d[1:]
		case len(d) == len(fr.code)+fr.nsn && string(d[:len(fr.code)]) == fr.code && (plus || region != "RU"):
			nat = d[len(fr.code):]
		}
		if nat != nil && strings.IndexByte(fr.first, nat[0]) >= 0 {
			var out [32]byte
			o := append(append(append(out[:0], '+'), fr.code...), nat...)
			if string(o) == s {
				return s, nil // already E.164: no copy
			}
			if w != nil {
				start := w.Len()
				w.Write(o)
				return w.String()[start:], nil
			}
			return string(o), nil
		}
	}
	return phoneSlow(s, region)
}

func phoneSlow(s, region string) (string, error) {
	key := region + "|" + s
	if v, ok := phoneCache.Load(key); ok {
		if v == "" {
			return "", ErrNotPhone
		}
		return v.(string), nil
	}
	out := ""
	num, err := phonenumbers.Parse(s, region)
	if err == nil && phonenumbers.IsValidNumber(num) {
		out = phonenumbers.Format(num, phonenumbers.E164)
	}
	if phoneCacheLen.Add(1) <= 10000 {
		phoneCache.Store(key, out)
	}
	if out == "" {
		return "", ErrNotPhone
	}
	return out, nil
}

// ParseNumber reads numbers as people type them: "1 234,56", "1.234,56",
// "1,234.56", "1234.5", "-12,5" and non-breaking-space thousands. A single
// comma or dot is a decimal separator; several of the same are thousands.
func ParseNumber(s string) (float64, error) {
	s = trimSpace(s)
	if s == "" {
		return 0, ErrNotNumber
	}
	simple := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9') && c != '.' && !(i == 0 && c == '-') {
			simple = false
			break
		}
	}
	if simple && strings.Count(s, ".") <= 1 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return 0, ErrNotNumber
		}
		return v, nil
	}
	var buf [64]byte
	n := 0
	dots, commas, lastDot, lastComma := 0, 0, -1, -1
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
		case r == '.':
			dots++
			lastDot = n
		case r == ',':
			commas++
			lastComma = n
		case r == '-' || r == '\u2212':
			if n != 0 {
				return 0, ErrNotNumber
			}
			r = '-'
		case r == '+':
			if n != 0 {
				return 0, ErrNotNumber
			}
		case r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' || r == '\u2009':
			continue
		default:
			return 0, ErrNotNumber
		}
		if n == len(buf) {
			return 0, ErrNotNumber
		}
		buf[n] = byte(r)
		n++
	}
	dec := -1 // index in buf of the decimal separator
	switch {
	case dots > 0 && commas > 0:
		dec = max(lastDot, lastComma)
		if (dec == lastDot && dots > 1) || (dec == lastComma && commas > 1) {
			return 0, ErrNotNumber
		}
	case commas == 1:
		dec = lastComma
	case dots == 1:
		dec = lastDot
	}
	out := buf[:0]
	for i := 0; i < n; i++ {
		c := buf[i]
		if c == '.' || c == ',' {
			if i != dec {
				continue
			}
			c = '.'
		}
		out = append(out, c)
	}
	v, err := strconv.ParseFloat(string(out), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, ErrNotNumber
	}
	return v, nil
}

// ParseBool reads yes/no words in Polish, Russian and English (tak/nie,
// prawda/fałsz, да/нет, истина/ложь, yes/no, true/false, y/n, 1/0, on/off).
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(trimSpace(s)) {
	case "1", "tak", "t", "prawda", "да", "д", "истина", "yes", "y", "true", "on", "x", "+":
		return true, nil
	case "0", "nie", "n", "fałsz", "falsz", "нет", "н", "ложь", "no", "false", "off", "-":
		return false, nil
	}
	return false, ErrNotBool
}

// goLayout turns a date layout written in the mapping into a Go layout. Go
// layouts ("02.01.2006") are taken as they are; Excel-style ones
// ("DD.MM.YYYY", "YYYY-MM-DD HH:mm") are translated: YYYY, YY, MM (month),
// M, DD, D, HH, mm (minutes), ss.
func goLayout(s string) (string, error) {
	layout := s
	if !strings.Contains(s, "2006") && !strings.Contains(s, "06") {
		var b strings.Builder
		for i := 0; i < len(s); {
			rest := s[i:]
			matched := false
			for _, t := range [][2]string{{"YYYY", "2006"}, {"yyyy", "2006"}, {"YY", "06"}, {"yy", "06"}, {"MM", "01"}, {"DD", "02"}, {"dd", "02"}, {"HH", "15"}, {"hh", "15"}, {"mm", "04"}, {"SS", "05"}, {"ss", "05"}, {"M", "1"}, {"D", "2"}, {"d", "2"}} {
				if strings.HasPrefix(rest, t[0]) {
					b.WriteString(t[1])
					i += len(t[0])
					matched = true
					break
				}
			}
			if !matched {
				b.WriteByte(s[i])
				i++
			}
		}
		layout = b.String()
	}
	ref := time.Date(2024, 3, 15, 13, 7, 9, 0, time.UTC)
	back, err := time.Parse(layout, ref.Format(layout))
	if err != nil || back.Year() != 2024 || back.Month() != 3 || back.Day() != 15 {
		return "", fmt.Errorf("date layout %q is not understood; write the date 31 December 2024 as it appears in the file using DD, MM, YYYY (e.g. \"DD.MM.YYYY\") or Go's reference date (e.g. \"02.01.2006\")", s)
	}
	return layout, nil
}

var fallbackLayouts = []string{
	"2006-01-02", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05",
	"02.01.2006", "2.1.2006", "02.01.2006 15:04:05", "02.01.2006 15:04", "2.1.2006 15:04",
	"02-01-2006", "02/01/2006", "2/1/2006", "2006/01/02", "20060102", "02.01.06",
}

// ParseDate reads a date cell: a real date cell, text in layout (a Go
// layout; "" = the common Polish, Russian and ISO forms), or an Excel serial
// number (days since 1899-12-30).
func ParseDate(c sheet.Cell, layout string) (time.Time, error) {
	if t := c.Time(); c.Kind == sheet.KindDate && !t.IsZero() {
		return t, nil
	}
	s := trimSpace(c.Text)
	if layout != "" {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if t, ok := excelSerial(s); ok {
		return t, nil
	}
	if layout == "" {
		for _, l := range fallbackLayouts {
			if len(l) < len(s)-6 || len(l) > len(s)+6 {
				continue
			}
			if t, err := time.Parse(l, s); err == nil {
				return t, nil
			}
		}
	}
	if layout != "" {
		return time.Time{}, fmt.Errorf("is not a date in the form %s", time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC).Format(layout))
	}
	return time.Time{}, errors.New("is not a date (expected e.g. 31.12.2024 or 2024-12-31)")
}

// excelSerial reads an Excel serial date (1900 date system): 45292 is
// 2024-01-01; a fraction is the time of day.
func excelSerial(s string) (time.Time, bool) {
	if len(s) == 0 || len(s) > 16 || s[0] < '1' || s[0] > '9' {
		return time.Time{}, false
	}
	intPart := s
	if i := strings.IndexAny(s, ".,"); i >= 0 {
		intPart = s[:i]
	}
	if len(intPart) > 5 || len(intPart) < 2 {
		return time.Time{}, false
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || v < 1 || v > 99999 {
		return time.Time{}, false
	}
	days := math.Floor(v)
	secs := math.Round((v - days) * 86400)
	return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second), true
}
