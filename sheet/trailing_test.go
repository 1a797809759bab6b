package sheet

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

func lines(rows []Row) (data, blank []int) {
	for _, r := range rows {
		if r.Blank {
			blank = append(blank, r.Line)
		} else {
			data = append(data, r.Line)
		}
	}
	return data, blank
}

// Empty lines at the end of a CSV and formatted-but-empty rows below an
// Excel table are not rows of the data; blank rows between data rows are.
func TestTrailingBlankRowsAreNotRows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(csvPath, []byte("A;B\r\n1;2\r\n;\r\n3;4\r\n\r\n;\r\n\r\n"), 0o600))
	_, rows := readAll(t, csvPath, Options{})
	data, blank := lines(rows)
	assert.Equal(t, []int{2, 4}, data)
	assert.Equal(t, []int{3}, blank, "the blank row between data rows is kept")

	x := excelize.NewFile()
	require.NoError(t, x.SetSheetRow("Sheet1", "A1", &[]any{"A", "B"}))
	require.NoError(t, x.SetSheetRow("Sheet1", "A2", &[]any{"1", "2"}))
	require.NoError(t, x.SetSheetRow("Sheet1", "A4", &[]any{"3", "4"}))
	style, err := x.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Color: []string{"FFFF00"}, Pattern: 1}})
	require.NoError(t, err)
	require.NoError(t, x.SetCellStyle("Sheet1", "A5", "B9", style), "formatted but empty rows below the table")
	xlsxPath := filepath.Join(dir, "k.xlsx")
	require.NoError(t, x.SaveAs(xlsxPath))
	_, rows = readAll(t, xlsxPath, Options{})
	data, blank = lines(rows)
	assert.Equal(t, []int{2, 4}, data)
	assert.Equal(t, []int{3}, blank)
}
