package sheet_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/crmport/crmport/sheet"
)

// TestXLSXOpenpyxl reads workbooks written by openpyxl (inline strings, a
// hidden first sheet, a title row, both date systems).
func TestXLSXOpenpyxl(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"openpyxl-1900.xlsx", "openpyxl-1904.xlsx"} {
		t.Run(file, func(t *testing.T) {
			src, rows := readAll(t, filepath.Join("testdata", file), sheet.Options{})
			assert.Equal(t, "Klienci", src.Info().Sheet, "hidden sheet skipped")
			assert.Equal(t, 3, src.Info().HeaderLine)
			assert.Equal(t, []string{"Firma", "Kod pocztowy", "Telefon", "Data", "Obrót", "Aktywny", "Uwagi"}, src.Header())
			require.Len(t, rows, 4)
			r := rows[0]
			assert.Equal(t, 4, r.Line)
			assert.Equal(t, "Piekarnia Żytnia", r.Cells[0].Text)
			assert.Equal(t, sheet.Cell{Text: "00-950", Kind: sheet.KindText}, r.Cells[1])
			assert.Equal(t, sheet.Cell{Text: "0048601234567", Kind: sheet.KindText}, r.Cells[2])
			assert.Equal(t, sheet.KindDate, r.Cells[3].Kind)
			assert.Equal(t, "2024-03-15", r.Cells[3].Text)
			assert.True(t, time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC).Equal(r.Cells[3].Time()))
			assert.Equal(t, sheet.Cell{Text: "5525.14", Kind: sheet.KindNumber}, r.Cells[4])
			assert.Equal(t, sheet.Cell{Text: "TRUE", Kind: sheet.KindBool}, r.Cells[5])
			assert.Equal(t, "linia 1\nlinia 2", r.Cells[6].Text)

			r = rows[1]
			assert.Equal(t, `ООО "Ромашка"`, r.Cells[0].Text)
			assert.Equal(t, "2025-01-31 13:45:10", r.Cells[3].Text)
			assert.Equal(t, "0.3", r.Cells[4].Text)
			assert.Equal(t, "FALSE", r.Cells[5].Text)

			assert.True(t, rows[2].Blank)
			assert.Equal(t, 6, rows[2].Line)

			r = rows[3]
			assert.Equal(t, 7, r.Line)
			assert.Equal(t, "12345678901234567890", r.Cells[1].Text)
			assert.Equal(t, "007", r.Cells[2].Text)
			assert.Equal(t, "1999-12-31", r.Cells[3].Text)
			assert.Equal(t, "-42", r.Cells[4].Text)
			assert.Equal(t, sheet.Cell{Text: "=SUM(A1)", Kind: sheet.KindText}, r.Cells[6])
		})
	}
}

// writeBook saves a workbook built with excelize and returns its path.
func writeBook(t *testing.T, build func(f *excelize.File)) string {
	t.Helper()
	f := excelize.NewFile()
	build(f)
	path := filepath.Join(t.TempDir(), "book.xlsx")
	require.NoError(t, f.SaveAs(path))
	require.NoError(t, f.Close())
	return path
}

func TestXLSXHeaderDetection(t *testing.T) {
	t.Parallel()
	set := func(f *excelize.File, cell string, v any) {
		require.NoError(t, f.SetCellValue("Sheet1", cell, v))
	}
	tests := []struct {
		name   string
		build  func(f *excelize.File)
		opt    sheet.Options
		header []string
		line   int
	}{
		{"first row", func(f *excelize.File) {
			set(f, "A1", "Name")
			set(f, "B1", "City")
			set(f, "A2", "Jan")
			set(f, "B2", "Łódź")
		}, sheet.Options{}, []string{"Name", "City"}, 1},
		{"title and subtitle rows", func(f *excelize.File) {
			set(f, "A1", "Raport sprzedaży")
			set(f, "A2", "Wygenerowano 2025-01-31")
			set(f, "A4", "Firma")
			set(f, "B4", "Miasto")
			set(f, "C4", "Obrót")
			set(f, "A5", "X")
			set(f, "B5", "Kraków")
			set(f, "C5", 12.5)
		}, sheet.Options{}, []string{"Firma", "Miasto", "Obrót"}, 4},
		{"header not in column A", func(f *excelize.File) {
			set(f, "C2", "Firma")
			set(f, "D2", "Miasto")
			set(f, "C3", "X")
			set(f, "D3", "Y")
		}, sheet.Options{}, []string{"", "", "Firma", "Miasto"}, 2},
		{"numeric row below a text row is data", func(f *excelize.File) {
			set(f, "A1", "Id")
			set(f, "B1", "Amount")
			set(f, "A2", 1)
			set(f, "B2", 2)
		}, sheet.Options{}, []string{"Id", "Amount"}, 1},
		{"header row given", func(f *excelize.File) {
			set(f, "A1", "a")
			set(f, "B1", "b")
			set(f, "A2", "x")
			set(f, "B2", "y")
			set(f, "A3", "1")
		}, sheet.Options{HeaderRow: 2}, []string{"x", "y"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeBook(t, tt.build)
			src, _ := readAll(t, path, tt.opt)
			assert.Equal(t, tt.header, src.Header())
			assert.Equal(t, tt.line, src.Info().HeaderLine)
		})
	}
}

