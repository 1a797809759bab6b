package all

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVendors(t *testing.T) {
	r := Vendors()
	assert.Equal(t, []string{"baselinker", "salesman", "thulium"}, r.Names())
	for _, name := range r.Names() {
		reg, err := r.Lookup(name)
		require.NoError(t, err)
		assert.NotEmpty(t, reg.Description, name)
		assert.NotEmpty(t, reg.Title, name)
		assert.NotEmpty(t, reg.Env, name)
		assert.NotNil(t, reg.New, name)
		assert.NotEmpty(t, reg.Catalogue(), name)
	}
	_, err := r.Lookup("salesmen")
	require.Error(t, err)
	assert.Equal(t, `unknown vendor "salesmen"; did you mean "salesman"? (known: baselinker, salesman, thulium)`, err.Error())
}
