package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/importer"
	"github.com/crmport/crmport/sheet/sheettest"
)

// markedMapping is a Thulium mapping whose source names the sheet
// Kontakty: a report must keep that name to import again with it.
const markedMapping = `vendor: thulium
source:
  sheet: Kontakty
fields:
  surname: Firma
  email: {column: E-mail, transform: [trim, lower, email]}
  phone_number: {column: Telefon, transform: [phone], region: PL}
  note: Uwagi
`

// markedRows are the input rows: row 3 has two bad cells (E-mail and
// Telefon), row 4 an empty required one (Firma).
var markedRows = [][]any{
	{"Firma", "Telefon", "E-mail", "Uwagi"},
	{"ACME", "+48 601 234 567", "biuro@acme.pl", "ok"},
	{"Beta", "telefon?", "jan@", "dwa błędy"},
	{"", "+48 602 000 000", "anna@gamma.pl", "bez nazwy"},
}

// writeMarkedCSV writes markedRows as dir/kontakty.csv (';', as Polish
// Excel saves it).
func writeMarkedCSV(t *testing.T, dir string) string {
	t.Helper()
	in := filepath.Join(dir, "kontakty.csv")
	var b bytes.Buffer
	for _, r := range markedRows {
		for i, c := range r {
			if i > 0 {
				b.WriteByte(';')
			}
			b.WriteString(c.(string))
		}
		b.WriteString("\r\n")
	}
	require.NoError(t, os.WriteFile(in, b.Bytes(), 0o644))
	return in
}

// importErrors runs an import in the sandbox and returns its exit code,
// JSON summary and stderr.
func importErrors(t *testing.T, mp, in string, extra ...string) (exitCode, map[string]any, string) {
	t.Helper()
	args := append([]string{"--sandbox", "--rate", "0", "--json", "-m", mp}, extra...)
	r := runImportCmd(t.Context(), t, "thulium", sandbox.Options{}, append(args, in)...)
	var js map[string]any
	if r.out != "" {
		require.NoError(t, json.Unmarshal([]byte(r.out), &js), r.out)
	}
	return r.code, js, r.errOut
}

// checkMarkedReport checks the marked error workbook of markedRows: the
// failing cells only, each with its reason, the sheet named for the
// mapping, crmport_error summing up; openpyxl sees the comments too.
func checkMarkedReport(t *testing.T, path string) {
	t.Helper()
	sh, marks := sheettest.ReadMarks(t, path)
	assert.Equal(t, "Kontakty", sh)
	require.Len(t, marks, 3, "%v", marks)
	for ref, want := range map[string]string{"B2": "not a phone number", "C2": "not an e-mail address", "A3": "the cell is empty"} {
		m := marks[ref]
		assert.Equal(t, "FFC7CE", m.Fill, ref)
		assert.Contains(t, m.Note, want, ref)
	}
	rows := importReadXLSX(t, path, sh)
	require.Len(t, rows, 3)
	assert.Equal(t, []string{"Firma", "Telefon", "E-mail", "Uwagi", importer.ColRow, importer.ColError}, rows[0])
	assert.Equal(t, []string{"Beta", "telefon?", "jan@", "dwa błędy", "3"}, rows[1][:5], "the user's values as they were")
	assert.Contains(t, rows[1][5], "E-mail", "crmport_error sums up every problem")
	assert.Contains(t, rows[1][5], "Telefon")
	title, notes := sheettest.OpenpyxlMarks(t, path)
	assert.Equal(t, "Kontakty", title)
	assert.Len(t, notes, 3)
	assert.Contains(t, notes["C2"], "not an e-mail address")
}

// fixMarkedReport writes good values into the marked cells, as a person
// would in Excel, keeping everything else.
func fixMarkedReport(t *testing.T, path string) {
	t.Helper()
	x, err := excelize.OpenFile(path)
	require.NoError(t, err)
	sh := x.GetSheetName(0)
	for ref, v := range map[string]string{"B2": "+48 603 000 000", "C2": "jan@beta.pl", "A3": "Gamma"} {
		require.NoError(t, x.SetCellStr(sh, ref, v))
	}
	require.NoError(t, x.Save())
	require.NoError(t, x.Close())
}

