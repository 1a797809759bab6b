package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --duplicates merge adds a later row's numbers to the first row's phone
// list, for every vendor whose phone field is a list: the same number
// written another way is not added twice, and the done report says what
// was taken. Before, the mobile of row 3 was dropped and the note said
// "they added nothing".
func TestMergeAddsToListFields(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ vendor, mapping, field string }{
		{"salesman", "vendor: salesman\nfields:\n  title: Firma\n  mail_url: E-mail\n  phone: {columns: [Telefon, Komórka], transform: [phone], region: PL}\n", "phone"},
		{"thulium", "vendor: thulium\nfields:\n  surname: Firma\n  email: E-mail\n  phone_number: {columns: [Telefon, Komórka], transform: [phone], region: PL}\n", "phone_number"},
	} {
		t.Run(tt.vendor, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			input := filepath.Join(dir, "k.csv")
			require.NoError(t, os.WriteFile(input, []byte("Firma;E-mail;Telefon;Komórka\r\n"+
				"Żółć sp. z o.o.;biuro@zolc.pl;+48 22 555 00 19;\r\n"+
				"Żółć;BIURO@zolc.pl;22 555 00 19;601 000 019\r\n"), 0o600))
			mp := filepath.Join(dir, "m.yaml")
			require.NoError(t, os.WriteFile(mp, []byte(tt.mapping), 0o600))
			sb, env := startEnv(t)
			code, _, stderr := crmportWithEnv(t, env, "import", "--rate", "0", "--duplicates", "merge", "--report-dir", dir, "-m", mp, input)
			require.Equal(t, exitOK, code, stderr)
			recs := sb.Fakes()[tt.vendor].Records()
			require.Len(t, recs, 1)
			got := recs[0][tt.field]
			if s, ok := got.(string); ok {
				assert.Equal(t, "+48225550019,+48601000019", s)
			} else {
				assert.ElementsMatch(t, []any{"+48225550019", "+48601000019"}, got)
			}
			done, err := os.ReadFile(filepath.Join(dir, "k.csv."+tt.vendor+".done.csv"))
			require.NoError(t, err)
			assert.Contains(t, string(done), "merged row 3: took "+tt.field+" +48601000019 from row 3")
			assert.NotContains(t, string(done), "added nothing")
		})
	}
}
