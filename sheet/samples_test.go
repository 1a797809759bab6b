package sheet_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
)

// readAll reads every row of a file.
func readAll(t *testing.T, path string, opt sheet.Options) (sheet.Source, []sheet.Row) {
	t.Helper()
	src, err := sheet.Open(context.Background(), path, opt)
	require.NoError(t, err)
	t.Cleanup(func() { _ = src.Close() })
	var rows []sheet.Row
	for {
		r, err := src.Next()
		if errors.Is(err, io.EOF) {
			return src, rows
		}
		require.NoError(t, err)
		rows = append(rows, r)
	}
}

// findRow returns the first row whose column col has text v.
func findRow(t *testing.T, src sheet.Source, rows []sheet.Row, col, v string) sheet.Row {
	t.Helper()
	idx := -1
	for i, h := range src.Header() {
		if h == col {
			idx = i
		}
	}
	require.GreaterOrEqual(t, idx, 0, "column %q in %q", col, src.Header())
	for _, r := range rows {
		if r.Cells[idx].Text == v {
			return r
		}
	}
	require.Failf(t, "row not found", "no row with %s=%q", col, v)
	return sheet.Row{}
}

func TestSamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		file      string
		encoding  string
		delim     rune
		header0   string
		rows      int
		col, val  string
		wantLine  int
		blankLine int
	}{
		{"Polish Windows-1250", "klienci-pl.csv", "windows-1250", ';', "Firma", 24, "Miasto", "Łódź", 2, 10},
		{"Russian Windows-1251", "klienty-ru.csv", "windows-1251", ';', "Компания", 24, "Город", "Москва", 2, 0},
		{"English UTF-8", "contacts-en.csv", "utf-8", ',', "Company", 24, "City", "Toronto", 5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, rows := readAll(t, filepath.Join("..", "samples", tt.file), sheet.Options{})
			info := src.Info()
			assert.Equal(t, tt.encoding, info.Encoding)
			assert.True(t, info.Detected)
			assert.Equal(t, tt.delim, info.Delimiter)
			assert.Equal(t, 1, info.HeaderLine)
			assert.Equal(t, tt.header0, src.Header()[0])
			assert.Equal(t, tt.rows, len(rows), "rows read")
			r := findRow(t, src, rows, tt.col, tt.val)
			assert.Equal(t, tt.wantLine, r.Line)
			for i, r := range rows {
				assert.Equal(t, i+2, r.Line, "rows numbered as Excel shows them")
				assert.Equal(t, r.Line == tt.blankLine, r.Blank, "row %d blank", r.Line)
			}
		})
	}
}

func TestSamplePolishDetails(t *testing.T) {
	t.Parallel()
	src, rows := readAll(t, filepath.Join("..", "samples", "klienci-pl.csv"), sheet.Options{})
	assert.Equal(t, []string{"Firma", "Imię", "Nazwisko", "E-mail", "Telefon", "NIP", "Ulica", "Kod pocztowy", "Miasto", "Kraj", "Uwagi"}, src.Header())
	odra := findRow(t, src, rows, "Miasto", "Wrocław")
	assert.Equal(t, "Uwaga:\nfaktury wysyłać pocztą,\nnie e-mailem", odra.Cells[10].Text)
	bad := findRow(t, src, rows, "E-mail", "jan@")
	assert.Equal(t, 7, bad.Line)
	assert.Equal(t, "00-950", bad.Cells[7].Text)
	after := findRow(t, src, rows, "Miasto", "Olsztyn")
	assert.Equal(t, 11, after.Line, "the multi-line note and the blank row count as one row each")
}

func TestSampleXLSX(t *testing.T) {
	t.Parallel()
	src, rows := readAll(t, filepath.Join("..", "samples", "klienci.xlsx"), sheet.Options{})
	info := src.Info()
	assert.Equal(t, "xlsx", info.Format)
	assert.Equal(t, "Klienci", info.Sheet, "the empty first sheet is skipped")
	assert.Equal(t, 3, info.HeaderLine, "title row and blank row above the header")
	assert.Equal(t, []string{"Firma", "Imię", "Nazwisko", "E-mail", "Telefon", "Kod pocztowy", "Miasto", "Klient od", "Obrót"}, src.Header())
	require.Len(t, rows, 10)
	lodz := findRow(t, src, rows, "Miasto", "Łódź")
	assert.Equal(t, 4, lodz.Line)
	assert.Equal(t, sheet.Cell{Text: "0048601234567", Kind: sheet.KindText}, lodz.Cells[4])
	assert.Equal(t, sheet.Cell{Text: "90-926", Kind: sheet.KindText}, lodz.Cells[5])
	assert.Equal(t, sheet.KindDate, lodz.Cells[7].Kind)
	assert.Equal(t, "2019-05-14", lodz.Cells[7].Text)
	assert.True(t, time.Date(2019, 5, 14, 0, 0, 0, 0, time.UTC).Equal(lodz.Cells[7].Time()))
	assert.Equal(t, sheet.Cell{Text: "5525.14", Kind: sheet.KindNumber}, lodz.Cells[8])
	assert.True(t, rows[6].Blank, "the empty row in the middle")
	assert.Equal(t, 10, rows[6].Line)
	assert.Equal(t, 13, rows[9].Line)

	_, err := sheet.Open(context.Background(), filepath.Join("..", "samples", "klienci.xlsx"), sheet.Options{Sheet: "Nope"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"Arkusz1", "Klienci", "Info"`)
}
