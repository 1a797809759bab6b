package baselinker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/internal/vendorkit"
)

// intFields are the integer fields of addCrmClient.
var intFields = map[string]bool{"status_id": true, "star": true, "contractor_id": true}

// encodeRecord builds addCrmClient's parameters from a record. Values that
// BaseLinker would silently mangle are refused here with a KindRejected
// error naming the field: texts longer than the documented varchar limit
// (counted in characters), 4-byte characters (emoji, which BaseLinker turns
// into "?"), a star outside 0–5, non-integer ids. Several phone numbers
// are joined with ", " (BaseLinker has one phone field).
func encodeRecord(op string, rec crm.Record, update bool) (map[string]any, error) {
	reject := func(field, format string, args ...any) error {
		return &crm.Error{Vendor: vendorName, Op: op, Kind: crm.KindRejected, Field: field, Message: fmt.Sprintf(format, args...)}
	}
	out := map[string]any{}
	keys := slices.Sorted(maps.Keys(rec))
	for _, k := range keys {
		v := rec[k]
		if v == nil {
			continue
		}
		if k == "crm_client_id" {
			if !update {
				return nil, reject(k, "crm_client_id is given by BaseLinker: a new client cannot have one (import with --mode upsert to change existing clients)")
			}
			n, err := toInt(v)
			if err != nil || n <= 0 {
				return nil, reject(k, "crm_client_id %v is not a BaseLinker client number", v)
			}
			out[k] = n
			continue
		}
		if id, ok := extraFieldID(k); ok {
			w, err := extraValue(v)
			if err != nil {
				return nil, reject(k, "field %s: %v", k, err)
			}
			for _, s := range vendorkit.Values(w) {
				if has4Byte(s) {
					return nil, reject(k, "field %s contains emoji or other 4-byte characters, which BaseLinker replaces with \"?\": remove them", k)
				}
			}
			cef, _ := out["custom_extra_fields"].(map[string]any)
			if cef == nil {
				cef = map[string]any{}
				out["custom_extra_fields"] = cef
			}
			cef[id] = w
			continue
		}
		f, ok := catalogueIndex[k]
		if !ok {
			return nil, reject(k, "%q is not a BaseLinker client field (run `crmport fields --vendor baselinker` for the list; extra fields are custom_extra_fields.<id>)", k)
		}
		if intFields[k] {
			n, err := toInt(v)
			if err != nil {
				return nil, reject(k, "field %s: %v is not a whole number", k, v)
			}
			if (f.Min != 0 || f.Max != 0) && (n < int64(f.Min) || n > int64(f.Max)) {
				return nil, reject(k, "field %s: %d is outside %d–%d", k, n, f.Min, f.Max)
			}
			out[k] = n
			continue
		}
		s, err := textValue(k, v)
		if err != nil {
			return nil, reject(k, "field %s: %v", k, err)
		}
		if has4Byte(s) {
			return nil, reject(k, "field %s contains emoji or other 4-byte characters, which BaseLinker replaces with \"?\": remove them", k)
		}
		if n := utf8.RuneCountInString(s); f.MaxLen > 0 && n > f.MaxLen {
			return nil, reject(k, "field %s is %d characters long; BaseLinker keeps at most %d", k, n, f.MaxLen)
		}
		out[k] = s
	}
	if update {
		if _, ok := out["crm_client_id"]; !ok {
			return nil, reject("crm_client_id", "crm_client_id is missing: an update needs the BaseLinker client number (use the crm_client_id column as the key)")
		}
	}
	return out, nil
}

// textValue converts a value for a text field; only phone joins lists.
func textValue(field string, v any) (string, error) {
	if ss, ok := v.([]string); ok {
		var keep []string
		for _, s := range ss {
			if t := strings.TrimSpace(s); t != "" {
				keep = append(keep, t)
			}
		}
		switch {
		case len(keep) == 0:
			return "", nil
		case len(keep) == 1:
			return keep[0], nil
		case field == "phone":
			return strings.Join(keep, ", "), nil
		}
		return "", fmt.Errorf("%d values given but BaseLinker keeps one", len(keep))
	}
	return vendorkit.ScalarString(v)
}

// extraValue converts a custom extra field value: text, or a list for
// multi-choice fields; "" clears the field.
func extraValue(v any) (any, error) {
	switch x := v.(type) {
	case []string:
		return x, nil
	case bool:
		if x {
			return "1", nil
		}
		return "0", nil
	}
	return vendorkit.ScalarString(v)
}

// toInt converts an integer-like value.
func toInt(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			return int64(x), nil
		}
	case string:
		return strconv.ParseInt(strings.TrimSpace(x), 10, 64)
	case json.Number:
		return x.Int64()
	}
	return 0, fmt.Errorf("%v is not a whole number", v)
}

// has4Byte reports whether s has a character outside the Basic
// Multilingual Plane (emoji), which MySQL utf8 columns cannot hold.
func has4Byte(s string) bool {
	for _, r := range s {
		if r > 0xFFFF {
			return true
		}
	}
	return false
}

// idOf returns the crm_client_id of rec as a string ("" if absent).
func idOf(rec crm.Record) string {
	n, err := toInt(rec["crm_client_id"])
	if err != nil || n <= 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// normTaxID removes whitespace and dashes (as BaseLinker does) and
// upper-cases a country prefix.
func normTaxID(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || r == '-' || r == '\u2013' {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// decodeClient turns one client object into a record: crm_client_id as a
// string, the integer fields as int64 (leniently), other numbers as int64
// or float64, texts as strings, custom_extra_fields.<id> flattened (file
// values as their title); nulls are left out.
func decodeClient(row map[string]json.RawMessage) crm.Record {
	r := crm.Record{}
	for k, raw := range row {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			continue
		}
		switch {
		case k == "crm_client_id":
			var n lenientInt
			if json.Unmarshal(raw, &n) == nil && n > 0 {
				r[k] = strconv.FormatInt(int64(n), 10)
			}
		case intFields[k]:
			var n lenientInt
			if json.Unmarshal(raw, &n) == nil {
				r[k] = int64(n)
			}
		case k == "custom_extra_fields":
			var m map[string]json.RawMessage
			if json.Unmarshal(raw, &m) != nil {
				continue // an empty list [] when there are none
			}
			for id, v := range m {
				if val, ok := plainValue(v); ok {
					r[ExtraFieldPrefix+id] = val
				}
			}
		default:
			if val, ok := plainValue(raw); ok {
				r[k] = val
			}
		}
	}
	return r
}

// plainValue decodes a JSON value for a record: strings, numbers (int64 or
// float64), bools, lists of strings; a file object gives its title.
func plainValue(raw json.RawMessage) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return nil, false
	}
	switch x := v.(type) {
	case nil:
		return nil, false
	case string, bool:
		return x, true
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, true
		}
		if f, err := x.Float64(); err == nil {
			return f, true
		}
		return x.String(), true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, err := vendorkit.ScalarString(e); err == nil {
				out = append(out, s)
			}
		}
		return out, true
	case map[string]any:
		if t, ok := x["title"].(string); ok {
			return t, true
		}
	}
	return nil, false
}
