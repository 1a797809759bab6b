package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/all"
	"github.com/crmport/crmport/crm/crmtest/memvendor"
)

// TestFourthVendorThroughTheCLI proves the crm package doc's checklist
// through the command itself: memvendor, registered beside the shipped
// vendors as one more line of crm/all would, goes through mapping init,
// mapping check, a dry run and an import against its fake with no change
// to cmd, mapping or importer.
func TestFourthVendorThroughTheCLI(t *testing.T) {
	t.Parallel()
	fake := memvendor.NewFake()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	env := map[string]string{memvendor.EnvURL: srv.URL, memvendor.EnvToken: memvendor.Token}
	newFactory := func() *factory {
		f, _ := testFactory()
		f.Getenv = func(k string) string { return env[k] }
		f.Vendors = all.Vendors()
		f.Vendors.Register(memvendor.Registration())
		return f
	}

	dir := t.TempDir()
	input := filepath.Join(dir, "klienci.csv")
	require.NoError(t, os.WriteFile(input, []byte(memvendor.SampleCSV), 0o644))

	code, out, stderr := execCrmport(t, newFactory(), "mapping", "init", "--vendor", "memvendor", input)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "placed 5 of 5 columns")
	assert.Contains(t, out, "vendor: memvendor\n")
	mp := filepath.Join(dir, "memvendor.yaml")
	require.NoError(t, os.WriteFile(mp, []byte(out), 0o644))

	code, out, stderr = execCrmport(t, newFactory(), "mapping", "check", "-m", mp, input)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out+stderr, "maps 5 MemVendor fields")

	code, _, stderr = execCrmport(t, newFactory(), "import", "--dry-run", "-m", mp, input)
	assert.Equal(t, exitRowsFailed, code, stderr)
	assert.Contains(t, stderr, "Dry run of klienci.csv for MemVendor")
	assert.Empty(t, fake.Records(), "a dry run sends nothing")

	code, _, stderr = execCrmport(t, newFactory(), "import", "-m", mp, input)
	assert.Equal(t, exitRowsFailed, code, stderr)
	assert.Contains(t, stderr, "Imported klienci.csv into MemVendor")
	recs := fake.Records()
	require.Len(t, recs, 2, stderr)
	assert.Equal(t, "Acme sp. z o.o.", recs[0]["name"])
	errs, err := os.ReadFile(filepath.Join(dir, "klienci.csv.memvendor.errors.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(errs), "MemVendor cannot store (emoji): 🌸")
}
