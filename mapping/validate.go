package mapping

import (
	"errors"
	"fmt"
	"strings"

	"github.com/crmport/crmport/crm"
)

// lookupField finds name in the catalogue. known is true when the field
// exists or is an accepted dynamic field (then f may be nil).
//
// custom is the prefix of the fields an account defines itself
// (crm.Registration.Custom.Prefix, "" = none): when the catalogue lists
// none of them (a static catalogue), any name after it is accepted.
func lookupField(fields []crm.Field, name, custom string) (f *crm.Field, known bool) {
	for i := range fields {
		if fields[i].Name == name {
			return &fields[i], true
		}
	}
	for i := range fields {
		if p, ok := strings.CutSuffix(fields[i].Name, "*"); ok && strings.HasPrefix(name, p) && len(name) > len(p) {
			return &fields[i], true // "custom_fields.*": any custom field
		}
	}
	if custom == "" || !strings.HasPrefix(name, custom) || len(name) == len(custom) {
		return nil, false
	}
	for i := range fields {
		if strings.HasPrefix(fields[i].Name, custom) {
			return nil, false // the account's own list is known: name is not on it
		}
	}
	return nil, true
}

func catalogueNames(fields []crm.Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Name
	}
	return out
}

func (m *Mapping) errAt(line, col int, format string, args ...any) error {
	return &PosError{File: m.File, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// hintAt is errAt with a hint about the vendor's fields for the front end.
func (m *Mapping) hintAt(line, col int, h Hint, noun, format string, args ...any) error {
	return &PosError{File: m.File, Line: line, Col: col, Msg: fmt.Sprintf(format, args...), Hint: h, Vendor: m.Vendor, HintNoun: noun}
}

func (f *FieldMap) at(key string) (int, int) {
	if p, ok := f.pos[key]; ok {
		return p.line, p.col
	}
	return f.Line, f.Col
}

// Validate checks the mapping against the vendor's field catalogue: unknown
// fields (with the closest name), required fields without a source, two
// sources for one field, `split` on a single-value field, constants and
// `values` targets the field's type does not accept. All problems are
// joined, each a *PosError with the mapping's line and column.
func (m *Mapping) Validate(fields []crm.Field) error {
	var errs []error
	vt := title(m.reg)
	names := catalogueNames(fields)
	seen := map[string]int{}
	for i := range m.Fields {
		fm := &m.Fields[i]
		if first, dup := seen[fm.Field]; dup {
			errs = append(errs, m.errAt(fm.Line, fm.Col, "field %q has two sources (first at line %d); keep one", fm.Field, first))
			continue
		}
		seen[fm.Field] = fm.Line
		cf, known := lookupField(fields, fm.Field, m.reg.Custom.Prefix)
		if !known {
			if cu := m.reg.Custom; cu.Numeric && strings.HasPrefix(fm.Field, cu.Prefix) {
				errs = append(errs, m.hintAt(fm.Line, fm.Col, HintCustomFields, cu.Noun, "unknown %s %s %q%s", vt, cu.Noun, fm.Field, didYouMean(fm.Field, names)))
				continue
			}
			errs = append(errs, m.hintAt(fm.Line, fm.Col, HintFieldList, "", "unknown field %q for %s%s", fm.Field, vt, didYouMean(fm.Field, names)))
			continue
		}
		if cu := m.reg.Custom; cu.Numeric && cu.Prefix != "" && strings.HasPrefix(fm.Field, cu.Prefix) {
			id := strings.TrimPrefix(fm.Field, cu.Prefix)
			if digitsOnly(id) != id {
				errs = append(errs, m.errAt(fm.Line, fm.Col, "%s %ss are named by their number, e.g. %s12, not %q", vt, cu.Noun, cu.Prefix, fm.Field))
				continue
			}
		}
		if cf == nil {
			continue
		}
		if fm.Split != "" && !cf.Multi {
			l, c := fm.at("split")
			errs = append(errs, m.errAt(l, c, "field %q takes one value, so split does not apply; remove `split:` or map another field", fm.Field))
		}
		conv := converterFor(cf, fm, m.reg, "")
		if fm.Value != nil {
			if _, err := conv.constant(fm.Value); err != nil {
				l, c := fm.at("value")
				errs = append(errs, m.errAt(l, c, "field %q: constant %v %v", fm.Field, quoteAny(fm.Value), err))
			}
		}
		if len(fm.Values) > 0 || fm.Default != nil {
			targets := sortedKeys(fm.Values)
			for _, k := range targets {
				if err := conv.checkTarget(fm.Values[k]); err != nil {
					l, c := fm.at("values")
					errs = append(errs, m.errAt(l, c, "field %q: values[%q] = %q %v", fm.Field, k, fm.Values[k], err))
				}
			}
			if fm.Default != nil {
				if err := conv.checkTarget(*fm.Default); err != nil {
					l, c := fm.at("default")
					errs = append(errs, m.errAt(l, c, "field %q: default %q %v", fm.Field, *fm.Default, err))
				}
			}
		}
	}
	for _, cf := range fields {
		if cf.Required && !cf.ReadOnly {
			if _, ok := seen[cf.Name]; !ok && !m.broken[cf.Name] {
				label := ""
				if cf.Label != "" && cf.Label != cf.Name {
					label = fmt.Sprintf(" (%s)", cf.Label)
				}
				line, col := m.fieldsPos.line, m.fieldsPos.col
				errs = append(errs, m.errAt(line, col, "%s requires field %q%s but the mapping has no source for it; add a line such as `  %s: <column header>` under fields:", vt, cf.Name, label, cf.Name))
			}
		}
	}
	if m.Key != "" {
		if _, known := lookupField(fields, m.Key, m.reg.Custom.Prefix); !known {
			errs = append(errs, m.errAt(m.keyPos.line, m.keyPos.col, "key %q is not a %s field%s", m.Key, vt, didYouMean(m.Key, names)))
		}
	}
	return errors.Join(errs...)
}

func quoteAny(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}
