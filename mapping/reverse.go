package mapping

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

// exportCol is one column of an export: its header and the field that
// writes it (part is the index into the field's `columns:`, -1 for a
// field's whole value).
type exportCol struct {
	header string
	field  int
	part   int
}

// exportLayout returns the export columns, worked out once per mapping:
// Reverse runs for every exported client.
func (m *Mapping) exportLayout() []exportCol {
	m.layoutOnce.Do(func() { m.layout = m.computeLayout() })
	return m.layout
}

// computeLayout decides the export columns: every column a field reads, in
// mapping order — all of a `columns: [A, B]` field's columns, so that the
// exported file imports back with the same mapping — and the field name for
// a constant. A header used by several fields (compared as Bind compares
// them) appears once, at its first place, and is written by the first field
// that takes it whole (`surname: Nazwisko` rather than `name: {columns:
// [Imię, Nazwisko]}`), else by the first field that uses it: a field's own
// value then comes back unchanged, and the joined field loses nothing as
// long as its value ends (or starts) with the other field's value.
func (m *Mapping) computeLayout() []exportCol {
	type use struct {
		header      string
		field, part int
	}
	var uses []use
	for i := range m.Fields {
		f := &m.Fields[i]
		switch {
		case f.Column != "":
			uses = append(uses, use{f.Column, i, -1})
		case len(f.Columns) > 0:
			for j, c := range f.Columns {
				uses = append(uses, use{c, i, j})
			}
		default:
			uses = append(uses, use{f.Field, i, -1})
		}
	}
	owner := make(map[string]int, len(uses)) // normHeader → index in uses
	var order []string
	for k, u := range uses {
		h := normHeader(u.header)
		first, seen := owner[h]
		switch {
		case !seen:
			owner[h] = k
			order = append(order, h)
		case uses[first].part >= 0 && u.part < 0:
			owner[h] = k // a whole value wins over a part of a joined one
		}
	}
	out := make([]exportCol, len(order))
	for i, h := range order {
		u := uses[owner[h]]
		out[i] = exportCol{header: u.header, field: u.field, part: u.part}
	}
	return out
}

// Headers returns the export column headers in mapping order: the field's
// column header; for `columns: [A, B]` every one of its columns (the
// joined value is split back over them, see Reverse); for a constant
// (`value:`) the field name. A header two fields use appears once (see
// Reverse for which field writes it). An exported file therefore imports
// back with the same mapping.
func (m *Mapping) Headers() []string {
	layout := m.exportLayout()
	out := make([]string, len(layout))
	for i, c := range layout {
		out[i] = c.header
	}
	return out
}

// Columns returns sheet columns for Headers, typed by the catalogue so an
// export keeps phones, ids, postcodes and tax ids as text and dates as
// dates (fields may be nil: types then come from the field names alone).
// Whole values follow ColumnKind, the rule catalogue exports use too.
func (m *Mapping) Columns(fields []crm.Field) []sheet.Column {
	layout := m.exportLayout()
	out := make([]sheet.Column, len(layout))
	for i, c := range layout {
		out[i] = sheet.Column{Name: c.header, Kind: sheet.ColumnAuto}
		fm := &m.Fields[c.field]
		cf, _ := lookupField(fields, fm.Field, m.reg.Custom.Prefix)
		typ := crm.TypeString
		if cf != nil {
			typ = cf.Type
		}
		switch {
		case c.part >= 0:
			if textLike(fm.Field) {
				out[i].Kind = sheet.ColumnText // a part of a joined text value
			}
		case fm.layout != "":
			out[i].Kind = sheet.ColumnText // formatted with the mapping's layout
		default:
			out[i].Kind = ColumnKind(fm.Field, typ)
		}
	}
	return out
}

// ColumnKind is how an export stores a field's values, whichever way the
// columns were chosen (all fields, --fields or a mapping): dates as date
// cells; phones, ids, postcodes and tax ids as text (format @, so that
// 05-500 or 0048… is never turned into a number when edited); other
// numbers as numbers. A field the catalogue types as text (or does not
// type) but whose name says it is a date (date_create, date_edit,
// created_at, updated_at…) is a date column: values that parse as dates
// become date cells, others stay text.
func ColumnKind(field string, typ crm.FieldType) sheet.ColumnKind {
	switch typ {
	case crm.TypeDate, crm.TypeDateTime:
		return sheet.ColumnDate
	case crm.TypePhone:
		return sheet.ColumnText
	}
	if textLike(field) {
		return sheet.ColumnText
	}
	switch typ {
	case crm.TypeInt, crm.TypeNumber:
		return sheet.ColumnNumber
	case "", crm.TypeString:
		low := strings.ToLower(field)
		if low == "date_create" || low == "date_edit" || strings.HasSuffix(low, "_at") {
			return sheet.ColumnDate
		}
	}
	return sheet.ColumnAuto
}

// textLikeParts are name fragments of fields whose digits must stay text
// (leading zeros, long ids, account numbers): ids, phones, postcodes, tax
// and company registry numbers, bank accounts (rs, ks), logins.
var textLikeParts = []string{"id", "phone", "tel", "fax", "mob", "postcode", "zip", "nip", "inn", "kpp", "tax", "pesel",
	"regon", "ogrn", "okpo", "bik", "rs", "ks", "login", "uid", "identifier"}

