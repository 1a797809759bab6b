package sheet_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
	"github.com/crmport/crmport/sheet/sheettest"
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

// TestCSVFixturesAsLibreOfficeReadsThem reads every generated fixture with
// detection on and compares it, cell by cell, with what LibreOffice read
// from it when told the encoding and delimiter (NAME.lo.csv): detection
// must find them, and no row or cell may be lost or changed.
func TestCSVFixturesAsLibreOfficeReadsThem(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "csv")
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	require.NoError(t, err)
	var fixtures []csvFixture
	require.NoError(t, json.Unmarshal(data, &fixtures))
	require.NotEmpty(t, fixtures)
	for _, fx := range fixtures {
		t.Run(fx.Name, func(t *testing.T) {
			want := sheettest.ReadLibreOffice(t, filepath.Join(dir, fx.Name+".lo.csv"), ';')
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
				assert.Equal(t, sheettest.LibreOfficeRow(want[line-1]), sheettest.LibreOfficeRow(got[line]), "row %d", line)
			}
			for line := range got {
				assert.LessOrEqual(t, line, len(want), "row %d is not in LibreOffice's reading", line)
			}
		})
	}
}
