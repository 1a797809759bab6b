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

// SalesMan's phone field is labelled Телефон, so a Russian sheet's
// Телефон column found it by its label, and the Мобильный column beside
// it was left out; it joins the list now, as for Thulium and BaseLinker.
func TestMappingInitJoinsRussianMobile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "ru.csv")
	require.NoError(t, os.WriteFile(input, []byte("Компания;Телефон;Мобильный\r\n"+
		"Ромашка;+7 495 123-45-67;+7 912 884-45-55\r\nЛютик;+7 495 765-43-21;\r\n"), 0o600))
	for vendor, field := range map[string]string{"salesman": "phone", "thulium": "phone_number", "baselinker": "phone"} {
		f, _ := testFactory()
		code, out, stderr := execCrmport(t, f, "mapping", "init", "--vendor", vendor, input)
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, out, "  "+field+": {columns: [Телефон, Мобильный], transform: [phone], region: RU}", vendor)
		assert.Contains(t, stderr, "placed 3 of 3 columns", vendor)
	}
}
