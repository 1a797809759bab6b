package sheettest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/crmport/crmport/internal/testkit"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// Mark is how a cell of a workbook is marked: its fill colour (RGB, ""
// for none) and its comment's text ("" for none).
type Mark struct {
	Fill string
	Note string
}

// ReadMarks reads the first sheet of the XLSX file at path with excelize
// and returns its name and every cell that has a fill or a comment, by
// reference ("B2"). Cells with neither are left out, so a test can compare
// the whole map: unmarked cells must not be in it.
func ReadMarks(t testing.TB, path string) (string, map[string]Mark) {
	t.Helper()
	x, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer x.Close()
	sh := x.GetSheetName(0)
	marks := map[string]Mark{}
	comments, err := x.GetComments(sh)
	require.NoError(t, err)
	for _, c := range comments {
		var b strings.Builder
		for _, p := range c.Paragraph {
			b.WriteString(p.Text)
		}
		if b.Len() == 0 {
			b.WriteString(c.Text)
		}
		marks[c.Cell] = Mark{Note: b.String()}
	}
	dim, err := x.GetSheetDimension(sh)
	require.NoError(t, err)
	last := dim
	if _, after, ok := strings.Cut(dim, ":"); ok {
		last = after
	}
	cols, rows, err := excelize.CellNameToCoordinates(last)
	require.NoError(t, err)
	for r := 1; r <= rows; r++ {
		for c := 1; c <= cols; c++ {
			ref, _ := excelize.CoordinatesToCellName(c, r)
			id, err := x.GetCellStyle(sh, ref)
			require.NoError(t, err)
			if id == 0 {
				continue
			}
			st, err := x.GetStyle(id)
			require.NoError(t, err)
			if st.Fill.Pattern == 0 || len(st.Fill.Color) == 0 {
				continue
			}
			m := marks[ref]
			m.Fill = strings.ToUpper(st.Fill.Color[0])
			if len(m.Fill) == 8 { // ARGB
				m.Fill = m.Fill[2:]
			}
			marks[ref] = m
		}
	}
	return sh, marks
}

// OpenpyxlMarks reads the active sheet of the XLSX file at path with
// openpyxl (/usr/bin/python3), an independent reader, and returns its
// title and its cells' comments by reference. It skips the test where
// openpyxl is not installed.
func OpenpyxlMarks(t testing.TB, path string) (string, map[string]string) {
	t.Helper()
	out := testkit.Openpyxl(t, `
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.active
notes = {}
for row in ws.iter_rows():
    for c in row:
        if c.comment is not None:
            notes[c.coordinate] = c.comment.text
print(json.dumps({"title": ws.title, "notes": notes}))
`, path)
	var got struct {
		Title string
		Notes map[string]string
	}
	require.NoError(t, json.Unmarshal(out, &got), string(out))
	return got.Title, got.Notes
}
