package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mapping init reads the phone region from numbers written with a country
// code before the headers' language: a Polish-headed sheet of British
// numbers gets region GB (it got PL), and the mapping then checks and
// imports them as British numbers.
func TestMappingInitRegionFromCountryCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "uk.csv")
	require.NoError(t, os.WriteFile(input, []byte("Firma;Telefon\r\n"+
		"Alfa Ltd;+44 20 7946 0018\r\nBeta Ltd;+44 161 496 0000\r\nGamma Ltd;020 7946 0019\r\n"), 0o600))
	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "mapping", "init", "--vendor", "salesman", input)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "phone: {column: Telefon, transform: [phone], region: GB}")

	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte(out), 0o600))
	sb, env := startEnv(t)
	code, _, stderr = crmportWithEnv(t, env, "import", "--rate", "0", "--report-dir", dir, "-m", mp, input)
	require.Equal(t, exitOK, code, stderr)
	var phones []any
	for _, r := range sb.Fakes()["salesman"].Records() {
		phones = append(phones, r["phone"])
	}
	assert.ElementsMatch(t, []any{"+442079460018", "+441614960000", "+442079460019"}, phones, "the number without a code read as British")
}
