package sheet_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/crmport/crmport/sheet"
)

// dupHeaderRows is a table with two "Telefon" columns (D and F, the second
// spelt with other case and spaces) and a column of notes (E) without a
// header.
var dupHeaderRows = [][]string{
	{"Nazwisko", "Imię", "Miasto", "Telefon", "", " TELEFON ", "E-mail"},
	{"Kowalski", "Jan", "Łódź", "600100200", "dzwonić po 16", "700800900", "jan@example.pl"},
	{"Nowak", "Ewa", "Kraków", "600100201", "", "", "ewa@example.pl"},
}

var dupHeaderWant = struct {
	header   []string
	problems []sheet.HeaderProblem
	notes    []string
}{
	header: []string{"Nazwisko", "Imię", "Miasto", "Telefon", "Column E", "TELEFON (2)", "E-mail"},
	problems: []sheet.HeaderProblem{
		{Column: "E", Index: 4, Header: "", Name: "Column E"},
		{Column: "F", Index: 5, Header: " TELEFON ", Name: "TELEFON (2)", SameAs: "D"},
	},
	notes: []string{
		`column E has no header: its values are read as column "Column E" (a mapping names it so; or give the column a header in the file)`,
		`column F has the same header "TELEFON" as column D: its values are read as column "TELEFON (2)" (a mapping names it so; "TELEFON" means column D)`,
	},
}

// TestHeaderProblems: a repeated header and an empty header cell over
// values lose nothing, in CSV and in XLSX: each column gets a name of its
// own in Header (the second "Telefon" is "Telefon (2)", the unnamed one
// "Column E"), Info.HeaderProblems says which and why, and the values are
// in the rows under those names.
func TestHeaderProblems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "klienci.csv")
	var text string
	for _, r := range dupHeaderRows {
		for i, c := range r {
			if i > 0 {
				text += ";"
			}
			text += c
		}
		text += "\r\n"
	}
	require.NoError(t, os.WriteFile(csvPath, []byte(text), 0o600))

	xlsxPath := filepath.Join(dir, "klienci.xlsx")
	f := excelize.NewFile()
	for i, r := range dupHeaderRows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j, c := range r {
			vals[j] = c
		}
		require.NoError(t, f.SetSheetRow("Sheet1", cell, &vals))
	}
	require.NoError(t, f.SaveAs(xlsxPath))
	require.NoError(t, f.Close())

	for _, path := range []string{csvPath, xlsxPath} {
		t.Run(filepath.Ext(path), func(t *testing.T) {
			src, err := sheet.Open(t.Context(), path, sheet.Options{})
			require.NoError(t, err)
			defer src.Close()
			assert.Equal(t, dupHeaderWant.header, src.Header())
			info := src.Info()
			assert.Equal(t, dupHeaderWant.problems, info.HeaderProblems)
			var notes []string
			for _, p := range info.HeaderProblems {
				notes = append(notes, p.String())
			}
			assert.Equal(t, dupHeaderWant.notes, notes)
			row, err := src.Next()
			require.NoError(t, err)
			assert.Equal(t, "600100200", row.Cells[3].Text)
			assert.Equal(t, "dzwonić po 16", row.Cells[4].Text)
			assert.Equal(t, "700800900", row.Cells[5].Text)
			assert.Empty(t, row.Extra)
		})
	}
}

// TestHeaderNamesNeverCollide: a made-up name already in the row is not
// made twice, and empty columns before a table that starts further right
// keep their empty header (no values under them: nothing to reach).
func TestHeaderNamesNeverCollide(t *testing.T) {
	t.Parallel()
	src, rows := readCSV(t, []byte("Telefon;Telefon (2);Telefon;;Column D\n1;2;3;4;5\n"), sheet.Options{})
	assert.Equal(t, []string{"Telefon", "Telefon (2)", "Telefon (3)", "Column D (2)", "Column D"}, src.Header())
	require.Len(t, rows, 1)
	assert.Equal(t, []string{"1", "2", "3", "4", "5"}, rows[0].Texts())

	src, _ = readCSV(t, []byte(";;Firma;Miasto\n;;A;Łódź\n;;B;Gdańsk\n"), sheet.Options{})
	assert.Equal(t, []string{"", "", "Firma", "Miasto"}, src.Header())
	assert.Empty(t, src.Info().HeaderProblems)

	// Values under an empty first header cell (a numbering column): named.
	src, _ = readCSV(t, []byte(";Firma;Miasto\n1;A;Łódź\n2;B;Gdańsk\n"), sheet.Options{HeaderRow: 1})
	assert.Equal(t, []string{"Column A", "Firma", "Miasto"}, src.Header())
	require.Len(t, src.Info().HeaderProblems, 1)
}
