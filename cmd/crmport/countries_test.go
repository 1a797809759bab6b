package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every ISO 3166-1 country is a country, by code or by its name in
// Polish, Russian or English (the issue's MA, TW, HK, Morocco were "not a
// country" with the old hand-written table).
func TestImportEveryCountry(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cells := map[string]string{
		"MA": "MA", "Morocco": "MA", "Maroko": "MA", "Марокко": "MA", "tw": "TW", "Tajwan": "TW",
		"HK": "HK", "Hongkong": "HK", "Гонконг": "HK", "MAR": "MA", "WYBRZEŻE KOŚCI SŁONIOWEJ": "CI",
		"Rosja": "RU", "UK": "GB", "USA": "US", "Niemcy": "DE", "Polska": "PL", "Islandia": "IS", "Nowa  Zelandia": "NZ",
	}
	var b []byte
	b = append(b, "Nazwisko;Kraj\r\n"...)
	names := map[string]string{}
	i := 0
	for cell, want := range cells {
		i++
		surname := fmt.Sprintf("Klient %02d", i)
		names[surname] = want
		b = append(b, fmt.Sprintf("%s;%s\r\n", surname, cell)...)
	}
	input := filepath.Join(dir, "kraje.csv")
	require.NoError(t, os.WriteFile(input, b, 0o600))
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  address.country: {column: Kraj, transform: [country]}\n"), 0o600))

	sb, env := startEnv(t)
	code, stdout, stderr := crmportWithEnv(t, env, "import", "--rate", "0", "--json", "-m", mp, input)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, fmt.Sprintf(`"created":%d,`, len(cells)))
	recs := sb.Fakes()["thulium"].Records()
	require.Len(t, recs, len(cells))
	for _, r := range recs {
		surname := fmt.Sprint(r["surname"])
		assert.Equal(t, names[surname], fmt.Sprint(r["address.country"]), surname)
	}
}
