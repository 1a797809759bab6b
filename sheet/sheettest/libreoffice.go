package sheettest

import (
	"encoding/csv"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// ReadLibreOffice reads a CSV file LibreOffice wrote (UTF-8, delimiter
// comma) of a fixture: the reading crmport's is compared with.
func ReadLibreOffice(t testing.TB, path string, comma rune) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = comma
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	require.NoError(t, err)
	return rows
}

// lineBreaks matches the line breaks inside a cell.
var lineBreaks = regexp.MustCompile(`[\r\n]+`)

// LibreOfficeRow prepares one row for comparison: trailing empty cells
// dropped, and every run of line breaks in a cell counted as one.
// LibreOffice reads a CRLF inside quotes as two line breaks and a lone CR
// as LF; crmport reads CRLF as one LF (as Excel and encoding/csv do) and
// keeps a lone CR. Both keep the break.
func LibreOfficeRow(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = lineBreaks.ReplaceAllString(c, "\n")
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// SameAsLibreOffice reports whether a cell crmport read shows what
// LibreOffice shows: the same text, a number of the same value, or a time
// written with or without a leading zero.
func SameAsLibreOffice(lo, got string) bool {
	if lo == got {
		return true
	}
	lf, lerr := strconv.ParseFloat(lo, 64)
	gf, gerr := strconv.ParseFloat(got, 64)
	if lerr == nil && gerr == nil && lf == gf {
		return true
	}
	return strings.Contains(lo, ":") && strings.TrimLeft(lo, "0") == strings.TrimLeft(got, "0")
}
