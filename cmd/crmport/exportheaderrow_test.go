package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An export through a mapping whose header is not on row 1 writes the
// header where the mapping reads it, so the file imports back with the
// same mapping. Before, the header went to row 1 and the import took the
// first client's row for the header.
func TestExportWithHeaderRowImportsBack(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(input, []byte("Lista klientów 2026\r\n\r\nFirma;E-mail\r\nAlfa;a@alfa.pl\r\nBeta;b@beta.pl\r\n"), 0o600))
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte("vendor: salesman\nsource:\n  header_row: 3\n  delimiter: \";\"\nfields:\n  title: Firma\n  mail_url: E-mail\n"), 0o600))
	_, env := startEnv(t)
	code, _, stderr := crmportWithEnv(t, env, "import", "--rate", "0", "--report-dir", dir, "-m", mp, input)
	require.Equal(t, exitOK, code, stderr)

	for _, name := range []string{"out.csv", "out.xlsx"} {
		out := filepath.Join(dir, name)
		code, _, stderr = crmportWithEnv(t, env, "export", "-m", mp, "-o", out)
		require.Equal(t, exitOK, code, stderr)
		if strings.HasSuffix(name, ".xlsx") {
			_, _, rows := readXLSX(t, out)
			require.GreaterOrEqual(t, len(rows), 3)
			assert.Equal(t, []string{"Firma", "E-mail"}, rows[2], "the header on row 3")
		} else {
			data, err := os.ReadFile(out)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(string(data), "\ufeff\r\n\r\nFirma;E-mail\r\n"), "%q", data)
		}
		code, _, stderr = crmportWithEnv(t, env, "import", "--dry-run", "--report-dir", dir, "-m", mp, out)
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stderr, "2 rows: 2 would be created", name)
	}
}
