package mapping_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm"
	"github.com/crmport/crmport/crm/all"
	"github.com/crmport/crmport/mapping"
)

// A mapping saved by Notepad as "ANSI" (Windows-1250) is refused with the
// line and how to save it as UTF-8, by import and mapping check alike.
func TestMappingNotUTF8(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.yaml")
	require.NoError(t, os.WriteFile(path, []byte("vendor: thulium\nfields:\n  surname: Nazwisko\n  city: Miejscowo\xb6\xe6\n"), 0o644))
	for _, load := range []func(string, *crm.Registry) (*mapping.Mapping, error){mapping.Load, mapping.LoadPartial} {
		_, err := load(path, all.Vendors())
		require.Error(t, err)
		assert.Contains(t, err.Error(), path+":4: the mapping file is not saved as UTF-8")
		assert.Contains(t, err.Error(), "Encoding to UTF-8")
	}
	require.NoError(t, os.WriteFile(path, []byte("\xef\xbb\xbfvendor: thulium\nfields:\n  city: Miejscowość\n"), 0o644))
	_, err := mapping.Load(path, all.Vendors())
	require.NoError(t, err, "UTF-8 with a BOM, as Notepad's UTF-8 writes it, is fine")
}
