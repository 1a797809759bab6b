package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/mapping"
)

// TestMappingInitReadsByContent: a workbook renamed .csv is read as the
// workbook it is, and binary junk is refused with a plain message and a
// failing exit status instead of "placed 0 of 1 columns".
func TestMappingInitReadsByContent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	xlsx, err := os.ReadFile(samplePath("klienci.xlsx"))
	require.NoError(t, err)
	renamed := filepath.Join(dir, "klienci.csv")
	require.NoError(t, os.WriteFile(renamed, xlsx, 0o644))

	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "mapping", "init", "--vendor", "thulium", renamed)
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stderr, "placed 0 of")
	assert.Contains(t, out, "sheet: Klienci", "read as a workbook")
	m, err := mapping.Parse("guessed.yaml", []byte(out), f.vendors())
	require.NoError(t, err, out)
	assert.NotEmpty(t, m.Fields)

	junk := make([]byte, 8192)
	for i := range junk {
		junk[i] = byte(i*131 + i/7)
	}
	bad := filepath.Join(dir, "kontakty.csv")
	require.NoError(t, os.WriteFile(bad, junk, 0o644))
	f, _ = testFactory()
	code, out, stderr = execCrmport(t, f, "mapping", "init", "--vendor", "thulium", bad)
	assert.Equal(t, exitError, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "kontakty.csv: this is not a text or Excel file")
	assert.NotContains(t, stderr, "placed")

	ole2 := append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 1000)...)
	old := filepath.Join(dir, "stary.csv")
	require.NoError(t, os.WriteFile(old, ole2, 0o644))
	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "mapping", "init", "--vendor", "thulium", old)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "old Excel 97-2003 files (.xls) are not supported")
}

// TestImportMacLineEnds imports the Polish sample saved with CR-only line
// ends (old Mac Excel): the same clients as from the Windows file.
func TestImportMacLineEnds(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(samplePath("klienci-pl.csv"))
	require.NoError(t, err)
	in := filepath.Join(t.TempDir(), "klienci-mac.csv")
	require.NoError(t, os.WriteFile(in, bytes.ReplaceAll(data, []byte("\r\n"), []byte("\r")), 0o644))
	r := runImportCmd(t.Context(), t, "thulium", sandbox.Options{}, "--sandbox", "--rate", "0", "--json", "-m", samplePath("thulium.yaml"), in)
	require.Equal(t, exitRowsFailed, r.code, r.errOut)
	var js map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.out), &js), r.out)
	assert.EqualValues(t, 22, js["created"], "as from the CRLF file (TestImportSamples)")
	assert.EqualValues(t, 1, js["failed"])
	assert.Len(t, r.fake.Records(), 22)
}

// TestUnclearEncodingAsksForIt: too little text to tell windows-1252 from
// windows-1250 stops with both readings shown, and --encoding settles it.
func TestUnclearEncodingAsksForIt(t *testing.T) {
	t.Parallel()
	text, err := charmap.Windows1252.NewEncoder().String("Nom;Ville\r\nHélène;Paris\r\n")
	require.NoError(t, err)
	in := filepath.Join(t.TempDir(), "contacts.csv")
	require.NoError(t, os.WriteFile(in, []byte(text), 0o644))

	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "mapping", "init", "--vendor", "thulium", in)
	assert.Equal(t, exitError, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "cannot tell which encoding the file is in")
	assert.Contains(t, stderr, `"Hélène;Paris"`)
	assert.Contains(t, stderr, `"Hélčne;Paris"`)

	f, _ = testFactory()
	code, out, stderr = execCrmport(t, f, "mapping", "init", "--vendor", "thulium", "--encoding", "windows-1252", in)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "encoding: windows-1252", "the mapping keeps the encoding given")
	assert.Contains(t, out, "Nom")
}

// TestImportUnclearEncoding: an import of a file whose encoding cannot be
// told sends nothing and says what to write in the mapping; with it, the
// names arrive intact.
func TestImportUnclearEncoding(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	text, err := charmap.Windows1252.NewEncoder().String("Nom;Ville\r\nLefèvre;Paris\r\n")
	require.NoError(t, err)
	in := filepath.Join(dir, "contacts.csv")
	require.NoError(t, os.WriteFile(in, []byte(text), 0o644))
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte("vendor: thulium\nfields:\n  surname: Nom\n  address.city: Ville\n"), 0o644))

	r := runImportCmd(t.Context(), t, "thulium", sandbox.Options{}, "--sandbox", "--rate", "0", "-m", mp, in)
	assert.Equal(t, exitError, r.code, r.errOut)
	assert.Contains(t, r.errOut, "cannot tell which encoding the file is in")
	assert.Contains(t, r.errOut, "encoding: windows-1252")
	if r.fake != nil {
		assert.Empty(t, r.fake.Records())
	}

	require.NoError(t, os.WriteFile(mp, []byte("vendor: thulium\nsource:\n  encoding: windows-1252\nfields:\n  surname: Nom\n  address.city: Ville\n"), 0o644))
	r = runImportCmd(t.Context(), t, "thulium", sandbox.Options{}, "--sandbox", "--rate", "0", "-m", mp, in)
	require.Equal(t, exitOK, r.code, r.errOut)
	require.Len(t, r.fake.Records(), 1)
	assert.Equal(t, "Lefèvre", r.fake.Records()[0]["surname"])
}
