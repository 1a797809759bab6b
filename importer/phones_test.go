package importer

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmport/crmport/crm"
)

// Phone numbers are compared as numbers (E.164, libphonenumber's rules),
// not by digit and suffix guessing: the same number written the way the
// CRM writes it is unchanged, a different number ending in the same digits
// is a change.
func TestSameValuesComparesPhoneNumbers(t *testing.T) {
	types := map[string]crm.FieldType{"tel": crm.TypePhone}
	tests := []struct {
		name, region string
		field        string
		ours, stored any
		same         bool
	}{
		{"national format in the field's region", "RU", "tel", "+74951004447", "8 (495) 100-44-47", true},
		{"national format, region from our number", "PL", "tel", "+74951004447", "8 (495) 100-44-47", true},
		{"country code without +", "PL", "tel", "+48600000001", "48600000001", true},
		{"00 prefix", "PL", "phone", "0048601234567", "+48 601 234 567", true},
		{"german trunk 0", "DE", "tel", "+49301234567", "030 1234567", true},
		{"uk", "GB", "tel", "+442079460958", "020 7946 0958", true},
		{"list, other order", "PL", "tel", []string{"+48601234567", "+48221234567"}, "22 123 45 67, 601 234 567", true},
		// The old suffix rule took these for the same number.
		{"another country's number ending alike", "PL", "tel", "+48601234567", "+1 48601234567", false},
		{"a Polish number is not a Ukrainian one", "PL", "tel", "+380601234567", "601 234 567", false},
		{"other number", "PL", "tel", "+48601234567", "+48 601 234 568", false},
		// Not a valid number: compared by its digits only.
		{"invalid, same digits", "PL", "tel", "12-34", "1234", true},
		{"invalid, other digits", "PL", "tel", "12-34", "1235", false},
		{"untyped phone-like field", "PL", "mobile", "+48 601 234 567", "601-234-567", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			region := func(string) string { return tt.region }
			got := sameValues(crm.Record{tt.field: tt.ours}, crm.Record{tt.field: tt.stored}, nil, nil, types, region)
			assert.Equal(t, tt.same, got)
		})
	}
	// Without a region only numbers with a country code are read as numbers.
	assert.False(t, sameValues(crm.Record{"tel": "+48601234567"}, crm.Record{"tel": "7 601 234 567"}, nil, nil, types, nil))
	assert.True(t, sameValues(crm.Record{"tel": "+48601234567"}, crm.Record{"tel": "601 234 567"}, nil, nil, types, nil),
		"a number the CRM stores without a country code is read in the country of ours")
}
