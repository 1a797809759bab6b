package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmport/crmport/internal/testkit"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/crmport/crmport/crm"
)

// thuliumContacts writes rows first..last of the test contacts as
// kontakty.csv in dir, and a Thulium mapping for them.
func thuliumContacts(t *testing.T, dir string, first, last int) (input, mapping string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o755))
	input = filepath.Join(dir, "kontakty.csv")
	importWriteContactRows(t, input, first, last)
	mapping = filepath.Join(dir, "thulium.yaml")
	require.NoError(t, os.WriteFile(mapping, []byte("vendor: thulium\nfields:\n  surname: Firma\n  phone_number: Telefon\n  email: {column: E-mail, transform: [email]}\n"), 0o644))
	return input, mapping
}

// surnames counts the emulator's clients by surname.
func surnames(fake crm.Fake) map[string]int {
	out := map[string]int{}
	for _, r := range fake.Records() {
		out[fmt.Sprint(r["surname"])]++
	}
	return out
}

// kontakty.csv and kontakty.xlsx in one folder are two imports: each has
// its own journal and reports, each creates its rows once, and running
// either again sends nothing. A journal of crmport 1.0's naming
// (kontakty.thulium.journal) written for the file is adopted.
func TestImportCSVAndXLSXOfOneFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csvIn, mp := thuliumContacts(t, dir, 1, 3)
	xlsxIn := filepath.Join(dir, "kontakty.xlsx")
	x := excelize.NewFile()
	require.NoError(t, x.SetSheetRow("Sheet1", "A1", &[]any{"Firma", "Telefon", "E-mail"}))
	for i := 4; i <= 6; i++ {
		require.NoError(t, x.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i-2), &[]any{fmt.Sprintf("Firma Testowa %04d", i), fmt.Sprintf("+48 600 000 %03d", i), fmt.Sprintf("biuro%04d@firma.pl", i)}))
	}
	require.NoError(t, x.SaveAs(xlsxIn))
	require.NoError(t, x.Close())

	sb, env := startEnv(t)
	fake := sb.Fakes()["thulium"]
	imp := func(in string) (exitCode, string) {
		code, _, stderr := crmportWithEnv(t, env, "import", "-m", mp, in)
		return code, stderr
	}
	for _, in := range []string{csvIn, xlsxIn} {
		code, stderr := imp(in)
		require.Equal(t, exitOK, code, stderr)
	}
	want := map[string]int{}
	for i := 1; i <= 6; i++ {
		want[fmt.Sprintf("Firma Testowa %04d", i)] = 1
	}
	assert.Equal(t, want, surnames(fake), "each file's rows created once")
	assert.Len(t, importReadCSV(t, filepath.Join(dir, "kontakty.csv.thulium.done.csv"), ';'), 4)
	assert.Len(t, importReadXLSX(t, filepath.Join(dir, "kontakty.xlsx.thulium.done.xlsx"), "Sheet1"), 4)
	assert.FileExists(t, filepath.Join(dir, "kontakty.csv.thulium.journal"))
	assert.FileExists(t, filepath.Join(dir, "kontakty.xlsx.thulium.journal"))

	for _, in := range []string{xlsxIn, csvIn} {
		code, stderr := imp(in)
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, stderr, "3 of them were already done by an earlier run")
	}
	assert.Equal(t, want, surnames(fake), "running again sent nothing")

	// After an upgrade: the CSV's journal under the old name is adopted.
	old := filepath.Join(dir, "kontakty.thulium.journal")
	require.NoError(t, os.Rename(filepath.Join(dir, "kontakty.csv.thulium.journal"), old))
	code, stderr := imp(csvIn)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "3 of them were already done by an earlier run")
	assert.NoFileExists(t, old)
	assert.Equal(t, want, surnames(fake))
}

