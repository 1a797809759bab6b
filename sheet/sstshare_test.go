package sheet

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// saveSSTBook writes a workbook whose texts are in the shared string table
// (as Excel saves them): a header and one row with text.
func saveSSTBook(t *testing.T, path, text string) {
	t.Helper()
	f := excelize.NewFile()
	require.NoError(t, f.SetCellStr("Sheet1", "A1", "Firma"))
	require.NoError(t, f.SetCellStr("Sheet1", "A2", text))
	require.NoError(t, f.SaveAs(path))
	require.NoError(t, f.Close())
}

func firstText(t *testing.T, src Source) string {
	t.Helper()
	row, err := src.Next()
	require.NoError(t, err)
	return row.Cells[0].Text
}

// TestSharedStringsSharedWhileOpen checks that a workbook opened again
// while it is open shares its text table (an import opens it twice), from
// several goroutines at once (run with -race), and that a changed file is
// read anew.
func TestSharedStringsSharedWhileOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "klienci.xlsx")
	saveSSTBook(t, path, "Łódź Sp. z o.o.")

	first, err := openXLSX(ctx, path, Options{})
	require.NoError(t, err)
	defer first.Close()
	table := first.(*xlsxSource).rr.sst
	require.NotNil(t, table)

	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			again, err := openXLSX(ctx, path, Options{})
			if !assert.NoError(t, err) {
				return
			}
			defer again.Close()
			assert.Same(t, table, again.(*xlsxSource).rr.sst, "the table is shared")
			assert.Equal(t, "Łódź Sp. z o.o.", firstText(t, again))
		})
	}
	wg.Wait()
	assert.Equal(t, "Łódź Sp. z o.o.", firstText(t, first))

	// The file changes while the first source is open: its new text is
	// read, not the table of the old file.
	saveSSTBook(t, path, "Kraków S.A.")
	later := time.Now().Add(time.Minute)
	require.NoError(t, os.Chtimes(path, later, later))
	changed, err := openXLSX(ctx, path, Options{})
	require.NoError(t, err)
	defer changed.Close()
	assert.NotSame(t, table, changed.(*xlsxSource).rr.sst)
	assert.Equal(t, "Kraków S.A.", firstText(t, changed))
}
