package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
)

// An upsert compares phone numbers as numbers: the number the CRM stores
// in its national format is unchanged; another country's number that ends
// in the same digits (the same for the old suffix guessing) is updated.
func TestImportUpsertComparesPhoneNumbers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	input := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(input, []byte("Nazwisko;E-mail;Telefon\r\n"+
		"Iwanow;iwanow@firma.ru;+7 495 100 44 47\r\n"+
		"Nowak;nowak@firma.pl;+48 601 234 567\r\n"), 0o600))
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte("vendor: thulium\nkey: email\nfields:\n  surname: Nazwisko\n  email: E-mail\n  phone_number: Telefon\n"), 0o600))

	sb, env := startEnv(t)
	fake := sb.Fakes()["thulium"]
	fake.Seed([]crm.Record{
		{"surname": "Iwanow", "email": "iwanow@firma.ru", "phone_number": "8 (495) 100-44-47"},
		{"surname": "Nowak", "email": "nowak@firma.pl", "phone_number": "+1 48601234567"},
	})
	code, stdout, stderr := crmportWithEnv(t, env, "import", "--rate", "0", "--json", "--mode", "upsert", "-m", mp, input)
	require.Equal(t, exitOK, code, stderr)
	var sum importJSON
	require.NoError(t, json.Unmarshal([]byte(stdout), &sum), stdout)
	assert.Equal(t, 1, sum.Unchanged, "the same number in the CRM's format:\n%s", stderr)
	assert.Equal(t, 1, sum.Updated, "another number:\n%s", stderr)
	assert.Zero(t, sum.Created)
	for _, r := range fake.Records() {
		if r["surname"] == "Nowak" {
			// as written in the file: the mapping has no `transform: [phone]`
			assert.Equal(t, "+48 601 234 567", fmt.Sprint(r["phone_number"]))
		}
	}
}
