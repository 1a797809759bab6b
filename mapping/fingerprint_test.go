package mapping

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFingerprintIgnoresLayoutNotMeaning(t *testing.T) {
	fp := func(src string) string {
		m, err := Parse("m.yaml", []byte(src), vendors)
		require.NoError(t, err)
		return m.Fingerprint()
	}
	base := fp("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: {column: E-mail, transform: [trim, lower]}\n")
	assert.Equal(t, base, fp("# my mapping\nvendor: thulium\n\nfields:\n  surname: Nazwisko   # required\n  email:\n    column: E-mail\n    transform: [trim, lower]\n"),
		"comments, blank lines and the long form do not change it")
	assert.NotEqual(t, base, fp("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: {column: Email, transform: [trim, lower]}\n"), "another column")
	assert.NotEqual(t, base, fp("vendor: thulium\nfields:\n  surname: Nazwisko\n  email: {column: E-mail, transform: [trim]}\n"), "another transform")
	assert.NotEqual(t, base, fp("vendor: thulium\nkey: identifier\nfields:\n  surname: Nazwisko\n  email: {column: E-mail, transform: [trim, lower]}\n  identifier: ID\n"), "another field and key")
}
