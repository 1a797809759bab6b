package sheet_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
	"github.com/crmport/crmport/sheet/sheettest"
)

// The workbooks of testdata/realworld reproduce classes of real files the
// reader once got wrong (see make_openpyxl.py and sheet/internal/genxlsx);
// testdata/realworld/libreoffice holds what LibreOffice reads from them
// (libreoffice.sh). Each is read with sheet.Open and compared with
// LibreOffice cell by cell: title rows, header and data rows together must
// give back every row and every value LibreOffice shows.
func TestRealWorldAgainstLibreOffice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file, sheet string // the workbook and the sheet to read ("" = default)
		lo          string // LibreOffice's CSV of the same content
		check       func(t *testing.T, info sheet.Info, rows []sheet.Row)
	}{
		{"fill-rows-above.xlsx", "", "fill-rows-above-Arkusz1.csv", func(t *testing.T, info sheet.Info, _ []sheet.Row) {
			assert.Equal(t, 32, info.HeaderLine, "30 formatted empty rows and a title above the header")
			assert.Equal(t, []sheet.TitleRow{{Line: 31, Cells: []string{"Klienci — stan na 2025-01-31"}}}, info.TitleRows)
		}},
		{"years-header.xlsx", "", "years-header-Sprzedaż.csv", func(t *testing.T, info sheet.Info, _ []sheet.Row) {
			assert.Equal(t, 3, info.HeaderLine, "a header of years is a header")
			assert.Equal(t, []sheet.HeaderProblem{{Column: "A", Index: 0, Name: "Column A"}}, info.HeaderProblems, "the regions have no header")
			require.Len(t, info.TitleRows, 2)
			assert.Equal(t, "tys. zł", info.TitleRows[1].String())
		}},
		{"times.xlsx", "", "times-Czas.csv", func(t *testing.T, _ sheet.Info, rows []sheet.Row) {
			assert.Equal(t, sheet.TimeCell("09:00", sheet.KindTime, zeroPlus(9*3600)), rows[0].Cells[1])
			assert.Equal(t, "15:30:17", rows[1].Cells[2].Text, "17.4 s shows as 17")
			assert.Equal(t, "15:30:17", rows[2].Cells[2].Text, "17.6 s shows as 17, as Excel and LibreOffice do")
			assert.Equal(t, sheet.KindTime, rows[0].Cells[3].Kind)
			assert.Equal(t, "27:30", rows[0].Cells[3].Text, "a duration past 24 hours")
			assert.Equal(t, "100:00", rows[2].Cells[3].Text)
			assert.Equal(t, sheet.KindDate, rows[0].Cells[4].Kind)
			assert.Equal(t, "2024-03-15 09:00:00", rows[0].Cells[5].Text)
		}},
		{"active-tab.xlsx", "", "active-tab-Klienci.csv", func(t *testing.T, info sheet.Info, _ []sheet.Row) {
			assert.Equal(t, "Klienci", info.Sheet, "the tab Excel opens on")
			assert.Equal(t, []string{"Podsumowanie", "Notatki"}, info.OtherSheets, "visible sheets with data, hidden and empty left out")
		}},
		{"active-tab.xlsx", "Notatki", "active-tab-Notatki.csv", func(t *testing.T, info sheet.Info, _ []sheet.Row) {
			assert.Equal(t, []string{"Podsumowanie", "Klienci"}, info.OtherSheets)
		}},
		{"case-parts.xlsx", "", "reference-shared-Klienci.csv", nil},
		{"backslash-names.xlsx", "", "reference-shared-Klienci.csv", nil},
		{"inline-with-v.xlsx", "", "reference-inline-Klienci.csv", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.sheet, func(t *testing.T) {
			src, err := sheet.Open(t.Context(), filepath.Join("testdata", "realworld", tt.file), sheet.Options{Sheet: tt.sheet})
			require.NoError(t, err)
			defer src.Close()
			info := src.Info()
			got := map[int][]string{}
			for _, tr := range info.TitleRows {
				got[tr.Line] = tr.Cells
			}
			// The header cells as in the file: columns renamed to be
			// reachable (Info.HeaderProblems) read as LibreOffice shows them.
			header := slices.Clone(src.Header())
			for _, p := range info.HeaderProblems {
				header[p.Index] = p.Header
			}
			got[info.HeaderLine] = header
			var rows []sheet.Row
			for {
				row, err := src.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				require.NoError(t, err)
				rows = append(rows, row)
				got[row.Line] = append(row.Texts(), texts(row.Extra)...)
			}
			want := readLibreOfficeXLSX(t, tt.lo)
			last := max(len(want), info.HeaderLine)
			for _, r := range rows {
				last = max(last, r.Line)
			}
			for line := 1; line <= last; line++ {
				var w []string
				if line <= len(want) {
					w = want[line-1]
				}
				sameCells(t, line, w, got[line])
			}
			if tt.check != nil {
				tt.check(t, info, rows)
			}
		})
	}
}

// sameCells compares one row as LibreOffice shows it with crmport's
// reading (sheettest.SameAsLibreOffice).
func sameCells(t *testing.T, line int, want, got []string) {
	t.Helper()
	for i := range max(len(want), len(got)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if !sheettest.SameAsLibreOffice(w, g) {
			t.Errorf("row %d, column %d: LibreOffice reads %q, crmport %q", line, i+1, w, g)
		}
	}
}

// readLibreOfficeXLSX reads what LibreOffice wrote for a realworld workbook (UTF-8, ",").
func readLibreOfficeXLSX(t *testing.T, name string) [][]string {
	return sheettest.ReadLibreOffice(t, filepath.Join("testdata", "realworld", "libreoffice", name), ',')
}

func texts(cells []sheet.Cell) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = c.Text
	}
	return out
}

func zeroPlus(secs int) time.Time { return time.Time{}.Add(time.Duration(secs) * time.Second) }

// TestRealWorldRefused: files the reader must refuse, saying why.
func TestRealWorldRefused(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ file, want string }{
		{"password.xlsx", "the workbook is password-protected: open it in Excel, save a copy without a password"},
		{"duplicate-entry.xlsx", "the file holds xl/worksheets/sheet1.xml twice"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			_, err := sheet.Open(t.Context(), filepath.Join("testdata", "realworld", tt.file), sheet.Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), tt.file+": "), err.Error())
		})
	}
}

// TestPasswordWorkbookWhateverItsName: an encrypted workbook looks like an
// old .xls (both are OLE2 files); it gets the password message under any
// name, and a real .xls keeps the .xls message.
func TestPasswordWorkbookWhateverItsName(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "realworld", "password.xlsx"))
	require.NoError(t, err)
	for _, name := range []string{"klienci.xls", "klienci.csv", "klienci"} {
		p := filepath.Join(t.TempDir(), name)
		require.NoError(t, os.WriteFile(p, data, 0o644))
		_, err := sheet.Open(t.Context(), p, sheet.Options{})
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "password-protected", name)
	}
}
