package exporter

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/sheet"
)

func TestCreateFileCommitDiscardAndStalePartials(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "k.csv")
	keep := []string{".k.csv.abc.partial", ".kk.csv.123.partial", "k.csv.123.partial", ".k.csv.123.partial.bak"}
	for _, n := range append([]string{".k.csv.123.partial", ".k.csv.99887766.partial"}, keep...) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), nil, 0o644))
	}
	f, err := CreateFile(out, sheet.Options{Format: "csv"})
	require.NoError(t, err)
	names := func() []string {
		ents, err := os.ReadDir(dir)
		require.NoError(t, err)
		var out []string
		for _, e := range ents {
			out = append(out, e.Name())
		}
		return out
	}
	got := names()
	for _, n := range keep {
		assert.Contains(t, got, n, "not a stale file of this output")
	}
	assert.NotContains(t, got, ".k.csv.123.partial")
	assert.NotContains(t, got, ".k.csv.99887766.partial")
	assert.Len(t, got, len(keep)+1, "the stale ones gone, this export's own added: %v", got)

	require.NoError(t, f.WriteHeader([]sheet.Column{{Name: "a"}}))
	f.Discard()
	assert.Len(t, names(), len(keep), "Discard removes the temporary file")
	assert.NoFileExists(t, out)

	f, err = CreateFile(out, sheet.Options{Format: "csv"})
	require.NoError(t, err)
	require.NoError(t, f.WriteHeader([]sheet.Column{{Name: "a"}}))
	require.NoError(t, f.Commit())
	f.Discard() // deferred after a Commit: nothing
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "a\r\n", string(data))
	assert.Len(t, names(), len(keep)+1)
}

func TestSheetName(t *testing.T) {
	assert.Equal(t, "SalesMan clients", SheetName("SalesMan", ""))
	assert.Equal(t, "Kontakty", SheetName("SalesMan", "Kontakty"))
	assert.Equal(t, "a b c", sheet.CleanSheetName("a/b:c"))
	assert.Equal(t, "1234567890123456789012345678901", sheet.CleanSheetName("12345678901234567890123456789012345"))
}
