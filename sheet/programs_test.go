package sheet

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readAll(t *testing.T, path string, opt Options) (Source, []Row) {
	t.Helper()
	src, err := Open(context.Background(), path, opt)
	require.NoError(t, err)
	t.Cleanup(func() { _ = src.Close() })
	var rows []Row
	for {
		r, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		rows = append(rows, r)
	}
	return src, rows
}

// TestXLSXFromSpreadsheetPrograms reads samples/klienci.xlsx as LibreOffice
// Calc 7 and Gnumeric 1.12 saved it again (testdata/libreoffice-klienci.xlsx:
// `soffice --headless --convert-to xlsx`; testdata/gnumeric-klienci.xlsx:
// `ssconvert`). Each program writes its own shared strings, styles and date
// formats; crmport must read the same table from all of them: the header
// found under the title row, the same row numbers, dates as dates, postcodes
// and phone numbers as text, numbers without float noise.
func TestXLSXFromSpreadsheetPrograms(t *testing.T) {
	t.Parallel()
	wantSrc, want := readAll(t, filepath.Join("..", "samples", "klienci.xlsx"), Options{Sheet: "Klienci"})
	require.NotEmpty(t, want)
	for _, file := range []string{"libreoffice-klienci.xlsx", "gnumeric-klienci.xlsx"} {
		t.Run(file, func(t *testing.T) {
			src, got := readAll(t, filepath.Join("testdata", file), Options{Sheet: "Klienci"})
			assert.Equal(t, wantSrc.Header(), src.Header())
			assert.Equal(t, wantSrc.Info().HeaderLine, src.Info().HeaderLine, "header found under the title row")
			require.Len(t, got, len(want))
			for i := range want {
				assert.Equal(t, want[i].Line, got[i].Line, "row %d number", i)
				assert.Equal(t, want[i].Blank, got[i].Blank, "row %d blank", want[i].Line)
				require.Len(t, got[i].Cells, len(want[i].Cells))
				for j, c := range want[i].Cells {
					g := got[i].Cells[j]
					assert.Equal(t, c.Kind, g.Kind, "row %d column %q kind", want[i].Line, wantSrc.Header()[j])
					if c.Kind == KindDate {
						assert.True(t, c.Time().Equal(g.Time()), "row %d column %q: %v vs %v", want[i].Line, wantSrc.Header()[j], c.Time(), g.Time())
					} else {
						assert.Equal(t, c.Text, g.Text, "row %d column %q", want[i].Line, wantSrc.Header()[j])
					}
				}
			}
		})
	}
}
