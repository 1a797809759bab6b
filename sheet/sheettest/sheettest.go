// Package sheettest is a write-then-read-back conformance suite for
// sheet.Sink / sheet.Source pairs, in the manner of testing/fstest.TestFS:
// every pair (CSV, CSV with BOM and ';', XLSX) runs the same explicit,
// ordered list of small tests.
package sheettest

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
)

// Opt describes one sink/source pair.
type Opt struct {
	// Ext is the file extension used for the temporary files (".csv").
	Ext string
	// Create opens a sink writing to path.
	Create func(path string) (sheet.Sink, error)
	// Open opens a source reading path.
	Open func(path string) (sheet.Source, error)
	// Neutralised says the sink prefixes formula-like text with ' (CSV
	// without Raw). The file then holds the prefix, and the source removes
	// it again, so values still read back exactly.
	Neutralised bool
	// Typed says the format keeps cell types: numbers and dates come back
	// as KindNumber and KindDate (XLSX), not as text (CSV).
	Typed bool
	// Skip maps a test name to the reason it is skipped.
	Skip map[string]string
}

// Run runs every conformance test against the pair described by opt.
func Run(t *testing.T, opt Opt) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opt)
	}{
		{"Unicode", testUnicode},             // Polish and Russian text unchanged
		{"LeadingZeros", testLeadingZeros},   // postcodes, phones, long digit strings stay text
		{"EmptyCells", testEmptyCells},       // empty cells, a blank row reported as Blank
		{"MultiLine", testMultiLine},         // a cell with newlines; it adds no rows
		{"FormulaLike", testFormulaLike},     // "=SUM(A1)" etc. never become formulas
		{"Numbers", testNumbers},             // ints and floats without float noise
		{"Dates", testDates},                 // dates and date-times
		{"RowNumbers", testRowNumbers},       // header row 1, data from row 2, in order
		{"Ragged", testRagged},               // more values than header columns land in Extra
		{"LargeFlatMemory", testLargeMemory}, // 40,000 rows read with flat memory
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if why, ok := opt.Skip[tt.name]; ok {
				t.Skip(why)
			}
			tt.fn(t, opt)
		})
	}
}

// roundTrip writes header and rows, then reads everything back.
func roundTrip(t *testing.T, opt Opt, header []string, rows [][]any) (sheet.Source, []sheet.Row) {
	t.Helper()
	return roundTripAt(t, opt, filepath.Join(t.TempDir(), "t"+opt.Ext), header, rows)
}

func roundTripAt(t *testing.T, opt Opt, path string, header []string, rows [][]any) (sheet.Source, []sheet.Row) {
	t.Helper()
	sink, err := opt.Create(path)
	require.NoError(t, err)
	cols := make([]sheet.Column, len(header))
	for i, h := range header {
		cols[i] = sheet.Column{Name: h}
	}
	require.NoError(t, sink.WriteHeader(cols))
	for _, r := range rows {
		require.NoError(t, sink.WriteRow(r))
	}
	require.NoError(t, sink.Close())
	src, err := opt.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = src.Close() })
	var out []sheet.Row
	for {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		out = append(out, row)
	}
	require.Equal(t, header, src.Header(), "header read back")
	return src, out
}

func texts(rows []sheet.Row, col int) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		if col < len(r.Cells) {
			out[i] = r.Cells[col].Text
		}
	}
	return out
}

func testUnicode(t *testing.T, opt Opt) {
	vals := []string{"Zażółć gęślą jaźń", "Съешь же ещё этих мягких французских булок", "Łódź", "Москва", "ZAŻÓŁĆ ŹDŹBŁO"}
	var rows [][]any
	for _, v := range vals {
		rows = append(rows, []any{v, v + " 2"})
	}
	_, got := roundTrip(t, opt, []string{"Imię", "Город"}, rows)
	require.Len(t, got, len(vals))
	assert.Equal(t, vals, texts(got, 0))
	for _, r := range got {
		assert.Equal(t, sheet.KindText, r.Cells[0].Kind)
	}
}

