package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
)

// Rows of an error report imported again are looked up in the CRM before
// they are created: a row whose answer was lost (and reached the CRM) or
// a row that is the same client as another row of the file is never
// created twice, even when the user imports the report instead of running
// the same command again.
func TestErrorReportImportedAgainNeverCreatesTwice(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(input, []byte("Nazwisko;E-mail\r\nNowak;n@firma.pl\r\nKowalski;k@firma.pl\r\nNowak;N@Firma.pl\r\nZły;not-an-email\r\n"), 0o644))
	mpath := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mpath, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: {column: E-mail, transform: [email]}\n"), 0o644))
	sb, env := startEnv(t)
	fake := sb.Fakes()["thulium"]
	// Kowalski's create reaches the CRM but its answer is lost, and the
	// look-ups after it fail: its outcome is unknown.
	fake.Inject(crm.Fault{Op: "POST /api/customers", Match: "Kowalski", Commit: true, Times: 1})
	fake.Inject(crm.Fault{Op: "GET /api/customers", Status: 503, Times: 4})
	run := func(file string) (exitCode, string) {
		code, _, stderr := crmportWithEnv(t, env, "import", "--retries", "1", "--workers", "1", "-m", mpath, file)
		return code, stderr
	}
	code, stderr := run(input)
	require.Equal(t, exitRowsFailed, code, stderr)
	assert.Contains(t, stderr, "First run the same command again")
	assert.Contains(t, stderr, "delete the 1 row that is the same client as another row (they would create it twice)")

	// The user imports the error report as it is (Kowalski's answer lost,
	// the second Nowak a duplicate, Zły still broken).
	code, stderr = run(filepath.Join(dir, "k.csv.thulium.errors.csv"))
	assert.Equal(t, exitRowsFailed, code, "Zły's e-mail is still bad: %s", stderr)
	byName := map[string]int{}
	for _, r := range fake.Records() {
		byName[r["surname"].(string)]++
	}
	assert.Equal(t, map[string]int{"Nowak": 1, "Kowalski": 1}, byName, "nothing created twice")
}
