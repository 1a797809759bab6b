package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crmport/crmport/crm/all"
	"github.com/crmport/crmport/mapping"
)

// Every mapping file the README shows parses, checks against the CRM's
// fields and binds to the columns it names: the examples cannot rot.
func TestREADMEMappingExamples(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	vendors := all.Vendors()
	blocks := strings.Split(string(data), "```yaml\n")[1:]
	require.GreaterOrEqual(t, len(blocks), 2, "the README's mapping examples")
	for i, b := range blocks {
		y := b[:strings.Index(b, "```")]
		m, err := mapping.Parse("README example", []byte(y), vendors)
		require.NoError(t, err, "example %d:\n%s", i+1, y)
		reg, err := vendors.Lookup(m.Vendor)
		require.NoError(t, err)
		_, err = m.Bind(m.Headers(), reg.Catalogue(), mapping.ApplyOptions{})
		require.NoError(t, err, "example %d:\n%s", i+1, y)
	}
}