// TestImportXLSXErrorReportMarksCells: for an XLSX input the error
// workbook marks each failing cell (two in one row); fixed in place it
// imports again with the same mapping, and every row is then done.
func TestImportXLSXErrorReportMarksCells(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte(markedMapping), 0o644))
	in := filepath.Join(dir, "kontakty.xlsx")
	x := excelize.NewFile()
	require.NoError(t, x.SetSheetName("Sheet1", "Kontakty"))
	for i, r := range markedRows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, x.SetSheetRow("Kontakty", cell, &r))
	}
	require.NoError(t, x.SaveAs(in))
	require.NoError(t, x.Close())

	code, js, stderr := importErrors(t, mp, in)
	require.Equal(t, exitRowsFailed, code, stderr)
	assert.EqualValues(t, 2, js["failed"])
	errPath := js["reports"].(map[string]any)["errors"].(string)
	assert.Equal(t, in+".thulium.errors.xlsx", errPath)
	checkMarkedReport(t, errPath)
	doneSheet, _ := sheettest.ReadMarks(t, js["reports"].(map[string]any)["done"].(string))
	assert.Equal(t, "Kontakty", doneSheet, "the done report keeps the sheet's name too")

	fixMarkedReport(t, errPath)
	code, js, stderr = importErrors(t, mp, errPath)
	require.Equal(t, exitOK, code, stderr)
	assert.EqualValues(t, 2, js["created"])
}

// TestImportCSVReportFormatXLSX: a CSV input gets a CSV error report, and
// with --report-format xlsx the marked workbook instead, whose sheet is
// the one the mapping names (or, with no sheet in the mapping, the file's
// name); fixed, it imports again with the mapping unchanged.
func TestImportCSVReportFormatXLSX(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, mapping, sheet string
	}{
		{"the mapping names the sheet", markedMapping, "Kontakty"},
		{"no sheet in the mapping", strings.Replace(markedMapping, "source:\n  sheet: Kontakty\n", "", 1), "kontakty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			mp := filepath.Join(dir, "m.yaml")
			require.NoError(t, os.WriteFile(mp, []byte(tc.mapping), 0o644))
			in := writeMarkedCSV(t, dir)

			code, js, stderr := importErrors(t, mp, in)
			require.Equal(t, exitRowsFailed, code, stderr)
			assert.Equal(t, in+".thulium.errors.csv", js["reports"].(map[string]any)["errors"], "CSV stays the default for a CSV input")

			code, js, stderr = importErrors(t, mp, in, "--restart", "--report-format", "xlsx")
			require.Equal(t, exitRowsFailed, code, stderr)
			errPath := js["reports"].(map[string]any)["errors"].(string)
			require.Equal(t, in+".thulium.errors.xlsx", errPath)
			sh, marks := sheettest.ReadMarks(t, errPath)
			assert.Equal(t, tc.sheet, sh)
			assert.Len(t, marks, 3)
			assert.Contains(t, marks["C2"].Note, "not an e-mail address")

			fixMarkedReport(t, errPath)
			code, js, stderr = importErrors(t, mp, errPath)
			require.Equal(t, exitOK, code, stderr)
			assert.EqualValues(t, 2, js["created"])
		})
	}
	t.Run("the marked workbook", func(t *testing.T) {
		dir := t.TempDir()
		mp := filepath.Join(dir, "m.yaml")
		require.NoError(t, os.WriteFile(mp, []byte(markedMapping), 0o644))
		in := writeMarkedCSV(t, dir)
		code, js, stderr := importErrors(t, mp, in, "--report-format", "xlsx")
		require.Equal(t, exitRowsFailed, code, stderr)
		checkMarkedReport(t, js["reports"].(map[string]any)["errors"].(string))
	})
}

// TestImportReportFormatSwitchLeavesNoStaleReport: resumed with another
// --report-format, the run's reports replace the earlier run's of the
// other format, which would otherwise describe the import wrongly.
func TestImportReportFormatSwitchLeavesNoStaleReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte(markedMapping), 0o644))
	in := writeMarkedCSV(t, dir)
	code, _, stderr := importErrors(t, mp, in)
	require.Equal(t, exitRowsFailed, code, stderr)
	require.FileExists(t, in+".thulium.errors.csv")
	require.FileExists(t, in+".thulium.done.csv")
	// The sandbox starts empty, so its runs always start over; a journal
	// of a real CRM is resumed, and its reports are rebuilt: either way
	// the reports of the other format go.
	code, _, stderr = importErrors(t, mp, in, "--report-format", "xlsx")
	require.Equal(t, exitRowsFailed, code, stderr)
	assert.FileExists(t, in+".thulium.errors.xlsx")
	assert.FileExists(t, in+".thulium.done.xlsx")
	assert.NoFileExists(t, in+".thulium.errors.csv")
	assert.NoFileExists(t, in+".thulium.done.csv")
}