// Two files of the same name from different folders with one
// --report-dir: the journal belongs to the other file, and the advice is
// never --resume-changed (which would report every row as changed).
func TestImportJournalOfAnotherFile(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	a, mp := thuliumContacts(t, filepath.Join(root, "a"), 1, 3)
	b, _ := thuliumContacts(t, filepath.Join(root, "b"), 4, 6)
	rep := filepath.Join(root, "rep")
	sb, env := startEnv(t)
	imp := func(in string, extra ...string) (exitCode, string) {
		code, _, stderr := crmportWithEnv(t, env, append([]string{"import", "-m", mp, "--report-dir", rep, in}, extra...)...)
		return code, stderr
	}
	code, stderr := imp(a)
	require.Equal(t, exitOK, code, stderr)
	for _, extra := range [][]string{nil, {"--resume-changed"}} {
		code, stderr = imp(b, extra...)
		assert.Equal(t, exitError, code)
		assert.Contains(t, stderr, "belongs to the import of another file (kontakty.csv")
		assert.Contains(t, stderr, "none of the 3 rows it imported is in this file")
		assert.Contains(t, stderr, "use another --report-dir")
		assert.NotContains(t, stderr, "--resume-changed")
	}
	assert.Len(t, sb.Fakes()["thulium"].Records(), 3, "nothing of the other file was sent")
}

// --restart never loses the reports of an earlier run: a restart refused
// by the CRM (wrong password) leaves every file byte for byte in place,
// and each restart that runs keeps the earlier set as numbered copies.
func TestImportRestartKeepsEarlierReports(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in, mp := thuliumContacts(t, dir, 1, 4)
	data, err := os.ReadFile(in)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(in, []byte(strings.Replace(string(data), "biuro0002@firma.pl", "biuro0002@", 1)), 0o644))
	_, env := startEnv(t)
	imp := func(env map[string]string, extra ...string) (exitCode, string) {
		code, _, stderr := crmportWithEnv(t, env, append([]string{"import", "-m", mp, in}, extra...)...)
		return code, stderr
	}
	code, stderr := imp(env)
	require.Equal(t, exitRowsFailed, code, stderr)
	first := dirFiles(t, dir)
	for _, name := range []string{"kontakty.csv.thulium.done.csv", "kontakty.csv.thulium.errors.csv", "kontakty.csv.thulium.journal"} {
		require.Contains(t, first, name)
	}

	wrong := map[string]string{}
	for k, v := range env {
		wrong[k] = v
	}
	wrong["CRMPORT_THULIUM_PASSWORD"] = "not-the-password"
	code, stderr = imp(wrong, "--restart")
	require.Equal(t, exitError, code, stderr)
	assert.Contains(t, stderr, "401")
	assert.Contains(t, stderr, "nothing reached the CRM, so the earlier run's reports and journal are left as they were")
	assert.NotContains(t, stderr, "not-the-password")
	assert.Equal(t, first, dirFiles(t, dir), "a restart that sent nothing changed no file")

	code, stderr = imp(env, "--restart")
	require.Equal(t, exitRowsFailed, code, stderr)
	assert.Contains(t, stderr, "the earlier run's reports and journal are kept as kontakty.csv.thulium.1.journal, kontakty.csv.thulium.errors.1.csv, kontakty.csv.thulium.done.1.csv")
	second := dirFiles(t, dir)
	code, stderr = imp(env, "--restart")
	require.Equal(t, exitRowsFailed, code, stderr)
	third := dirFiles(t, dir)
	for _, kind := range []struct{ plain, one, two string }{
		{"kontakty.csv.thulium.done.csv", "kontakty.csv.thulium.done.1.csv", "kontakty.csv.thulium.done.2.csv"},
		{"kontakty.csv.thulium.errors.csv", "kontakty.csv.thulium.errors.1.csv", "kontakty.csv.thulium.errors.2.csv"},
		{"kontakty.csv.thulium.journal", "kontakty.csv.thulium.1.journal", "kontakty.csv.thulium.2.journal"},
	} {
		assert.Equal(t, first[kind.plain], third[kind.one], kind.one)
		assert.Equal(t, second[kind.plain], third[kind.two], kind.two)
		assert.Contains(t, third, kind.plain)
	}
}

// dirFiles reads every file of dir, by name.
func dirFiles(t *testing.T, dir string) map[string]string { return testkit.DirFiles(t, dir) }
