package mapping

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
)

// CheckRowsLimit is how many rows `crmport mapping check FILE` reads.
const CheckRowsLimit = 1000

// RowReader gives a file's rows one by one (sheet.Source does).
type RowReader interface {
	Next() (sheet.Row, error)
}

// FirstRows reads up to n non-blank rows of src, skipping rows the reader
// could not read (their problem is the import's to report).
func FirstRows(src RowReader, n int) ([]sheet.Row, error) {
	var rows []sheet.Row
	for len(rows) < n {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if _, isRow := sheet.AsRowError(err); isRow {
			continue
		}
		if err != nil {
			return rows, err
		}
		if !row.Blank {
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// FieldRows is how one mapped field fared on the rows read.
type FieldRows struct {
	Field   string // the vendor field
	Column  string // its column(s) as in the file: "E-mail", "Telefon + Komórka"
	Failed  int    // rows whose value for the field is refused
	Example error  // the first refusal, a *sheet.CellError
}

// Reason is the example's reason without its row and column:
// `"a1@example.pl" is not a phone number`.
func (f FieldRows) Reason() string {
	var ce *sheet.CellError
	if errors.As(f.Example, &ce) {
		if ce.Value == "" {
			return ce.Err.Error()
		}
		return fmt.Sprintf("%q %v", ce.Value, ce.Err)
	}
	return f.Example.Error()
}

// RowsReport is what CheckRows found in a file's first rows.
type RowsReport struct {
	Rows    int            // rows read
	Failed  int            // rows with at least one field refused
	Fields  []FieldRows    // fields refused on at least one row, in mapping order
	Regions []RegionChoice // how phone numbers without a country code are read
}

// Broken returns the fields refused on every row read: their column is
// most likely the wrong one, and an import would fail on every row.
func (r *RowsReport) Broken() []FieldRows {
	var out []FieldRows
	for _, f := range r.Fields {
		if r.Rows > 0 && f.Failed == r.Rows {
			out = append(out, f)
		}
	}
	return out
}

// String words the report, one line per field refused, for example
// `phone_number ← E-mail: 20 of 20 rows fail: "a1@example.pl" is not a
// phone number`, then how phone numbers are read.
func (r *RowsReport) String() string {
	var b strings.Builder
	noun := "rows"
	if r.Rows == 1 {
		noun = "row"
	}
	switch {
	case r.Rows == 0:
		b.WriteString("the file has no rows under its headers to map\n")
	case len(r.Fields) == 0:
	default:
		fmt.Fprintf(&b, "the first %d %s of the file, mapped:\n", r.Rows, noun)
	}
	for _, f := range r.Fields {
		line := fmt.Sprintf("  %s ← %s: %d of %d %s fail: %s (e.g. row %d)", f.Field, f.Column, f.Failed, r.Rows, noun, f.Reason(), exampleLine(f.Example))
		if f.Failed == r.Rows {
			line += "; every row fails: is this the right column for " + f.Field + "?"
		}
		b.WriteString(line + "\n")
	}
	for _, rc := range r.Regions {
		b.WriteString("note: " + rc.String() + "\n")
	}
	if r.Rows > 0 && len(r.Fields) == 0 {
		fmt.Fprintf(&b, "ok: the first %d %s of the file map without a problem\n", r.Rows, noun)
	}
	if r.Failed > 0 {
		// The verdict comes last, after the rows: the mapping fits the
		// file, but these rows would end in the error report.
		fmt.Fprintf(&b, "not ok: %d of the first %d %s would fail on import (they would go to the error report): fix those cells, or the mapping, and check again\n",
			r.Failed, r.Rows, noun)
	}
	return b.String()
}

func exampleLine(err error) int {
	var ce *sheet.CellError
	if errors.As(err, &ce) {
		return ce.Line
	}
	return 0
}

// CheckRows applies m to rows (a file's first rows, see FirstRows) as an
// import would, binding it to header and the vendor's fields with opt
// (opt.Sample defaults to rows, so the numbers of a column tell its phone
// region), and counts, per field, the rows whose value is refused. The
// error is the binding's (a mapping that does not fit the header): run
// Check first for a report of those.
func (m *Mapping) CheckRows(header []string, rows []sheet.Row, fields []crm.Field, opt ApplyOptions) (*RowsReport, error) {
	if opt.Sample == nil {
		opt.Sample = rows
	}
	b, err := m.Bind(header, fields, opt)
	if err != nil {
		return nil, err
	}
	r := &RowsReport{Rows: len(rows), Regions: b.Regions()}
	per := make([]FieldRows, len(b.fields))
	for i, f := range b.fields {
		per[i] = FieldRows{Field: f.name, Column: f.colName}
	}
	for _, row := range rows {
		var v Value
		var w strings.Builder
		bx := boxer{w: &w}
		failed := false
		for i := range b.fields {
			if err := b.applyField(i, row, &v, &bx); err != nil {
				failed = true
				per[i].Failed++
				if per[i].Example == nil {
					per[i].Example = err
				}
			}
		}
		if failed {
			r.Failed++
		}
	}
	for _, f := range per {
		if f.Failed > 0 {
			r.Fields = append(r.Fields, f)
		}
	}
	return r, nil
}
