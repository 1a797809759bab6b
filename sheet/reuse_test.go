package sheet_test

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
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
// it reads every row right too, and a marked row's text stays as it was
// even when kept (lines then share blocks, never written again).
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
				var texts []string // a marked row's text may be kept (it is never written again)
				for {
					row, err := src.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					require.NoError(t, err)
					check(row)
					if marking {
						texts = append(texts, row.Cells[0].Text, row.Cells[2].Text)
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
				for i := 0; i < len(texts); i += 2 {
					require.Equal(t, fmt.Sprint("a", i/2+2), texts[i])
					require.Equal(t, fmt.Sprint("c", i/2+2), texts[i+1])
				}
				if marking {
					assert.Len(t, texts, 2*rows)
				}
			})
		}
	}
}

// TestReusedCellsOfAShortRowAreEmpty: a row with fewer cells than the
// header, given cells a longer row had before (marked done), has its
// missing cells empty, not the earlier row's.
func TestReusedCellsOfAShortRowAreEmpty(t *testing.T) {
	var b strings.Builder
	b.WriteString("a;b;c\n")
	short := map[int]bool{}
	rnd := rand.New(rand.NewPCG(5, 6))
	for i := range 3000 {
		if rnd.IntN(3) == 0 {
			short[i+2] = true
			fmt.Fprintf(&b, "a%d\n", i+2)
		} else {
			fmt.Fprintf(&b, "a%d;b%d;c%d\n", i+2, i+2, i+2)
		}
	}
	path := filepath.Join(t.TempDir(), "short.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	src, err := sheet.Open(t.Context(), path, sheet.Options{})
	require.NoError(t, err)
	defer src.Close()
	done := sheet.ReuseCells(src)
	require.NotNil(t, done)
	for {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		require.Len(t, row.Cells, 3)
		assert.Equal(t, fmt.Sprint("a", row.Line), row.Cells[0].Text)
		if short[row.Line] {
			assert.Equal(t, sheet.Cell{}, row.Cells[1], "row %d", row.Line)
			assert.Equal(t, sheet.Cell{}, row.Cells[2], "row %d", row.Line)
		}
		done.Done(row.Line)
	}
}
