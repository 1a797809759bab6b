package mapping

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

// Headers returns the export column headers, one per mapped field in file
// order: the field's column header; for `columns: [A, B]` the first
// column's header (the joined value goes there); for a constant
// (`value:`) the field name.
func (m *Mapping) Headers() []string {
	out := make([]string, len(m.Fields))
	for i, f := range m.Fields {
		switch {
		case f.Column != "":
			out[i] = f.Column
		case len(f.Columns) > 0:
			out[i] = f.Columns[0]
		default:
			out[i] = f.Field
		}
	}
	return out
}

// Columns returns sheet columns for Headers, typed by the catalogue so an
// export keeps phones, ids, postcodes and tax ids as text and dates as
// dates (fields may be nil: every column is then ColumnAuto).
func (m *Mapping) Columns(fields []crm.Field) []sheet.Column {
	hs := m.Headers()
	out := make([]sheet.Column, len(hs))
	for i, h := range hs {
		out[i] = sheet.Column{Name: h, Kind: sheet.ColumnAuto}
		fm := &m.Fields[i]
		cf, _ := lookupField(fields, fm.Field)
		typ := crm.TypeString
		if cf != nil {
			typ = cf.Type
		}
		switch {
		case fm.layout != "":
			out[i].Kind = sheet.ColumnText // formatted with the mapping's layout
		case typ == crm.TypeDate || typ == crm.TypeDateTime:
			out[i].Kind = sheet.ColumnDate
		case typ == crm.TypeNumber || typ == crm.TypeInt:
			out[i].Kind = sheet.ColumnNumber
			if textLike(fm.Field) {
				out[i].Kind = sheet.ColumnText
			}
		case typ == crm.TypeString || typ == crm.TypePhone || typ == crm.TypeText:
			if typ == crm.TypePhone || textLike(fm.Field) {
				out[i].Kind = sheet.ColumnText
			}
		}
	}
	return out
}

// textLike reports fields whose digits must stay text (leading zeros, long ids).
func textLike(field string) bool {
	f := strings.ToLower(field)
	for _, p := range []string{"id", "phone", "postcode", "zip", "nip", "inn", "kpp", "tax", "pesel", "regon", "ogrn", "bik", "uid", "identifier", "fax"} {
		if strings.Contains(f, p) {
			return true
		}
	}
	return false
}

// Reverse turns a vendor record into an export row: values in Headers()
// order; `values` tables applied backwards (vendor value → the first cell
// value that maps to it); dates formatted with the field's `date:` layout
// (vendor date strings such as "2024-05-01 10:00:00" are parsed first);
// several values joined with the first `split` character (", " without
// split); missing fields nil.
func (m *Mapping) Reverse(rec crm.Record) []any {
	out := make([]any, len(m.Fields))
	for i := range m.Fields {
		f := &m.Fields[i]
		v, ok := rec[f.Field]
		if !ok || v == nil {
			continue
		}
		out[i] = f.reverseValue(v)
	}
	return out
}

func (f *FieldMap) reverseValue(v any) any {
	switch x := v.(type) {
	case []string:
		sep := ", "
		if f.Split != "" {
			sep = string([]rune(f.Split)[:1])
		}
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = f.reverseString(s)
		}
		return strings.Join(parts, sep)
	case []any:
		parts := make([]string, len(x))
		for i, s := range x {
			parts[i] = fmt.Sprint(f.reverseValue(s))
		}
		sep := ", "
		if f.Split != "" {
			sep = string([]rune(f.Split)[:1])
		}
		return strings.Join(parts, sep)
	case string:
		if f.layout != "" {
			if t, ok := parseVendorTime(x); ok {
				return t.Format(f.layout)
			}
		}
		return f.reverseString(x)
	case time.Time:
		if f.layout != "" {
			return x.Format(f.layout)
		}
		return x
	case bool, int64, float64, int:
		if f.reverse != nil {
			if k, ok := f.reverse[fmt.Sprint(x)]; ok {
				return k
			}
		}
		return x
	}
	return fmt.Sprint(v)
}

func (f *FieldMap) reverseString(s string) string {
	if f.reverse != nil {
		if k, ok := f.reverse[s]; ok {
			return k
		}
	}
	return s
}

var vendorTimeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05"}

func parseVendorTime(s string) (time.Time, bool) {
	for _, l := range vendorTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 100000000 {
		return time.Unix(n, 0).UTC(), true // unix seconds
	}
	return time.Time{}, false
}