func testLeadingZeros(t *testing.T, opt Opt) {
	vals := []string{"00-950", "0048123456789", "00123", "12345678901234567890", "5260250995", "007"}
	var rows [][]any
	for _, v := range vals {
		rows = append(rows, []any{v})
	}
	_, got := roundTrip(t, opt, []string{"Value"}, rows)
	require.Len(t, got, len(vals))
	assert.Equal(t, vals, texts(got, 0))
	for i, r := range got {
		assert.Equal(t, sheet.KindText, r.Cells[0].Kind, "row %d", i)
	}
}

func testEmptyCells(t *testing.T, opt Opt) {
	_, got := roundTrip(t, opt, []string{"A", "B", "C"}, [][]any{
		{"a", "", "c"},
		{nil, "b", nil},
		{"", nil, ""},
		{"x"},
	})
	require.Len(t, got, 4)
	assert.Equal(t, []string{"a", "", "c"}, got[0].Texts())
	assert.Equal(t, sheet.KindEmpty, got[0].Cells[1].Kind)
	assert.Equal(t, []string{"", "b", ""}, got[1].Texts())
	assert.True(t, got[2].Blank, "an all-empty row is blank")
	assert.Equal(t, 4, got[2].Line)
	assert.False(t, got[3].Blank)
	assert.Equal(t, []string{"x", "", ""}, got[3].Texts(), "missing cells are empty")
	assert.Equal(t, 5, got[3].Line)
}

func testMultiLine(t *testing.T, opt Opt) {
	note := "pierwsza linia\nвторая строка\n\nthird; with, \"quotes\""
	_, got := roundTrip(t, opt, []string{"Id", "Note"}, [][]any{
		{"1", note},
		{"2", "single"},
	})
	require.Len(t, got, 2)
	assert.Equal(t, note, got[0].Cells[1].Text)
	assert.Equal(t, 2, got[0].Line)
	assert.Equal(t, 3, got[1].Line, "a multi-line cell does not add rows")
	assert.Equal(t, "single", got[1].Cells[1].Text)
}

func testFormulaLike(t *testing.T, opt Opt) {
	vals := []string{"=SUM(A1)", "+48 123", "-5", "@x", "=1+1", "=HYPERLINK(\"http://x\")"}
	var rows [][]any
	for _, v := range vals {
		rows = append(rows, []any{v, -5})
	}
	path := filepath.Join(t.TempDir(), "formula"+opt.Ext)
	_, got := roundTripAt(t, opt, path, []string{"Text", "Int"}, rows)
	require.Len(t, got, len(vals))
	if opt.Neutralised {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		for _, v := range vals {
			assert.Contains(t, string(data), "'"+strings.ReplaceAll(v, `"`, `""`), "the file protects %q", v)
		}
	}
	for i, v := range vals {
		assert.Equal(t, v, got[i].Cells[0].Text, "row %d reads back exactly", i)
		assert.Equal(t, sheet.KindText, got[i].Cells[0].Kind, "row %d is text, not a formula result", i)
		assert.Equal(t, "-5", got[i].Cells[1].Text, "a negative number is never neutralised")
	}
}

func testNumbers(t *testing.T, opt Opt) {
	_, got := roundTrip(t, opt, []string{"N"}, [][]any{{5525.14}, {42}, {int64(-7)}, {0.1 + 0.2}, {1e6}})
	require.Len(t, got, 5)
	assert.Equal(t, []string{"5525.14", "42", "-7", "0.3", "1000000"}[:3], texts(got, 0)[:3])
	if opt.Typed {
		assert.Equal(t, "0.3", got[3].Cells[0].Text, "15 significant digits, as Excel shows")
		for _, r := range got {
			assert.Equal(t, sheet.KindNumber, r.Cells[0].Kind)
		}
	}
	assert.Equal(t, "1000000", got[4].Cells[0].Text)
}

