package importer_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"

	"github.com/crmport/crmport/importer"
	"github.com/crmport/crmport/sheet"
	"github.com/crmport/crmport/sheet/sheettest"
)

// TestDryRunReusingRowsMatchesFreshRows checks that a dry run whose rows'
// cells and values are used again for later rows (once each row is
// finished) says exactly what one with fresh memory for every row says:
// the same summary and a byte-identical error report, for CSV and XLSX,
// over many more rows than are read ahead, with duplicates found across
// the whole file, failures, blank rows, rows with an extra cell and
// multi-line cells. It also checks that the memory was in fact reused.
func TestDryRunReusingRowsMatchesFreshRows(t *testing.T) {
	dry, reg, types := memVendorDryRun(t)
	header := []string{"Firma", "E-mail", "Telefon", "Miasto", "Uwagi"}
	var rows [][]string
	for i := range 6000 {
		row := []string{fmt.Sprintf("Firma %d", i), fmt.Sprintf("osoba%d@example.pl", i%4500), fmt.Sprintf("5%08d", i%5000), fmt.Sprintf("Miasto %d", i%7), ""}
		switch {
		case i%101 == 3:
			row = []string{"", "", "", "", ""} // blank: skipped
		case i%103 == 4:
			row[1] = "zly-adres" // fails: not an e-mail
		case i%107 == 5:
			row = append(row, "a sixth cell") // fails: past the header
		case i%109 == 6:
			row[1], row[4] = "zly-adres", "line one\nline two" // a multi-line cell, in the error report
		}
		rows = append(rows, row)
	}
	dir := t.TempDir()
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			input := filepath.Join(dir, "klienci."+format)
			sheettest.WriteTable(t, input, sheet.Options{Delimiter: ';'}, header, rows)

			run := func(reuse bool) (importer.Summary, string, uint64) {
				defer importer.SetReuseRows(reuse)()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				sum, report := dry(t, input, func(opt *importer.Options) {
					opt.Dedupe = []importer.DedupeRule{importer.DedupeEmail, importer.DedupePhone}
					opt.DedupeFields, opt.FieldTypes = importer.DedupeFieldsFor(reg, types), types
				})
				runtime.ReadMemStats(&after)
				return sum, report, after.TotalAlloc - before.TotalAlloc
			}
			freshSum, freshReport, freshAlloc := run(false)
			reusedSum, reusedReport, reusedAlloc := run(true)
			assert.Equal(t, freshSum, reusedSum)
			assert.Equal(t, freshReport, reusedReport)
			// Not only do both agree: the rows were checked.
			assert.Equal(t, 6000, reusedSum.Rows)
			assert.Equal(t, 60, reusedSum.Skipped)
			assert.Greater(t, reusedSum.Duplicates, 1000, "the e-mails repeated from row 4,500 on")
			if format == "csv" {
				assert.Contains(t, reusedReport, "line one\r\nline two") // Excel's line break in a cell
				assert.Contains(t, reusedReport, "a sixth cell")
			}
			t.Logf("%s: %d bytes allocated with fresh rows, %d reusing them", format, freshAlloc, reusedAlloc)
			if sheettest.RaceEnabled && format == "xlsx" {
				return // -race adds 137 MB ± a few to this run's allocation: too noisy to tell 1 MB saved
			}
			cells := uint64(len(rows)*len(header)) * uint64(unsafe.Sizeof(sheet.Cell{}))
			assert.Greater(t, int64(freshAlloc)-int64(reusedAlloc), int64(cells/2), "the rows' memory was not reused (their cells alone take %d bytes)", cells)
		})
	}
}
