package importer

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUndoPaths(t *testing.T) {
	dir := filepath.Join("a", "b")
	j, uj, ur, err := UndoPaths(filepath.Join(dir, "kontakty.xlsx.thulium.done.xlsx"))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "kontakty.xlsx.thulium.journal"), j)
	assert.Equal(t, filepath.Join(dir, "kontakty.xlsx.thulium.undo.journal"), uj)
	assert.Equal(t, filepath.Join(dir, "kontakty.xlsx.thulium.undo.xlsx"), ur)
	assert.Equal(t, filepath.Join(dir, "kontakty.xlsx.thulium.lock"), undoLockPath(filepath.Join(dir, "kontakty.xlsx.thulium.done.xlsx")))

	// The copies a restart kept.
	j, uj, ur, err = UndoPaths("k.csv.baselinker.done.2.csv")
	require.NoError(t, err)
	assert.Equal(t, "k.csv.baselinker.2.journal", j)
	assert.Equal(t, "k.csv.baselinker.undo.2.journal", uj)
	assert.Equal(t, "k.csv.baselinker.undo.2.csv", ur)
	assert.Equal(t, "k.csv.baselinker.lock", undoLockPath("k.csv.baselinker.done.2.csv"))

	for _, bad := range []string{"k.csv", "k.csv.thulium.errors.csv", "k.csv.thulium.done.ods"} {
		_, _, _, err = UndoPaths(bad)
		assert.ErrorContains(t, err, "is not a done report", bad)
	}
}
