package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportRepeatedAndEmptyHeaders: a file with two "Telefon" columns and
// a column of notes without a header loses nothing unseen: the summary
// says which column repeats which and how each is named, and a mapping
// reaches the second "Telefon" as "Telefon (2)" and the notes as
// "Column D" (the bad phone of row 3 is the second column's value).
func TestImportRepeatedAndEmptyHeaders(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "klienci.csv")
	require.NoError(t, os.WriteFile(in, []byte("Nazwisko;Imię;Telefon;;Telefon;E-mail\r\n"+
		"Kowalski;Jan;600100200;dzwonić po 16;700800900;jan@example.pl\r\n"+
		"Nowak;Ewa;600100201;;nie ma;ewa@example.pl\r\n"), 0o600))
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  name: Imię\n"+
		"  phone_number: {column: Telefon (2), transform: [phone], region: PL}\n  note: Column D\n  email: E-mail\n"), 0o600))
	reports := t.TempDir()

	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "import", "--sandbox", "--dry-run", "-m", mp, "--report-dir", reports, in)
	require.Equal(t, exitRowsFailed, code, stderr)
	assert.Contains(t, stderr, `column D has no header: its values are read as column "Column D"`)
	assert.Contains(t, stderr, `column E has the same header "Telefon" as column C: its values are read as column "Telefon (2)"`)
	assert.Contains(t, stderr, "2 rows: 1 would be created, 1 would fail")
	errs, err := os.ReadFile(filepath.Join(reports, "klienci.csv.thulium.dry-run.errors.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(errs), `column ""Telefon (2)"": ""nie ma"" is not a phone number`)
	assert.Contains(t, string(errs), "Nazwisko;Imię;Telefon;Column D;Telefon (2);E-mail;crmport_row", "the report names the columns as the mapping does")

	f, _ = testFactory()
	code, out, stderr := execCrmport(t, f, "mapping", "check", "-m", mp, in)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "phone_number ← Telefon (2)")
	assert.Contains(t, out, `column E has the same header "Telefon" as column C`)
}
