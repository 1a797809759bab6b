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

// contactsMapping is the mapping of importWriteContacts's file for vendor,
// and the field its Firma column goes to.
func contactsMapping(vendor string) (yaml, titleField string) {
	switch vendor {
	case "thulium":
		return "vendor: thulium\nsource:\n  delimiter: \";\"\nfields:\n  surname: Firma\n  phone_number: Telefon\n  email: {column: E-mail, transform: [email]}\n", "surname"
	case "baselinker":
		return "vendor: baselinker\nsource:\n  delimiter: \";\"\nfields:\n  invoice_company: Firma\n  phone: Telefon\n  email: {column: E-mail, transform: [email]}\n", "invoice_company"
	}
	return "vendor: salesman\nsource:\n  delimiter: \";\"\nfields:\n  title: Firma\n  phone: Telefon\n  mail_url: {column: E-mail, transform: [email]}\n", "title"
}

// writeDuplicates writes a file of 6 rows where row 4 has row 2's e-mail
// (written differently) and a phone number row 2 lacks, and row 6 has row
// 3's phone number (written differently), with the mapping for vendor.
func writeDuplicates(t *testing.T, dir, vendor string) (input, mp string) {
	t.Helper()
	input = filepath.Join(dir, "kontakty.csv")
	rows := []string{
		"Firma;Telefon;E-mail",
		"Alfa;;jan.kowalski@example.pl",
		"Beta;+48 600 100 002;beta@example.pl",
		"Gamma;+48 600 100 003;  Jan.Kowalski@Example.PL ",
		"Delta;+48 600 100 004;delta@example.pl",
		"Epsilon;0048 600-100-002;epsilon@example.pl",
		"Zeta;+48 600 100 006;zeta@example.pl",
	}
	require.NoError(t, os.WriteFile(input, []byte(strings.Join(rows, "\n")+"\n"), 0o644))
	y, _ := contactsMapping(vendor)
	mp = filepath.Join(dir, "kontakty.yaml")
	require.NoError(t, os.WriteFile(mp, []byte(y), 0o644))
	return input, mp
}

func TestImportDuplicatesInTheFile(t *testing.T) {
	t.Parallel()
	for _, vendor := range []string{"salesman", "thulium", "baselinker"} {
		t.Run(vendor, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			in, mp := writeDuplicates(t, dir, vendor)
			_, title := contactsMapping(vendor)

			// The dry run names them.
			r := runImportCmd(t.Context(), t, vendor, sandbox.Options{}, "--sandbox", "--dry-run", "--dedupe", "email,phone", "-m", mp, in)
			require.Equal(t, exitRowsFailed, r.code, r.errOut)
			assert.Contains(t, r.errOut, "6 rows: 4 would be created, 2 would fail")
			assert.Contains(t, r.errOut, "2 rows are the same client as another row of the file")
			errs := importReadCSV(t, filepath.Join(dir, "kontakty.csv."+vendor+".dry-run.errors.csv"), ';')
			require.Len(t, errs, 3)
			reason := importColumn(errs, importer.ColError)
			assert.Contains(t, errs[1][reason], "same e-mail as row 2 (jan.kowalski@example.pl)")
			assert.Contains(t, errs[2][reason], "same phone number as row 3 (+48600100002)")

			// The real run sends the first of each and reports the others.
			r = runImportCmd(t.Context(), t, vendor, sandbox.Options{}, "--sandbox", "--dedupe", "email,phone", "-m", mp, in)
			require.Equal(t, exitRowsFailed, r.code, r.errOut)
			assert.Contains(t, r.errOut, "6 rows: 4 created, 2 failed")
			names := map[string]int{}
			for _, rec := range r.fake.Records() {
				names[fmt.Sprint(rec[title])]++
			}
			assert.Equal(t, map[string]int{"Alfa": 1, "Beta": 1, "Delta": 1, "Zeta": 1}, names)
			errs = importReadCSV(t, filepath.Join(dir, "kontakty.csv."+vendor+".errors.csv"), ';')
			require.Len(t, errs, 3)
			assert.Equal(t, "Gamma", errs[1][0])
			assert.Contains(t, errs[1][reason], "same e-mail as row 2 (jan.kowalski@example.pl)")

			// Merged, the first row gets the later row's empty cells and
			// every row is in the done report.
			r = runImportCmd(t.Context(), t, vendor, sandbox.Options{}, "--sandbox", "--dedupe", "email,phone", "--duplicates", "merge", "-m", mp, in)
			require.Equal(t, exitOK, r.code, r.errOut)
			assert.Contains(t, r.errOut, "6 rows: 4 created, 2 merged")
			done := importReadCSV(t, filepath.Join(dir, "kontakty.csv."+vendor+".done.csv"), ';')
			require.Len(t, done, 7)
			note := importColumn(done, importer.ColNote)
			status := importColumn(done, importer.ColStatus)
			require.Positive(t, note)
			assert.Equal(t, "merged", done[3][status])
			assert.Equal(t, "merged into row 2: same e-mail as row 2 (jan.kowalski@example.pl)", done[3][note])
			phone := map[string]string{"salesman": "phone", "thulium": "phone_number", "baselinker": "phone"}[vendor]
			assert.Equal(t, "merged row 4: took "+phone+" from row 4", done[1][note])
			assert.Equal(t, "merged row 6 (it added nothing)", done[2][note])
			require.Len(t, r.fake.Records(), 4)
			for _, rec := range r.fake.Records() {
				if rec[title] == "Alfa" {
					assert.Contains(t, strings.ReplaceAll(fmt.Sprint(rec[phone]), " ", ""), "600100003", "row 2 was sent with row 4's phone")
				}
			}
		})
	}
}

func TestImportDedupeFlags(t *testing.T) {
	t.Parallel()
	runFlagTable(t, newImportCmd, []flagCase[importOptions]{
		{"default", "-m m.yaml c.csv", func(t *testing.T, o *importOptions) {
			assert.Equal(t, []importer.DedupeRule{importer.DedupeKey, importer.DedupeEmail}, o.Dedupe)
			assert.Equal(t, importer.DuplicatesFirst, o.Duplicates)
		}, ""},
		{"every rule, merge", "-m m.yaml --dedupe key,email,phone,tax_id --duplicates merge c.csv", func(t *testing.T, o *importOptions) {
			assert.Equal(t, []importer.DedupeRule{importer.DedupeKey, importer.DedupeEmail, importer.DedupePhone, importer.DedupeTaxID}, o.Dedupe)
			assert.Equal(t, importer.DuplicatesMerge, o.Duplicates)
		}, ""},
		{"none", "-m m.yaml --dedupe none c.csv", func(t *testing.T, o *importOptions) {
			assert.Empty(t, o.Dedupe)
		}, ""},
		{"bad rule", "-m m.yaml --dedupe name c.csv", nil, `unknown rule "name"`},
		{"bad policy", "-m m.yaml --duplicates last c.csv", nil, "--duplicates"},
	})
}