func testDates(t *testing.T, opt Opt) {
	d := time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)
	dt := time.Date(2025, 1, 31, 13, 45, 10, 0, time.UTC)
	_, got := roundTrip(t, opt, []string{"Created"}, [][]any{{d}, {dt}, {"2024-03-15"}})
	require.Len(t, got, 3)
	assert.Equal(t, []string{"2024-03-15", "2025-01-31 13:45:10", "2024-03-15"}, texts(got, 0))
	if opt.Typed {
		assert.Equal(t, sheet.KindDate, got[0].Cells[0].Kind)
		assert.True(t, d.Equal(got[0].Cells[0].Time()), "got %v", got[0].Cells[0].Time())
		assert.Equal(t, sheet.KindDate, got[1].Cells[0].Kind)
		assert.True(t, dt.Equal(got[1].Cells[0].Time()), "got %v", got[1].Cells[0].Time())
		assert.Equal(t, sheet.KindText, got[2].Cells[0].Kind, "a string stays text")
	}
}

func testRowNumbers(t *testing.T, opt Opt) {
	var rows [][]any
	for i := range 50 {
		rows = append(rows, []any{strconv.Itoa(i), "x"})
	}
	src, got := roundTrip(t, opt, []string{"I", "X"}, rows)
	assert.Equal(t, 1, src.Info().HeaderLine)
	require.Len(t, got, 50)
	for i, r := range got {
		assert.Equal(t, i+2, r.Line)
		assert.Equal(t, strconv.Itoa(i), r.Cells[0].Text)
	}
}

func testRagged(t *testing.T, opt Opt) {
	_, got := roundTrip(t, opt, []string{"A", "B"}, [][]any{{"1", "2", "extra", "more"}, {"3"}})
	require.Len(t, got, 2)
	assert.Equal(t, []string{"1", "2"}, got[0].Texts())
	require.Len(t, got[0].Extra, 2)
	assert.Equal(t, "extra", got[0].Extra[0].Text)
	assert.Equal(t, "more", got[0].Extra[1].Text)
	assert.Equal(t, []string{"3", ""}, got[1].Texts())
	assert.Empty(t, got[1].Extra)
}

func testLargeMemory(t *testing.T, opt Opt) {
	if testing.Short() {
		t.Skip("40,000 rows: skipped in -short mode")
	}
	if raceEnabled {
		t.Skip("40,000 rows: skipped under the race detector (slow, and it inflates memory)")
	}
	// The live heap after a quarter of the rows and after all of them,
	// each after a collection: a source that keeps what it read (rows,
	// cells, the file's text) grows by ~20 MiB between the two, one that
	// reads with flat memory by nothing but noise.
	const n = 40_000
	const limit = 4 << 20
	path := filepath.Join(t.TempDir(), "big"+opt.Ext)
	sink, err := opt.Create(path)
	require.NoError(t, err)
	header := make([]sheet.Column, 10)
	for i := range header {
		header[i] = sheet.Column{Name: "Column " + strconv.Itoa(i)}
	}
	require.NoError(t, sink.WriteHeader(header))
	row := make([]any, 10)
	for i := range n {
		for j := range row {
			row[j] = "value " + strconv.Itoa(i*10+j) + " Zażółć"
		}
		require.NoError(t, sink.WriteRow(row))
	}
	require.NoError(t, sink.Close())

	src, err := opt.Open(path)
	require.NoError(t, err)
	defer src.Close()
	live := func() uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var quarter, end uint64
	count := 0
	for {
		r, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		count++
		if r.Line != count+1 {
			require.Equal(t, count+1, r.Line, "row numbers in order")
		}
		if count == n/4 {
			quarter = live()
		}
		if count == n {
			end = live()
		}
	}
	assert.Equal(t, n, count)
	grown := int64(end) - int64(quarter)
	assert.Less(t, grown, int64(limit), "live heap grew by %d KiB from row %d to row %d", grown>>10, n/4, n)
	t.Logf("live heap from row %d to row %d: %+d KiB", n/4, n, grown>>10)
}
