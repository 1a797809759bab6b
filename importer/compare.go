package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/nyaruka/phonenumbers"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/mapping"
)

// PhoneRegioner is an optional interface of a Binder: the region (ISO
// 3166-1 alpha-2) the phone numbers of a field are read with when they
// have no country code. An upsert reads the numbers the CRM holds in the
// same region to tell an unchanged number from a changed one.
type PhoneRegioner interface {
	PhoneRegion(field string) string
}

// valueText is text of a mapped value.
func valueText(v mapping.Value) string {
	if s, ok := v.Text(); ok {
		return s
	}
	return text(v.Any())
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
// lower-case; phone-like values (and every value of a phone field) in
// E.164 when they are valid numbers, else their digits; countries
// (country fields) as ISO codes; lists sorted.
func canon(field string, v any, norm func(field, value string) string) string {
	return canonTyped(field, "", v, norm)
}

// canonTyped is canon knowing the field's catalogue type ("" = unknown).
// A phone number without a country code is read in the first of regions
// where it is valid (none: only numbers with a country code are).
func canonTyped(field string, typ crm.FieldType, v any, norm func(field, value string) string, regions ...string) string {
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
			p = phoneCanon(p, regions)
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

// phoneCanon is the comparison form of a phone number: E.164 when it is a
// valid number (with its country code, or without one in one of regions),
// else its digits alone.
func phoneCanon(p string, regions []string) string {
	for _, r := range regions {
		if e, err := mapping.PhoneE164(p, r); err == nil {
			return e
		}
	}
	if e, err := mapping.PhoneE164(p, ""); err == nil {
		return e
	}
	d := digitsOnly(p)
	if d == "" {
		return p
	}
	return d
}

// phoneRegions returns the regions of the E.164 numbers in a comparison
// form (for reading the other side's numbers written without a country
// code, such as a Russian CRM's "8 (495) 100-44-47").
func phoneRegions(c string) []string {
	var out []string
	for _, p := range strings.Split(c, ",") {
		if !strings.HasPrefix(p, "+") {
			continue
		}
		if num, err := phonenumbers.Parse(p, ""); err == nil {
			if r := phonenumbers.GetRegionCodeForNumber(num); r != "" && !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
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
// types (nil = guess from the values and field names). Phone numbers are
// equal when they are the same number in E.164: read without a country
// code in the field's region (region, nil = none), or a number the CRM
// stores without one in the country of ours; a number that is not valid
// is compared by its digits.
func sameValues(ours, stored crm.Record, skip map[string]bool, norm func(field, value string) string, types map[string]crm.FieldType, region func(field string) string) bool {
	for k, v := range ours {
		if skip[k] {
			continue
		}
		typ := types[k]
		var regions []string
		if region != nil {
			regions = []string{region(k)}
		}
		a, b := canonTyped(k, typ, v, norm, regions...), canonTyped(k, typ, stored[k], norm, regions...)
		if a == b {
			continue
		}
		if typ == crm.TypePhone || (typ == "" && phoneForm(a) && phoneForm(b)) {
			if more := phoneRegions(a); len(more) > 0 && a == canonTyped(k, typ, stored[k], norm, slices.Concat(regions, more)...) {
				continue
			}
		}
		return false
	}
	return true
}

// phoneForm reports whether s is a non-empty comparison form of phone
// numbers (E.164 or digits, separated by commas).
func phoneForm(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != ',' && r != '+' {
			return false
		}
	}
	return true
}

// sameClient reports whether a client found after a lost answer (or a
// run killed mid-batch) is the one we sent: the look-up goes by e-mail,
// phone or identifier, which two clients may share, so every field the
// CRM returns must agree by meaning. Fields it does not return are not
// held against it.
func sameClient(sent, stored crm.Record, skip map[string]bool, norm func(field, value string) string, types map[string]crm.FieldType, region func(field string) string) bool {
	if stored == nil {
		return true
	}
	present := make(crm.Record, len(sent))
	for k, v := range sent {
		if _, ok := stored[k]; ok {
			present[k] = v
		}
	}
	return sameValues(present, stored, skip, norm, types, region)
}
