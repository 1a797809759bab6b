package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/importer"
)

// TestImportUnderFaultsWithSharedEmails: colleagues often share one
// company e-mail. When an answer is lost, the client found by that e-mail
// must be the row's own, not its colleague's: before, a row was reported
// "created" under the colleague's id and never reached the CRM. Every
// person ends in the CRM exactly once, and no two done rows share an id.
func TestImportUnderFaultsWithSharedEmails(t *testing.T) {
	t.Parallel()
	for _, vendor := range []string{"thulium", "baselinker"} {
		t.Run(vendor, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			const rows = 60
			var b strings.Builder
			b.WriteString("Nazwisko;Telefon;E-mail\n")
			for i := range rows {
				// rows 2k and 2k+1 share an e-mail; each has its own name and phone
				fmt.Fprintf(&b, "Para%03d;+48 601 %03d %03d;biuro%02d@firmapara.pl\n", i, i/1000, i%1000, i/2)
			}
			in := filepath.Join(dir, "pary.csv")
			require.NoError(t, os.WriteFile(in, []byte(b.String()), 0o644))
			mp := filepath.Join(dir, "m.yaml")
			m := map[string]string{
				"thulium":    "vendor: thulium\nfields:\n  surname: Nazwisko\n  phone_number: Telefon\n  email: {column: E-mail, transform: [email]}\n",
				"baselinker": "vendor: baselinker\nfields:\n  invoice_fullname: Nazwisko\n  phone: Telefon\n  email: {column: E-mail, transform: [email]}\n",
			}[vendor]
			require.NoError(t, os.WriteFile(mp, []byte(m), 0o644))
			// Shared e-mails are people here, not duplicates: --dedupe
			// leaves e-mail out (it is in the default rules).
			r := runImportCmd(t.Context(), t, vendor, sandbox.Options{Faults: 0.3, FaultSeed: 11},
				"--sandbox", "--rate", "0", "--retries", "12", "--dedupe", "key", "--report-dir", dir, "-m", mp, in)
			require.Equal(t, exitOK, r.code, r.errOut)

			key := map[string]string{"thulium": "surname", "baselinker": "invoice_fullname"}[vendor]
			seen := map[string]int{}
			for _, rec := range r.fake.Records() {
				seen[fmt.Sprint(rec[key])]++
			}
			assert.Len(t, seen, rows, "every person in the CRM")
			for k, n := range seen {
				assert.Equal(t, 1, n, "%s stored %d times", k, n)
			}
			done := importReadCSV(t, filepath.Join(dir, "pary.csv."+vendor+".done.csv"), ';')
			idCol := importColumn(done, importer.ColID)
			ids := map[string]int{}
			for _, row := range done[1:] {
				ids[row[idCol]]++
			}
			for id, n := range ids {
				assert.Equal(t, 1, n, "id %s given to %d rows of the done report", id, n)
			}
		})
	}
}
