package sheet_test

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
	"github.com/crmport/crmport/sheet/sheettest"
)

// TestReuseCellsOnlyForMarkedRows opens a CSV and an XLSX file of many
// rows: both sources offer to reuse cells (sheet.ReuseCells), and a
// caller that keeps every row and never marks one done finds every row
// as it was read, at the end; one that marks each row once it has checked
// it reads every row right too.
func TestReuseCellsOnlyForMarkedRows(t *testing.T) {
	const rows = 5000
	dir := t.TempDir()
	for _, ext := range []string{"csv", "xlsx"} {
		path := filepath.Join(dir, "t."+ext)
		var table [][]string
		for i := range rows {
			table = append(table, []string{fmt.Sprint("a", i+2), fmt.Sprint("b", i+2), fmt.Sprint("c", i+2)})
		}
		sheettest.WriteTable(t, path, sheet.Options{}, []string{"a", "b", "c"}, table)
		for _, marking := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s marking=%v", ext, marking), func(t *testing.T) {
				src, err := sheet.Open(t.Context(), path, sheet.Options{})
				require.NoError(t, err)
				defer src.Close()
				done := sheet.ReuseCells(src)
				require.NotNil(t, done, "the %s source reuses cells", ext)
				check := func(row sheet.Row) {
					for j, c := range row.Cells {
						require.Equal(t, fmt.Sprintf("%c%d", 'a'+j, row.Line), c.Text, "row %d", row.Line)
					}
				}
				var kept []sheet.Row
				for {
					row, err := src.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					require.NoError(t, err)
					check(row)
					if marking {
						done.Done(row.Line)
					} else {
						kept = append(kept, row)
					}
				}
				for _, row := range kept {
					check(row)
				}
				if !marking {
					assert.Len(t, kept, rows)
				}
			})
		}
	}
}
