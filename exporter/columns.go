package exporter

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/mapping"
	"github.com/crmport/crmport/sheet"
)

// columnPlan decides the header once and turns records into rows.
type columnPlan struct {
	columns []sheet.Column
	keys    []string        // record key per column (default and chosen-columns modes)
	dates   []bool          // column holds dates: parse vendor date strings into time.Time
	known   map[string]bool // keys that have a column (default mode only; nil = do not track)
	rev     Reverser
}

func (p *columnPlan) headers() []string {
	out := make([]string, len(p.columns))
	for i, c := range p.columns {
		out[i] = c.Name
	}
	return out
}

// columnTyper is a Reverser that types its columns from the vendor's
// catalogue (*mapping.Mapping does, by mapping.ColumnKind).
type columnTyper interface {
	Columns(fields []crm.Field) []sheet.Column
}

func newColumnPlan(opt Options, first []crm.Record, idField string) (*columnPlan, error) {
	if opt.Mapping != nil {
		p := &columnPlan{rev: opt.Mapping}
		if typed, ok := opt.Mapping.(columnTyper); ok {
			p.columns = typed.Columns(opt.Fields)
			return p, nil
		}
		for _, h := range opt.Mapping.Headers() {
			p.columns = append(p.columns, sheet.Column{Name: h, Kind: sheet.ColumnAuto})
		}
		return p, nil
	}
	catalogue := map[string]crm.Field{}
	for _, f := range opt.Fields {
		catalogue[f.Name] = f
	}
	seen := map[string]bool{}
	for _, r := range first {
		for k := range r {
			seen[k] = true
		}
	}
	p := &columnPlan{}
	add := func(key string) {
		f, ok := catalogue[key]
		if !ok {
			f = fieldFor(opt.Fields, key)
		}
		kind, isDate := columnKind(f, key, idField)
		p.columns = append(p.columns, sheet.Column{Name: key, Kind: kind})
		p.keys = append(p.keys, key)
		p.dates = append(p.dates, isDate)
	}
	if len(opt.Columns) > 0 {
		for _, c := range opt.Columns {
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			if _, ok := catalogue[c]; !ok && !seen[c] && !wildcardCovers(opt.Fields, c) {
				return nil, unknownFieldError(c, opt.Fields, seen)
			}
			add(c)
		}
		return p, nil
	}
	p.known = map[string]bool{}
	for _, f := range opt.Fields {
		if strings.HasSuffix(f.Name, "*") || f.WriteOnly {
			continue
		}
		if f.Active || seen[f.Name] {
			add(f.Name)
			p.known[f.Name] = true
		}
	}
	var extra []string
	for k := range seen {
		if !p.known[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		add(k)
		p.known[k] = true
	}
	if len(p.columns) == 0 && idField != "" {
		add(idField)
		p.known[idField] = true
	}
	return p, nil
}

// fieldFor finds the catalogue entry of a dynamic field ("custom_fields.Segment"
// is covered by "custom_fields.*").
func fieldFor(fields []crm.Field, key string) crm.Field {
	for _, f := range fields {
		if prefix, ok := strings.CutSuffix(f.Name, "*"); ok && strings.HasPrefix(key, prefix) {
			g := f
			g.Name = key
			return g
		}
	}
	return crm.Field{Name: key}
}

func wildcardCovers(fields []crm.Field, key string) bool {
	for _, f := range fields {
		if prefix, ok := strings.CutSuffix(f.Name, "*"); ok && strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}

// columnKind types a catalogue export's column by mapping.ColumnKind, the
// rule mapping exports follow too; the vendor's id is always text. It
// also says whether vendor date strings are parsed into dates.
func columnKind(f crm.Field, key, idField string) (sheet.ColumnKind, bool) {
	if key == idField {
		return sheet.ColumnText, false
	}
	kind := mapping.ColumnKind(key, f.Type)
	return kind, kind == sheet.ColumnDate
}

func (p *columnPlan) row(rec crm.Record) []any {
	if p.rev != nil {
		return p.rev.Reverse(rec)
	}
	out := make([]any, len(p.keys))
	for i, k := range p.keys {
		v := rec[k]
		if p.dates[i] {
			if s, ok := v.(string); ok {
				if t, ok := parseVendorTime(s); ok {
					v = t
				}
			}
		}
		out[i] = v
	}
	return out
}

func (p *columnPlan) noteLate(rec crm.Record, late map[string]bool) {
	if p.known == nil {
		return
	}
	for k, v := range rec {
		if !p.known[k] && v != nil && v != "" {
			late[k] = true
		}
	}
}

var vendorTimeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02", time.RFC3339, "2006-01-02T15:04:05"}

// parseVendorTime reads the date formats the vendors answer with. Dates
// that come back as "0000-00-00" (MySQL's empty date) stay text.
func parseVendorTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}, false
	}
	for _, l := range vendorTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func unknownFieldError(name string, fields []crm.Field, seen map[string]bool) error {
	var names []string
	for _, f := range fields {
		if !strings.HasSuffix(f.Name, "*") {
			names = append(names, f.Name)
		}
	}
	for k := range seen {
		names = append(names, k)
	}
	sort.Strings(names)
	names = dedup(names)
	return &ColumnError{Name: name, Suggestion: mapping.Closest(name, names)}
}

// ColumnError reports a column name (Options.Columns) the vendor does not
// have; the front end says where its fields are listed.
type ColumnError struct {
	Name       string // as given
	Suggestion string // the closest known field, if any
}

// Error says which field is unknown and what was probably meant.
func (e *ColumnError) Error() string {
	msg := fmt.Sprintf("unknown field %q", e.Name)
	if e.Suggestion != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", e.Suggestion)
	}
	return msg
}

func dedup(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
