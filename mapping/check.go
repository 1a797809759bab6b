package mapping

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/crmport/crmport/crm"
)

// Check does all the work of `crmport mapping check -m MAPPING [FILE]`: it
// validates m against the vendor catalogue and, when header is not nil,
// against the file's headers. With problems, report lists every one of
// them (one line each, with the place to fix) and problems holds them; the
// command exits 1. Otherwise report starts with "ok" and shows a short
// table of field ← column (export-only fields marked); problems is nil.
// The fields switched off on a fresh account are OffOnFreshAccount's, for
// the front end to word with what it offers to see them.
//
// A partial mapping from ParsePartial brings its parse problems: they are
// listed with the problems of everything that did parse, in line order, so
// one run shows them all.
func Check(m *Mapping, fields []crm.Field, header []string) (report string, problems []error) {
	problems = append(problems, m.parseErrs...)
	if header != nil {
		if _, err := m.Bind(header, fields, ApplyOptions{}); err != nil {
			problems = append(problems, Problems(err)...)
		}
	} else if err := m.Validate(fields); err != nil {
		problems = append(problems, Problems(err)...)
	}
	sortByLine(problems)
	var b strings.Builder
	if len(problems) > 0 {
		noun := "problems"
		if len(problems) == 1 {
			noun = "problem"
		}
		fmt.Fprintf(&b, "%s: %d %s to fix:\n", m.File, len(problems), noun)
		for _, p := range problems {
			fmt.Fprintf(&b, "  %v\n", p)
		}
		return b.String(), problems
	}
	against := ""
	if header != nil {
		against = fmt.Sprintf(", all columns found in the file (%d columns)", len(header))
	}
	verdict := "ok: " // with a file, the rows' report gives the verdict, after the rows
	if header != nil {
		verdict = ""
	}
	fmt.Fprintf(&b, "%s%s maps %d %s fields%s\n", verdict, m.File, len(m.Fields), title(m.reg), against)
	width := 0
	for _, f := range m.Fields {
		width = max(width, utf8.RuneCountInString(f.Field))
	}
	for _, f := range m.Fields {
		pad := strings.Repeat(" ", width-utf8.RuneCountInString(f.Field))
		var src string
		switch {
		case f.Value != nil:
			src = "= " + quoteAny(f.Value)
		case len(f.Columns) > 0:
			src = "← " + strings.Join(f.Columns, " + ")
		default:
			src = "← " + f.Column
		}
		var extra []string
		if f.Field == m.Key {
			extra = append(extra, "key")
		}
		if f.list {
			extra = append(extra, "one value per column")
		}
		if len(f.Transforms) > 0 {
			extra = append(extra, "["+strings.Join(f.Transforms, ", ")+"]")
		}
		if f.Split != "" {
			extra = append(extra, fmt.Sprintf("split %q", f.Split))
		}
		if len(f.Values) > 0 {
			extra = append(extra, fmt.Sprintf("%d values", len(f.Values)))
		}
		if f.Default != nil {
			extra = append(extra, fmt.Sprintf("default %q", *f.Default))
		}
		if f.Date != "" {
			extra = append(extra, "date "+f.Date)
		}
		if f.Region != "" {
			extra = append(extra, "region "+f.Region)
		}
		if cf, _ := lookupField(fields, f.Field, m.reg.Custom.Prefix); cf != nil && cf.ReadOnly {
			extra = append(extra, "export only")
		}
		line := fmt.Sprintf("  %s%s %s", f.Field, pad, src)
		if len(extra) > 0 {
			line += "  (" + strings.Join(extra, ", ") + ")"
		}
		b.WriteString(line + "\n")
	}
	return b.String(), nil
}

// OffOnFreshAccount lists the mapped fields that fields (the built-in
// catalogue, or an account's list) says are switched off: a CRM drops
// their values silently.
func OffOnFreshAccount(m *Mapping, fields []crm.Field) []string {
	var off []string
	for _, f := range m.Fields {
		if cf, _ := lookupField(fields, f.Field, m.reg.Custom.Prefix); cf != nil && !cf.Active {
			off = append(off, f.Field)
		}
	}
	return off
}
