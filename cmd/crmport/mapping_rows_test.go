package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
)

// writeFiles writes name → content into a new folder and returns its path.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
	}
	return dir
}

// `mapping check FILE` reads the rows (issue 14, item 5): a column that
// fails on every row read makes it exit 1 with the count and an example;
// a column that fails on some rows is reported with exit 0.
func TestMappingCheckReadsTheRows(t *testing.T) {
	t.Parallel()
	csv := "Nazwisko;E-mail;Telefon\r\n"
	for _, r := range []string{"Kowalski;a1@example.pl;601 000 019", "Nowak;a2@example.pl;601 000 020", "Wiśniewski;zły adres;601 000 021"} {
		csv += r + "\r\n"
	}
	dir := writeFiles(t, map[string]string{
		"k.csv":      csv,
		"wrong.yaml": "vendor: thulium\nfields:\n  surname: Nazwisko\n  phone_number: E-mail\n",
		"right.yaml": "vendor: thulium\nfields:\n  surname: Nazwisko\n  email: E-mail\n  phone_number: Telefon\n",
	})
	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "mapping", "check", "-m", filepath.Join(dir, "wrong.yaml"), filepath.Join(dir, "k.csv"))
	assert.Equal(t, exitError, code, stderr)
	assert.Contains(t, stderr, `phone_number ← E-mail: 3 of 3 rows fail: "a1@example.pl" is not a phone number`)
	assert.Contains(t, stderr, "every row fails")

	f, _ = testFactory()
	code, out, stderr := execCrmport(t, f, "mapping", "check", "-m", filepath.Join(dir, "right.yaml"), filepath.Join(dir, "k.csv"))
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, `email ← E-mail: 1 of 3 rows fail: "zły adres" is not an e-mail address (e.g. row 4)`)
	assert.NotContains(t, out, "every row fails")
}

// With `transform: [phone]` and no `region:`, check says where the region
// came from: here the file's encoding, windows-1251 (issue 14, item 2).
func TestMappingCheckSaysThePhoneRegionEvidence(t *testing.T) {
	t.Parallel()
	csv, err := charmap.Windows1251.NewEncoder().String("Компания;Телефон\r\nРомашка;8(912)884-45-55\r\nЛютик;8 (343) 555-12-12\r\n")
	require.NoError(t, err)
	dir := writeFiles(t, map[string]string{
		"k.csv":  csv,
		"m.yaml": "vendor: thulium\nfields:\n  surname: Компания\n  phone_number: {column: Телефон, transform: [phone]}\n",
	})
	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "mapping", "check", "-m", filepath.Join(dir, "m.yaml"), filepath.Join(dir, "k.csv"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "phone_number: numbers without a country code are read as RU ones (from the file's encoding windows-1251)")
}

// The SalesMan doc's own phone imports into SalesMan with a mapping that
// has no region (issue 14, item 2).
func TestSalesmanDocPhoneImports(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"k.csv":  "Firma;Telefon\r\nRomashka;8(912)884-45-55\r\n",
		"m.yaml": "vendor: salesman\nfields:\n  title: Firma\n  phone: Telefon\n",
	})
	sb, env := startEnv(t)
	code, _, stderr := crmportWithEnv(t, env, "import", "--rate", "0", "--report-dir", dir, "-m", filepath.Join(dir, "m.yaml"), filepath.Join(dir, "k.csv"))
	require.Equal(t, exitOK, code, stderr)
	recs := sb.Fakes()["salesman"].Records()
	require.Len(t, recs, 1)
	assert.Equal(t, "8(912)884-45-55", recs[0]["phone"])
}

// An import with a broken mapping lists every problem, in line order.
func TestImportListsEveryMappingProblem(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"k.csv":  "Nazwisko;E-mail;Telefon\r\nKowalski;a1@example.pl;601 000 019\r\n",
		"m.yaml": "vendor: thulium\nfields:\n  emial: E-mail\n  surname: {column: Nazwisko, transform: lowr}\n  phone_number: {column: Telefon, region: XX}\n",
	})
	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "import", "--dry-run", "--report-dir", dir, "-m", filepath.Join(dir, "m.yaml"), filepath.Join(dir, "k.csv"))
	assert.Equal(t, exitError, code)
	i1 := strings.Index(stderr, `m.yaml:3:3: unknown field "emial"`)
	i2 := strings.Index(stderr, `m.yaml:4:42: unknown transform "lowr"`)
	i3 := strings.Index(stderr, `m.yaml:5:43: field "phone_number": unknown phone region "XX"`)
	assert.True(t, i1 >= 0 && i2 > i1 && i3 > i2, "every problem, in line order:\n%s", stderr)
	assert.Contains(t, stderr, "3 problems to fix")
}

// --mode upsert without a key says which of the vendor's own fields can be
// one (issue 14, item 3).
func TestUpsertWithoutKeyNamesTheVendorsFields(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"k.csv":  "Firma;E-mail\r\nAcme;a@acme.pl\r\n",
		"m.yaml": "vendor: salesman\nfields:\n  title: Firma\n  mail_url: E-mail\n",
	})
	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "import", "--dry-run", "--mode", "upsert", "--report-dir", dir, "-m", filepath.Join(dir, "m.yaml"), filepath.Join(dir, "k.csv"))
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, "--mode upsert needs a key")
	assert.Contains(t, stderr, "`key: uid` (your own id for the client), `key: mail_url`")

	// The advice followed: the line added, the same command runs.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "m.yaml"), []byte("vendor: salesman\nkey: mail_url\nfields:\n  title: Firma\n  mail_url: E-mail\n"), 0o600))
	code, _, stderr = execCrmport(t, f, "import", "--dry-run", "--mode", "upsert", "--report-dir", dir, "-m", filepath.Join(dir, "m.yaml"), filepath.Join(dir, "k.csv"))
	assert.Equal(t, exitOK, code, stderr)
}

// The advice of mapping check, followed: an unknown field points to
// `crmport fields --vendor salesman`, which lists the right name; a field
// switched off on a fresh account points to the same command, which shows
// whether it is on.
func TestMappingCheckAdviceIsFollowed(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"m.yaml": "vendor: salesman\nfields:\n  title: Firma\n  mial_url: E-mail\n  des: Uwagi\n",
	})
	f, _ := testFactory()
	mp := filepath.Join(dir, "m.yaml")
	code, _, stderr := execCrmport(t, f, "mapping", "check", "-m", mp)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr, `unknown field "mial_url" for SalesMan (did you mean "mail_url"?); `+"`crmport fields --vendor salesman` lists them")

	code, fields, stderr := execCrmport(t, f, "fields", "--vendor", "salesman")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `(?m)^mail_url\s`, fields, "the list names the field")
	assert.Regexp(t, `(?m)^des\s.*Off on a fresh install`, fields, "and says des is off on a fresh account (with an account set, its ACTIVE column says whether it is on there)")

	require.NoError(t, os.WriteFile(mp, []byte("vendor: salesman\nfields:\n  title: Firma\n  mail_url: E-mail\n  des: Uwagi\n"), 0o600))
	code, stdout, stderr := execCrmport(t, f, "mapping", "check", "-m", mp)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "note: des is switched off on a fresh SalesMan account, which then drops its values silently; `crmport fields --vendor salesman` shows whether it is on for yours")
}
