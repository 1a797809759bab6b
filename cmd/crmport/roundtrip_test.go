package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/crmport/crmport/crm/sandbox"
)

// TestExportEditImportRoundTrip is issue 7's round trip: an exported file,
// edited in Excel, imports back with the same mapping as an upsert keyed by
// the vendor id; the rows nobody touched come back unchanged.
func TestExportEditImportRoundTrip(t *testing.T) {
	t.Parallel()
	const clients = 12
	tests := []struct {
		vendor, mapping, column, value, field string
	}{
		{"thulium", `vendor: thulium
key: customer_id
fields:
  customer_id: ID
  surname: Nazwisko
  name: Imię
  email: {column: E-mail, transform: [trim, lower, email]}
  phone_number: {column: Telefon, transform: [phone], region: PL}
  address.city: Miasto
`, "Miasto", "Zielona Góra", "address.city"},
		{"salesman", `vendor: salesman
key: clid
fields:
  clid: ID
  title: Firma
  phone: {column: Telefon, split: ","}
  mail_url: E-mail
  address: Adres
`, "Adres", "ул. Новая 1, Казань", "address"},
		{"baselinker", `vendor: baselinker
key: crm_client_id
fields:
  crm_client_id: ID
  invoice_company: Firma
  email: E-mail
  phone: Telefon
  invoice_postcode: Kod
  invoice_city: Miasto
`, "Kod", "00-950", "invoice_postcode"},
	}
	for _, tt := range tests {
		t.Run(tt.vendor, func(t *testing.T) {
			sb, env := startEnv(t, sandbox.Options{Seed: clients})
			dir := t.TempDir()
			mpath := filepath.Join(dir, "m.yaml")
			require.NoError(t, os.WriteFile(mpath, []byte(tt.mapping), 0o600))
			out := filepath.Join(dir, "klienci.xlsx")

			code, _, stderr := crmportWithEnv(t, env, "export", "-m", mpath, "-o", out)
			require.Equal(t, exitOK, code, stderr)

			// A person edits one cell in Excel and saves.
			x, err := excelize.OpenFile(out)
			require.NoError(t, err)
			sheetName := x.GetSheetName(0)
			rows, err := x.GetRows(sheetName)
			require.NoError(t, err)
			require.Len(t, rows, clients+1)
			col := column(rows, tt.column)
			require.GreaterOrEqual(t, col, 0)
			editedID := rows[2][column(rows, "ID")]
			cell, err := excelize.CoordinatesToCellName(col+1, 3)
			require.NoError(t, err)
			require.NoError(t, x.SetCellStr(sheetName, cell, tt.value))
			require.NoError(t, x.Save())
			require.NoError(t, x.Close())

			code, stdout, stderr := crmportWithEnv(t, env, "import", "-m", mpath, out, "--mode", "upsert", "--json", "--report-dir", dir)
			require.Equal(t, exitOK, code, stderr)
			var sum importJSON
			require.NoError(t, json.Unmarshal([]byte(stdout), &sum), stdout)
			assert.Equal(t, clients, sum.Rows)
			assert.Equal(t, 1, sum.Updated, "the edited row is updated")
			assert.Equal(t, clients-1, sum.Unchanged, "rows nobody touched come back unchanged")
			assert.Zero(t, sum.Created+sum.Failed, stderr)

			var found bool
			for _, r := range sb.Fakes()[tt.vendor].Records() {
				if fmt.Sprint(r[map[string]string{"thulium": "customer_id", "salesman": "clid", "baselinker": "crm_client_id"}[tt.vendor]]) == editedID {
					found = true
					assert.Equal(t, tt.value, fmt.Sprint(r[tt.field]))
				}
			}
			assert.True(t, found, "client %s still in the CRM", editedID)
			assert.Len(t, sb.Fakes()[tt.vendor].Records(), clients, "an upsert of exported rows creates nobody")
		})
	}
}

// The same round trip through a CSV for Excel (BOM, ';'): phone numbers
// starting with + are written with a protecting apostrophe and must come
// back as the CRM holds them.
func TestExportImportRoundTripCSV(t *testing.T) {
	t.Parallel()
	sb, env := startEnv(t, sandbox.Options{Seed: 15})
	dir := t.TempDir()
	mpath := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mpath, []byte(`vendor: thulium
key: customer_id
fields:
  customer_id: ID
  surname: Nazwisko
  phone_number: Telefon
  note: Uwagi
`), 0o600))
	out := filepath.Join(dir, "k.csv")
	code, _, stderr := crmportWithEnv(t, env, "export", "-m", mpath, "-o", out, "--bom", "--delimiter", ";")
	require.Equal(t, exitOK, code, stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Contains(t, string(data), ";'+48", "phones are protected from formula injection in the file")

	code, stdout, stderr := crmportWithEnv(t, env, "import", "-m", mpath, out, "--mode", "upsert", "--json", "--report-dir", dir)
	require.Equal(t, exitOK, code, stderr)
	var sum importJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum), stdout)
	assert.Equal(t, 15, sum.Unchanged, "nothing changed, so nothing is sent: %s", stderr)
	for _, r := range sb.Fakes()["thulium"].Records() {
		assert.NotContains(t, fmt.Sprint(r["phone_number"]), "'")
	}
}

// A field fed by several columns (`columns:` + `join:`) exports to all of
// them and imports back as it was.
func TestRoundTripJoinedColumns(t *testing.T) {
	t.Parallel()
	sb, env := startEnv(t)
	require.Empty(t, sb.Fakes()["salesman"].Records())
	sb.Fakes()["salesman"].Seed(sandbox.SalesManRecords(8))
	dir := t.TempDir()
	mpath := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mpath, []byte(`vendor: salesman
key: clid
fields:
  clid: ID
  title: Firma
  address: {columns: [Miasto, Ulica], join: ", "}
`), 0o600))
	out := filepath.Join(dir, "k.xlsx")
	code, _, stderr := crmportWithEnv(t, env, "export", "-m", mpath, "-o", out)
	require.Equal(t, exitOK, code, stderr)
	_, _, rows := readXLSX(t, out)
	require.Equal(t, []string{"ID", "Firma", "Miasto", "Ulica"}, rows[0])
	for _, r := range rows[1:] {
		assert.Regexp(t, `^[0-9-]+ \pL`, r[2], "postcode and city: the part before the join separator")
		assert.Regexp(t, `^(ul|ул)\. `, r[3], "the street: the part after it")
	}

	code, stdout, stderr := crmportWithEnv(t, env, "import", "-m", mpath, out, "--mode", "upsert", "--json", "--report-dir", dir)
	require.Equal(t, exitOK, code, stderr)
	var sum importJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum), stdout)
	assert.Equal(t, 8, sum.Unchanged, stderr)
}
