package sheettest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
)

// WriteTable writes header and rows to path with sheet.Create (CSV or
// XLSX by its extension, text columns): the input file of a test.
func WriteTable(t testing.TB, path string, opt sheet.Options, header []string, rows [][]string) {
	t.Helper()
	sink, err := sheet.Create(path, opt)
	require.NoError(t, err)
	cols := make([]sheet.Column, len(header))
	for i, h := range header {
		cols[i] = sheet.Column{Name: h, Kind: sheet.ColumnText}
	}
	require.NoError(t, sink.WriteHeader(cols))
	for _, row := range rows {
		vals := make([]any, len(row))
		for i, c := range row {
			vals[i] = c
		}
		require.NoError(t, sink.WriteRow(vals))
	}
	require.NoError(t, sink.Close())
}
