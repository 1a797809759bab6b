package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// importCounts is the part of `import --json` these tests read.
type importCounts struct {
	Rows      int `json:"rows"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
}

// Two phone columns into one multi-valued field (issue 14, item 1): both
// numbers are stored, as an array where the vendor takes one (Thulium),
// exported back into the same two columns, and the exported file imports
// back with --mode upsert as unchanged.
func TestTwoPhoneColumnsIntoOneFieldRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		vendor, mapping, field string
		stored                 any // Kowalski's phones as the CRM keeps them
	}{
		{"thulium", "vendor: thulium\nkey: email\nfields:\n  surname: Nazwisko\n  email: E-mail\n  phone_number: {columns: [Telefon, Komórka]}\n",
			"phone_number", []string{"+48 22 555 0019", "+48 601 000019"}},
		{"salesman", "vendor: salesman\nkey: uid\nfields:\n  uid: ID\n  title: Nazwisko\n  mail_url: E-mail\n  phone: {columns: [Telefon, Komórka], join: \",\"}\n",
			"phone", "+48 22 555 0019,+48 601 000019"},
		{"baselinker", "vendor: baselinker\nkey: email\nfields:\n  invoice_fullname: Nazwisko\n  email: E-mail\n  phone: {columns: [Telefon, Komórka]}\n",
			"phone", "+48 22 555 0019, +48 601 000019"},
	}
	for _, tt := range tests {
		t.Run(tt.vendor, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			input := filepath.Join(dir, "k.csv")
			require.NoError(t, os.WriteFile(input, []byte("ID;Nazwisko;E-mail;Telefon;Komórka\r\n"+
				"K-1;Kowalski;jan@firma.pl;+48 22 555 0019;+48 601 000019\r\n"+
				"K-2;Nowak;ola@firma.pl;;+48 601 000020\r\n"), 0o600))
			mp := filepath.Join(dir, "m.yaml")
			require.NoError(t, os.WriteFile(mp, []byte(tt.mapping), 0o600))
			sb, env := startEnv(t)
			importFile := func(file string, args ...string) importCounts {
				t.Helper()
				code, stdout, stderr := crmportWithEnv(t, env, append([]string{"import", "--rate", "0", "--json", "--report-dir", dir, "-m", mp, file}, args...)...)
				require.Equal(t, exitOK, code, stderr)
				var c importCounts
				require.NoError(t, json.Unmarshal([]byte(stdout), &c), stdout)
				return c
			}

			c := importFile(input)
			require.Equal(t, 2, c.Created, "%+v", c)
			var kowalski map[string]any
			for _, r := range sb.Fakes()[tt.vendor].Records() {
				for _, v := range r {
					if s, ok := v.(string); ok && strings.Contains(s, "Kowalski") {
						kowalski = r
					}
				}
			}
			require.NotNil(t, kowalski, "Kowalski stored")
			assert.Equal(t, tt.stored, kowalski[tt.field], "both numbers stored, as %s keeps several", tt.vendor)

			out := filepath.Join(dir, "export.csv")
			code, _, stderr := crmportWithEnv(t, env, "export", "-m", mp, "-o", out, "--delimiter", ";")
			require.Equal(t, exitOK, code, stderr)
			data, err := os.ReadFile(out)
			require.NoError(t, err)
			assert.Contains(t, string(data), "Telefon;Komórka", "the same two columns")
			assert.Contains(t, string(data), "+48 22 555 0019;'+48 601 000019", "one number per column")

			c = importFile(out, "--mode", "upsert")
			assert.Equal(t, importCounts{Rows: 2, Unchanged: 2}, c, "the exported file imports back unchanged")
		})
	}
}

// `mapping init` joins the columns a person joins (issue 14, item 3): the
// parts of an address into SalesMan's address, two phone columns into its
// phone list; the tax id never becomes uid. The mapping it writes checks
// clean against the same file and imports on the sandbox.
func TestMappingInitJoinsColumns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(input, []byte("Nr klienta;Firma;VAT ID;Ulica;Kod pocztowy;Miasto;Telefon;Komórka\r\n"+
		"K-1;Żółć sp. z o.o.;5250001233;ul. Długa 5;00-950;Warszawa;22 555 00 19;601 000 019\r\n"+
		"K-2;Beta SA;6762461659;ul. Krótka 1;31-827;Kraków;12 421 55 80;\r\n"), 0o600))
	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "mapping", "init", "--vendor", "salesman", input)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "key: uid  #")
	assert.Contains(t, out, "  uid: Nr klienta")
	assert.Contains(t, out, "  recv.castInn: {column: VAT ID, transform: [digits]}")
	assert.Contains(t, out, `  address: {columns: [Ulica, Kod pocztowy, Miasto], join: ", "}`)
	assert.Contains(t, out, "  phone: {columns: [Telefon, Komórka], transform: [phone], region: PL}")
	assert.Contains(t, stderr, "placed 8 of 8 columns")

	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte(out), 0o600))
	f, _ = testFactory()
	code, _, stderr = execCrmport(t, f, "mapping", "check", "-m", mp, input)
	require.Equal(t, exitOK, code, stderr)

	sb, env := startEnv(t)
	code, _, stderr = crmportWithEnv(t, env, "import", "--rate", "0", "--report-dir", dir, "-m", mp, input)
	require.Equal(t, exitOK, code, stderr)
	var found bool
	for _, r := range sb.Fakes()["salesman"].Records() {
		if r["uid"] == "K-1" {
			found = true
			assert.Equal(t, "ul. Długa 5, 00-950, Warszawa", r["address"])
			assert.Equal(t, "+48225550019,+48601000019", r["phone"])
		}
	}
	assert.True(t, found, "K-1 stored")
}
