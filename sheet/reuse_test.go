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
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
	"github.com/crmport/crmport/sheet/sheettest"
)

// TestReuseCellsOnlyForMarkedRows opens a CSV and an XLSX file of many
// rows: both sources offer to reuse cells (sheet.ReuseCells), and a
// caller that keeps every row and never marks one done finds every row
// as it was read, at the end; one that keeps a changing number of rows
// before marking them done (as a dry run's read-ahead does) finds each of
// them, cells and text, as it was read until it marks it — and in the
// CSV file the text of later lines is in fact carved from the memory of
// rows marked done.
func TestReuseCellsOnlyForMarkedRows(t *testing.T) {
	const rows = 5000
	pad := strings.Repeat("x", 24) // ~90 bytes a line: several blocks of text
	dir := t.TempDir()
	for _, ext := range []string{"csv", "xlsx"} {
		path := filepath.Join(dir, "t."+ext)
		var table [][]string
		for i := range rows {
			table = append(table, []string{fmt.Sprint("a", i+2, pad), fmt.Sprint("b", i+2, pad), fmt.Sprint("c", i+2, pad)})
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
						require.Equal(t, fmt.Sprintf("%c%d%s", 'a'+j, row.Line, pad), c.Text, "row %d", row.Line)
					}
				}
				rnd := rand.New(rand.NewPCG(7, uint64(len(ext))))
				var kept []sheet.Row
				texts := map[*byte]int{} // where each row's first cell's text was, by row
				reused := 0
				for {
					row, err := src.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					require.NoError(t, err)
					check(row)
					kept = append(kept, row)
					if !marking {
						continue
					}
					at := unsafe.StringData(row.Cells[0].Text)
					if _, ok := texts[at]; ok {
						reused++
					}
					texts[at] = row.Line
					// Now and then mark a random number of the rows kept
					// (up to 2,000 of them: several blocks of text),
					// oldest first, each checked again just before: none
					// changed while it was not marked.
					k := 0
					if len(kept) > 2000 || rnd.IntN(100) == 0 {
						k = rnd.IntN(len(kept) + 1)
					}
					for ; k > 0; k-- {
						check(kept[0])
						done.Done(kept[0].Line)
						kept = kept[1:]
					}
				}
				for _, row := range kept {
					check(row)
				}
				if !marking {
					assert.Len(t, kept, rows)
				} else if ext == "csv" {
					assert.Greater(t, reused, rows/4, "the text of rows marked done was not used again")
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