// textLike reports fields whose digits must stay text.
func textLike(field string) bool {
	f := strings.ToLower(field)
	for _, p := range textLikeParts {
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
//
// A `columns: [A, B]` field's value is split back with its `join`
// separator, strings.SplitN(value, join, len(columns)): "John Smith" →
// "John", "Smith"; a value without the separator goes whole into the first
// column and the others stay empty, so Apply on the row gives the same
// value back. A column another field writes whole (see Headers) keeps that
// field's value; when the joined value starts or ends with it (plus the
// separator) that part is taken off and the rest is split over the
// remaining columns: name "Jan Maria Kowalski" with surname "Kowalski"
// gives Imię "Jan Maria", Nazwisko "Kowalski".
func (m *Mapping) Reverse(rec crm.Record) []any {
	layout := m.exportLayout()
	out := make([]any, len(layout))
	joins := false
	for _, c := range layout {
		if c.part >= 0 {
			joins = true
			break
		}
	}
	for i, c := range layout {
		if c.part >= 0 {
			continue
		}
		f := &m.Fields[c.field]
		v, ok := rec[f.Field]
		if !ok || v == nil {
			continue
		}
		out[i] = f.reverseValue(v)
	}
	if !joins {
		return out
	}
	colOf := make(map[string]int, len(layout)) // normHeader → index in out
	for i, c := range layout {
		colOf[normHeader(c.header)] = i
	}
	for fi := range m.Fields {
		f := &m.Fields[fi]
		if len(f.Columns) == 0 {
			continue
		}
		v, ok := rec[f.Field]
		if !ok || v == nil {
			continue
		}
		if f.list {
			m.spreadList(fi, v, colOf, out)
			continue
		}
		rv := f.reverseValue(v)
		s, ok := rv.(string)
		if !ok {
			s = fmt.Sprint(rv)
		}
		m.splitJoined(fi, s, layout, colOf, out)
	}
	return out
}

// spreadList writes the values of list field fi (FieldMap.listMode) one
// per column, in order; values beyond the last column go into it, joined
// with the field's separator, so Apply reads them all back. A value the
// vendor gives as one text is split on the field's separators first.
func (m *Mapping) spreadList(fi int, v any, colOf map[string]int, out []any) {
	f := &m.Fields[fi]
	var vals []string
	switch x := v.(type) {
	case []string:
		vals = x
	case []any:
		for _, e := range x {
			vals = append(vals, fmt.Sprint(e))
		}
	default:
		vals = strings.FieldsFunc(fmt.Sprint(x), func(r rune) bool { return strings.ContainsRune(f.listSep, r) })
	}
	var keep []string
	for _, s := range vals {
		if s = strings.TrimSpace(s); s != "" {
			keep = append(keep, f.reverseString(s))
		}
	}
	n := len(f.Columns)
	sep := string([]rune(f.listSep)[:1]) + " "
	for j, c := range f.Columns {
		i := colOf[normHeader(c)]
		switch {
		case j >= len(keep):
			out[i] = ""
		case j == n-1:
			out[i] = strings.Join(keep[j:], sep)
		default:
			out[i] = keep[j]
		}
	}
}

// splitJoined writes the parts of field fi's joined value s into the
// columns of out it writes (see Reverse).
func (m *Mapping) splitJoined(fi int, s string, layout []exportCol, colOf map[string]int, out []any) {
	f := &m.Fields[fi]
	n := len(f.Columns)
	idx := make([]int, n)
	own := make([]bool, n)
	for j, c := range f.Columns {
		idx[j] = colOf[normHeader(c)]
		own[j] = layout[idx[j]].field == fi && layout[idx[j]].part == j
	}
	// other returns the text another field wrote in column j, and whether
	// s starts (front) or ends with it; s is then shortened by it.
	other := func(j int, front bool) bool {
		fv, ok := out[idx[j]].(string)
		if !ok {
			return out[idx[j]] == nil
		}
		switch {
		case fv == "":
			return true
		case s == fv:
			s = ""
		case front && strings.HasPrefix(s, fv+f.Join):
			s = s[len(fv)+len(f.Join):]
		case !front && strings.HasSuffix(s, f.Join+fv):
			s = s[:len(s)-len(f.Join)-len(fv)]
		default:
			return false
		}
		return true
	}
	lo, hi := 0, n // the columns [lo, hi) share what is left of s
	for lo < hi && !own[lo] && other(lo, true) {
		lo++
	}
	for hi > lo && !own[hi-1] && other(hi-1, false) {
		hi--
	}
	free := 0
	for j := lo; j < hi; j++ {
		if own[j] {
			free++
		}
	}
	if free == 0 {
		return
	}
	var parts []string
	if s != "" {
		parts = strings.SplitN(s, f.Join, free)
	}
	k := 0
	for j := lo; j < hi; j++ {
		if !own[j] {
			continue
		}
		if k < len(parts) {
			out[idx[j]] = parts[k]
		} else {
			out[idx[j]] = ""
		}
		k++
	}
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
