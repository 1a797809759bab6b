package sheet_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
)

// TestCSVUndoubledQuotesMessage: a cell written "Firma "Alfa"" (quotes
// inside not doubled, the last right before the closing quote) runs on,
// because "" reads as a quote inside the cell. The message names the row,
// the column and the cell, says that the quotes inside are not doubled
// (not that a quote is never closed), shows the cell as Excel writes it
// and says what to do; the rows below are read as rows.
func TestCSVUndoubledQuotesMessage(t *testing.T) {
	t.Parallel()
	const excel = `Excel writes that cell as "Firma ""Alfa""", with every quote inside it doubled: write it so in the file, then import again`
	var long strings.Builder // rows enough to take the cell past its bound
	for i := range 3000 {
		fmt.Fprintf(&long, "Klient %d;Miasto %d;600100%03d\r\n", i, i, i%1000)
	}
	tests := []struct {
		name   string
		in     string
		errRow int
		want   []string // substrings of the error
		after  int      // rows read after the error
	}{
		{
			name:   "first cell, rows below",
			in:     "Firma;Miasto;Telefon\r\n\"Firma \"Alfa\"\";Kraków;1\r\nB;Łódź;2\r\nC;Gdańsk;3\r\n",
			errRow: 2, after: 2,
			want: []string{`row 2: the cell "Firma "Alfa"" in column "Firma" has quotes (") inside it that are not doubled`,
				"the rows below it were read into it; this row was skipped (the rows below it were read again as rows)", excel},
		},
		{
			name:   "last cell",
			in:     "Miasto;Telefon;Firma\r\nKraków;1;\"Firma \"Alfa\"\"\r\nŁódź;2;B\r\n",
			errRow: 2, after: 1,
			want: []string{`row 2: the cell "Firma "Alfa"" in column "Firma"`, excel},
		},
		{
			name:   "the last row, no line end",
			in:     "Firma;Miasto;Telefon\r\nA;Łódź;1\r\n\"Firma \"Alfa\"\";Kraków;1",
			errRow: 3,
			want:   []string{`row 3: the cell "Firma "Alfa""`, "the rest of the row was read into it; this row was skipped.", excel},
		},
		{
			name:   "so many rows below that the cell breaks its bound",
			in:     "Firma;Miasto;Telefon\r\n\"Firma \"Alfa\"\";Kraków;1\r\n" + long.String(),
			errRow: 2, after: 3000,
			want: []string{`row 2: the cell "Firma "Alfa"" in column "Firma" has quotes (") inside it that are not doubled`, excel},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := sheet.NewCSVSource(bytes.NewReader([]byte(tt.in)), sheet.Options{})
			require.NoError(t, err)
			var rowErr *sheet.RowError
			after := 0
			for {
				_, err := src.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					require.Nil(t, rowErr, "one error: %v", err)
					require.ErrorAs(t, err, &rowErr)
					continue
				}
				if rowErr != nil {
					after++
				}
			}
			require.NotNil(t, rowErr)
			assert.Equal(t, tt.errRow, rowErr.Line)
			for _, w := range tt.want {
				assert.Contains(t, rowErr.Error(), w)
			}
			assert.NotContains(t, rowErr.Error(), "never closed")
			assert.Equal(t, tt.after, after, "rows read after the bad one")
		})
	}
}
