package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A dry run after a real run of the same import reads its journal: rows
// already imported are said to be skipped, not "would be created" again,
// and the journal is left as it was.
func TestDryRunReadsTheJournal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(input, []byte("Nazwisko;E-mail\r\nNowak;n@firma.pl\r\nKowalski;k@firma.pl\r\nZły;not-an-email\r\n"), 0o644))
	mpath := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mpath, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: {column: E-mail, transform: [email]}\n"), 0o644))
	_, env := startEnv(t)
	run := func(args ...string) (exitCode, string) {
		code, _, stderr := crmportWithEnv(t, env, append([]string{"import", "-m", mpath, input}, args...)...)
		return code, stderr
	}
	code, stderr := run()
	require.Equal(t, exitRowsFailed, code, stderr)
	journal := filepath.Join(dir, "k.csv.thulium.journal")
	before, err := os.ReadFile(journal)
	require.NoError(t, err)

	code, stderr = run("--dry-run")
	require.Equal(t, exitRowsFailed, code, stderr)
	assert.Contains(t, stderr, "3 rows: 2 already imported by an earlier run (the import skips them), 1 would fail")
	assert.NotContains(t, stderr, "would be created")
	after, err := os.ReadFile(journal)
	require.NoError(t, err)
	assert.Equal(t, string(before), string(after), "a dry run never writes the journal")
}
