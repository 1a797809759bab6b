package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/crmport/crmport/crm/sandbox"
)

// notesBook writes a workbook whose first sheet, "Raport", opens with a
// wide row of notes above the real header, and whose second sheet,
// "Archiwum", holds data too.
func notesBook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"Raport klientów", "wygenerował system", "nie edytować"},
		{"Nazwisko", "Imię", "E-mail", "Miasto"},
		{"Kowalski", "Jan", "jan@example.pl", "Łódź"},
		{"Nowak", "Ewa", "ewa@example.pl", "Kraków"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, f.SetSheetRow("Sheet1", cell, &r))
	}
	require.NoError(t, f.SetSheetName("Sheet1", "Raport"))
	_, err := f.NewSheet("Archiwum")
	require.NoError(t, err)
	require.NoError(t, f.SetSheetRow("Archiwum", "A1", &[]any{"Nazwisko", "Imię"}))
	require.NoError(t, f.SetSheetRow("Archiwum", "A2", &[]any{"Stary", "Adam"}))
	path := filepath.Join(t.TempDir(), "raport.xlsx")
	require.NoError(t, f.SaveAs(path))
	return path
}

const notesMapping = "vendor: thulium\nfields:\n  surname: Nazwisko\n  name: Imię\n  email: E-mail\n  address.city: Miasto\n"

// TestMappingCheckNamesTitleRowsAndOtherSheets: with a mapping, the header
// is the row holding its column names (not the wide notes row above it),
// and `mapping check` says which row was taken as a title and which other
// sheet holds data.
func TestMappingCheckNamesTitleRowsAndOtherSheets(t *testing.T) {
	t.Parallel()
	book := notesBook(t)
	mp := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte(notesMapping), 0o600))
	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "mapping", "check", "-m", mp, book)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, `the header is row 2; the rows above it were taken as titles, not data: row 1 "Raport klientów | wygenerował system | nie edytować"`)
	assert.Contains(t, out, `read sheet "Raport"; the workbook has data in other sheets too: "Archiwum" (to read one, give --sheet NAME)`)

	// A sheet named on purpose needs no word about the others.
	f, _ = testFactory()
	code, out, stderr = execCrmport(t, f, "mapping", "check", "-m", mp, "--sheet", "Raport", book)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "taken as titles")
	assert.NotContains(t, out, "other sheets")
}

// TestImportSummaryNamesTitleRowsAndOtherSheets: the import summary says
// the same, and the rows below the header are all imported.
func TestImportSummaryNamesTitleRowsAndOtherSheets(t *testing.T) {
	t.Parallel()
	book := notesBook(t)
	mp := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte(notesMapping), 0o600))
	r := runImportCmd(t.Context(), t, "thulium", sandbox.Options{}, "--sandbox", "--rate", "0", "-m", mp, "--report-dir", t.TempDir(), book)
	require.Equal(t, exitOK, r.code, r.errOut)
	assert.Contains(t, r.errOut, `rows above it were taken as titles, not data: row 1 "Raport klientów`)
	assert.Contains(t, r.errOut, `the workbook has data in other sheets too: "Archiwum"`)
	assert.Contains(t, r.errOut, "2 rows: 2 created")
	require.NotNil(t, r.fake)
	assert.Len(t, r.fake.Records(), 2)
}

// TestImportSaysWhenTheDelimiterIsAGuess: a file that ',' and ';' split
// equally well is read, but the summary says the split is a guess and
// names the preview command, which runs.
func TestImportSaysWhenTheDelimiterIsAGuess(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "amb.csv")
	require.NoError(t, os.WriteFile(in, []byte("Nazwa,Miasto;Kraj\nKowalski,Lodz;PL\nNowak,Krakow;PL\n"), 0o644))
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte("vendor: thulium\nfields:\n  surname: Kraj\n"), 0o644))
	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "import", "--sandbox", "--dry-run", "-m", mp, in)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "but that is only a guess: look at the columns with 'crmport preview "+in+"'")

	f, _ = testFactory()
	code, out, stderr := execCrmport(t, f, "preview", in)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "(a guess: check the columns below)")

	// One column: no delimiter to be unsure of, so no note.
	one := filepath.Join(dir, "one.csv")
	require.NoError(t, os.WriteFile(one, []byte("Kraj\nPL\nDE\n"), 0o644))
	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "import", "--sandbox", "--dry-run", "-m", mp, one)
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stderr, "only a guess")
}
