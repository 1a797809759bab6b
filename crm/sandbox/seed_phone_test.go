package sandbox

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Seeded clients are exported and imported back in round-trip rehearsals:
// their phone numbers must pass the same check real data does.
func TestSeededPhonesAreValid(t *testing.T) {
	for _, r := range ThuliumRecords(300) {
		s, _ := r["phone_number"].(string)
		n, err := phonenumbers.Parse(s, "PL")
		require.NoError(t, err, s)
		assert.True(t, phonenumbers.IsValidNumber(n), "%s is not a valid number", s)
	}
}
