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
// "they added nothing"; and undo kept the client as edited since.
func TestMergeAddsToListFields(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ vendor, mapping, field string }{
		{"salesman", "vendor: salesman\nfields:\n  title: Firma\n  mail_url: E-mail\n  phone: {columns: [Telefon, Komórka], transform: [phone], region: PL}\n", "phone"},
		{"thulium", "vendor: thulium\nfields:\n  surname: Firma\n  email: E-mail\n  phone_number: {columns: [Telefon, Komórka], transform: [phone], region: PL}\n", "phone_number"},
	} {
		t.Run(tt.vendor, func(t *testing.T) {
			t.Parallel()
			dir, input, mp := zolcFiles(t, tt.mapping)
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

			// Undo compares the client with what the import sent, the
			// merged row's values included: it is deleted, not kept as
			// "edited since the import".
			code, _, stderr = crmportWithEnv(t, env, "undo", "--yes", filepath.Join(dir, "k.csv."+tt.vendor+".done.csv"))
			require.Equal(t, exitOK, code, stderr)
			assert.Zero(t, sb.Fakes()[tt.vendor].Len())
		})
	}
}

// The error report of a later row of a client advises --duplicates merge
// "to fill row 2's empty cells from it"; running the same command with it
// does so: the client the first run created gets the later row's mobile
// (an update: no second client), the row is "merged", and the first row
// stays "created", so undo still deletes the client.
func TestDuplicateAdviceMergeDoesWhatItSays(t *testing.T) {
	t.Parallel()
	dir, input, mp := zolcFiles(t, "vendor: thulium\nfields:\n  surname: Firma\n  email: E-mail\n  phone_number: {columns: [Telefon, Komórka], transform: [phone], region: PL}\n")
	sb, env := startEnv(t)
	args := []string{"import", "--rate", "0", "-m", mp, input}
	code, _, stderr := crmportWithEnv(t, env, args...)
	require.Equal(t, exitRowsFailed, code, stderr)
	errs, err := os.ReadFile(filepath.Join(dir, "k.csv.thulium.errors.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(errs), "import with --duplicates merge to fill row 2's empty cells from it")

	code, _, stderr = crmportWithEnv(t, env, append(args, "--duplicates", "merge")...)
	require.Equal(t, exitOK, code, stderr)
	recs := sb.Fakes()["thulium"].Records()
	require.Len(t, recs, 1, "no second client")
	assert.Equal(t, []string{"+48225550019", "+48601000019"}, recs[0]["phone_number"])
	done, err := os.ReadFile(filepath.Join(dir, "k.csv.thulium.done.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(done), "2;created;1;merged row 3: took phone_number +48601000019 from row 3 (added to its client by an update);")
	assert.Contains(t, string(done), "3;merged;")

	// The client is still the import's own: undo deletes it.
	code, _, stderr = crmportWithEnv(t, env, "undo", "--yes", filepath.Join(dir, "k.csv.thulium.done.csv"))
	require.Equal(t, exitOK, code, stderr)
	assert.Zero(t, sb.Fakes()["thulium"].Len())
}

// zolcFiles writes k.csv, one client in two rows (the second with a mobile
// the first lacks), and the mapping m.yaml into a new folder.
func zolcFiles(t *testing.T, mapping string) (dir, input, mp string) {
	t.Helper()
	dir = t.TempDir()
	input = filepath.Join(dir, "k.csv")
	require.NoError(t, os.WriteFile(input, []byte("Firma;E-mail;Telefon;Komórka\r\n"+
		"Żółć sp. z o.o.;biuro@zolc.pl;+48 22 555 00 19;\r\n"+
		"Żółć;BIURO@zolc.pl;22 555 00 19;601 000 019\r\n"), 0o600))
	mp = filepath.Join(dir, "m.yaml")
	require.NoError(t, os.WriteFile(mp, []byte(mapping), 0o600))
	return dir, input, mp
}
