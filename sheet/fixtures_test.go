package sheet_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
)

// csvFixture is an entry of testdata/csv/manifest.json, written by
// testdata/csvgen.
type csvFixture struct {
	Name      string `json:"name"`
	Encoding  string `json:"encoding"`
	Want      string `json:"want_encoding"`
	Delimiter string `json:"delimiter"`
	HeaderRow int    `json:"header_row"`
	LineEnds  string `json:"line_ends"`
	Class     string `json:"class"`
}

// lineBreaks matches the line breaks inside a cell. LibreOffice reads a
// CRLF inside quotes as two line breaks and a lone CR as LF; crmport reads
// CRLF as one LF (as Excel and encoding/csv do) and keeps a lone CR. Both
// keep the break, so cells are compared with every run of breaks as one.
var lineBreaks = regexp.MustCompile(`[\r\n]+`)

// TestCSVFixturesAsLibreOfficeReadsThem reads every generated fixture with
// detection on and compares it, cell by cell, with what LibreOffice read
// from it when told the encoding and delimiter (NAME.lo.csv): detection
// must find them, and no row or cell may be lost or changed.
func TestCSVFixturesAsLibreOfficeReadsThem(t *testing.T) {
	dir := filepath.Join("testdata", "csv")
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	require.NoError(t, err)
	var fixtures []csvFixture
	require.NoError(t, json.Unmarshal(data, &fixtures))
	require.NotEmpty(t, fixtures)
	for _, fx := range fixtures {
		t.Run(fx.Name, func(t *testing.T) {
			want := readLibreOffice(t, filepath.Join(dir, fx.Name+".lo.csv"))
			src, err := sheet.Open(context.Background(), filepath.Join(dir, fx.Name+".csv"), sheet.Options{HeaderRow: fx.HeaderRow})
			require.NoError(t, err, fx.Class)
			defer src.Close()
			info := src.Info()
			assert.Equal(t, fx.Want, info.Encoding, "encoding")
			assert.Contains(t, []sheet.Confidence{sheet.ConfidenceSure, sheet.ConfidenceLikely}, info.EncodingConfidence)
			assert.Equal(t, fx.Delimiter, string(info.Delimiter), "delimiter")
			assert.Equal(t, sheet.ConfidenceSure, info.DelimiterConfidence)
			assert.Equal(t, fx.LineEnds, info.LineEnds)

			got := map[int][]string{info.HeaderLine: src.Header()}
			for {
				row, err := src.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				require.NoError(t, err)
				cells := row.Texts()
				for _, c := range row.Extra {
					cells = append(cells, c.Text)
				}
				got[row.Line] = cells
			}
			for line := info.HeaderLine; line <= len(want); line++ {
				assert.Equal(t, norm(want[line-1]), norm(got[line]), "row %d", line)
			}
			for line := range got {
				assert.LessOrEqual(t, line, len(want), "row %d is not in LibreOffice's reading", line)
			}
		})
	}
}

// readLibreOffice reads LibreOffice's UTF-8 output.
func readLibreOffice(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	require.NoError(t, err)
	return rows
}

// norm drops trailing empty cells and counts any run of line breaks in a
// cell as one.
func norm(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = lineBreaks.ReplaceAllString(c, "\n")
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}
