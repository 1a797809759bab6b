package sheet_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/internal/testkit"
	"github.com/crmport/crmport/sheet"
	"github.com/crmport/crmport/sheet/sheettest"
)

// writeSinkFile writes rows×cols cells (plus a header when header is set)
// through the XLSX sink and returns the file's path.
func writeSinkFile(t *testing.T, rows, cols int, header bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.xlsx")
	s, err := sheet.Create(path, sheet.Options{})
	require.NoError(t, err)
	if header {
		hc := make([]sheet.Column, cols)
		for i := range hc {
			hc[i] = sheet.Column{Name: "c" + strconv.Itoa(i+1)}
		}
		require.NoError(t, s.WriteHeader(hc))
	}
	for r := range rows {
		vals := make([]any, cols)
		for c := range vals {
			vals[c] = r*cols + c
		}
		if r == rows-1 {
			vals = append(vals, "one more") // a ragged last row is wider
		}
		require.NoError(t, s.WriteRow(vals))
	}
	require.NoError(t, s.Close())
	return path
}

// TestXLSXSinkDimension: the sheet's <dimension> covers every cell written,
// also past the 1000 rows the sink holds back to size its columns.
func TestXLSXSinkDimension(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name       string
		rows, cols int
		header     bool
		wantDim    string
	}{
		{"header only", 0, 3, true, `<dimension ref="A1:C1"/>`},
		{"empty", 0, 0, false, `<dimension ref="A1"/>`},
		{"small", 2, 3, true, `<dimension ref="A1:D3"/>`},
		{"past the width buffer", 2500, 4, true, `<dimension ref="A1:E2501"/>`},
		{"no header", 5, 2, false, `<dimension ref="A1:C5"/>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeSinkFile(t, tt.rows, tt.cols, tt.header)
			sheettest.CheckDimension(t, path)
			assert.Equal(t, tt.wantDim, regexp.MustCompile(`<dimension[^>]*>`).FindString(sheetXML(t, path)))
		})
	}
}

// TestXLSXSinkOpenpyxlReadOnly reads an export with openpyxl in read-only
// mode, as pandas.read_excel does: it trusts <dimension> and used to see
// the header alone. Skipped when /usr/bin/python3 has no openpyxl (the
// dimension itself is checked by TestXLSXSinkDimension everywhere).
func TestXLSXSinkOpenpyxlReadOnly(t *testing.T) {
	t.Parallel()
	path := writeSinkFile(t, 1500, 3, true)
	out := testkit.Openpyxl(t, `
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
ws = wb.active
rows = list(ws.iter_rows(values_only=True))
print(ws.max_row, ws.max_column, len(rows), rows[-1])
`, path)
	assert.Equal(t, "1501 4 1501 (4497, 4498, 4499, 'one more')", strings.TrimSpace(string(out)))
}

// sheetXML returns the first worksheet's XML of an XLSX file.
func sheetXML(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return zipEntry(t, data, "xl/worksheets/sheet1.xml")
}

// zipEntry returns one entry of a zip file's bytes as text.
func zipEntry(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	rc, err := zr.Open(name)
	require.NoError(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	require.NoError(t, err)
	return string(b)
}

// TestSampleWorkbooksDimension: the sample workbooks shipped for users to
// try declare a dimension covering their cells too.
func TestSampleWorkbooksDimension(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "samples", "*.xlsx"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		sheettest.CheckDimension(t, f)
	}
}
