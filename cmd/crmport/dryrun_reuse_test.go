package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/importer"
	"github.com/crmport/crmport/sheet"
	"github.com/crmport/crmport/sheet/sheettest"
)

// TestDryRunReportsEachRowWithItsOwnCells checks, through the command, a
// dry run of a file far longer than the rows read ahead and than the
// first rows taken as the phones' evidence: a dry run uses the memory of
// the rows it has finished again (bench/RESULTS.md), and every row of its
// error report must still carry its own cells. Every row's cells name
// its row number, so a row reported with another's cells cannot pass;
// the rows reported are exactly the failing ones, each once.
func TestDryRunReportsEachRowWithItsOwnCells(t *testing.T) {
	t.Parallel()
	const rows = 9000
	header := []string{"Firma", "Telefon", "E-mail", "Uwagi"}
	var lines [][]string
	wantFailed := map[int]string{}
	for i := range rows {
		n := i + 2 // the row number, the header being row 1
		row := []string{fmt.Sprintf("Firma %d", n), fmt.Sprintf("+48 600 %06d", n), fmt.Sprintf("biuro%d@example.pl", n), fmt.Sprintf("uwagi %d", n)}
		switch {
		case n%7 == 0:
			row[2] = fmt.Sprintf("zly-adres-%d", n)
			wantFailed[n] = "is not an e-mail address"
		case n%11 == 0 && n > 100:
			row[2] = fmt.Sprintf("biuro%d@example.pl", n-50) // row n-50's e-mail
			if (n-50)%7 != 0 {
				wantFailed[n] = fmt.Sprintf("same e-mail as row %d", n-50)
			}
		}
		lines = append(lines, row)
	}
	dir := t.TempDir()
	mp := filepath.Join(dir, "kontakty.yaml")
	require.NoError(t, os.WriteFile(mp, []byte("vendor: salesman\nsource:\n  delimiter: \";\"\nfields:\n  title: Firma\n  phone: Telefon\n  mail_url: {column: E-mail, transform: [email]}\n"), 0o644))
	for _, ext := range []string{"csv", "xlsx"} {
		t.Run(ext, func(t *testing.T) {
			in := filepath.Join(dir, "kontakty."+ext)
			sheettest.WriteTable(t, in, sheet.Options{Delimiter: ';'}, header, lines)

			r := runImportCmd(t.Context(), t, "salesman", sandbox.Options{}, "--sandbox", "--dry-run", "-m", mp, in)
			require.Equal(t, exitRowsFailed, r.code, r.errOut)
			report := filepath.Join(dir, "kontakty."+ext+".salesman.dry-run.errors."+ext)
			var got [][]string
			if ext == "csv" {
				got = importReadCSV(t, report, ';')
			} else {
				_, _, got = readXLSX(t, report)
			}
			row, reason := importColumn(got, importer.ColRow), importColumn(got, importer.ColError)
			require.Positive(t, row)
			require.Positive(t, reason)
			seen := map[int]bool{}
			for _, rec := range got[1:] {
				n, err := strconv.Atoi(rec[row])
				require.NoError(t, err, rec)
				require.False(t, seen[n], "row %d reported twice", n)
				seen[n] = true
				want := strconv.Itoa(n)
				assert.Equal(t, "Firma "+want, rec[0], "row %d reported with another row's cells", n)
				assert.True(t, strings.HasSuffix(rec[1], want[max(0, len(want)-6):]), "row %d reported with another row's phone %q", n, rec[1])
				assert.Equal(t, "uwagi "+want, rec[3], "row %d reported with another row's cells", n)
				assert.Contains(t, rec[reason], wantFailed[n], "row %d", n)
			}
			assert.Len(t, seen, len(wantFailed), "every failing row reported, none other")
		})
	}
}
