package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/crmport/crmport/crm"
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
// lower-case; phone-like values reduced to their digits; lists sorted.
func canon(field string, v any, norm func(field, value string) string) string {
	s := text(v)
	if norm != nil {
		s = norm(field, s)
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' })
	if len(parts) == 0 {
		return ""
	}
	for i, p := range parts {
		p = strings.TrimSpace(p)
		switch {
		case strings.Contains(p, "@"):
			p = strings.ToLower(p)
		case phoneLike(p):
			p = strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, p)
		}
		parts[i] = p
	}
	if len(parts) > 1 {
		slices.Sort(parts)
	}
	return strings.Join(parts, ",")
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
// vendor stores (skip names the fields not compared: the key and the id).
func sameValues(ours, stored crm.Record, skip map[string]bool, norm func(field, value string) string) bool {
	for k, v := range ours {
		if skip[k] {
			continue
		}
		if canon(k, v, norm) != canon(k, stored[k], norm) {
			return false
		}
	}
	return true
}
