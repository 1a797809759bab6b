package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/sandbox"
)

// The phones' region comes from the same evidence in mapping check and in
// the import: here the other numbers of the column are Russian (+7), so a
// local "8 (912) …" is read as Russian although Thulium's home market is
// Poland.
func TestImportTakesThePhoneRegionFromTheColumnAsCheckDoes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(in, []byte("Nazwisko;Telefon\nIvanov;+7 912 000-00-01\nPetrov;+7 912 000-00-02\nSidorov;8 (912) 884-45-55\n"), 0o644))
	mp := filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  phone_number: {column: Telefon, transform: [phone]}\n"), 0o644))

	f, _ := testFactory()
	code, out, stderr := execCrmport(t, f, "mapping", "check", "-m", mp, in)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out+stderr, "RU")

	r := runImportCmd(t.Context(), t, "thulium", sandbox.Options{}, "--sandbox", "--rate", "0", "-m", mp, in)
	require.Equal(t, exitOK, r.code, r.errOut)
	found := false
	for _, rec := range r.fake.Records() {
		if rec["surname"] == "Sidorov" {
			found = true
			assert.Contains(t, strings.ReplaceAll(fmtAny(rec["phone_number"]), " ", ""), "+79128844555", "read as a Russian number")
		}
	}
	assert.True(t, found)
}

func fmtAny(v any) string {
	switch v := v.(type) {
	case []any:
		var parts []string
		for _, x := range v {
			parts = append(parts, fmtAny(x))
		}
		return strings.Join(parts, ",")
	case []string:
		return strings.Join(v, ",")
	case string:
		return v
	}
	return ""
}
