package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/sheet"
	"github.com/crmport/crmport/sheet/sheettest"
)

// markBinder fails a row whose Email is "bad" twice over (two problems of
// one cell) and, when Name and Phone are both empty, once for the two
// together (a value joined from two columns).
type markBinder struct{}

func (markBinder) Apply(row sheet.Row) (crm.Record, error) {
	var errs []error
	if row.Cells[2].Text == "bad" {
		errs = append(errs,
			&sheet.CellError{Line: row.Line, Column: "Email", Value: "bad", Err: errors.New("is not an e-mail address"), ColumnIndexes: []int{2}},
			&sheet.CellError{Line: row.Line, Column: "Email", Value: "bad", Err: errors.New("is too short"), ColumnIndexes: []int{2}})
	}
	if row.Cells[1].Text == "" && row.Cells[3].Text == "" {
		errs = append(errs, &sheet.CellError{Line: row.Line, Column: "Name + Phone", Err: errors.New("the cell is empty, but a title is needed"), ColumnIndexes: []int{1, 3}})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return crm.Record{"title": row.Cells[1].Text, "email": row.Cells[2].Text}, nil
}

// TestErrorWorkbookMarksCells: with ReportFormat xlsx the error report
// marks each failing cell at its place among the user's columns (an old
// crmport_row column of the input is left out and shifts nothing), two
// problems of one cell share its comment, and a CSV report has the values
// alone.
func TestErrorWorkbookMarksCells(t *testing.T) {
	for _, format := range []string{"xlsx", "csv"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			header := []string{"crmport_row", "Name", "Email", "Phone"}
			rows := [][]string{{"7", "Ok", "a@b.pl", "1"}, {"8", "", "bad", ""}, {"9", "Firma", "bad", "2"}}
			require.NoError(t, os.WriteFile(filepath.Join(dir, "c.csv"), []byte("fingerprinted, not read"), 0o644))
			opt := Options{
				Input:        filepath.Join(dir, "c.csv"),
				Open:         func(context.Context) (sheet.Source, error) { return &memSource{header: header, rows: rows}, nil },
				Bind:         func([]string) (Binder, error) { return markBinder{}, nil },
				CreateSink:   sheet.Create,
				Vendor:       wrap(newMemVendor(5)),
				ReportFormat: format,
			}
			sum, err := Run(t.Context(), opt)
			require.ErrorIs(t, err, ErrSomeRowsFailed)
			require.Equal(t, opt.Input+".mem.errors."+format, sum.Reports.Errors)
			if format == "csv" {
				b, err := os.ReadFile(sum.Reports.Errors)
				require.NoError(t, err)
				data := string(b)
				assert.Contains(t, data, "Name;Email;Phone;crmport_row;crmport_error")
				assert.Contains(t, data, ";bad;;3;")
				return
			}
			sh, marks := sheettest.ReadMarks(t, sum.Reports.Errors)
			assert.Equal(t, "c", sh, "a CSV input's sheet is named after the file, as Excel names it")
			both := "not an e-mail address; too short"
			joined := "Name + Phone together: the cell is empty, but a title is needed"
			red := "FFC7CE"
			assert.Equal(t, map[string]sheettest.Mark{
				"A2": {Fill: red, Note: joined}, "B2": {Fill: red, Note: both}, "C2": {Fill: red, Note: joined},
				"B3": {Fill: red, Note: both},
			}, marks)
		})
	}
}

// columnBinder is markBinder with FieldColumns: title from Name (1),
// email from Email (2).
type columnBinder struct{ markBinder }

func (columnBinder) FieldColumns(field string) []int {
	return map[string][]int{"title": {1}, "email": {2}}[field]
}

// refusingVendor refuses a record whose e-mail is refused@firma.pl, naming
// the field, as vendors do for a value they will not store.
type refusingVendor struct{ *memVendor }

func (v refusingVendor) Create(ctx context.Context, recs []crm.Record) ([]crm.Result, error) {
	out := make([]crm.Result, len(recs))
	for i, r := range recs {
		if r["email"] == "refused@firma.pl" {
			out[i] = crm.Result{Status: crm.StatusFailed, Err: &crm.Error{Vendor: "mem", Op: "create", Kind: crm.KindRejected,
				Field: "email", Message: "this address is blocked"}}
			continue
		}
		res, err := v.memVendor.Create(ctx, []crm.Record{r})
		if err != nil {
			return nil, err
		}
		out[i] = res[0]
	}
	return out, nil
}

// TestErrorWorkbookMarksRefusedFieldsAndRepeatedKeys: a field the CRM
// refused and a key repeated in the file mark their cells too, when the
// binder says which columns feed the field.
func TestErrorWorkbookMarksRefusedFieldsAndRepeatedKeys(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "c.xlsx")
	require.NoError(t, os.WriteFile(in, []byte("fingerprinted, not read"), 0o644))
	header := []string{"crmport_row", "Name", "Email", "Phone"}
	rows := [][]string{{"", "A", "a@firma.pl", "1"}, {"", "B", "refused@firma.pl", "2"}, {"", "C", "a@firma.pl", "3"}}
	sum, err := Run(t.Context(), Options{
		Input:        in,
		Open:         func(context.Context) (sheet.Source, error) { return &memSource{header: header, rows: rows}, nil },
		Bind:         func([]string) (Binder, error) { return columnBinder{}, nil },
		CreateSink:   sheet.Create,
		Vendor:       wrap(refusingVendor{newMemVendor(1)}),
		Key:          "email",
		ReportFormat: "xlsx",
	})
	require.ErrorIs(t, err, ErrSomeRowsFailed)
	assert.Equal(t, 2, sum.Failed)
	_, marks := sheettest.ReadMarks(t, sum.Reports.Errors)
	red := "FFC7CE"
	assert.Equal(t, map[string]sheettest.Mark{
		"B2": {Fill: red, Note: "the CRM refused it: this address is blocked"},
		"B3": {Fill: red, Note: "the same email as row 2 above"},
	}, marks)
}

func TestUnknownReportFormat(t *testing.T) {
	opt := setup(t, t.TempDir(), table(1), wrap(newMemVendor(1)))
	opt.ReportFormat = "pdf"
	_, err := Run(t.Context(), opt)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--report-format pdf: use xlsx")
}
