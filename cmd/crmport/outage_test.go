package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/importer"
)

// TestImportCRMFailingEveryRequest: a CRM that answers but fails every
// request (an outage: HTTP 503) is "could not run" (exit 1), not "fix
// your rows" (exit 2); the advice — run the same command again later —
// imports every row once when the CRM is back.
func TestImportCRMFailingEveryRequest(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(input, []byte("Nazwisko;E-mail\r\nNowak;n@firma.pl\r\nKowalski;k@firma.pl\r\nWiśniewski;w@firma.pl\r\n"), 0o644))
	mpath := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mpath, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: E-mail\n"), 0o644))
	sb, env := startEnv(t)
	fake := sb.Fakes()["thulium"]
	// Each of the 3 rows is tried twice (--retries 1): 6 answers of 503.
	fake.Inject(crm.Fault{Op: "POST /api/customers", Status: 503, Times: 6})
	run := func() (exitCode, string) {
		code, _, stderr := crmportWithEnv(t, env, "import", "--retries", "1", "-m", mpath, input)
		return code, stderr
	}
	code, stderr := run()
	assert.Equal(t, exitError, code, stderr)
	assert.Contains(t, stderr, "Nothing imported from k.csv into Thulium: the CRM failed every request")
	assert.Contains(t, stderr, "not your data's. Run the same command again later")
	assert.NotContains(t, stderr, "Fix the", "the rows have nothing to fix")
	assert.Empty(t, fake.Records())

	// The CRM is back: the same command imports every row once.
	code, stderr = run()
	require.Equal(t, exitOK, code, stderr)
	assert.Len(t, fake.Records(), 3)
}

// TestImportTemporaryFailuresAdvice: rows that failed for a temporary
// reason while others went in are not blamed on the data: the advice is
// the same command again (which looks them up first), never the error
// report, and following it imports each row once.
func TestImportTemporaryFailuresAdvice(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(input, []byte("Nazwisko;E-mail\r\nNowak;n@firma.pl\r\nKowalski;k@firma.pl\r\nZły;not-an-email\r\n"), 0o644))
	mpath := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mpath, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: {column: E-mail, transform: [email]}\n"), 0o644))
	sb, env := startEnv(t)
	fake := sb.Fakes()["thulium"]
	// Kowalski's create commits, but the answer is lost twice and the look-
	// ups fail, so the outcome is unknown; the fault then runs out.
	fake.Inject(crm.Fault{Op: "POST /api/customers", Match: "Kowalski", Commit: true, Times: 1})
	fake.Inject(crm.Fault{Op: "GET /api/customers", Status: 503, Times: 4})
	run := func() (exitCode, string) {
		code, _, stderr := crmportWithEnv(t, env, "import", "--retries", "1", "--workers", "1", "-m", mpath, input)
		return code, stderr
	}
	code, stderr := run()
	require.Equal(t, exitRowsFailed, code, stderr)
	assert.Contains(t, stderr, "First run the same command again: the 1 row that failed for a temporary reason is tried again")
	assert.Contains(t, stderr, "Then fix the rows still in")
	// The report words the lost answer for a person, and what the next
	// run does; the transport's words (URLs, EOF) stay out.
	errs := importReadCSV(t, filepath.Join(dir, "k.csv.thulium.errors.csv"), ';')
	var reasons []string
	for _, r := range errs[1:] {
		reasons = append(reasons, r[importColumn(errs, importer.ColError)])
	}
	assert.Contains(t, reasons, "sent, but the CRM's answer was lost (the connection closed before the answer): the next run of the same command looks this client up first, so it is not created twice")
	for _, r := range reasons {
		assert.NotContains(t, r, "http://")
	}

	code, stderr = run()
	assert.Equal(t, exitRowsFailed, code, "the bad e-mail is still bad: %s", stderr)
	byName := map[string]int{}
	for _, r := range fake.Records() {
		byName[r["surname"].(string)]++
	}
	assert.Equal(t, map[string]int{"Nowak": 1, "Kowalski": 1}, byName, "the row whose answer was lost is looked up, not created twice")
}
