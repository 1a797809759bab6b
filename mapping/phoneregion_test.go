package mapping

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The importer compares an upsert's phone numbers in the region the
// mapping reads them with.
func TestBindingPhoneRegion(t *testing.T) {
	m, err := Parse("m.yaml", []byte("vendor: salesman\nfields:\n  title: Firma\n  phone: {column: Telefon, region: ua}\n  fax: Faks\n"), vendors)
	require.NoError(t, err)
	header := []string{"Firma", "Telefon", "Faks"}
	b, err := m.Bind(header, salesmanFields(), ApplyOptions{})
	require.NoError(t, err)
	assert.Equal(t, "UA", b.PhoneRegion("phone"), "the field's region")
	assert.Equal(t, "PL", b.PhoneRegion("fax"), "the default")
	assert.Equal(t, "PL", b.PhoneRegion("not_mapped"))
	b, err = m.Bind(header, salesmanFields(), ApplyOptions{Region: "ru"})
	require.NoError(t, err)
	assert.Equal(t, "UA", b.PhoneRegion("phone"))
	assert.Equal(t, "RU", b.PhoneRegion("fax"), "the run's region")
	assert.Equal(t, "RU", b.PhoneRegion("not_mapped"))
}