func TestXLSXSinkFile(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	sink := sheet.NewXLSXSink(&buf, sheet.Options{Sheet: "Klienci"})
	require.NoError(t, sink.WriteHeader([]sheet.Column{
		{Name: "Id", Kind: sheet.ColumnText}, {Name: "Firma"}, {Name: "Obrót", Kind: sheet.ColumnNumber}, {Name: "Od", Kind: sheet.ColumnDate},
	}))
	require.NoError(t, sink.WriteRow([]any{12345, "=HYPERLINK(\"x\")", "5525.14", "2024-03-15"}))
	require.NoError(t, sink.WriteRow([]any{"007", "Zakład Łódź — bardzo długa nazwa firmy, która nie mieści się w kolumnie o zwykłej szerokości ani trochę", 3, time.Date(2025, 1, 31, 8, 30, 0, 0, time.UTC)}))
	require.NoError(t, sink.Close())

	path := filepath.Join(t.TempDir(), "out.xlsx")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()

	typ, err := f.GetCellType("Klienci", "A2")
	require.NoError(t, err)
	assert.Equal(t, excelize.CellTypeInlineString, typ, "ColumnText int stored as text")
	formula, err := f.GetCellFormula("Klienci", "B2")
	require.NoError(t, err)
	assert.Empty(t, formula, "formula-like text is never a formula")
	typ, err = f.GetCellType("Klienci", "C2")
	require.NoError(t, err)
	assert.Equal(t, excelize.CellTypeUnset, typ, "numeric string in a number column is a number")

	style, err := f.GetCellStyle("Klienci", "A1")
	require.NoError(t, err)
	st, err := f.GetStyle(style)
	require.NoError(t, err)
	require.NotNil(t, st.Font)
	assert.True(t, st.Font.Bold, "header is bold")

	panes, err := f.GetPanes("Klienci")
	require.NoError(t, err)
	assert.True(t, panes.Freeze)
	assert.Equal(t, 1, panes.YSplit)

	width, err := f.GetColWidth("Klienci", "B")
	require.NoError(t, err)
	assert.InDelta(t, 60, width, 0.01, "long text capped at 60")
	width, err = f.GetColWidth("Klienci", "A")
	require.NoError(t, err)
	assert.InDelta(t, 8, width, 0.01)

	names := f.GetDefinedName()
	require.NotEmpty(t, names)
	assert.Equal(t, "_xlnm._FilterDatabase", names[0].Name)
	assert.Equal(t, "'Klienci'!$A$1:$D$3", names[0].RefersTo)

	src, rows := readAll(t, path, sheet.Options{})
	assert.Equal(t, []string{"Id", "Firma", "Obrót", "Od"}, src.Header())
	require.Len(t, rows, 2)
	assert.Equal(t, sheet.Cell{Text: "12345", Kind: sheet.KindText}, rows[0].Cells[0])
	assert.Equal(t, sheet.Cell{Text: "5525.14", Kind: sheet.KindNumber}, rows[0].Cells[2])
	assert.Equal(t, "2024-03-15", rows[0].Cells[3].Text)
	assert.Equal(t, sheet.KindDate, rows[0].Cells[3].Kind)
	assert.Equal(t, "2025-01-31 08:30:00", rows[1].Cells[3].Text)
}

func TestXLSXSheetChoice(t *testing.T) {
	t.Parallel()
	path := writeBook(t, func(f *excelize.File) {
		require.NoError(t, f.SetCellValue("Sheet1", "A1", "ukryte dane"))
		require.NoError(t, f.SetCellValue("Sheet1", "B1", "x"))
		_, err := f.NewSheet("Pusty")
		require.NoError(t, err)
		_, err = f.NewSheet("Dane")
		require.NoError(t, err)
		require.NoError(t, f.SetCellValue("Dane", "A1", "Imię")) // shared strings only
		require.NoError(t, f.SetCellValue("Dane", "B1", "Miasto"))
		require.NoError(t, f.SetCellValue("Dane", "A2", "Jan"))
		require.NoError(t, f.SetCellValue("Dane", "B2", "Łódź"))
		f.SetActiveSheet(2)
		require.NoError(t, f.SetSheetVisible("Sheet1", false))
	})
	tests := []struct {
		name, sheet, want string
	}{
		{"default skips hidden and empty sheets", "", "Dane"},
		{"by name", "Sheet1", "Sheet1"},
		{"by name ignoring case", "dane", "Dane"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := sheet.OpenXLSX(path, sheet.Options{Sheet: tt.sheet})
			require.NoError(t, err)
			defer src.Close()
			assert.Equal(t, tt.want, src.Info().Sheet)
		})
	}
	_, err := sheet.OpenXLSX(path, sheet.Options{Sheet: "Klienci"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no sheet named "Klienci": the workbook has "Sheet1", "Pusty", "Dane"`)
}
