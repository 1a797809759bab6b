package crmtest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/all"
)

// TestShippedVendors checks the registry of the vendors crmport ships
// (crm/all): each is complete, and a misspelt name is answered with the
// nearest one. It lives here, beside the suite every vendor passes, so the
// three-line crm/all needs no test binary of its own.
func TestShippedVendors(t *testing.T) {
	t.Parallel()
	r := all.Vendors()
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
