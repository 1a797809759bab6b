package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/mapping"
)

// Normalizer is an optional interface a vendor (or the Options.Normalize
// hook) offers to say how the vendor stores a value, so that an upsert can
// tell "unchanged" from "changed" (SalesMan rewrites titles, for example).
type Normalizer interface {
	Normalize(field, value string) string
}

// text renders a record value as text for comparisons.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []string:
		return strings.Join(x, ",")
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = text(e)
		}
		return strings.Join(parts, ",")
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case bool:
		if x {
			return "1"
		}
		return "0"
	}
	return fmt.Sprint(v)
}

// canon is the comparison form of one value: trimmed; e-mail addresses
// lower-case; phone-like values (and every value of a phone field) reduced
// to their digits, without 00 or a Russian trunk 8; countries (country
// fields) as ISO codes; lists sorted.
func canon(field string, v any, norm func(field, value string) string) string {
	return canonTyped(field, "", v, norm)
}

// canonTyped is canon knowing the field's catalogue type ("" = unknown).
func canonTyped(field string, typ crm.FieldType, v any, norm func(field, value string) string) string {
	s := text(v)
	if norm != nil {
		s = norm(field, s)
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' })
	if len(parts) == 0 {
		return ""
	}
	country := typ == crm.TypeCountry || (typ == "" && isCountryField(field))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		switch {
		case country:
			if c, err := mapping.CountryCode(p); err == nil {
				p = c
			} else {
				p = strings.ToUpper(p)
			}
		case strings.Contains(p, "@"):
			p = strings.ToLower(p)
		case typ == crm.TypePhone || phoneLike(p):
			p = phoneDigits(p)
		}
		parts[i] = p
	}
	if len(parts) > 1 {
		slices.Sort(parts)
	}
	return strings.Join(parts, ",")
}

// isCountryField reports whether a field of unknown type holds a country.
func isCountryField(field string) bool {
	f := strings.ToLower(field)
	return strings.HasSuffix(f, "country") || strings.HasSuffix(f, "country_code")
}

// phoneDigits is the comparison form of a phone number: its digits, with
// an international 00 prefix dropped and a Russian trunk 8 (8 495 …, 11
// digits) written as the country code 7.
func phoneDigits(p string) string {
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, p)
	if d == "" {
		return p
	}
	if strings.HasPrefix(d, "00") {
		d = d[2:]
	}
	if len(d) == 11 && d[0] == '8' && !strings.HasPrefix(strings.TrimSpace(p), "+") {
		d = "7" + d[1:]
	}
	return d
}

// samePhones reports whether two phone comparison forms denote the same
// numbers: equal, or one written without the country code (or with a
// national trunk 0) that the other has.
func samePhones(a, b string) bool {
	if a == b {
		return true
	}
	as, bs := strings.Split(a, ","), strings.Split(b, ",")
	if len(as) != len(bs) {
		return false
	}
	for i := range as {
		x, y := strings.TrimPrefix(as[i], "0"), strings.TrimPrefix(bs[i], "0")
		if len(x) < len(y) {
			x, y = y, x
		}
		if x != y && !(len(y) >= 9 && len(x)-len(y) <= 3 && strings.HasSuffix(x, y)) {
			return false
		}
	}
	return true
}

// phoneLike reports whether s is made of digits and phone punctuation only.
func phoneLike(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case r == '+' || r == ' ' || r == '-' || r == '(' || r == ')' || r == '.' || r == '/':
		default:
			return false
		}
	}
	return digits >= 5
}

// sameValues reports whether every field we send already has the value the
// vendor stores (skip names the fields not compared: the key and the id),
// ignoring formatting-only differences; types are the catalogue's field
// types (nil = guess from the values and field names).
func sameValues(ours, stored crm.Record, skip map[string]bool, norm func(field, value string) string, types map[string]crm.FieldType) bool {
	for k, v := range ours {
		if skip[k] {
			continue
		}
		typ := types[k]
		a, b := canonTyped(k, typ, v, norm), canonTyped(k, typ, stored[k], norm)
		if a == b {
			continue
		}
		if (typ == crm.TypePhone || (typ == "" && allDigits(a) && allDigits(b))) && samePhones(a, b) {
			continue
		}
		return false
	}
	return true
}

// allDigits reports whether s is a non-empty comparison form of phone
// numbers (digits and commas).
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != ',' {
			return false
		}
	}
	return true
}
