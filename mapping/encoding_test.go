package mapping_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/all"
	"github.com/crmport/crmport/mapping"
)

// source.encoding accepts exactly the encodings the sheet package reads:
// Western, Baltic and Mac encodings too, and nothing it would refuse later.
func TestSourceEncodingNames(t *testing.T) {
	for _, enc := range []string{"auto", "utf-8", "windows-1250", "windows-1252", "ISO-8859-15", "latin1", "windows-1257", "macintosh", "cp866", "koi8-r"} {
		m, err := mapping.Parse("m.yaml", []byte("vendor: thulium\nsource:\n  encoding: "+enc+"\nfields:\n  surname: A\n"), all.Vendors())
		require.NoError(t, err, enc)
		_ = m.SheetOptions()
	}
	_, err := mapping.Parse("m.yaml", []byte("vendor: thulium\nsource:\n  encoding: shift_jis\nfields:\n  surname: A\n"), all.Vendors())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `m.yaml:3:13: unknown encoding "shift_jis"`)
	assert.Contains(t, err.Error(), "windows-1257")
}
