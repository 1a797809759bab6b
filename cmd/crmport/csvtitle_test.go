package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
)

// TestImportCSVWithTitleRow: a Polish Excel CSV (windows-1250, ';') with
// a title and a blank row above its header imports into the sandbox like
// the same workbook would: the header is row 3, every row below it is
// created, and the summary names the title row.
func TestImportCSVWithTitleRow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	text := "Lista klientów 2026;;;\r\n;;;\r\n" +
		"Nazwisko;Imię;E-mail;Miasto\r\n" +
		"Kowalski;Jan;jan@example.pl;Łódź\r\n" +
		"Wójcik;Łukasz;lukasz@example.pl;Kraków\r\n" +
		"Świątek;Małgorzata;malgorzata@example.pl;Gdańsk\r\n"
	data, err := charmap.Windows1250.NewEncoder().Bytes([]byte(text))
	require.NoError(t, err)
	in := filepath.Join(dir, "klienci.csv")
	require.NoError(t, os.WriteFile(in, data, 0o600))
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte(notesMapping), 0o600))

	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "import", "--sandbox", "--rate", "0", "-m", mp, "--report-dir", t.TempDir(), in)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, `the header is row 3; the rows above it were taken as titles, not data: row 1 "Lista klientów 2026"`)
	assert.Contains(t, stderr, "3 rows: 3 created")
}
