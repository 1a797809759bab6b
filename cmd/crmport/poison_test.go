package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/sandbox"
	"github.com/crmport/crmport/internal/iostreams"
)

// TestImportIsolatesAPoisonousRecord is issue 6's partial batch failure
// through a real emulator: SalesMan answers every add.list that carries one
// particular record with a PHP fatal page. The importer splits the batch
// until that record is alone; every other row is created once, and the bad
// one lands in the error report with its row number and the reason.
func TestImportIsolatesAPoisonousRecord(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("Firma;Telefon\r\n")
	const rows, poisonRow = 40, 23 // spreadsheet row numbers: header is row 1
	for line := 2; line <= rows+1; line++ {
		name := fmt.Sprintf("Klient %02d Sp. z o.o.", line)
		if line == poisonRow {
			name = "Trucizna POISON Sp. z o.o."
		}
		fmt.Fprintf(&b, "%s;+48 601 234 %03d\r\n", name, line)
	}
	input := filepath.Join(dir, "klienci.csv")
	require.NoError(t, os.WriteFile(input, []byte(b.String()), 0o600))
	mpath := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mpath, []byte("vendor: salesman\nfields:\n  title: Firma\n  phone: Telefon\n"), 0o600))

	ios, _, _, errOut := iostreams.Test()
	f := fastFactory(ios, nil)
	var fake crm.Fake
	cmd := newImportCmd(f, func(o *importOptions) error {
		o.onSandbox = func(s *sandbox.Sandbox) {
			fake = s.Fakes()["salesman"]
			fake.Inject(crm.Fault{Op: "client/add.list", Match: "POISON", Code: "html", Times: 1000})
		}
		return runImport(t.Context(), o)
	})
	cmd.SetArgs([]string{"--sandbox", "-m", mpath, input, "--batch-size", "20", "-q"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	code := exitCodeFor(cmd.ExecuteContext(t.Context()), errOut, t.Context())
	require.Equal(t, exitRowsFailed, code, errOut.String())
	assert.Contains(t, errOut.String(), "39 created")
	assert.Contains(t, errOut.String(), "1 failed")

	require.NotNil(t, fake)
	titles := map[string]int{}
	for _, r := range fake.Records() {
		titles[fmt.Sprint(r["title"])]++
	}
	assert.Len(t, titles, rows-1, "every good row is in the CRM")
	for title, n := range titles {
		assert.Equal(t, 1, n, "%s created %d times", title, n)
		assert.NotContains(t, title, "POISON")
	}

	report := importReadCSV(t, filepath.Join(dir, "klienci.csv.salesman.errors.csv"), ';')
	require.Len(t, report, 2, "only the poisonous row fails")
	assert.Equal(t, []string{"Firma", "Telefon", "crmport_row", "crmport_error"}, report[0])
	assert.Equal(t, "Trucizna POISON Sp. z o.o.", report[1][0])
	assert.Equal(t, fmt.Sprint(poisonRow), report[1][2])
	assert.Contains(t, report[1][3], "error page", "the reason is given")
	t.Logf("reason: %s", report[1][3])
}
