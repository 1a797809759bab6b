package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/job"
)

// A file with a header and no data rows is not a silent success: the
// dry run and the real run both say so (exit 0: nothing failed, and a
// scheduled import of an empty day's file is not an error), and --json
// still prints its object.
func TestImportHeaderOnlyFileSaysSo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "puste.csv")
	require.NoError(t, os.WriteFile(csvPath, []byte("Firma;Telefon\r\n"), 0o600))
	xlsxPath := filepath.Join(dir, "puste.xlsx")
	x := excelize.NewFile()
	require.NoError(t, x.SetSheetName("Sheet1", "Klienci"))
	require.NoError(t, x.SetSheetRow("Klienci", "A1", &[]any{"Firma", "Telefon"}))
	require.NoError(t, x.SaveAs(xlsxPath))
	require.NoError(t, x.Close())
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte("vendor: salesman\nfields:\n  title: Firma\n  phone: Telefon\n"), 0o600))

	for _, tt := range []struct {
		name, input string
		args        []string
		want        string
	}{
		{"dry run", csvPath, []string{"--dry-run"}, "Dry run of puste.csv"},
		{"dry run quiet", csvPath, []string{"--dry-run", "-q"}, "Dry run of puste.csv"},
		{"real run", csvPath, nil, "Nothing imported from puste.csv"},
		{"xlsx", xlsxPath, []string{"--dry-run"}, `no data rows in the sheet "Klienci"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--sandbox", "--json", "-m", mp, tt.input}, tt.args...)
			r := runImportCmd(t.Context(), t, "salesman", sandbox.Options{}, args...)
			require.Equal(t, exitOK, r.code, r.errOut)
			assert.Contains(t, r.errOut, tt.want)
			assert.Contains(t, r.errOut, "the file has a header but no data rows")
			assert.NotContains(t, r.errOut, "without --dry-run", "nothing to import, so no next command")
			var sum importJSON
			require.NoError(t, json.Unmarshal([]byte(r.out), &sum), "one JSON object on stdout: %q", r.out)
			assert.Zero(t, sum.Rows)
			assert.Zero(t, sum.Failed)
			assert.Empty(t, r.fake.Records())
		})
	}
}

// An export that finds nothing says why: with a filter, how many clients
// the CRM holds without it (read from one unfiltered page).
func TestExportFindingNothingSaysWhy(t *testing.T) {
	t.Parallel()
	three := []crm.Record{{"surname": "Nowak"}, {"surname": "Kowalski"}, {"surname": "Wiśniewski"}}
	for _, tt := range []struct {
		name string
		seed []crm.Record // nil: the sandbox's 250 clients
		args []string
		want string
	}{
		{"filter, large CRM", nil, []string{"--filter", "type=VIP"}, "No client matches type=VIP (Thulium holds at least 100 clients): check the filter's name and value."},
		{"filter, small CRM", three, []string{"--filter", "type=VIP", "--filter", "email=x@y.pl"}, "No client matches email=x@y.pl, type=VIP (Thulium holds 3 clients)"},
		{"filter, empty CRM", []crm.Record{}, []string{"--filter", "type=VIP"}, "No client matches type=VIP: Thulium holds no clients at all."},
		{"no filter, empty CRM", []crm.Record{}, nil, "Thulium holds no clients, so only the header was written."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := testFactory()
			if tt.seed != nil {
				f.onSandbox = seedOnce("thulium", tt.seed)
			}
			out := filepath.Join(t.TempDir(), "vip.csv")
			args := append([]string{"export", "--vendor", "thulium", "--sandbox", "-o", out, "--json"}, tt.args...)
			code, stdout, stderr := execCrmport(t, f, args...)
			require.Equal(t, exitOK, code, stderr)
			assert.Contains(t, stderr, tt.want)
			var sum exportSummary
			require.NoError(t, json.Unmarshal([]byte(stdout), &sum), "one JSON object on stdout: %q", stdout)
			assert.Zero(t, sum.Rows)
			assert.Equal(t, out, sum.Output)
			assert.FileExists(t, out)
		})
	}
}

func TestEmptyExportNote(t *testing.T) {
	t.Parallel()
	res := job.ExportResult{Title: "BaseLinker", Empty: &job.EmptyExport{
		Conditions: []string{"filter_email=@firma.pl", "created since 2025-01-01", "created until 2025-01-31"}, Holds: 7}}
	assert.Equal(t, "No client matches filter_email=@firma.pl, created since 2025-01-01, created until 2025-01-31 (BaseLinker holds 7 clients): check the filter's name and value.", emptyExportNote(res))
	res.Empty.Holds = 1
	assert.Contains(t, emptyExportNote(res), "(BaseLinker holds 1 client)")
	res.Empty.More = true
	assert.Contains(t, emptyExportNote(res), "(BaseLinker holds at least 1 client)")
	res.Empty.Unknown = true
	assert.Equal(t, "No client matches filter_email=@firma.pl, created since 2025-01-01, created until 2025-01-31, so only the header was written: check the filter's name and value.", emptyExportNote(res), "the hint never fails the export")
	res.Empty = &job.EmptyExport{}
	assert.Equal(t, "BaseLinker holds no clients, so only the header was written.", emptyExportNote(res))
}

// The advice for an empty sheet — "if the clients are on another sheet,
// choose it with --sheet NAME" — does what it says: the same command with
// --sheet and the other sheet's name imports that sheet's rows.
func TestEmptySheetAdviceChoosesTheOtherSheet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "klienci.xlsx")
	x := excelize.NewFile()
	require.NoError(t, x.SetSheetName("Sheet1", "Klienci"))
	require.NoError(t, x.SetSheetRow("Klienci", "A1", &[]any{"Firma", "Telefon"}))
	_, err := x.NewSheet("Archiwum")
	require.NoError(t, err)
	for i, row := range [][]any{{"Firma", "Telefon"}, {"Żółć sp. z o.o.", "+48 22 555 00 19"}, {"Łąka", "+48 22 555 00 20"}} {
		require.NoError(t, x.SetSheetRow("Archiwum", "A"+string(rune('1'+i)), &row))
	}
	x.SetActiveSheet(0) // Excel opens on the empty one
	require.NoError(t, x.SaveAs(path))
	require.NoError(t, x.Close())
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte("vendor: salesman\nfields:\n  title: Firma\n  phone: Telefon\n"), 0o600))

	args := []string{"--sandbox", "-m", mp, path}
	r := runImportCmd(t.Context(), t, "salesman", sandbox.Options{}, args...)
	require.Equal(t, exitOK, r.code, r.errOut)
	assert.Contains(t, r.errOut, `no data rows in the sheet "Klienci"`)
	assert.Contains(t, r.errOut, "choose it with --sheet NAME")
	assert.Contains(t, r.errOut, `the workbook has data in other sheets too: "Archiwum"`)
	assert.Empty(t, r.fake.Records())

	r = runImportCmd(t.Context(), t, "salesman", sandbox.Options{}, append(args, "--sheet", "Archiwum")...)
	require.Equal(t, exitOK, r.code, r.errOut)
	assert.Len(t, r.fake.Records(), 2, r.errOut)
}
