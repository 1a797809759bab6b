package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/crmport/crmport/crm"
)

// cellNumFmt returns the number format code of a cell ("" for General) and
// its type as excelize reads it.
func cellNumFmt(t *testing.T, x *excelize.File, sh, cell string) (string, excelize.CellType) {
	t.Helper()
	id, err := x.GetCellStyle(sh, cell)
	require.NoError(t, err)
	st, err := x.GetStyle(id)
	require.NoError(t, err)
	typ, err := x.GetCellType(sh, cell)
	require.NoError(t, err)
	code := ""
	switch {
	case st.CustomNumFmt != nil:
		code = *st.CustomNumFmt
	case st.NumFmt == 49:
		code = "@"
	}
	return code, typ
}

// TestExportThuliumDatesAreDates: Thulium's updated_at (a text field in
// its catalogue, "2026-12-02 12:16:03" in its answers) is written as a
// date-time cell in XLSX, as SalesMan's date_create is, and in the ISO
// form Excel and pandas read in CSV; the sheet is named after the data.
func TestExportThuliumDatesAreDates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f, _ := testFactory()
	out := filepath.Join(dir, "k.xlsx")
	code, _, stderr := execCrmport(t, f, "export", "--vendor", "thulium", "--sandbox", "-o", out)
	require.Equal(t, exitOK, code, stderr)
	x, sh, rows := readXLSX(t, out)
	assert.Equal(t, "Thulium clients", sh, "the sheet is named after the data, not Sheet1")
	assert.Equal(t, []string{"Thulium clients"}, x.GetSheetList())
	col := column(rows, "updated_at")
	require.GreaterOrEqual(t, col, 0, "updated_at in %v", rows[0])
	cell, err := excelize.CoordinatesToCellName(col+1, 2)
	require.NoError(t, err)
	format, typ := cellNumFmt(t, x, sh, cell)
	assert.Equal(t, "yyyy-mm-dd hh:mm:ss", format, "a date-time cell")
	assert.Equal(t, excelize.CellTypeUnset, typ, "a number (a date serial), not text")
	assert.Regexp(t, `^4\d{4}\.\d+$`, rows[1][col], "the raw value is a date serial")

	f, _ = testFactory()
	csvOut := filepath.Join(dir, "k.csv")
	code, _, stderr = execCrmport(t, f, "export", "--vendor", "thulium", "--sandbox", "-o", csvOut)
	require.Equal(t, exitOK, code, stderr)
	crows := importReadCSV(t, csvOut, ';')
	ccol := column(crows, "updated_at")
	require.GreaterOrEqual(t, ccol, 0)
	iso := regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$`)
	for _, r := range crows[1:] {
		assert.Regexp(t, iso, r[ccol])
	}
}

// TestExportWithMappingKeepsDigitsText: an export through a mapping gives
// phone, postcode and tax-id columns the text format (@), as a catalogue
// export does, so 05-500 or 0048… is never turned into a number when
// edited; its sheet is named after the data too.
func TestExportWithMappingKeepsDigitsText(t *testing.T) {
	t.Parallel()
	f, _ := testFactory()
	f.onSandbox = seedOnce("thulium", []crm.Record{{"surname": "Nowak", "phone_number": "0048601234567",
		"address.postcode": "05-500", "nip": "0123456789", "note": "tekst"}})
	out := filepath.Join(t.TempDir(), "k.xlsx")
	code, _, stderr := execCrmport(t, f, "export", "--sandbox", "-m", filepath.Join("..", "..", "samples", "thulium.yaml"), "-o", out)
	require.Equal(t, exitOK, code, stderr)
	x, sh, rows := readXLSX(t, out)
	assert.Equal(t, "Thulium clients", sh)
	require.Len(t, rows, 2)
	for _, h := range []string{"Telefon", "Kod pocztowy", "NIP"} {
		col := column(rows, h)
		require.GreaterOrEqual(t, col, 0, "%s in %v", h, rows[0])
		cell, err := excelize.CoordinatesToCellName(col+1, 2)
		require.NoError(t, err)
		format, _ := cellNumFmt(t, x, sh, cell)
		assert.Equal(t, "@", format, "%s is a text column", h)
	}
	cell, err := excelize.CoordinatesToCellName(column(rows, "Uwagi")+1, 2)
	require.NoError(t, err)
	format, _ := cellNumFmt(t, x, sh, cell)
	assert.Empty(t, format, "other columns keep the General format")
	assert.Equal(t, "05-500", rows[1][column(rows, "Kod pocztowy")])
}

// TestExportSheetNameFromMapping: a mapping that names its sheet gets an
// export with that sheet, so the file imports back with the mapping.
func TestExportSheetNameFromMapping(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte("vendor: thulium\nsource:\n  sheet: Kontakty\nfields:\n  surname: Nazwisko\n  email: E-mail\n"), 0o644))
	out := filepath.Join(dir, "k.xlsx")
	f, _ := testFactory()
	code, _, stderr := execCrmport(t, f, "export", "--sandbox", "-m", mp, "-o", out)
	require.Equal(t, exitOK, code, stderr)
	_, sh, _ := readXLSX(t, out)
	assert.Equal(t, "Kontakty", sh)
	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "import", "--sandbox", "--dry-run", "-m", mp, out)
	require.Equal(t, exitOK, code, stderr)
}

// partials lists the temporary files exports left in dir.
func partials(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".*.partial"))
	require.NoError(t, err)
	return m
}

// TestExportInterruptedLeavesNoPartial: Ctrl-C (the context cancelled)
// during an export removes its temporary file and leaves no output.
func TestExportInterruptedLeavesNoPartial(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "k.xlsx")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	f, _ := testFactory()
	var once sync.Once
	f.wrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := rt.RoundTrip(r)
			if strings.Contains(r.URL.Path, "customers") {
				once.Do(func() {
					assert.Len(t, partials(t, dir), 1, "the export writes to a temporary file")
					cancel() // Ctrl-C after the first page
				})
			}
			return resp, err
		})
	}
	code := run(ctx, f, []string{"export", "--vendor", "thulium", "--sandbox", "-o", out})
	assert.Equal(t, exitInterrupted, code)
	assert.Empty(t, partials(t, dir))
	assert.NoFileExists(t, out)
}

// TestExportKilledPartialRemovedByNextExport: a killed export (SIGKILL,
// nothing runs) leaves its temporary file; the next export of the same
// file removes it, and leaves other files alone.
func TestExportKilledPartialRemovedByNextExport(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "k.xlsx")
	other := filepath.Join(dir, ".other.xlsx.123.partial") // another output's
	require.NoError(t, os.WriteFile(other, []byte("x"), 0o644))
	cmd, stderr := startCrmport(t, nil, "export", "--vendor", "thulium", "--sandbox", "-o", out, "--rate", "30/min")
	deadline := time.Now().Add(20 * time.Second)
	for len(partials(t, dir)) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	left := partials(t, dir)
	require.Len(t, left, 2, "the killed export left its temporary file: %s", stderr.String())

	f, _ := testFactory()
	code, _, errOut := execCrmport(t, f, "export", "--vendor", "thulium", "--sandbox", "-o", out)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, []string{other}, partials(t, dir), "the stale temporary file is gone, the other output's stays")
	assert.FileExists(t, out)
}
